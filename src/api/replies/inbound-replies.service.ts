// Takes in a patient's reply from any messaging provider: records it, then hands it to the workflow
// of the phone's active appointment (recording the choice when there were several) or, when there is
// none, leaves it in the audit log for the clinic.
import { Inject, Injectable } from '@nestjs/common';
import type { Db } from '../../db/prisma';
import type { Prisma, Tenant } from '../../generated/prisma/client';
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

/** The audit entry of one reply: its id is derived from the message, so a redelivery records nothing new. */
function replyAudit(tenantId: string, messageId: string, action: string, detail: Record<string, unknown>, at: Date) {
  return {
    id: `a_${action}:${messageId}`,
    tenantId,
    dedupeKey: `${action}:${messageId}`,
    actor: 'aro',
    action,
    subject: messageId,
    detail: detail as Prisma.InputJsonObject,
    at,
  };
}

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
      if (active.passedOver.length > 0) {
        await this.db.auditEvent.createMany({
          data: [
            replyAudit(
              tenant.id,
              messageId,
              'reply.routed',
              {
                from: reply.from,
                chosen: { workflowId: active.workflowId, startsAt: active.startsAt.toISOString() },
                passedOver: active.passedOver.map((a) => ({ workflowId: a.workflowId, startsAt: a.startsAt.toISOString() })),
                rule: 'nearest upcoming open appointment',
              },
              receivedAt,
            ),
          ],
          skipDuplicates: true,
        });
      }
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
        replyAudit(
          tenant.id,
          messageId,
          'reply.unrouted',
          { from: reply.from, channel: reply.channel, reason: 'no active appointment for this phone' },
          receivedAt,
        ),
      ],
      skipDuplicates: true,
    });
    return { status: 'unrouted' };
  }
}
