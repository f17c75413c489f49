/**
 * Features from every step of an LSTM encoder, not only its last: for each series the
 * final hidden state h_T and cell state c_T, and the mean and the maximum of h_t over the
 * series' real steps (mean and max pooling, as in the "bag of local patterns" readings of
 * recurrent features). On series of a few hundred steps the final h alone keeps little of
 * the start; the pooled states keep something of every step.
 *
 * Same equations as lstm-feed-forward.ts (Keras's LSTM, gate order i, f, c, o, from
 * h = c = 0), in float64, one series at a time; a series with a length stops there, and the
 * pooling runs over its real steps only.
 */
import { InputError } from '../input-error.js';
import { hardSigmoid, sigmoid, type LstmInput, type LstmWeights, type RecurrentActivation } from './lstm-feed-forward.js';

/** The four blocks, each (N, L) row-major. */
export interface EncoderStates {
  finalHidden: Float64Array;
  finalCell: Float64Array;
  meanHidden: Float64Array;
  maxHidden: Float64Array;
  /** N and L */
  rows: number;
  units: number;
}

export const STATE_BLOCKS = ['finalHidden', 'finalCell', 'meanHidden', 'maxHidden'] as const;
export type StateBlock = (typeof STATE_BLOCKS)[number];

/** The encoder's states for each of the N series in x (see above). */
export function encoderStates(weights: LstmWeights, x: LstmInput, recurrentActivation: RecurrentActivation = 'sigmoid'): EncoderStates {
  const [N, T, D] = x.shape;
  const G = weights.bias.length;
  const L = G / 4;
  if (!Number.isInteger(L) || L < 1) throw new InputError(`encoderStates: bias has ${G} values; expected 4L (gates i, f, c, o)`);
  if (weights.kernel.length !== D * G || weights.recurrentKernel.length !== L * G) {
    throw new InputError(`encoderStates: kernel ${weights.kernel.length} and recurrent kernel ${weights.recurrentKernel.length} values; expected ${D * G} and ${L * G} (D=${D}, L=${L})`);
  }
  if (x.data.length !== N * T * D) throw new InputError(`encoderStates: x holds ${x.data.length} values; expected N*T*D = ${N * T * D}`);
  if (x.lengths && x.lengths.length !== N) throw new InputError(`encoderStates: ${x.lengths.length} lengths for ${N} series`);
  const gate = recurrentActivation === 'hard_sigmoid' ? hardSigmoid : sigmoid;
  const W = Float64Array.from(weights.kernel);
  const U = Float64Array.from(weights.recurrentKernel);
  const b = Float64Array.from(weights.bias);
  const out: EncoderStates = {
    finalHidden: new Float64Array(N * L),
    finalCell: new Float64Array(N * L),
    meanHidden: new Float64Array(N * L),
    maxHidden: new Float64Array(N * L),
    rows: N,
    units: L,
  };
  const h = new Float64Array(L);
  const c = new Float64Array(L);
  const z = new Float64Array(G);
  for (let n = 0; n < N; n++) {
    const steps = x.lengths ? x.lengths[n]! : T;
    if (!Number.isInteger(steps) || steps < 1 || steps > T) throw new InputError(`encoderStates: length ${steps} of series ${n}; expected 1 to ${T}`);
    h.fill(0);
    c.fill(0);
    const row = n * L;
    out.maxHidden.fill(-Infinity, row, row + L);
    for (let t = 0; t < steps; t++) {
      // z = x_t W + h_{t-1} U + b, all four gates at once (Keras's column layout)
      z.set(b);
      const xt = (n * T + t) * D;
      for (let d = 0; d < D; d++) {
        const v = x.data[xt + d]!;
        for (let j = 0, w = d * G; j < G; j++) z[j] = z[j]! + v * W[w + j]!;
      }
      for (let k = 0; k < L; k++) {
        const v = h[k]!;
        for (let j = 0, u = k * G; j < G; j++) z[j] = z[j]! + v * U[u + j]!;
      }
      for (let k = 0; k < L; k++) {
        const i = gate(z[k]!);
        const f = gate(z[L + k]!);
        const g = Math.tanh(z[2 * L + k]!);
        const o = gate(z[3 * L + k]!);
        c[k] = f * c[k]! + i * g;
        h[k] = o * Math.tanh(c[k]!);
        out.meanHidden[row + k] = out.meanHidden[row + k]! + h[k]!;
        if (h[k]! > out.maxHidden[row + k]!) out.maxHidden[row + k] = h[k]!;
      }
    }
    for (let k = 0; k < L; k++) out.meanHidden[row + k] = out.meanHidden[row + k]! / steps;
    out.finalHidden.set(h, row);
    out.finalCell.set(c, row);
  }
  return out;
}

/** The chosen blocks side by side, (N, blocks·L) row-major, in the order given. */
export function stateFeatures(states: EncoderStates, blocks: readonly StateBlock[]): { data: Float64Array; rows: number; cols: number } {
  const { rows, units: L } = states;
  const cols = blocks.length * L;
  const data = new Float64Array(rows * cols);
  for (let n = 0; n < rows; n++) {
    blocks.forEach((block, k) => data.set(states[block].subarray(n * L, (n + 1) * L), n * cols + k * L));
  }
  return { data, rows, cols };
}
