// The clinic's figures for each week of a range, and for the whole range, in one request: the weeks'
// boundaries are Mondays in the clinic's time, which the server buckets by as they are given.
import { DateTime } from 'luxon';
import { useMemo } from 'react';
import { useQuery, type CombinedError } from 'urql';
import { graphql } from '../../gql';
import type { FiguresFragment } from '../../gql/graphql';

graphql(`
  fragment Figures on Stats {
    from
    to
    appointments
    confirmed
    confirmationRate
    cancellations
    reschedules
    completed
    noShows
    noShowRate
    needingAttention
    messagesSent
    segmentsSent
    byChannel {
      channel
      messagesSent
      segmentsSent
    }
    repliesReceived
    repliesNeedingAttention
  }
`);

const WeeklyStatsDocument = graphql(`
  query WeeklyStats($from: DateTime!, $to: DateTime!, $boundaries: [DateTime!]!) {
    total: stats(from: $from, to: $to) {
      ...Figures
    }
    weeks: statsByPeriod(boundaries: $boundaries) {
      ...Figures
    }
  }
`);

export type Figures = FiguresFragment;

/** Half a year of weeks: enough to see a trend, few enough bars for one chart. */
export const MAX_WEEKS = 26;

export interface WeeklyStats {
  /** One per week, oldest first; each starts on a Monday in the clinic's time. */
  weeks: { start: DateTime; figures: Figures }[];
  total: Figures;
}

/** cancellations / appointments; null with no appointments (as the server's rates are). */
export function cancellationRate(f: Figures): number | null {
  return f.appointments > 0 ? f.cancellations / f.appointments : null;
}

/** `weekStarts`: at least one Monday, oldest first. */
export function useWeeklyStats(weekStarts: DateTime[]): { data?: WeeklyStats; error?: CombinedError } {
  const key = weekStarts.map((w) => w.toISO()).join(',');
  // The key stands for the weeks: a new array of the same weeks asks nothing again.
  const variables = useMemo(() => {
    const boundaries = [...weekStarts, weekStarts[weekStarts.length - 1].plus({ weeks: 1 })].map((w) => w.toISO()!);
    return { from: boundaries[0], to: boundaries[boundaries.length - 1], boundaries };
  }, [key]);
  const [{ data, error }] = useQuery({ query: WeeklyStatsDocument, variables, requestPolicy: 'network-only' });
  if (error || !data) return { error };
  // Each week's start as the server answered it, in the clinic's zone: an answer still on screen from
  // the previous range keeps its own labels.
  const zone = weekStarts[0].zone;
  return { data: { total: data.total, weeks: data.weeks.map((figures) => ({ start: DateTime.fromISO(figures.from, { zone }), figures })) } };
}
