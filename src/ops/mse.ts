import type { FloatArray } from './param-layout.js';

/** Mean squared error over all n values, as Keras's 'mse' with the default mean reduction. */

// y, target: (n)  ->  mean of (y - target)^2, summed in double precision
export function mseForward(y: FloatArray, target: FloatArray, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const e = y[i]! - target[i]!;
    sum += e * e;
  }
  return sum / n;
}

// y, target: (n)  ->  dy: (n) overwritten with 2 (y - target) / n
export function mseBackward(dy: FloatArray, y: FloatArray, target: FloatArray, n: number): void {
  const scale = 2 / n;
  for (let i = 0; i < n; i++) dy[i] = scale * (y[i]! - target[i]!);
}
