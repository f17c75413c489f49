/**
 * How flags compare with labels, when the series has them: precision, recall and F1 by point
 * (each row) and by event (each labelled run of anomalous rows: detected when a flagged
 * interval overlaps it; a flagged interval overlapping no labelled run is a false alarm), and
 * the NAB score of the anomaly scores with NAB's own rules.
 */
import { NAB_PROFILES } from '../nab/profiles.js';
import { scoreCorpus } from '../nab/score-corpus.js';
import { windowsFromLabels } from '../nab/windows.js';

export interface PrecisionRecall {
  precision: number;
  recall: number;
  f1: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
}

function summary(tp: number, fp: number, fn: number): PrecisionRecall {
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1, truePositives: tp, falsePositives: fp, falseNegatives: fn };
}

/** Point-wise counts over rows [from, to). */
export function pointMetrics(flags: ArrayLike<number>, labels: ArrayLike<number>, from = 0, to = flags.length): PrecisionRecall {
  let tp = 0, fp = 0, fn = 0;
  for (let i = from; i < to; i++) {
    if (flags[i] && labels[i]) tp++;
    else if (flags[i]) fp++;
    else if (labels[i]) fn++;
  }
  return summary(tp, fp, fn);
}

/** Runs of consecutive 1s in [from, to), as [first, last] rows. */
export function runsOf(values: ArrayLike<number>, from = 0, to = values.length): [number, number][] {
  const runs: [number, number][] = [];
  for (let i = from; i < to; i++) {
    if (!values[i]) continue;
    const start = i;
    while (i + 1 < to && values[i + 1]) i++;
    runs.push([start, i]);
  }
  return runs;
}

/** Event-wise counts over rows [from, to): labelled runs found, flagged runs that match none. */
export function eventMetrics(flags: ArrayLike<number>, labels: ArrayLike<number>, from = 0, to = flags.length): PrecisionRecall {
  const events = runsOf(labels, from, to);
  const flagged = runsOf(flags, from, to);
  const overlaps = (a: [number, number], b: [number, number]) => a[0] <= b[1] && b[0] <= a[1];
  const found = events.filter((e) => flagged.some((f) => overlaps(e, f))).length;
  const falseAlarms = flagged.filter((f) => !events.some((e) => overlaps(e, f))).length;
  return summary(found, falseAlarms, events.length - found);
}

/** Row i as a NAB time stamp (NAB's scorer keys windows by time stamps of that form). */
function rowStamp(i: number): string {
  return new Date(Date.UTC(2000, 0, 1) + i * 60_000).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * The NAB score (normalised, per profile) of one series' anomaly scores: each labelled run's
 * first row is a labelled anomaly point, windows are built around them by NAB's rule (10% of
 * the rows shared among them), the first 15% of rows is probationary, and the threshold is
 * the optimiser's. Undefined when no labelled run survives as a window.
 */
export function nabScores(scores: ArrayLike<number>, labels: ArrayLike<number>): Record<string, number> | undefined {
  const n = scores.length;
  const stamps = Array.from({ length: n }, (_, i) => rowStamp(i));
  const onsets = runsOf(labels).map(([start]) => stamps[start]!);
  const windows = windowsFromLabels('series', stamps, onsets);
  if (windows.length === 0) return undefined;
  const result = scoreCorpus([{ name: 'series', timestamps: stamps, scores }], { series: windows });
  return Object.fromEntries(Object.keys(NAB_PROFILES).map((p) => [p, result.perProfile[p]!.normalizedScore]));
}
