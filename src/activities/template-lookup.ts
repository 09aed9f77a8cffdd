// Finds the template to send: the patient's locale, then its language, then the clinic's
// default locale, then English; a WhatsApp message falls back to the SMS text. A kind the clinic
// has no template for at all (one added to ARO after the clinic was set up) uses ARO's own text.
import type { Db } from '../db/prisma';
import { defaultTemplates } from '../domain/default-templates';
import type { Template } from '../generated/prisma/client';
import type { Channel } from '../workflows/contracts';

export interface TemplateQuery {
  tenantId: string;
  kind: string;
  locale: string;
  channel: Channel;
  tenantLocale: string;
}

/** What a send needs of a template, stored or ARO's own. */
export type SendableTemplate = Pick<Template, 'kind' | 'locale' | 'channel' | 'body' | 'contentSid' | 'contentVariables'>;

export function localeFallbacks(locale: string, tenantLocale: string): string[] {
  const chain = [locale, locale.split('-')[0], tenantLocale, tenantLocale.split('-')[0], 'en'];
  return [...new Set(chain)];
}

/** Every stored template of one kind for the tenant, in all locales and channels: what chooseTemplate picks from. */
export function templatesOfKind(db: Db, tenantId: string, kind: string): Promise<SendableTemplate[]> {
  return db.template.findMany({
    where: { tenantId, kind },
    select: { kind: true, locale: true, channel: true, body: true, contentSid: true, contentVariables: true },
  });
}

/** The preferred one of the tenant's templates of the query's kind (`stored`), else ARO's own text, else null. */
export function chooseTemplate(stored: SendableTemplate[], q: Omit<TemplateQuery, 'tenantId'>): SendableTemplate | null {
  const locales = localeFallbacks(q.locale, q.tenantLocale);
  const channels: Channel[] = q.channel === 'sms' ? ['sms'] : [q.channel, 'sms'];
  const found = firstByPreference(stored.filter((t) => t.kind === q.kind), channels, locales);
  if (found) return found;
  const builtIn = defaultTemplates()
    .filter((t) => t.kind === q.kind)
    .map((t) => ({ ...t, contentSid: null, contentVariables: null }));
  return firstByPreference(builtIn, channels, locales);
}

export async function findTemplate(db: Db, q: TemplateQuery): Promise<SendableTemplate | null> {
  return chooseTemplate(await templatesOfKind(db, q.tenantId, q.kind), q);
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
