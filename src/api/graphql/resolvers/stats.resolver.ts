// The clinic's figures over a date range.
import { Args, Query, Resolver } from '@nestjs/graphql';
import { ClinicStats } from '../../stats/clinic-stats.service';
import type { TenantCaller } from '../auth/api-callers';
import { ClinicKey } from '../auth/caller.decorators';
import { Stats } from '../models/stats.model';

@Resolver(() => Stats)
export class StatsResolver {
  constructor(private readonly clinicStats: ClinicStats) {}

  @Query(() => Stats, { description: 'Appointments starting in [from, to) and messages sent or received in it.' })
  stats(@ClinicKey() caller: TenantCaller, @Args('from', { type: () => Date }) from: Date, @Args('to', { type: () => Date }) to: Date): Promise<Stats> {
    return this.clinicStats.over(caller.tenantId, from, to);
  }
}
