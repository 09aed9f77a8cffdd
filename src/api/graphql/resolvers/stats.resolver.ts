// The clinic's figures over a date range, or over each of consecutive periods (a chart's weeks).
import { Args, Query, Resolver } from '@nestjs/graphql';
import { ClinicStats, MAX_PERIODS } from '../../stats/clinic-stats.service';
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

  @Query(() => [Stats], {
    description: `The figures of each period [boundaries[i], boundaries[i + 1]), as stats gives them for one range: 2 to ${MAX_PERIODS + 1} ascending instants, so weeks in the clinic's time may be 167 or 169 hours long.`,
  })
  statsByPeriod(@ClinicKey() caller: TenantCaller, @Args('boundaries', { type: () => [Date] }) boundaries: Date[]): Promise<Stats[]> {
    return this.clinicStats.overPeriods(caller.tenantId, boundaries);
  }
}
