/**
 * From scores to flags and intervals, in ONE place for the job, the estimator and --follow:
 * the threshold rule a user chose, fitted to what it needs (nothing, the held-out statistics,
 * or labelled rows), applied row by row, and the flagged rows grouped into intervals.
 */
import { InputError } from '../../input-error.js';
import { groupIntervals, type AnomalyInterval } from '../../analysis/anomaly/intervals.js';
import { heldOutSurprises, OnlineThreshold, type ScorerModel, type ThresholdRule } from '../../analysis/anomaly/scorer.js';
import { bestFBetaThreshold, fprThreshold, sigmaThreshold } from '../../analysis/anomaly/thresholds.js';
import type { ScoredSeries } from './detector.js';

/** The rule the user chose, before it is fitted to data. */
export type ThresholdChoice =
  | { rule: 'fpr'; fpr: number }
  | { rule: 'sigma'; k: number }
  | { rule: 'fbeta'; beta: number; validationFraction: number }
  | { rule: 'dynamic'; window: number; every: number; errorBuffer: number; sdLimit: number };

/** Telemanom's settings: 30 batches of 70 rows of history, ε chosen per batch, an error buffer of 100, z up to 12. */
export const TELEMANOM_DEFAULTS = { window: 2100, every: 70, errorBuffer: 100, sdLimit: 12 } as const;

/** The CLI's default rule: flag what normal rows reach with probability at most 0.001. */
export const DEFAULT_THRESHOLD: ThresholdChoice = { rule: 'fpr', fpr: 0.001 };

/** fpr, sigma and dynamic: fitted from the detector alone. */
export function fitUnlabelledThreshold(choice: Exclude<ThresholdChoice, { rule: 'fbeta' }>, scorer: ScorerModel): ThresholdRule {
  switch (choice.rule) {
    case 'fpr':
      return { rule: 'fpr', fpr: choice.fpr, score: fprThreshold(choice.fpr) };
    case 'sigma':
      return { rule: 'sigma', k: choice.k, surprise: sigmaThreshold(heldOutSurprises(scorer), choice.k) };
    case 'dynamic':
      return { rule: 'dynamic', window: choice.window, every: choice.every, errorBuffer: choice.errorBuffer, sdLimit: choice.sdLimit };
  }
}

/**
 * fbeta: the threshold on the surprise with the best F-beta on the labelled rows from `from`
 * (the first row not trained on), the first `validationFraction` of the rest; returns the
 * rule and the rows it was chosen on, which evaluation then leaves out.
 */
export function fitFBetaThreshold(
  choice: Extract<ThresholdChoice, { rule: 'fbeta' }>,
  series: ScoredSeries,
  labels: ArrayLike<number> | undefined,
  from: number,
  source: string,
): { rule: ThresholdRule; validation: [number, number] } {
  if (!labels) throw new InputError(`${source}: the F-beta threshold needs labels; name the label column with --label-column`);
  const start = Math.max(from, series.first);
  const end = start + Math.floor(choice.validationFraction * (series.rows - start));
  if (end <= start) throw new InputError(`${source}: no rows to choose the F-beta threshold on after the training span; give a larger --validation-fraction`);
  const span = Array.prototype.slice.call(labels, start, end) as number[];
  if (!span.some((l) => l === 1)) {
    throw new InputError(`${source}: the F-beta threshold needs labelled anomalies in its span (rows ${start} to ${end - 1}), and there are none; give a larger --validation-fraction or choose another --threshold`);
  }
  // on the surprise: anomaly_score runs out of digits at 1 - 1e-16, the surprise does not
  const best = bestFBetaThreshold(series.surprise.subarray(start, end), span, choice.beta);
  // when no threshold catches anything, one above every surprise flags nothing
  const surprise = Number.isFinite(best.threshold) ? best.threshold : Number.MAX_VALUE;
  return { rule: { rule: 'fbeta', beta: choice.beta, surprise }, validation: [start, end] };
}

/** Every scored row's threshold and flag, in row order (rows before the first full window: NaN and 0). */
export function flagSeries(rule: ThresholdRule, scorer: ScorerModel, series: ScoredSeries): { flags: Uint8Array; thresholds: Float64Array } {
  const thresholds = new Float64Array(series.rows).fill(NaN);
  const flags = new Uint8Array(series.rows);
  const online = new OnlineThreshold(rule, heldOutSurprises(scorer));
  for (let t = series.first; t < series.rows; t++) {
    const r = online.push({ surprise: series.surprise[t]!, anomalyScore: series.anomalyScore[t]! });
    thresholds[t] = r.threshold;
    flags[t] = r.flag ? 1 : 0;
  }
  return { flags, thresholds };
}

/** The flags grouped into intervals: one event moves the windows of the next W rows, so flags closer than that are one interval. */
export function intervalsOf(series: ScoredSeries, flags: Uint8Array, times: readonly string[], channels: readonly string[], window: number): AnomalyInterval[] {
  return groupIntervals({
    flags,
    scores: series.anomalyScore,
    surprises: series.surprise,
    times,
    contributions: { values: series.contributions, channels },
    mergeGap: window,
  });
}
