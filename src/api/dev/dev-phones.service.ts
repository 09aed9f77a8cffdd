// Dev mode's patient phones: what each phone ARO has written to received and sent, and the patient's
// reply played from one, so a newcomer can play a whole lifecycle in the browser. Never on a clinic's
// real numbers: every call is refused unless ARO_DEV_MODE=1.
import { Inject, Injectable } from '@nestjs/common';
import type { AroConfig } from '../../config';
import type { Db } from '../../db/prisma';
import type { TenantCaller } from '../graphql/auth/api-callers';
import { fieldsFromZod, forbidden, invalidInput } from '../graphql/clinic-errors';
import type { DevPhone } from '../graphql/models/dev-phone.model';
import { devReplySchema, playReply } from '../replies/dev-reply';
import { InboundReplies } from '../replies/inbound-replies.service';
import { ARO_CONFIG, DB } from '../tokens';

/** A dev machine's clinic has a few hundred messages; the phone page shows the most recent ones. */
const RECENT_MESSAGES = 2000;
/** Outbound messages a patient never got: refused by the provider, or not handed to it yet. */
const NOT_ON_THE_PHONE = ['pending', 'failed', 'undelivered'];

@Injectable()
export class DevPhones {
  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(ARO_CONFIG) private readonly config: AroConfig,
    private readonly replies: InboundReplies,
  ) {}

  /** The phones ARO has written to, the most recently active first. */
  async list(caller: TenantCaller): Promise<DevPhone[]> {
    this.requireDevMode();
    const recent = await this.db.message.findMany({
      where: { tenantId: caller.tenantId, OR: [{ direction: 'inbound' }, { direction: 'outbound', status: { notIn: NOT_ON_THE_PHONE } }] },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: RECENT_MESSAGES,
      select: { direction: true, toPhone: true, fromPhone: true, body: true, createdAt: true, sentAt: true },
    });
    const phones = new Map<string, DevPhone>();
    for (const m of recent.reverse()) {
      const outbound = m.direction === 'outbound';
      const phone = outbound ? m.toPhone : m.fromPhone;
      if (!phone) continue;
      const entry = phones.get(phone) ?? { phone, patientName: null, messages: [] };
      entry.messages.push({ direction: outbound ? 'to_patient' : 'from_patient', body: m.body, at: m.sentAt ?? m.createdAt });
      phones.set(phone, entry);
    }
    // Only phones ARO wrote to: a stray text from an unknown number is no patient's phone.
    const written = [...phones.values()].filter((p) => p.messages.some((m) => m.direction === 'to_patient'));
    const contacts = await this.db.contact.findMany({
      where: { tenantId: caller.tenantId, phone: { in: written.map((p) => p.phone) } },
      select: { phone: true, name: true },
    });
    const names = new Map(contacts.map((c) => [c.phone, c.name]));
    return written
      .map((p) => ({ ...p, patientName: names.get(p.phone) ?? null }))
      .sort((a, b) => b.messages[b.messages.length - 1].at.getTime() - a.messages[a.messages.length - 1].at.getTime());
  }

  /** Plays the patient's reply as POST /dev/inbound does; true when it reached an appointment. */
  async reply(caller: TenantCaller, phone: string, body: string): Promise<boolean> {
    this.requireDevMode();
    const parsed = devReplySchema.safeParse({ from: phone, body });
    if (!parsed.success) {
      // The route's field is `from`; here the argument is `phone`.
      throw invalidInput(fieldsFromZod(parsed.error.issues).map((f) => (f.field === 'from' ? { ...f, field: 'phone' } : f)));
    }
    const tenant = await this.db.tenant.findUniqueOrThrow({ where: { id: caller.tenantId } });
    return (await playReply(this.replies, tenant, parsed.data)).status === 'routed';
  }

  private requireDevMode(): void {
    if (!this.config.ARO_DEV_MODE) throw forbidden('dev mode only: start ARO with ARO_DEV_MODE=1 (npm run dev does)');
  }
}
