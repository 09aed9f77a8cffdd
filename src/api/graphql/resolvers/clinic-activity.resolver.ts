// The clinic's live stream (GraphQL subscriptions over SSE at /graphql/stream, see clinic-stream.ts).
import { Inject } from '@nestjs/common';
import { Resolver, Subscription } from '@nestjs/graphql';
import type { Db } from '../../../db/prisma';
import { ClinicActivityFeed, type ClinicActivityEvent } from '../../activity/clinic-activity-feed';
import { DB } from '../../tokens';
import type { TenantCaller } from '../auth/api-callers';
import { ClinicKey } from '../auth/caller.decorators';
import { unauthenticated } from '../clinic-errors';
import { ClinicActivity } from '../models/clinic-activity.model';

/** How long an open stream trusts its key before it looks again whether the key was revoked. */
const KEY_RECHECK_MS = 10_000;

@Resolver(() => ClinicActivity)
export class ClinicActivityResolver {
  constructor(
    private readonly feed: ClinicActivityFeed,
    @Inject(DB) private readonly db: Db,
  ) {}

  @Subscription(() => ClinicActivity, {
    description:
      'Something changed in this clinic: a reply, a delivery status, a status change. Over SSE at /graphql/stream (graphql-sse), ' +
      "with the clinic's key; a clinic hears of its own appointments only.",
    resolve: (event: ClinicActivityEvent) => event,
  })
  async clinicActivity(@ClinicKey() caller: TenantCaller): Promise<AsyncIterableIterator<ClinicActivityEvent>> {
    return this.whileKeyIsValid(caller.keyId, await this.feed.subscribe(caller.tenantId));
  }

  /**
   * The stream, ended (UNAUTHENTICATED) instead of passing on an event once its key is revoked: a
   * stream outlives the request that opened it. The key is looked up again at the first event and
   * then at most every KEY_RECHECK_MS; a reconnect with a revoked key is refused (401).
   */
  private whileKeyIsValid(keyId: string, events: AsyncIterableIterator<ClinicActivityEvent>): AsyncIterableIterator<ClinicActivityEvent> {
    let checkedAt = 0;
    const stream: AsyncIterableIterator<ClinicActivityEvent> = {
      next: async () => {
        const next = await events.next();
        if (next.done || Date.now() - checkedAt < KEY_RECHECK_MS) return next;
        const key = await this.db.apiKey.findUnique({ where: { id: keyId }, select: { revokedAt: true } });
        if (!key || key.revokedAt) {
          await events.return?.();
          throw unauthenticated();
        }
        checkedAt = Date.now();
        return next;
      },
      return: () => events.return?.() ?? Promise.resolve({ done: true, value: undefined }),
      [Symbol.asyncIterator]: () => stream,
    };
    return stream;
  }
}
