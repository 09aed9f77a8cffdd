// Takes in a patient's reply from any messaging provider: records it, then hands it to the workflow
// of the phone's active appointment or, when there is none, leaves it in the audit log for the clinic.
import { Inject, Injectable } from '@nestjs/common';
import type { Db } from '../../db/prisma';
import type { Tenant } from '../../generated/prisma/client';
import type { Channel } from '../../workflows/contracts';
import { AppointmentWorkflows } from '../appointments/appointment-workflows.service';
import { DB } from '../tokens';
import { findActiveAppointment } from './active-appointment';

export interface InboundReply {
  /** E.164 */
  from: string;
  /** The tenant's number the patient wrote to; '' when the provider has none (dev). */
  to: string;
  body: string;
  channel: Channel;
  provider: string;
  /** The provider's id for the message; a redelivery carries the same one and records nothing new. */
  providerMessageId: string;
}

export type ReplyRouting =
  | { status: 'routed'; workflowId: string; appointmentExternalId: string }
  | { status: 'unrouted' };

@Injectable()
export class InboundReplies {
  constructor(
    @Inject(DB) private readonly db: Db,
    private readonly workflows: AppointmentWorkflows,
  ) {}

  async receive(tenant: Tenant, reply: InboundReply): Promise<ReplyRouting> {
    const receivedAt = new Date();
    const messageId = `m_${reply.provider}_${reply.providerMessageId}`;
    const active = await findActiveAppointment(this.db, tenant.id, reply.from, receivedAt);

    // Recorded before Temporal is asked, so a patient's words survive a Temporal outage.
    await this.db.message.createMany({
      data: [
        {
          id: messageId,
          tenantId: tenant.id,
          appointmentId: active?.workflowId ?? null,
          direction: 'inbound',
          channel: reply.channel,
          toPhone: reply.to,
          fromPhone: reply.from,
          body: reply.body,
          provider: reply.provider,
          providerMessageId: reply.providerMessageId,
          status: 'received',
          createdAt: receivedAt,
        },
      ],
      skipDuplicates: true,
    });

    if (active) {
      const routedTo = await this.workflows.deliverReply(active.workflowId, {
        messageId: reply.providerMessageId,
        from: reply.from,
        body: reply.body,
        channel: reply.channel,
        receivedAt: receivedAt.toISOString(),
      });
      if (routedTo) return { status: 'routed', workflowId: routedTo, appointmentExternalId: active.externalId };
      // The projection still showed it open, but the lifecycle has closed since.
      await this.db.message.update({ where: { id: messageId }, data: { appointmentId: null } });
    }

    await this.db.auditEvent.createMany({
      data: [
        {
          id: `a_reply.unrouted:${messageId}`,
          tenantId: tenant.id,
          dedupeKey: `reply.unrouted:${messageId}`,
          actor: 'aro',
          action: 'reply.unrouted',
          subject: messageId,
          detail: { from: reply.from, channel: reply.channel, reason: 'no active appointment for this phone' },
          at: receivedAt,
        },
      ],
      skipDuplicates: true,
    });
    return { status: 'unrouted' };
  }
}
