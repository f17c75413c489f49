/**
 * Thresholds a user can read, each a rule that turns scores into flags:
 * - a false-alarm rate: flag what normal data would reach with probability at most `fpr`,
 *   i.e. anomaly_score >= 1 - fpr (the score is 1 - that probability, see tail.ts);
 * - k·σ: flag a surprise (-log10 of the tail probability) above the held-out rows' mean
 *   surprise plus k standard deviations;
 * - the best F-β on labelled rows: the threshold that maximises F-β there;
 * - Telemanom's nonparametric dynamic threshold (Hundman et al. 2018, section 3.3; khundman/
 *   telemanom errors.py, find_epsilon): over a trailing window of smoothed errors, the
 *   ε = mean + z·sd, z in 2.5, 3.0, ..., 11.5, whose removal lowers the mean and the sd most
 *   per flagged row and flagged run.
 */
import { InputError } from '../../input-error.js';

/** Mean and population standard deviation. */
export function meanStd(values: ArrayLike<number>, from = 0, to = values.length): { mean: number; std: number } {
  const n = to - from;
  let sum = 0;
  for (let i = from; i < to; i++) sum += values[i]!;
  const mean = sum / n;
  let squares = 0;
  for (let i = from; i < to; i++) squares += (values[i]! - mean) ** 2;
  return { mean, std: Math.sqrt(squares / n) };
}

/** The k·σ rule's threshold: mean + k·std of the held-out values. */
export function sigmaThreshold(heldOut: ArrayLike<number>, k: number): number {
  if (!(Number.isFinite(k) && k >= 0)) throw new InputError(`threshold sigma ${k}; expected a number of standard deviations >= 0`);
  const { mean, std } = meanStd(heldOut);
  return mean + k * std;
}

/** The false-alarm-rate rule's threshold on anomaly_score. */
export function fprThreshold(fpr: number): number {
  if (!(fpr > 0 && fpr < 1)) throw new InputError(`threshold false-alarm rate ${fpr}; expected a number between 0 and 1`);
  return 1 - fpr;
}

export interface FBetaChoice {
  threshold: number;
  fBeta: number;
  precision: number;
  recall: number;
}

/**
 * The threshold on `scores` (a row is flagged when score >= threshold) with the best point-wise
 * F-β against 0/1 `labels`, F-β = (1 + β²)·P·R / (β²·P + R); on a tie the highest threshold
 * (fewest flags). Every distinct score is a candidate.
 */
export function bestFBetaThreshold(scores: ArrayLike<number>, labels: ArrayLike<number>, beta = 1): FBetaChoice {
  if (!(beta > 0 && Number.isFinite(beta))) throw new InputError(`F-beta's beta ${beta}; expected a number above 0`);
  const n = scores.length;
  if (labels.length !== n) throw new Error(`bestFBetaThreshold: ${n} scores but ${labels.length} labels`);
  let positives = 0;
  for (let i = 0; i < n; i++) positives += labels[i]! ? 1 : 0;
  if (positives === 0) throw new InputError('the F-beta threshold needs labelled anomalies in its span, and there are none; choose another threshold rule');
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  const b2 = beta * beta;
  let best: FBetaChoice = { threshold: Infinity, fBeta: 0, precision: 0, recall: 0 };
  let tp = 0;
  let flagged = 0;
  for (let k = 0; k < n; ) {
    const threshold = scores[order[k]!]!;
    for (; k < n && scores[order[k]!] === threshold; k++) {
      flagged++;
      tp += labels[order[k]!]! ? 1 : 0;
    }
    const precision = tp / flagged;
    const recall = tp / positives;
    const fBeta = tp === 0 ? 0 : ((1 + b2) * precision * recall) / (b2 * precision + recall);
    if (fBeta > best.fBeta) best = { threshold, fBeta, precision, recall };
  }
  return best;
}

export interface TelemanomOptions {
  /** flagged rows are widened by this many rows on each side (less one) before counting runs: Telemanom's error_buffer, 100 */
  readonly errorBuffer?: number;
  /** z runs from 2.5 up to (not including) this: Telemanom's sd_lim, 12 */
  readonly sdLimit?: number;
}

/**
 * Telemanom's ε for a window of smoothed errors: z (and ε = mean + z·sd) maximising
 *   (Δmean/mean + Δsd/sd) / (runs² + flagged rows)
 * where Δ is the fall in mean and sd when the values >= ε are removed, flagged rows are those
 * within errorBuffer - 1 rows of such a value, and runs are the flagged stretches longer than
 * one row; a z that flags half the window or more, or makes more than 5 runs, is passed over.
 * Without a winner z = sdLimit. A window with no spread (sd or mean 0) gives ε = +∞: nothing
 * stands out of it.
 */
export function telemanomEpsilon(values: ArrayLike<number>, options: TelemanomOptions = {}): { z: number; epsilon: number } {
  const buffer = options.errorBuffer ?? 100;
  const sdLimit = options.sdLimit ?? 12;
  const n = values.length;
  const { mean, std } = meanStd(values);
  if (n === 0 || !(std > 0) || mean === 0) return { z: sdLimit, epsilon: Infinity };
  let bestZ = sdLimit;
  let bestScore = -1e7;
  const marked = new Int32Array(n + 1); // prefix counts of values >= ε
  for (let step = 0; 2.5 + 0.5 * step < sdLimit; step++) {
    const z = 2.5 + 0.5 * step;
    const epsilon = mean + z * std;
    let keptSum = 0;
    let kept = 0;
    for (let i = 0; i < n; i++) {
      const above = values[i]! >= epsilon;
      marked[i + 1] = marked[i]! + (above ? 1 : 0);
      if (!above) {
        keptSum += values[i]!;
        kept++;
      }
    }
    if (marked[n] === 0) continue;
    // rows within buffer - 1 of a value >= ε, and the runs of them longer than one row
    let flagged = 0;
    let runs = 0;
    let runLength = 0;
    for (let i = 0; i < n; i++) {
      const lo = Math.max(0, i - buffer + 1);
      const hi = Math.min(n, i + buffer);
      const isFlagged = marked[hi]! - marked[lo]! > 0;
      if (isFlagged) {
        flagged++;
        runLength++;
      }
      if (!isFlagged || i === n - 1) {
        if (runLength > 1) runs++;
        runLength = 0;
      }
    }
    const keptMean = keptSum / kept;
    let keptSquares = 0;
    for (let i = 0; i < n; i++) if (values[i]! < epsilon) keptSquares += (values[i]! - keptMean) ** 2;
    const keptStd = Math.sqrt(keptSquares / kept);
    const score = ((mean - keptMean) / mean + (std - keptStd) / std) / (runs * runs + flagged);
    if (score >= bestScore && runs <= 5 && flagged < n * 0.5) {
      bestZ = z;
      bestScore = score;
    }
  }
  return { z: bestZ, epsilon: mean + bestZ * std };
}
