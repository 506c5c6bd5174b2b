/** What one area's benchmark reports: a titled markdown section for bench/RESULTS.md. */
export interface BenchSection {
  title: string;
  markdown: string;
}

export type Bench = () => Promise<BenchSection>;

/** Nearest-rank percentile of a list of numbers (p in [0, 1]). */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] as number;
}
