/**
 * Features from every step of an LSTM encoder, not only its last: for each series the
 * final hidden state h_T and cell state c_T, and the mean and the maximum of h_t over the
 * series' real steps (mean and max pooling, as in the "bag of local patterns" readings of
 * recurrent features). On series of a few hundred steps the final h alone keeps little of
 * the start; the pooled states keep something of every step.
 *
 * The LSTM is the engine's own (ops/lstm.ts's lstmForward, which the reference path trains
 * with), run in float64 over each series' own steps, so the equations live in one production
 * place; lstm-feed-forward.ts, written apart from it, checks it in the tests. The pooling runs
 * over each series' real steps only.
 */
import { InputError } from '../input-error.js';
import { lstmForward } from '../ops/lstm.js';
import type { RaggedSequences } from '../train/sequences.js';
import type { LstmInput, LstmWeights, RecurrentActivation } from './lstm-feed-forward.js';

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

/** The encoder's states for each of the N series in x, padded windows (N,T,D) or ragged series (see above). */
export function encoderStates(weights: LstmWeights, x: LstmInput | RaggedSequences, recurrentActivation: RecurrentActivation = 'sigmoid'): EncoderStates {
  const ragged = 'features' in x && !('shape' in x);
  const [N, T, D] = ragged ? [x.lengths.length, x.lengths.reduce((m, len) => Math.max(m, len), 0), x.features] : x.shape;
  // where series n starts in x.data: n*T*D, or after the series before it
  const starts = new Float64Array(N);
  if (ragged) for (let n = 1; n < N; n++) starts[n] = starts[n - 1]! + x.lengths[n - 1]! * D;
  else for (let n = 1; n < N; n++) starts[n] = n * T * D;
  const G = weights.bias.length;
  const L = G / 4;
  if (!Number.isInteger(L) || L < 1) throw new InputError(`encoderStates: bias has ${G} values; expected 4L (gates i, f, c, o)`);
  if (weights.kernel.length !== D * G || weights.recurrentKernel.length !== L * G) {
    throw new InputError(`encoderStates: kernel ${weights.kernel.length} and recurrent kernel ${weights.recurrentKernel.length} values; expected ${D * G} and ${L * G} (D=${D}, L=${L})`);
  }
  const expected = ragged ? (N > 0 ? starts[N - 1]! + x.lengths[N - 1]! * D : 0) : N * T * D;
  if (x.data.length !== expected) throw new InputError(`encoderStates: x holds ${x.data.length} values; expected ${ragged ? 'the lengths\' sum times D' : 'N*T*D'} = ${expected}`);
  if (x.lengths && x.lengths.length !== N) throw new InputError(`encoderStates: ${x.lengths.length} lengths for ${N} series`);
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
  // one series at a time, over its own steps: buffers for the longest, no padding to carry
  const h = new Float64Array(T * L);
  const c = new Float64Array(T * L);
  const gates = new Float64Array(T * G);
  const xs = new Float64Array(T * D);
  for (let n = 0; n < N; n++) {
    const steps = x.lengths ? x.lengths[n]! : T;
    if (!Number.isInteger(steps) || steps < 1 || steps > T) throw new InputError(`encoderStates: length ${steps} of series ${n}; expected 1 to ${T}`);
    for (let i = 0; i < steps * D; i++) xs[i] = x.data[starts[n]! + i]!;
    lstmForward(h, c, gates, xs, W, U, b, { B: 1, T: steps, D, L }, recurrentActivation);
    const row = n * L;
    for (let k = 0; k < L; k++) {
      let sum = 0;
      let largest = -Infinity;
      for (let t = 0; t < steps; t++) {
        const v = h[t * L + k]!;
        sum += v;
        if (v > largest) largest = v;
      }
      out.meanHidden[row + k] = sum / steps;
      out.maxHidden[row + k] = largest;
    }
    out.finalHidden.set(h.subarray((steps - 1) * L, steps * L), row);
    out.finalCell.set(c.subarray((steps - 1) * L, steps * L), row);
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
