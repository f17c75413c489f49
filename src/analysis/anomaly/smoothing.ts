/**
 * Exponentially weighted moving average of the anomaly statistic, as Telemanom smooths its
 * errors (Hundman et al. 2018, section 3.2; pandas' ewm(span)): one spike of reconstruction
 * error from noise is damped, a run of large errors builds up. Causal: the value at t uses
 * rows up to t only.
 *   s_0 = x_0,   s_t = α·x_t + (1 - α)·s_{t-1},   α = 2 / (span + 1)
 * span 1 is no smoothing.
 */
import { InputError } from '../../input-error.js';

export function ewmaAlpha(span: number): number {
  if (!Number.isFinite(span) || span < 1) throw new InputError(`smoothing span ${span}; expected a number of rows from 1 up`);
  return 2 / (span + 1);
}

/** The running average, one value at a time. */
export class Ewma {
  private state: number | undefined;
  constructor(readonly alpha: number) {}

  push(x: number): number {
    this.state = this.state === undefined ? x : this.alpha * x + (1 - this.alpha) * this.state;
    return this.state;
  }
}

/** The same average of a whole series, one output per input. */
export function ewma(values: ArrayLike<number>, span: number): Float64Array {
  const smoother = new Ewma(ewmaAlpha(span));
  return Float64Array.from({ length: values.length }, (_, i) => smoother.push(values[i]!));
}
