import type { FloatArray } from '../../ops/param-layout.js';
import type { RecurrentActivation } from '../../ops/activations.js';
import { lstmBackward, lstmBackwardScratch, lstmForward, type LstmBackwardScratch } from '../../ops/lstm.js';
import { denseBackward, denseForward } from '../../ops/dense.js';
import { mseBackward, mseForward } from '../../ops/mse.js';
import { autoencoderLayout, type AutoencoderDims, type WeightName } from './layout.js';
import type { ForwardOutputs, GradientStep } from '../../train/gradient-step.js';

export type { ForwardOutputs } from '../../train/gradient-step.js';

export type Precision = 'float32' | 'float64';

/** The dimensions plus the one choice that changes the math. */
export interface StepDims extends AutoencoderDims {
  /** default 'sigmoid' */
  recurrentActivation?: RecurrentActivation;
}

type Weights = Record<WeightName, FloatArray>;

/**
 * The article's conditional autoencoder, forward and backward, written out op by op over the
 * engine's plain functions. This is the implementation every test trusts and every fast
 * path is compared with. In 'float64' it serves the gradient checks; in 'float32' it is
 * what training uses by default.
 *
 *   x (B,T,D) --encoder LSTM(L)--> hEnc (B,T,L), code = hEnc[:, T-1]
 *   decIn (B,T,L+D) = [code repeated T times | x reversed in time]
 *   --decoder LSTM(L)--> hDec (B,T,L) --Dense(L, relu)--> hidden --Dense(D, tanh)--> output
 *   loss = mean((output - x)^2) over B*T*D
 *
 * Every buffer is allocated here, once, for `maxBatch`; a call allocates nothing.
 */
export class ReferenceStep implements GradientStep {
  readonly dims: AutoencoderDims;
  readonly maxBatch: number;
  readonly precision: Precision;
  readonly recurrentActivation: RecurrentActivation;

  // activations of the last call, valid for its first `batch` rows
  /** (maxBatch,T,L) every encoder state; the code is step T-1 */
  readonly encoderH: FloatArray;
  /** (maxBatch,T,L) */
  readonly decoderH: FloatArray;
  /** (maxBatch,T,D) the reconstruction */
  readonly output: FloatArray;
  /** (maxBatch,T,4L) activated gates i,f,c,o */
  readonly encoderGates: FloatArray;
  /** (maxBatch,T,4L) activated gates i,f,c,o */
  readonly decoderGates: FloatArray;
  /** (maxBatch,T,L) Dense(L, relu) output */
  readonly hidden: FloatArray;
  private readonly encoderC: FloatArray;
  private readonly decoderIn: FloatArray;
  private readonly decoderC: FloatArray;

  // gradients of the activations
  private readonly dOutput: FloatArray;
  private readonly dHidden: FloatArray;
  private readonly dDecoderH: FloatArray;
  private readonly dDecoderIn: FloatArray;
  private readonly dEncoderH: FloatArray;
  private readonly lstmScratch: LstmBackwardScratch;

  // copies for callers whose buffers are of the other precision
  private readonly paramsWork: FloatArray;
  private readonly gradsWork: FloatArray;
  private readonly xWork: FloatArray;
  private readonly viewCache = new WeakMap<FloatArray, Weights>();

  constructor(dims: StepDims, maxBatch: number, precision: Precision = 'float32') {
    const { timesteps: T, inputDim: D, latentDim: L } = dims;
    for (const [name, value] of Object.entries({ timesteps: T, inputDim: D, latentDim: L, maxBatch })) {
      if (!Number.isInteger(value) || value < 1) throw new Error(`ReferenceStep: ${name} must be a positive integer, got ${value}`);
    }
    this.dims = { timesteps: T, inputDim: D, latentDim: L };
    this.maxBatch = maxBatch;
    this.precision = precision;
    this.recurrentActivation = dims.recurrentActivation ?? 'sigmoid';
    const make = (n: number): FloatArray => (precision === 'float64' ? new Float64Array(n) : new Float32Array(n));
    const B = maxBatch;
    this.encoderH = make(B * T * L);
    this.encoderC = make(B * T * L);
    this.encoderGates = make(B * T * 4 * L);
    this.decoderIn = make(B * T * (L + D));
    this.decoderH = make(B * T * L);
    this.decoderC = make(B * T * L);
    this.decoderGates = make(B * T * 4 * L);
    this.hidden = make(B * T * L);
    this.output = make(B * T * D);
    this.dOutput = make(B * T * D);
    this.dHidden = make(B * T * L);
    this.dDecoderH = make(B * T * L);
    this.dDecoderIn = make(B * T * (L + D));
    this.dEncoderH = make(B * T * L);
    // encoder and decoder backward run one after the other and share one work space
    this.lstmScratch = lstmBackwardScratch(make, { B, T, D, L });
    const size = autoencoderLayout(this.dims).size;
    this.paramsWork = make(size);
    this.gradsWork = make(size);
    this.xWork = make(B * T * D);
  }

  lossAndGradient(params: Float32Array, grads: Float32Array, x: Float32Array, batch: number): number {
    return this.run(params, grads, x, batch);
  }

  /**
   * Forward (and backward when `grads` is given) over the first `batch` windows of x
   * (batch,T,D). Buffers may be float32 or float64 whatever the precision: they are
   * converted on the way in and out. Returns the loss.
   */
  run(params: FloatArray, grads: FloatArray | null, x: FloatArray, batch: number): number {
    this.forwardPass(params, x, batch, false);
    const { timesteps: T, inputDim: D } = this.dims;
    const X = this.inPrecision(x, this.xWork, batch * T * D, true);
    const loss = mseForward(this.output, X, batch * T * D);
    if (grads) this.backward(params, grads, X, batch);
    return loss;
  }

  /** GradientStep's forward: the codes and, when asked for, the reconstruction of `batch` windows. */
  forward(params: Float32Array, x: Float32Array, batch: number, out: { code?: Float32Array; reconstruction?: Float32Array }): void {
    const { timesteps: T, inputDim: D } = this.dims;
    this.forwardPass(params, x, batch, out.reconstruction === undefined);
    if (out.code) this.copyCode(out.code, batch);
    if (out.reconstruction) out.reconstruction.set(this.output.subarray(0, batch * T * D));
  }

  /** The forward pass only; with `encoderOnly` it stops at the code. */
  forwardPass(params: FloatArray, x: FloatArray, batch: number, encoderOnly: boolean): void {
    const { timesteps: T, inputDim: D, latentDim: L } = this.dims;
    this.checkCall(params, x, batch);
    const w = this.weights(this.inPrecision(params, this.paramsWork, params.length));
    const X = this.inPrecision(x, this.xWork, batch * T * D);
    const ra = this.recurrentActivation;
    lstmForward(this.encoderH, this.encoderC, this.encoderGates, X, w['encoder/kernel'], w['encoder/recurrent_kernel'], w['encoder/bias'], { B: batch, T, D, L }, ra);
    if (encoderOnly) return;
    const E = L + D;
    const decIn = this.decoderIn;
    for (let n = 0; n < batch; n++) {
      const code = (n * T + T - 1) * L;
      for (let t = 0; t < T; t++) {
        const row = (n * T + t) * E;
        for (let k = 0; k < L; k++) decIn[row + k] = this.encoderH[code + k]!;
        const reversed = (n * T + T - 1 - t) * D;
        for (let d = 0; d < D; d++) decIn[row + L + d] = X[reversed + d]!;
      }
    }
    lstmForward(this.decoderH, this.decoderC, this.decoderGates, decIn, w['decoder/kernel'], w['decoder/recurrent_kernel'], w['decoder/bias'], { B: batch, T, D: E, L }, ra);
    denseForward(this.hidden, this.decoderH, w['dense_hidden/kernel'], w['dense_hidden/bias'], batch * T, L, L, 'relu');
    denseForward(this.output, this.hidden, w['dense_out/kernel'], w['dense_out/bias'], batch * T, L, D, 'tanh');
  }

  /** Copies the codes (the encoder's last states) of the last forward pass into out (batch,L). */
  copyCode(out: FloatArray, batch: number, outOffset = 0): void {
    const { timesteps: T, latentDim: L } = this.dims;
    for (let n = 0; n < batch; n++) {
      const from = (n * T + T - 1) * L;
      for (let k = 0; k < L; k++) out[outOffset + n * L + k] = this.encoderH[from + k]!;
    }
  }

  dispose(): void {}

  // X is already in this step's precision; the forward activations are in place
  private backward(params: FloatArray, grads: FloatArray, X: FloatArray, batch: number): void {
    const { timesteps: T, inputDim: D, latentDim: L } = this.dims;
    const E = L + D;
    const N = batch * T;
    const w = this.weights(this.inPrecision(params, this.paramsWork, params.length, true));
    const G = grads.constructor === this.gradsWork.constructor ? grads : this.gradsWork;
    if (G.length !== this.gradsWork.length) throw new Error(`ReferenceStep: grads has ${G.length} values, layout needs ${this.gradsWork.length}`);
    G.fill(0);
    const g = this.weights(G);
    const ra = this.recurrentActivation;
    mseBackward(this.dOutput, this.output, X, N * D);
    denseBackward(this.dHidden, g['dense_out/kernel'], g['dense_out/bias'], this.dOutput, this.dOutput, this.hidden, this.output, w['dense_out/kernel'], N, L, D, 'tanh');
    denseBackward(this.dDecoderH, g['dense_hidden/kernel'], g['dense_hidden/bias'], this.dHidden, this.dHidden, this.decoderH, this.hidden, w['dense_hidden/kernel'], N, L, L, 'relu');
    lstmBackward(
      this.dDecoderIn, g['decoder/kernel'], g['decoder/recurrent_kernel'], g['decoder/bias'], this.dDecoderH,
      this.decoderIn, this.decoderH, this.decoderC, this.decoderGates, w['decoder/kernel'], w['decoder/recurrent_kernel'],
      { B: batch, T, D: E, L }, ra, this.lstmScratch,
    );
    // The code fed every decoder step: its gradient is the sum over steps, arriving at the encoder's last h.
    const dEnc = this.dEncoderH;
    dEnc.fill(0, 0, N * L);
    for (let n = 0; n < batch; n++) {
      const last = (n * T + T - 1) * L;
      for (let t = 0; t < T; t++) {
        const row = (n * T + t) * E;
        for (let k = 0; k < L; k++) dEnc[last + k] = dEnc[last + k]! + this.dDecoderIn[row + k]!;
      }
    }
    lstmBackward(
      null, g['encoder/kernel'], g['encoder/recurrent_kernel'], g['encoder/bias'], dEnc,
      X, this.encoderH, this.encoderC, this.encoderGates, w['encoder/kernel'], w['encoder/recurrent_kernel'],
      { B: batch, T, D, L }, ra, this.lstmScratch,
    );
    if (G !== grads) grads.set(G);
  }

  private checkCall(params: FloatArray, x: FloatArray, batch: number): void {
    const { timesteps: T, inputDim: D } = this.dims;
    if (params.length !== this.paramsWork.length) throw new Error(`ReferenceStep: params has ${params.length} values, layout needs ${this.paramsWork.length}`);
    if (!Number.isInteger(batch) || batch < 1 || batch > this.maxBatch) throw new Error(`ReferenceStep: batch ${batch} outside 1..${this.maxBatch}`);
    if (x.length < batch * T * D) throw new Error(`ReferenceStep: x has ${x.length} values, batch ${batch} needs ${batch * T * D}`);
  }

  /** `a` itself when it already has this step's precision, else its first n values copied into `work`. */
  private inPrecision(a: FloatArray, work: FloatArray, n: number, alreadyCopied = false): FloatArray {
    if (a.constructor === work.constructor) return a;
    if (!alreadyCopied) for (let i = 0; i < n; i++) work[i] = a[i]!;
    return work;
  }

  /** Named views into a flat buffer, made once per buffer. */
  private weights(buffer: FloatArray): Weights {
    let views = this.viewCache.get(buffer);
    if (!views) {
      views = autoencoderLayout(this.dims).views(buffer) as Weights;
      this.viewCache.set(buffer, views);
    }
    return views;
  }
}


/**
 * Forward pass of N windows x (N,T,D) in chunks of 256, so memory stays bounded whatever
 * N; runs the decoder only when a reconstruction or the loss is asked for. float32 as
 * training, or float64 to see the same equations without float32 rounding. Returns the
 * MSE of the reconstruction against x, or NaN when it was not computed.
 */
export function referenceForward(
  params: FloatArray,
  dims: StepDims,
  x: FloatArray,
  N: number,
  { reconstruction, code, loss = false }: ForwardOutputs,
  precision: Precision = 'float32',
): number {
  const chunkSize = 256;
  const { timesteps: T, inputDim: D, latentDim: L } = dims;
  if (x.length !== N * T * D) throw new Error(`referenceForward: x has ${x.length} values, (${N},${T},${D}) needs ${N * T * D}`);
  if (N === 0) return NaN;
  const decode = loss || reconstruction !== undefined;
  const step = new ReferenceStep(dims, Math.min(chunkSize, N), precision);
  let squaredErrors = 0;
  for (let start = 0; start < N; start += step.maxBatch) {
    const batch = Math.min(step.maxBatch, N - start);
    const chunk = x.subarray(start * T * D, (start + batch) * T * D);
    step.forwardPass(params, chunk, batch, !decode);
    if (code) step.copyCode(code, batch, start * L);
    if (reconstruction) reconstruction.set(step.output.subarray(0, batch * T * D), start * T * D);
    if (loss) {
      for (let i = 0; i < batch * T * D; i++) {
        const e = step.output[i]! - chunk[i]!;
        squaredErrors += e * e;
      }
    }
  }
  return loss ? squaredErrors / (N * T * D) : NaN;
}
