import type { FloatArray } from './param-layout.js';
import { tanhGradFromOutput, type DenseActivation } from './activations.js';

/**
 * A Keras Dense layer applied to N rows: y = act(x W + b). Applied to a (B,T,I) tensor it
 * is the same layer on B*T rows, as Keras does for 3-D inputs.
 */

// x: (N,I)  W: (I,O)  b: (O)  ->  y: (N,O) activated
export function denseForward(
  y: FloatArray,
  x: FloatArray,
  W: FloatArray,
  b: FloatArray,
  N: number,
  I: number,
  O: number,
  activation: DenseActivation,
): void {
  for (let n = 0; n < N; n++) {
    const row = n * O;
    for (let o = 0; o < O; o++) y[row + o] = b[o]!;
    for (let i = 0; i < I; i++) {
      const xv = x[n * I + i]!;
      const w = i * O;
      for (let o = 0; o < O; o++) y[row + o] = y[row + o]! + xv * W[w + o]!;
    }
    if (activation === 'relu') for (let o = 0; o < O; o++) y[row + o] = Math.max(0, y[row + o]!);
    else if (activation === 'tanh') for (let o = 0; o < O; o++) y[row + o] = Math.tanh(y[row + o]!);
  }
}

// dy: (N,O) dLoss/dy  ->  dW (I,O), db (O) accumulated (+=); dx: (N,I) overwritten, or null;
// dPre: (N,O) receives dLoss/d(pre-activation) and may be dy itself
export function denseBackward(
  dx: FloatArray | null,
  dW: FloatArray,
  db: FloatArray,
  dPre: FloatArray,
  dy: FloatArray,
  x: FloatArray,
  y: FloatArray,
  W: FloatArray,
  N: number,
  I: number,
  O: number,
  activation: DenseActivation,
): void {
  for (let n = 0; n < N; n++) {
    const row = n * O;
    for (let o = 0; o < O; o++) {
      const g = dy[row + o]!;
      const yv = y[row + o]!;
      // relu's kink at 0 gets derivative 0, as in TensorFlow and PyTorch
      dPre[row + o] = activation === 'relu' ? (yv > 0 ? g : 0) : activation === 'tanh' ? g * tanhGradFromOutput(yv) : g;
    }
    for (let o = 0; o < O; o++) db[o] = db[o]! + dPre[row + o]!;
    for (let i = 0; i < I; i++) {
      const xv = x[n * I + i]!;
      const w = i * O;
      let acc = 0;
      for (let o = 0; o < O; o++) {
        dW[w + o] = dW[w + o]! + xv * dPre[row + o]!;
        acc += dPre[row + o]! * W[w + o]!;
      }
      if (dx) dx[n * I + i] = acc;
    }
  }
}
