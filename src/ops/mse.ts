import type { FloatArray } from './param-layout.js';

/**
 * Mean squared error over all n values, as Keras's 'mse' with the default mean reduction.
 *
 * With `steps` the n values are (B,T,D) sequences of which only row b's steps
 * t < lengths[b] are real: the mean is over the real steps' values alone
 * (sum of their squared errors / (D * sum of lengths)), as Keras averages a masked loss,
 * and the padding's values get gradient 0. Without it every step is real.
 */
export interface StepMask {
  timesteps: number;
  features: number;
  /** (B): row b's real steps are 0 .. lengths[b]-1 */
  lengths: Int32Array;
}

// y, target: (n)  ->  mean of (y - target)^2 over the real values, summed in double precision
export function mseForward(y: FloatArray, target: FloatArray, n: number, steps?: StepMask): number {
  if (!steps) {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const e = y[i]! - target[i]!;
      sum += e * e;
    }
    return sum / n;
  }
  const { timesteps: T, features: D, lengths } = steps;
  let sum = 0;
  let count = 0;
  for (let b = 0; b < n / (T * D); b++) {
    const end = (b * T + lengths[b]!) * D;
    for (let i = b * T * D; i < end; i++) {
      const e = y[i]! - target[i]!;
      sum += e * e;
    }
    count += lengths[b]! * D;
  }
  return sum / count;
}

// y, target: (n)  ->  dy: (n) overwritten with 2 (y - target) / (number of real values), 0 on padding
export function mseBackward(dy: FloatArray, y: FloatArray, target: FloatArray, n: number, steps?: StepMask): void {
  if (!steps) {
    const scale = 2 / n;
    for (let i = 0; i < n; i++) dy[i] = scale * (y[i]! - target[i]!);
    return;
  }
  const { timesteps: T, features: D, lengths } = steps;
  const B = n / (T * D);
  let count = 0;
  for (let b = 0; b < B; b++) count += lengths[b]! * D;
  const scale = 2 / count;
  for (let b = 0; b < B; b++) {
    const end = (b * T + lengths[b]!) * D;
    for (let i = b * T * D; i < end; i++) dy[i] = scale * (y[i]! - target[i]!);
    dy.fill(0, end, (b + 1) * T * D);
  }
}
