/**
 * Flags grouped into anomaly intervals a person can act on: runs of flagged rows, with runs
 * fewer than `mergeGap` rows apart joined into one; each interval with its start, end, the
 * row of its peak score, and its severity: -log10 of the peak's tail probability, so 3 means
 * "normal data reaches this about once in 1000 rows".
 */
export interface AnomalyInterval {
  /** first and last flagged row, 0-based, inclusive */
  startRow: number;
  endRow: number;
  start: string;
  end: string;
  peakRow: number;
  peakTime: string;
  peakScore: number;
  /** the peak's tail probability under normal data (0 when it is below the smallest double) */
  peakTailProbability: number;
  /** -log10(peakTailProbability), kept finite however small the probability */
  severity: number;
  /** the channel with the largest contribution at the peak, when there are channels */
  peakChannel?: string;
}

export interface IntervalInput {
  flags: ArrayLike<number>;
  scores: ArrayLike<number>;
  /** per row: -log10 of the tail probability */
  surprises: ArrayLike<number>;
  times: readonly string[];
  /** per row, per channel contributions (rows, channels), for the peak's channel */
  contributions?: { values: ArrayLike<number>; channels: readonly string[] };
  /** runs separated by fewer than this many unflagged rows are one interval (default 1: only adjacent rows) */
  mergeGap?: number;
}

export function groupIntervals(input: IntervalInput): AnomalyInterval[] {
  const { flags, scores, surprises, times } = input;
  const mergeGap = input.mergeGap ?? 1;
  const intervals: AnomalyInterval[] = [];
  let open: { start: number; end: number; peak: number } | undefined;
  const close = () => {
    if (!open) return;
    const { start, end, peak } = open;
    const surprise = surprises[peak]!;
    const interval: AnomalyInterval = {
      startRow: start,
      endRow: end,
      start: times[start]!,
      end: times[end]!,
      peakRow: peak,
      peakTime: times[peak]!,
      peakScore: scores[peak]!,
      peakTailProbability: 10 ** -surprise,
      severity: surprise,
    };
    const c = input.contributions;
    if (c && c.channels.length > 0) {
      const D = c.channels.length;
      let best = 0;
      for (let j = 1; j < D; j++) if (c.values[peak * D + j]! > c.values[peak * D + best]!) best = j;
      interval.peakChannel = c.channels[best]!;
    }
    intervals.push(interval);
    open = undefined;
  };
  for (let i = 0; i < flags.length; i++) {
    if (!flags[i]) continue;
    if (open && i - open.end <= mergeGap) {
      open.end = i;
      if (surprises[i]! > surprises[open.peak]!) open.peak = i;
    } else {
      close();
      open = { start: i, end: i, peak: i };
    }
  }
  close();
  return intervals;
}
