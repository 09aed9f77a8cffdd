// A clinic's approved WhatsApp template for one kind of message: the Twilio Content template sent
// outside the 24-hour session window, how ARO's variables fill its placeholders, and the text ARO
// records (and sends inside a session).
import { randomBytes } from 'node:crypto';
import type { Db } from '../db/prisma';
import { TEMPLATE_VARIABLES } from '../domain/default-templates';

export interface WhatsappTemplateInput {
  kind: string;
  locale: string;
  /** Twilio Content SID of the approved template, HX + 32 hex digits. */
  contentSid: string;
  /** Twilio's placeholders ("1", "2"...) to ARO's template variables (name, date, time...). */
  variables: Record<string, string>;
  /** The text; defaults to the clinic's SMS text of the same kind and locale. */
  body?: string;
}

export class WhatsappTemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WhatsappTemplateError';
  }
}

export async function setWhatsappTemplate(db: Db, tenantId: string, input: WhatsappTemplateInput): Promise<void> {
  if (!/^HX[0-9a-fA-F]{32}$/.test(input.contentSid)) throw new WhatsappTemplateError('contentSid: must be a Twilio Content SID (HX + 32 hex digits)');
  for (const [placeholder, variable] of Object.entries(input.variables)) {
    if (!/^\d+$/.test(placeholder)) throw new WhatsappTemplateError(`variables.${placeholder}: Twilio's placeholders are numbers ("1", "2"...)`);
    if (!(TEMPLATE_VARIABLES as readonly string[]).includes(variable)) {
      throw new WhatsappTemplateError(`variables.${placeholder}: "${variable}" is not one of ${TEMPLATE_VARIABLES.join(', ')}`);
    }
  }
  const sms = await db.template.findUnique({
    where: { tenantId_kind_locale_channel: { tenantId, kind: input.kind, locale: input.locale, channel: 'sms' } },
  });
  const body = input.body ?? sms?.body;
  if (!body) throw new WhatsappTemplateError(`body: tenant ${tenantId} has no SMS text for ${input.kind} (${input.locale}) to start from; give one`);
  const fields = { body, contentSid: input.contentSid, contentVariables: input.variables };
  await db.template.upsert({
    where: { tenantId_kind_locale_channel: { tenantId, kind: input.kind, locale: input.locale, channel: 'whatsapp' } },
    create: { id: `tpl_${randomBytes(8).toString('hex')}`, tenantId, kind: input.kind, locale: input.locale, channel: 'whatsapp', ...fields },
    update: fields,
  });
}
