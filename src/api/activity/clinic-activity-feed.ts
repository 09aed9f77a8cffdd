// The clinic's live activity: PostgreSQL announces every committed change of an appointment's row or
// of its messages on one channel (triggers of migration 20261129110000_clinic_web_app); this API
// process holds one connection listening to it and passes each announcement to the subscribers of
// that clinic only. Chosen over polling: a clinic's open screens cost nothing while nothing happens,
// and a change reaches them within milliseconds of its commit.
import { EventEmitter, on } from 'node:events';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Client } from 'pg';
import { z } from 'zod';
import type { AroConfig } from '../../config';
import { ARO_CONFIG } from '../tokens';

export const CLINIC_ACTIVITY_CHANNEL = 'aro_clinic_activity';

export interface ClinicActivityEvent {
  externalId: string;
  /** appointment (its row changed: status, attention, next touch, time), reply, message, delivery_status. */
  kind: string;
  at: Date;
}

const announcement = z.object({ tenantId: z.string(), externalId: z.string(), kind: z.string(), at: z.coerce.date() });

@Injectable()
export class ClinicActivityFeed implements OnModuleDestroy {
  private readonly logger = new Logger('clinic-activity');
  /** One event name per tenant: a clinic's subscribers listen to their own tenant's name alone. */
  private readonly byTenant = new EventEmitter().setMaxListeners(0);
  private listening: Promise<Client> | undefined;

  constructor(@Inject(ARO_CONFIG) private readonly config: AroConfig) {}

  /**
   * The tenant's activity from now on. Listening starts before this returns, so nothing committed
   * after the subscriber is told it is subscribed is missed. A lost listening connection ends every
   * stream with an error: clients reconnect, read afresh, and the next subscription listens again.
   */
  async subscribe(tenantId: string): Promise<AsyncIterableIterator<ClinicActivityEvent>> {
    await this.listen();
    const events = on(this.byTenant, tenantId);
    const stream: AsyncIterableIterator<ClinicActivityEvent> = {
      next: async () => {
        const next = await events.next();
        return next.done ? next : { done: false, value: (next.value as [ClinicActivityEvent])[0] };
      },
      return: async () => {
        await events.return?.();
        return { done: true, value: undefined };
      },
      [Symbol.asyncIterator]: () => stream,
    };
    return stream;
  }

  async onModuleDestroy(): Promise<void> {
    const listening = this.listening;
    this.listening = undefined;
    if (listening) await (await listening.catch(() => null))?.end();
  }

  private listen(): Promise<Client> {
    this.listening ??= this.connect().catch((err: unknown) => {
      this.listening = undefined;
      throw err;
    });
    return this.listening;
  }

  private async connect(): Promise<Client> {
    if (!this.config.DATABASE_URL) throw new Error('DATABASE_URL is required to follow clinic activity');
    const client = new Client({ connectionString: this.config.DATABASE_URL });
    client.on('notification', (n) => this.announce(n.payload));
    const lost = (err?: Error) => {
      if (this.listening === undefined) return;
      this.listening = undefined;
      this.logger.warn(`listening connection lost (${err?.message ?? 'closed'}); open streams end and reconnect`);
      client.end().catch(() => undefined);
      // on() iterators end with this error; without subscribers there is nobody to tell.
      if (this.byTenant.listenerCount('error') > 0) this.byTenant.emit('error', err ?? new Error('clinic activity connection closed'));
    };
    client.on('error', lost);
    client.on('end', () => lost());
    await client.connect();
    await client.query(`LISTEN ${CLINIC_ACTIVITY_CHANNEL}`);
    return client;
  }

  private announce(payload: string | undefined): void {
    let json: unknown;
    try {
      json = JSON.parse(payload ?? 'null');
    } catch {
      json = undefined;
    }
    const parsed = announcement.safeParse(json);
    if (!parsed.success) {
      this.logger.warn(`ignored an announcement that is not clinic activity: ${payload}`);
      return;
    }
    const { tenantId, ...event } = parsed.data;
    this.byTenant.emit(tenantId, event);
  }
}
