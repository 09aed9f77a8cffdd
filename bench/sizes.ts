// How much load each scenario gets: `full` by default, `small` (--small) for a quick look, `tiny` for the
// CI smoke test, which only checks that every figure comes out.

export interface BenchSize {
  name: string;
  /** Booking intake: one open-loop run of `count` signed webhooks per rate. */
  intake: { perSecond: number[]; count: number };
  /** Lifecycle starts: bookings until their confirmation is sent. */
  starts: { perSecond: number; count: number };
  /** Reminder storm: appointments whose reminder is due at one instant, booked at this rate. */
  storm: { perSecond: number; count: number };
  /** Patient replies until their acknowledgement is stored. */
  replies: { perSecond: number; count: number };
  /** Open lifecycles held in the worker's cache. */
  memory: { perSecond: number; count: number };
}

export const BENCH_SIZES: Record<'full' | 'small' | 'tiny', BenchSize> = {
  full: {
    name: 'full',
    intake: { perSecond: [50, 100, 200], count: 1500 },
    starts: { perSecond: 50, count: 1000 },
    storm: { perSecond: 100, count: 1000 },
    replies: { perSecond: 20, count: 300 },
    memory: { perSecond: 50, count: 1000 },
  },
  small: {
    name: 'small',
    intake: { perSecond: [20, 50], count: 100 },
    starts: { perSecond: 20, count: 100 },
    storm: { perSecond: 50, count: 100 },
    replies: { perSecond: 10, count: 50 },
    memory: { perSecond: 25, count: 100 },
  },
  tiny: {
    name: 'tiny',
    intake: { perSecond: [10], count: 10 },
    starts: { perSecond: 10, count: 10 },
    storm: { perSecond: 10, count: 10 },
    replies: { perSecond: 5, count: 5 },
    memory: { perSecond: 10, count: 10 },
  },
};

/** Every lifecycle a run leaves open, warm-ups and the typical lifecycle included, with room to spare. */
export function openWorkflowsOf(size: BenchSize): number {
  return size.intake.count * size.intake.perSecond.length + size.starts.count + size.storm.count + size.replies.count + size.memory.count + 100;
}
