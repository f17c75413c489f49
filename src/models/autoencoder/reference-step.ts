import type { FloatArray } from '../../ops/param-layout.js';
import type { RecurrentActivation } from '../../ops/activations.js';
import { lstmBackward, lstmBackwardScratch, lstmForward, type LstmBackwardScratch } from '../../ops/lstm.js';
import { denseBackward, denseForward } from '../../ops/dense.js';
import { mseBackward, mseForward, type StepMask } from '../../ops/mse.js';
import { autoencoderLayout, decoderInputSize, type AutoencoderDims, type DecoderKind, type WeightName } from './layout.js';
import type { OutputActivation } from './config.js';
import type { ForwardOutputs, GradientStep } from '../../train/gradient-step.js';
import { realStepSquaredErrors } from '../../train/forward-chunks.js';

export type { ForwardOutputs } from '../../train/gradient-step.js';

export type Precision = 'float32' | 'float64';

/** The dimensions plus the choices that change the math; an AutoencoderConfig is one. */
export interface StepDims extends AutoencoderDims {
  /** default 'sigmoid' */
  recurrentActivation?: RecurrentActivation;
  /** default 'conditional' */
  decoder?: DecoderKind;
  /** default false */
  reverseTarget?: boolean;
  /** default 'tanh' */
  outputActivation?: OutputActivation;
}

type Weights = Record<WeightName, FloatArray>;

/**
 * The autoencoder, forward and backward, written out op by op over the engine's plain
 * functions. This is the implementation every test trusts and every fast path is compared
 * with. In 'float64' it serves the gradient checks; in 'float32' it is what training uses
 * by default. With the article's settings and no lengths:
 *
 *   x (B,T,D) --encoder LSTM(L)--> hEnc (B,T,L), code = hEnc[:, T-1]
 *   decIn (B,T,L+D) = [code repeated T times | x reversed in time]
 *   --decoder LSTM(L)--> hDec (B,T,L) --Dense(L, relu)--> hidden --Dense(D, tanh)--> output
 *   loss = mean((output - x)^2) over B*T*D
 *
 * The variants: with lengths (window b has len_b real steps, then padding) both LSTMs
 * carry their state through padded steps, so the code (still hEnc[:, T-1]) is the state
 * after step len_b - 1, and the conditional decoder reads x reversed within the window,
 * x[len_b-1-t] at step t < len_b. The unconditional decoder reads the code alone
 * (decIn (B,T,L)). reverseTarget compares output step t with x[len_b-1-t] instead of x[t].
 * The output Dense is tanh or linear. The loss is the mean over real steps only.
 *
 * Every buffer is allocated here, once, for `maxBatch`; a call allocates nothing.
 */
export class ReferenceStep implements GradientStep {
  readonly dims: AutoencoderDims;
  readonly maxBatch: number;
  readonly precision: Precision;
  readonly recurrentActivation: RecurrentActivation;
  readonly decoder: DecoderKind;
  readonly reverseTarget: boolean;
  readonly outputActivation: OutputActivation;

  // activations of the last call, valid for its first `batch` rows
  /** (maxBatch,T,L) every encoder state; the code is step T-1 */
  readonly encoderH: FloatArray;
  /** (maxBatch,T,L) */
  readonly decoderH: FloatArray;
  /**
   * (maxBatch,T,D) the output as the model produced it: step t reconstructs x[t], or
   * x[len-1-t] with reverseTarget; padded steps hold whatever the carried state gives.
   * forward() and copyReconstruction() give it in the data's own order.
   */
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
  /** (maxBatch,T,D) x reversed within each window, the target of a reverseTarget model */
  private readonly reversedX: FloatArray;

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
  /** the window length of the last call's x: at most dims.timesteps, the buffers' (a batch is padded only to its longest window) */
  private steps: number;

  constructor(dims: StepDims, maxBatch: number, precision: Precision = 'float32') {
    const { timesteps: T, inputDim: D, latentDim: L } = dims;
    for (const [name, value] of Object.entries({ timesteps: T, inputDim: D, latentDim: L, maxBatch })) {
      if (!Number.isInteger(value) || value < 1) throw new Error(`ReferenceStep: ${name} must be a positive integer, got ${value}`);
    }
    this.dims = { timesteps: T, inputDim: D, latentDim: L };
    this.steps = T;
    this.maxBatch = maxBatch;
    this.precision = precision;
    this.recurrentActivation = dims.recurrentActivation ?? 'sigmoid';
    this.decoder = dims.decoder ?? 'conditional';
    this.reverseTarget = dims.reverseTarget ?? false;
    this.outputActivation = dims.outputActivation ?? 'tanh';
    const make = (n: number): FloatArray => (precision === 'float64' ? new Float64Array(n) : new Float32Array(n));
    const B = maxBatch;
    const E = decoderInputSize(this.dims, this.decoder);
    this.encoderH = make(B * T * L);
    this.encoderC = make(B * T * L);
    this.encoderGates = make(B * T * 4 * L);
    this.decoderIn = make(B * T * E);
    this.decoderH = make(B * T * L);
    this.decoderC = make(B * T * L);
    this.decoderGates = make(B * T * 4 * L);
    this.hidden = make(B * T * L);
    this.output = make(B * T * D);
    this.dOutput = make(B * T * D);
    this.dHidden = make(B * T * L);
    this.dDecoderH = make(B * T * L);
    this.dDecoderIn = make(B * T * E);
    this.reversedX = make(this.reverseTarget ? B * T * D : 0);
    this.dEncoderH = make(B * T * L);
    // encoder and decoder backward run one after the other and share one work space
    this.lstmScratch = lstmBackwardScratch(make, { B, T, D, L });
    const size = this.layout().size;
    this.paramsWork = make(size);
    this.gradsWork = make(size);
    this.xWork = make(B * T * D);
  }

  lossAndGradient(params: Float32Array, grads: Float32Array, x: Float32Array, batch: number, lengths?: Int32Array, steps?: number): number {
    return this.run(params, grads, x, batch, lengths, steps);
  }

  /**
   * Forward (and backward when `grads` is given) over the first `batch` windows of x
   * (batch,steps,D), steps <= T (default T), window n being lengths[n] steps long (all
   * `steps` without lengths). Buffers may be float32 or float64 whatever the precision: they
   * are converted on the way in and out. Returns the loss, the mean over real steps.
   */
  run(params: FloatArray, grads: FloatArray | null, x: FloatArray, batch: number, lengths?: Int32Array, steps?: number): number {
    this.forwardPass(params, x, batch, false, lengths, steps);
    const { steps: T } = this;
    const { inputDim: D } = this.dims;
    const X = this.inPrecision(x, this.xWork, batch * T * D, true);
    const target = this.reverseTarget ? this.reversedX : X;
    if (this.reverseTarget) reverseWithin(this.reversedX, X, batch, T, D, lengths);
    const mask: StepMask | undefined = lengths ? { timesteps: T, features: D, lengths } : undefined;
    const loss = mseForward(this.output, target, batch * T * D, mask);
    if (grads) this.backward(params, grads, X, target, batch, lengths);
    return loss;
  }

  /** GradientStep's forward: the codes and, when asked for, the reconstruction (data order) of `batch` windows. */
  forward(
    params: Float32Array,
    x: Float32Array,
    batch: number,
    out: { code?: Float32Array; reconstruction?: Float32Array },
    lengths?: Int32Array,
    steps?: number,
  ): void {
    this.forwardPass(params, x, batch, out.reconstruction === undefined, lengths, steps);
    if (out.code) this.copyCode(out.code, batch);
    if (out.reconstruction) this.copyReconstruction(out.reconstruction, batch, lengths);
  }

  /** The forward pass only, over x (batch,steps,D) (steps default T); with `encoderOnly` it stops at the code. */
  forwardPass(params: FloatArray, x: FloatArray, batch: number, encoderOnly: boolean, lengths?: Int32Array, steps = this.dims.timesteps): void {
    const { inputDim: D, latentDim: L } = this.dims;
    this.checkCall(params, x, batch, lengths, steps);
    const T = (this.steps = steps);
    const w = this.weights(this.inPrecision(params, this.paramsWork, params.length));
    const X = this.inPrecision(x, this.xWork, batch * T * D);
    const ra = this.recurrentActivation;
    lstmForward(this.encoderH, this.encoderC, this.encoderGates, X, w['encoder/kernel'], w['encoder/recurrent_kernel'], w['encoder/bias'], { B: batch, T, D, L }, ra, lengths);
    if (encoderOnly) return;
    const conditional = this.decoder === 'conditional';
    const E = decoderInputSize(this.dims, this.decoder);
    const decIn = this.decoderIn;
    for (let n = 0; n < batch; n++) {
      // the encoder carried its state through the padding, so step T-1 holds the code
      const code = (n * T + T - 1) * L;
      const len = lengths ? lengths[n]! : T;
      for (let t = 0; t < T; t++) {
        const row = (n * T + t) * E;
        for (let k = 0; k < L; k++) decIn[row + k] = this.encoderH[code + k]!;
        if (!conditional) continue;
        if (t < len) {
          const reversed = (n * T + len - 1 - t) * D;
          for (let d = 0; d < D; d++) decIn[row + L + d] = X[reversed + d]!;
        } else {
          decIn.fill(0, row + L, row + E); // padding: the decoder carries its state here
        }
      }
    }
    lstmForward(this.decoderH, this.decoderC, this.decoderGates, decIn, w['decoder/kernel'], w['decoder/recurrent_kernel'], w['decoder/bias'], { B: batch, T, D: E, L }, ra, lengths);
    denseForward(this.hidden, this.decoderH, w['dense_hidden/kernel'], w['dense_hidden/bias'], batch * T, L, L, 'relu');
    denseForward(this.output, this.hidden, w['dense_out/kernel'], w['dense_out/bias'], batch * T, L, D, this.outputActivation);
  }

  /**
   * Copies the last forward pass's reconstruction into out (batch,T,D) at `outOffset`, in
   * the data's own time order: step t is the model's guess of x[t], whichever order the
   * model was trained to produce (reverseTarget's output is reversed back within each
   * window's length). Padded steps get 0.
   */
  copyReconstruction(out: FloatArray, batch: number, lengths?: Int32Array, outOffset = 0): void {
    const { steps: T } = this;
    const { inputDim: D } = this.dims;
    if (!lengths && !this.reverseTarget) {
      out.set(this.output.subarray(0, batch * T * D), outOffset);
      return;
    }
    for (let n = 0; n < batch; n++) {
      const len = lengths ? lengths[n]! : T;
      for (let t = 0; t < T; t++) {
        const to = outOffset + (n * T + t) * D;
        if (t >= len) {
          out.fill(0, to, to + D);
          continue;
        }
        const from = (n * T + (this.reverseTarget ? len - 1 - t : t)) * D;
        for (let d = 0; d < D; d++) out[to + d] = this.output[from + d]!;
      }
    }
  }

  /** Copies the codes (the encoder's last states) of the last forward pass into out (batch,L). */
  copyCode(out: FloatArray, batch: number, outOffset = 0): void {
    const { steps: T } = this;
    const { latentDim: L } = this.dims;
    for (let n = 0; n < batch; n++) {
      const from = (n * T + T - 1) * L;
      for (let k = 0; k < L; k++) out[outOffset + n * L + k] = this.encoderH[from + k]!;
    }
  }

  dispose(): void {}

  // X and target are already in this step's precision; the forward activations are in place
  private backward(params: FloatArray, grads: FloatArray, X: FloatArray, target: FloatArray, batch: number, lengths: Int32Array | undefined): void {
    const { steps: T } = this;
    const { inputDim: D, latentDim: L } = this.dims;
    const E = decoderInputSize(this.dims, this.decoder);
    const N = batch * T;
    const w = this.weights(this.inPrecision(params, this.paramsWork, params.length, true));
    const G = grads.constructor === this.gradsWork.constructor ? grads : this.gradsWork;
    if (G.length !== this.gradsWork.length) throw new Error(`ReferenceStep: grads has ${G.length} values, layout needs ${this.gradsWork.length}`);
    G.fill(0);
    const g = this.weights(G);
    const ra = this.recurrentActivation;
    const mask: StepMask | undefined = lengths ? { timesteps: T, features: D, lengths } : undefined;
    mseBackward(this.dOutput, this.output, target, N * D, mask);
    denseBackward(this.dHidden, g['dense_out/kernel'], g['dense_out/bias'], this.dOutput, this.dOutput, this.hidden, this.output, w['dense_out/kernel'], N, L, D, this.outputActivation);
    denseBackward(this.dDecoderH, g['dense_hidden/kernel'], g['dense_hidden/bias'], this.dHidden, this.dHidden, this.decoderH, this.hidden, w['dense_hidden/kernel'], N, L, L, 'relu');
    lstmBackward(
      this.dDecoderIn, g['decoder/kernel'], g['decoder/recurrent_kernel'], g['decoder/bias'], this.dDecoderH,
      this.decoderIn, this.decoderH, this.decoderC, this.decoderGates, w['decoder/kernel'], w['decoder/recurrent_kernel'],
      { B: batch, T, D: E, L }, ra, this.lstmScratch, lengths,
    );
    // The code fed every decoder step: its gradient is the sum over steps (0 from padded
    // ones), arriving at the encoder's h at T-1, whence the masked backward carries it
    // to the last real step.
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
      { B: batch, T, D, L }, ra, this.lstmScratch, lengths,
    );
    if (G !== grads) grads.set(G);
  }

  private checkCall(params: FloatArray, x: FloatArray, batch: number, lengths: Int32Array | undefined, T: number): void {
    const { inputDim: D } = this.dims;
    if (!Number.isInteger(T) || T < 1 || T > this.dims.timesteps) throw new Error(`ReferenceStep: steps ${T} outside 1..${this.dims.timesteps}`);
    if (params.length !== this.paramsWork.length) throw new Error(`ReferenceStep: params has ${params.length} values, layout needs ${this.paramsWork.length}`);
    if (!Number.isInteger(batch) || batch < 1 || batch > this.maxBatch) throw new Error(`ReferenceStep: batch ${batch} outside 1..${this.maxBatch}`);
    if (x.length < batch * T * D) throw new Error(`ReferenceStep: x has ${x.length} values, batch ${batch} needs ${batch * T * D}`);
    if (lengths) {
      if (lengths.length < batch) throw new Error(`ReferenceStep: lengths has ${lengths.length} values, batch ${batch} needs ${batch}`);
      for (let n = 0; n < batch; n++) {
        if (!(lengths[n]! >= 1 && lengths[n]! <= T)) throw new Error(`ReferenceStep: lengths[${n}] is ${lengths[n]}, outside 1..${T}`);
      }
    }
  }

  private layout() {
    return autoencoderLayout({ ...this.dims, decoder: this.decoder });
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
      views = this.layout().views(buffer) as Weights;
      this.viewCache.set(buffer, views);
    }
    return views;
  }
}


/**
 * Forward pass of N windows x (N,T,D) in chunks of 256, so memory stays bounded whatever
 * N; runs the decoder only when a reconstruction or the loss is asked for. float32 as
 * training, or float64 to see the same equations without float32 rounding. `lengths` (N),
 * when given, says how many real steps each window has. Returns the MSE of the
 * reconstruction against x over the real steps (the training loss), or NaN when it was
 * not computed.
 */
export function referenceForward(
  params: FloatArray,
  dims: StepDims,
  x: FloatArray,
  N: number,
  { reconstruction, code, loss = false }: ForwardOutputs,
  precision: Precision = 'float32',
  lengths?: Int32Array,
): number {
  const chunkSize = 256;
  const { timesteps: T, inputDim: D, latentDim: L } = dims;
  if (x.length !== N * T * D) throw new Error(`referenceForward: x has ${x.length} values, (${N},${T},${D}) needs ${N * T * D}`);
  if (lengths && lengths.length !== N) throw new Error(`referenceForward: lengths has ${lengths.length} values, N is ${N}`);
  if (N === 0) return NaN;
  const decode = loss || reconstruction !== undefined;
  const step = new ReferenceStep(dims, Math.min(chunkSize, N), precision);
  const chunkOut = loss ? (precision === 'float64' ? new Float64Array(step.maxBatch * T * D) : new Float32Array(step.maxBatch * T * D)) : undefined;
  let squaredErrors = 0;
  let realValues = 0;
  for (let start = 0; start < N; start += step.maxBatch) {
    const batch = Math.min(step.maxBatch, N - start);
    const chunk = x.subarray(start * T * D, (start + batch) * T * D);
    const chunkLengths = lengths?.subarray(start, start + batch);
    step.forwardPass(params, chunk, batch, !decode, chunkLengths);
    if (code) step.copyCode(code, batch, start * L);
    if (reconstruction) step.copyReconstruction(reconstruction, batch, chunkLengths, start * T * D);
    if (chunkOut) {
      step.copyReconstruction(chunkOut, batch, chunkLengths);
      const errors = realStepSquaredErrors(chunkOut, chunk, batch, T, D, chunkLengths);
      squaredErrors += errors.sum;
      realValues += errors.count;
    }
  }
  return loss ? squaredErrors / realValues : NaN;
}

/** out[n, t] = x[n, len-1-t] for t < len, 0 on padding: x reversed within each window's own length. */
function reverseWithin(out: FloatArray, x: FloatArray, batch: number, T: number, D: number, lengths: Int32Array | undefined): void {
  for (let n = 0; n < batch; n++) {
    const len = lengths ? lengths[n]! : T;
    for (let t = 0; t < T; t++) {
      const to = (n * T + t) * D;
      if (t >= len) out.fill(0, to, to + D);
      else for (let d = 0; d < D; d++) out[to + d] = x[(n * T + len - 1 - t) * D + d]!;
    }
  }
}
