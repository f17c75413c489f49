/**
 * An independent LSTM feed-forward in float64: the article's `calc_ht`.
 *
 * It shares no code with the engine on purpose. It exists so that the encoder's
 * features can be re-derived from the saved weights alone and compared with the
 * model's own `encode`. Written to be checked line by line against the equations:
 *
 *   i  = σ(x_t W_i + h U_i + b_i)
 *   f  = σ(x_t W_f + h U_f + b_f)
 *   c̃  = tanh(x_t W_c + h U_c + b_c)
 *   c  = f ∘ c + i ∘ c̃
 *   o  = σ(x_t W_o + h U_o + b_o)
 *   h  = o ∘ tanh(c)
 *
 * starting from h = c = 0, one time step at a time; the result is h after the last step.
 * A sequence with a length (padded after it, as Keras's Masking expects) stops there: its
 * result is h after step length-1, and the padding is never read.
 */
import { InputError } from '../input-error.js';

/** The encoder's weights in Keras layout, row-major: kernel (D,4L), recurrent kernel (L,4L), bias (4L). */
export interface LstmWeights {
  kernel: ArrayLike<number>;
  recurrentKernel: ArrayLike<number>;
  bias: ArrayLike<number>;
}

/** Input sequences, row-major (N, T, D); sequence n has lengths[n] real steps (all T when absent). */
export interface LstmInput {
  data: ArrayLike<number>;
  shape: [number, number, number];
  lengths?: ArrayLike<number>;
}

/** The article's feature check passes when the model's encode and this feed-forward agree this well. */
export const FEATURE_CHECK_TOLERANCE = 1e-5;

export type RecurrentActivation = 'sigmoid' | 'hard_sigmoid';

export interface LstmFeedForwardOptions {
  /** σ in the equations. Keras 2.0's LSTM default was 'hard_sigmoid'; ours and PyTorch's is 'sigmoid'. */
  recurrentActivation?: RecurrentActivation;
}

/** A plain row-major matrix. */
interface Matrix {
  rows: number;
  cols: number;
  values: Float64Array;
}

/** The weights of one gate: W (D,L), U (L,L), b (L). */
interface GateParams {
  W: Matrix;
  U: Matrix;
  b: Float64Array;
}

/** The four gates as the article's `split_params` names them. */
interface SplitParams {
  i: GateParams;
  f: GateParams;
  c: GateParams;
  o: GateParams;
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** Keras's hard_sigmoid: clip(0.2 z + 0.5, 0, 1). */
export function hardSigmoid(z: number): number {
  return Math.min(1, Math.max(0, 0.2 * z + 0.5));
}

/** Columns [from, from+width) of a row-major (rows, totalCols) array, as a new matrix. */
function columnBlock(source: ArrayLike<number>, rows: number, totalCols: number, from: number, width: number): Matrix {
  const values = new Float64Array(rows * width);
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < width; k++) values[r * width + k] = source[r * totalCols + from + k]!;
  }
  return { rows, cols: width, values };
}

/**
 * The seed's `split_params`: Keras stores the four gates side by side in the column
 * order i, f, c, o, so gate g uses columns [gL, (g+1)L) of W, U and b.
 */
export function splitParams(weights: LstmWeights, inputDim: number, units: number): SplitParams {
  const L = units;
  const D = inputDim;
  const gate = (g: number): GateParams => ({
    W: columnBlock(weights.kernel, D, 4 * L, g * L, L),
    U: columnBlock(weights.recurrentKernel, L, 4 * L, g * L, L),
    b: columnBlock(weights.bias, 1, 4 * L, g * L, L).values,
  });
  return { i: gate(0), f: gate(1), c: gate(2), o: gate(3) };
}

/** The pre-activation x_t W + h U + b of one gate, written into z (length L). */
function gateInput(x_t: Float64Array, h: Float64Array, gate: GateParams, z: Float64Array): void {
  const L = gate.b.length;
  for (let k = 0; k < L; k++) {
    let sum = gate.b[k]!;
    for (let d = 0; d < x_t.length; d++) sum += x_t[d]! * gate.W.values[d * L + k]!;
    for (let j = 0; j < h.length; j++) sum += h[j]! * gate.U.values[j * L + k]!;
    z[k] = sum;
  }
}

function validate(weights: LstmWeights, x: LstmInput): { N: number; T: number; D: number; L: number } {
  const [N, T, D] = x.shape;
  for (const [name, n] of [['N', N], ['T', T], ['D', D]] as const) {
    if (!Number.isInteger(n) || n < 1) throw new InputError(`lstmFinalHidden: x.shape ${name} is ${n}; expected a positive integer`);
  }
  if (x.data.length !== N * T * D) {
    throw new InputError(`lstmFinalHidden: x.data has ${x.data.length} values; expected N*T*D = ${N * T * D} for shape [${N}, ${T}, ${D}]`);
  }
  const L = weights.bias.length / 4;
  if (!Number.isInteger(L) || L < 1) {
    throw new InputError(`lstmFinalHidden: bias has ${weights.bias.length} values; expected 4L (gates i, f, c, o)`);
  }
  if (weights.kernel.length !== D * 4 * L) {
    throw new InputError(`lstmFinalHidden: kernel has ${weights.kernel.length} values; expected D*4L = ${D * 4 * L} (D=${D}, L=${L})`);
  }
  if (weights.recurrentKernel.length !== L * 4 * L) {
    throw new InputError(`lstmFinalHidden: recurrent kernel has ${weights.recurrentKernel.length} values; expected L*4L = ${L * 4 * L} (L=${L})`);
  }
  if (x.lengths !== undefined) {
    if (x.lengths.length !== N) throw new InputError(`lstmFinalHidden: x.lengths has ${x.lengths.length} values; expected one per sequence, N = ${N}`);
    for (let n = 0; n < N; n++) {
      const len = x.lengths[n]!;
      if (!Number.isInteger(len) || len < 1 || len > T) throw new InputError(`lstmFinalHidden: x.lengths[${n}] is ${len}; expected an integer from 1 to T = ${T}`);
    }
  }
  return { N, T, D, L };
}

/**
 * Final hidden state of a Keras LSTM for each of the N sequences, (N, L) row-major.
 * This is what the article's encoder returns (return_sequences=False): the features.
 */
export function lstmFinalHidden(weights: LstmWeights, x: LstmInput, options: LstmFeedForwardOptions = {}): Float64Array {
  const { N, T, D, L } = validate(weights, x);
  const σ = (options.recurrentActivation ?? 'sigmoid') === 'hard_sigmoid' ? hardSigmoid : sigmoid;
  const p = splitParams(weights, D, L);
  const features = new Float64Array(N * L);

  // Buffers reused across steps (allocating them per step made 20,000 windows take a minute).
  const x_t = new Float64Array(D);
  const z_i = new Float64Array(L);
  const z_f = new Float64Array(L);
  const z_c = new Float64Array(L);
  const z_o = new Float64Array(L);
  for (let n = 0; n < N; n++) {
    const h = new Float64Array(L);
    const c = new Float64Array(L);
    const length = x.lengths ? x.lengths[n]! : T;
    for (let t = 0; t < length; t++) {
      for (let d = 0; d < D; d++) x_t[d] = x.data[(n * T + t) * D + d]!;
      // z_g = x_t W_g + h U_g + b_g. Every gate reads the previous h, so all four are formed before h changes.
      gateInput(x_t, h, p.i, z_i);
      gateInput(x_t, h, p.f, z_f);
      gateInput(x_t, h, p.c, z_c);
      gateInput(x_t, h, p.o, z_o);
      for (let k = 0; k < L; k++) {
        const i = σ(z_i[k]!);
        const f = σ(z_f[k]!);
        const c_tilde = Math.tanh(z_c[k]!);
        c[k] = f * c[k]! + i * c_tilde;
        const o = σ(z_o[k]!);
        h[k] = o * Math.tanh(c[k]!);
      }
    }
    features.set(h, n * L);
  }
  return features;
}
