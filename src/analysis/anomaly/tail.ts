/**
 * How unusual a score is, as a probability comparable across files: the chance that normal
 * data (the held-out training rows) scores at least as high. Below the 90th percentile of the
 * held-out scores it is the empirical (conformal) p-value
 *   p(s) = (#{x ≥ s} + 1) / (n + 1),
 * above it an exponential tail fitted to the excesses (peaks over threshold with the GPD's
 * shape at 0, as SPOT's simplest form, Siffer et al. 2017):
 *   p(s) = p_u · exp(-(s - u) / β),   p_u = (#{x > u} + 1) / (n + 1),   β = mean(x - u | x > u),
 * so that rarer-than-ever scores still get distinct, shrinking probabilities instead of one
 * floor of 1/(n + 1). anomaly_score = 1 - p.
 */
import { InputError } from '../../input-error.js';
import { firstAbove, firstAtLeast } from '../sorted-search.js';

export interface TailModel {
  /** the held-out scores, ascending */
  readonly sorted: Float64Array;
  /** the tail starts above this score */
  readonly u: number;
  /** p at scores just above u */
  readonly pU: number;
  /** the mean excess over u */
  readonly beta: number;
}

/** Where the exponential tail starts: this share of the held-out scores lies above u. */
const TAIL_SHARE = 0.1;

/** Fits the tail model to held-out scores of normal data. */
export function fitTail(sample: ArrayLike<number>, tailShare = TAIL_SHARE): TailModel {
  return tailOfSorted(Float64Array.from(sample).sort(), tailShare);
}

/** fitTail of scores already in ascending order (kept as the model's `sorted`, not copied). */
export function tailOfSorted(sorted: Float64Array, tailShare = TAIL_SHARE): TailModel {
  const n = sorted.length;
  if (n < 2) throw new InputError(`the score distribution needs at least 2 held-out rows, got ${n}; give a longer training span`);
  // ascending as a typed array sorts (NaN last), the ends are the only places a value that is not finite can be
  if (!(Number.isFinite(sorted[0]) && Number.isFinite(sorted[n - 1]))) throw new Error('fitTail: scores must be finite');
  const at = Math.min(n - 1, Math.ceil((1 - tailShare) * n) - 1);
  const u = sorted[at]!;
  let excess = 0;
  let above = 0;
  // only the top share lies above u: the running calibration refits every few rows, so the other 90% are not walked
  for (let i = firstAbove(sorted, u); i < n; i++) {
    excess += sorted[i]! - u;
    above++;
  }
  // a sample with no spread above u (a constant series) still needs a scale: a tiny one, so that anything above it is rare
  const beta = above > 0 && excess > 0 ? excess / above : 1e-9 * Math.max(1, Math.abs(u));
  return { sorted, u, pU: (above + 1) / (n + 1), beta };
}

/** The number of values in an ascending array that are >= s. */
function countAtLeast(sorted: Float64Array, s: number): number {
  return sorted.length - firstAtLeast(sorted, s);
}

/** p(s): the probability that normal data scores at least s. */
export function tailProbability(model: TailModel, s: number): number {
  if (s > model.u) return model.pU * Math.exp(-(s - model.u) / model.beta);
  return (countAtLeast(model.sorted, s) + 1) / (model.sorted.length + 1);
}

/** -log10 p(s), computed in logs so that it stays finite far past where p underflows to 0. */
export function tailSurprise(model: TailModel, s: number): number {
  if (s > model.u) return -Math.log10(model.pU) + (s - model.u) / model.beta / Math.LN10;
  return -Math.log10(tailProbability(model, s));
}
