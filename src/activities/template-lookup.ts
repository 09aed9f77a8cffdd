// Finds the template to send: the patient's locale, then its language, then the clinic's
// default locale, then English; a WhatsApp message falls back to the SMS text. A kind the clinic
// has no template for at all (one added to ARO after the clinic was set up) uses ARO's own text.
import type { Db } from '../db/prisma';
import { defaultTemplates } from '../domain/default-templates';
import type { Channel } from '../workflows/contracts';

export interface TemplateQuery {
  tenantId: string;
  kind: string;
  locale: string;
  channel: Channel;
  tenantLocale: string;
}

export function localeFallbacks(locale: string, tenantLocale: string): string[] {
  const chain = [locale, locale.split('-')[0], tenantLocale, tenantLocale.split('-')[0], 'en'];
  return [...new Set(chain)];
}

export async function findTemplate(db: Db, q: TemplateQuery) {
  const locales = localeFallbacks(q.locale, q.tenantLocale);
  const channels: Channel[] = q.channel === 'sms' ? ['sms'] : [q.channel, 'sms'];
  const candidates = await db.template.findMany({
    where: { tenantId: q.tenantId, kind: q.kind, locale: { in: locales }, channel: { in: channels } },
  });
  const found = firstByPreference(candidates, channels, locales);
  if (found || candidates.length > 0) return found;
  const builtIn = defaultTemplates()
    .filter((t) => t.kind === q.kind)
    .map((t) => ({ ...t, contentSid: null, contentVariables: null }));
  return firstByPreference(builtIn, channels, locales);
}

function firstByPreference<T extends { locale: string; channel: string }>(candidates: T[], channels: Channel[], locales: string[]): T | null {
  for (const channel of channels) {
    for (const locale of locales) {
      const hit = candidates.find((t) => t.locale === locale && t.channel === channel);
      if (hit) return hit;
    }
  }
  return null;
}
