// The clinic's live stream (GraphQL subscriptions over SSE at /graphql/stream, see clinic-stream.ts).
import { Resolver, Subscription } from '@nestjs/graphql';
import { ClinicActivityFeed, type ClinicActivityEvent } from '../../activity/clinic-activity-feed';
import type { TenantCaller } from '../auth/api-callers';
import { ClinicKey } from '../auth/caller.decorators';
import { ClinicActivity } from '../models/clinic-activity.model';

@Resolver(() => ClinicActivity)
export class ClinicActivityResolver {
  constructor(private readonly feed: ClinicActivityFeed) {}

  @Subscription(() => ClinicActivity, {
    description:
      'Something changed in this clinic: a reply, a delivery status, a status change. Over SSE at /graphql/stream (graphql-sse), ' +
      "with the clinic's key; a clinic hears of its own appointments only.",
    resolve: (event: ClinicActivityEvent) => event,
  })
  clinicActivity(@ClinicKey() caller: TenantCaller): Promise<AsyncIterableIterator<ClinicActivityEvent>> {
    return this.feed.subscribe(caller.tenantId);
  }
}
