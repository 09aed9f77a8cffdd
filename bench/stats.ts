// The summary statistics the benchmark reports.

/** Nearest-rank percentile (p in 0..100) of unsorted values; NaN when there are none. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Completions a second over the span from the first start to the last completion. */
export function ratePerSecond(count: number, fromMs: number, toMs: number): number {
  return toMs > fromMs ? count / ((toMs - fromMs) / 1000) : NaN;
}
