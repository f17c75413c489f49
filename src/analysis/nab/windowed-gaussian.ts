/**
 * NAB's windowed-Gaussian baseline detector (numenta/NAB
 * nab/detectors/gaussian/windowedGaussian_detector.py). It reads one row at a time and never
 * looks ahead: each value is scored against the mean and standard deviation of the values
 * before it, within a sliding window, and only then joins the window. The anomaly score is
 * 1 - Q(|z|), Q the Gaussian tail probability, so a value k standard deviations from the mean
 * scores Φ(k): 0.5 at the mean, 0.84 at one standard deviation, near 1 far out. The window
 * fills up to windowSize values (statistics refreshed at every row), then slides in steps of
 * stepSize values (refreshed once per step). NAB tuned windowSize 6400 and stepSize 100 on its
 * corpus. The first row, with nothing before it, scores 0.
 */
import { InputError } from '../../input-error.js';
import { erfcNonNegative } from '../anomaly/normal-tail.js';

export interface WindowedGaussianOptions {
  /** Values the statistics are taken over (NAB: 6400). */
  readonly windowSize?: number;
  /** Values the full window slides by at once (NAB: 100). */
  readonly stepSize?: number;
}

/**
 * The probability that a Gaussian with this mean and standard deviation gives a value further
 * from the mean, on the same side, than x: Q(|x - mean| / std), NAB's `normalProbability`.
 */
export function normalTailProbability(x: number, mean: number, std: number): number {
  // Below the mean, mirror onto the upper tail (the Gaussian is symmetric), as NAB does.
  const upper = x < mean ? 2 * mean - x : x;
  const z = (upper - mean) / std;
  return 0.5 * erfcNonNegative(z / Math.SQRT2);
}

function checkSize(what: string, n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new InputError(`windowed Gaussian: ${what} is ${n}; expected a whole number >= 1`);
}

/** The windowed-Gaussian anomaly score of every row. */
export function windowedGaussianScores(values: ArrayLike<number>, options: WindowedGaussianOptions = {}): Float64Array {
  const windowSize = options.windowSize ?? 6400;
  const stepSize = options.stepSize ?? 100;
  checkSize('windowSize', windowSize);
  checkSize('stepSize', stepSize);
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new InputError(`windowed Gaussian: value ${values[i]} at row ${i}; expected a finite number`);
  }
  // The window is always a run of consecutive values, values[lo, hi).
  let lo = 0;
  let hi = 0;
  let mean = 0;
  let std = 1;
  const refresh = () => {
    let sum = 0;
    for (let j = lo; j < hi; j++) sum += values[j]!;
    mean = sum / (hi - lo);
    let squares = 0;
    for (let j = lo; j < hi; j++) squares += (values[j]! - mean) ** 2;
    // Population standard deviation (numpy's default); a constant window gets 1e-6, as in NAB.
    std = Math.sqrt(squares / (hi - lo)) || 0.000001;
  };

  const scores = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    scores[i] = hi > lo ? 1 - normalTailProbability(value, mean, std) : 0;
    if (hi - lo < windowSize) {
      hi = i + 1;
      refresh();
    } else if (i + 1 - hi === stepSize) {
      // The step buffer is full: slide the window over it.
      lo += stepSize;
      hi += stepSize;
      refresh();
    }
  }
  return scores;
}
