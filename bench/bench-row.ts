/** One line of the benchmark table: one implementation at one thread count, one epoch of the seed data. */
export interface BenchRow {
  /** What the summary lines look for: our fast 2-thread row is the baseline, PyTorch the yardstick. */
  kind: 'ours-reference' | 'ours-fast' | 'pytorch' | 'tfjs';
  implementation: string;
  /** null where the implementation picks its own (TF.js). */
  threads: number | null;
  secondsPerEpoch: number;
  windowsPerSecond: number;
  /** Peak resident memory of the whole process; null where it could not be read. */
  peakMemoryMB: number | null;
  /** How the number was obtained, e.g. "median of 3 epochs". */
  basis: string;
}

/** Either a row, or the one-line reason it is missing (tool absent, timed out, failed). */
export type RowOutcome = { row: BenchRow } | { note: string };

export function kilobytesToMB(kilobytes: number): number {
  return kilobytes / 1024;
}

/** The `PEAK_RSS_KB n` line our memory wrappers print, if present. */
export function parsePeakRssLine(lines: readonly string[]): number | null {
  for (const line of lines) {
    const match = /^PEAK_RSS_KB (\d+)\s*$/.exec(line);
    if (match) return kilobytesToMB(Number(match[1]));
  }
  return null;
}
