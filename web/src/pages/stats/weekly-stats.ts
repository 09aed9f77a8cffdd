// The clinic's figures for each week of a range, and for the whole range: `stats` answers one range at
// a time, so each week is one query (a range is at most MAX_WEEKS weeks), sent together.
import { DateTime } from 'luxon';
import { useEffect, useState } from 'react';
import { useClient, type CombinedError } from 'urql';
import { graphql } from '../../gql';
import type { RangeStatsQuery } from '../../gql/graphql';

const RangeStatsDocument = graphql(`
  query RangeStats($from: DateTime!, $to: DateTime!) {
    stats(from: $from, to: $to) {
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
  }
`);

export type Figures = RangeStatsQuery['stats'];

/** Half a year of weeks: enough to see a trend, few enough queries for one page. */
export const MAX_WEEKS = 26;

export interface WeeklyStats {
  /** One per week, oldest first; each starts on the Monday in `weekStarts`. */
  weeks: { start: DateTime; figures: Figures }[];
  total: Figures;
}

/** cancellations / appointments; null with no appointments (as the server's rates are). */
export function cancellationRate(f: Figures): number | null {
  return f.appointments > 0 ? f.cancellations / f.appointments : null;
}

export function useWeeklyStats(weekStarts: DateTime[]): { data?: WeeklyStats; error?: CombinedError } {
  const client = useClient();
  const [state, setState] = useState<{ key: string; data?: WeeklyStats; error?: CombinedError }>({ key: '' });
  const key = weekStarts.map((w) => w.toISO()).join(',');

  useEffect(() => {
    if (weekStarts.length === 0) return;
    let current = true;
    const end = weekStarts[weekStarts.length - 1].plus({ weeks: 1 });
    const ask = (from: DateTime, to: DateTime) =>
      client.query(RangeStatsDocument, { from: from.toISO()!, to: to.toISO()! }, { requestPolicy: 'network-only' }).toPromise();
    void Promise.all([ask(weekStarts[0], end), ...weekStarts.map((start) => ask(start, start.plus({ weeks: 1 })))]).then(([total, ...weeks]) => {
      if (!current) return;
      const failed = [total, ...weeks].find((r) => r.error)?.error;
      if (failed || !total.data) {
        setState({ key, error: failed });
        return;
      }
      setState({ key, data: { total: total.data.stats, weeks: weeks.map((w, i) => ({ start: weekStarts[i], figures: w.data!.stats })) } });
    });
    return () => {
      current = false;
    };
    // The key stands for the weeks: a new array of the same weeks asks nothing again.
  }, [client, key]);

  return state.key === key ? state : {};
}
