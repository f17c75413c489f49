import { availableParallelism } from 'node:os';
import type { RecurrentActivation } from '../engine/activations.js';
import { AtomicsWorkerPool } from '../engine/fast/worker-pool.js';
import { autoencoderLayout, type AutoencoderDims } from './autoencoder-layout.js';
import { FastKernels, LANES, fastAutoencoderModule } from './fast-kernels.js';
import { FastOp, JOB_FIELDS, NUMBER_FIELDS, type FastSharedSetup } from './fast-shared.js';
import type { GradientStep } from './gradient-step.js';

export interface FastStepOptions {
  /** threads, the main thread included; default os.availableParallelism() */
  threads?: number;
  /** default 'sigmoid' */
  recurrentActivation?: RecurrentActivation;
}

/** Splits `batch` windows into `parts` contiguous runs of whole blocks of 4, as even as can be. */
export function shareOf(batch: number, parts: number, part: number): { first: number; count: number } {
  const blocks = Math.ceil(batch / LANES);
  const from = Math.floor((part * blocks) / parts) * LANES;
  const to = Math.min(batch, Math.floor(((part + 1) * blocks) / parts) * LANES);
  return { first: Math.min(from, batch), count: Math.max(0, to - from) };
}

/**
 * The fast path: the same loss and gradient as ReferenceStep, from WebAssembly SIMD
 * kernels (assembly/, 4 windows per vector) run on `threads` threads. The batch is cut
 * into contiguous shares of whole blocks; the main thread computes the first share itself
 * while worker threads compute the others, each in its own WebAssembly instance; the
 * shares' gradients are then added in share order. So a run is deterministic for a given
 * thread count (another thread count adds in another order: float32 rounding differs).
 *
 * With one thread everything happens on the calling thread and lossAndGradient returns a
 * number; with more it returns a Promise. Call dispose() when done (idle workers never
 * keep the process alive, but they hold memory until then).
 */
export class FastStep implements GradientStep {
  readonly dims: AutoencoderDims;
  readonly maxBatch: number;
  /** threads actually used: never more than the largest batch has blocks of 4 */
  readonly threads: number;
  readonly recurrentActivation: RecurrentActivation;
  private readonly main: FastKernels;
  private readonly pool: AtomicsWorkerPool | undefined;
  private readonly paramCount: number;
  private readonly shared: {
    params: Float32Array;
    x: Float32Array;
    grads: Float32Array;
    jobs: Int32Array;
    numbers: Float64Array;
    outputs: Float32Array;
    codes: Float32Array;
  };
  private busy = false;
  private disposed = false;

  private constructor(
    dims: AutoencoderDims,
    maxBatch: number,
    threads: number,
    recurrentActivation: RecurrentActivation,
    setup: FastSharedSetup,
    pool: AtomicsWorkerPool | undefined,
  ) {
    this.dims = dims;
    this.maxBatch = maxBatch;
    this.threads = threads;
    this.recurrentActivation = recurrentActivation;
    this.main = new FastKernels(dims, setup.maxShare, recurrentActivation, setup.module);
    this.paramCount = this.main.paramCount;
    this.pool = pool;
    this.shared = {
      params: new Float32Array(setup.params),
      x: new Float32Array(setup.x),
      grads: new Float32Array(setup.grads),
      jobs: new Int32Array(setup.jobs),
      numbers: new Float64Array(setup.numbers),
      outputs: new Float32Array(setup.outputs),
      codes: new Float32Array(setup.codes),
    };
  }

  static async create(dims: AutoencoderDims, maxBatch: number, options: FastStepOptions = {}): Promise<FastStep> {
    const { timesteps: T, inputDim: D, latentDim: L } = dims;
    for (const [name, value] of Object.entries({ timesteps: T, inputDim: D, latentDim: L, maxBatch })) {
      if (!Number.isInteger(value) || value < 1) throw new Error(`FastStep: ${name} must be a positive integer, got ${value}`);
    }
    const requested = options.threads ?? availableParallelism();
    if (!Number.isInteger(requested) || requested < 1) throw new Error(`FastStep: threads must be a positive integer, got ${requested}`);
    const threads = Math.min(requested, Math.ceil(maxBatch / LANES));
    const recurrentActivation = options.recurrentActivation ?? 'sigmoid';
    const shape = { timesteps: T, inputDim: D, latentDim: L };
    const P = autoencoderLayout(shape).size;
    const workers = threads - 1;
    const bytes = (n: number, size = 4) => new SharedArrayBuffer(Math.max(1, n) * size);
    let maxShare = 0;
    for (let part = 0; part < threads; part++) maxShare = Math.max(maxShare, shareOf(maxBatch, threads, part).count);
    const setup: FastSharedSetup = {
      dims: shape,
      recurrentActivation,
      maxShare,
      module: fastAutoencoderModule(),
      params: bytes(P),
      x: bytes(maxBatch * T * D),
      grads: bytes(workers * P),
      jobs: bytes(workers * JOB_FIELDS),
      numbers: bytes(workers * NUMBER_FIELDS, 8),
      outputs: bytes(maxBatch * T * D),
      codes: bytes(maxBatch * L),
    };
    const pool = workers > 0 ? await AtomicsWorkerPool.start(new URL('./fast-worker.js', import.meta.url), workers, { ...setup }) : undefined;
    return new FastStep(shape, maxBatch, threads, recurrentActivation, setup, pool);
  }

  lossAndGradient(params: Float32Array, grads: Float32Array, x: Float32Array, batch: number): number | Promise<number> {
    this.checkCall(params, x, batch);
    if (grads.length !== this.paramCount) throw new Error(`FastStep: grads has ${grads.length} values, layout needs ${this.paramCount}`);
    const { timesteps: T, inputDim: D } = this.dims;
    const N = batch * T * D;
    const scale = 2 / N; // d mean((y - x)^2) / dy
    if (!this.pool) {
      const sse = this.runMain(FastOp.train, params, x, 0, batch, scale);
      grads.set(this.main.gradients);
      return sse / N;
    }
    return this.inParallel(FastOp.train, params, x, batch, scale, (mainSse) => {
      // shares added in share order: the main thread's first, then each worker's
      const P = this.paramCount;
      grads.set(this.main.gradients);
      let sse = mainSse;
      for (let w = 0; w < this.threads - 1; w++) {
        const g = this.shared.grads.subarray(w * P, (w + 1) * P);
        for (let i = 0; i < P; i++) grads[i] = grads[i]! + g[i]!;
        sse += this.shared.numbers[w * NUMBER_FIELDS + 1]!;
      }
      return sse / N;
    });
  }

  /**
   * The forward pass over `batch` <= maxBatch windows: codes (batch,L) into `code`, and the
   * reconstruction (batch,T,D) into `reconstruction` when given (the decoder runs only then).
   */
  forward(params: Float32Array, x: Float32Array, batch: number, out: { code?: Float32Array; reconstruction?: Float32Array }): void | Promise<void> {
    this.checkCall(params, x, batch);
    const { timesteps: T, inputDim: D, latentDim: L } = this.dims;
    const op = out.reconstruction ? FastOp.reconstruct : FastOp.encode;
    const copyOut = (): void => {
      if (out.code) out.code.set(this.shared.codes.subarray(0, batch * L));
      if (out.reconstruction) out.reconstruction.set(this.shared.outputs.subarray(0, batch * T * D));
    };
    if (!this.pool) {
      this.runMain(op, params, x, 0, batch, 0);
      copyOut();
      return;
    }
    return this.inParallel(op, params, x, batch, 0, copyOut);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.pool?.close();
  }

  /** The main thread's own share: windows [first, first+count) of x. */
  private runMain(op: FastOp, params: Float32Array, x: Float32Array, first: number, count: number, scale: number): number {
    if (count === 0) {
      this.main.gradients.fill(0);
      return 0;
    }
    this.main.setParams(params);
    this.main.stage(x, first, count);
    if (op === FastOp.train) {
      return this.main.trainStep(count, scale);
    }
    this.main.forward(count, op === FastOp.reconstruct);
    this.main.readCodes(this.shared.codes, first, count);
    if (op === FastOp.reconstruct) this.main.readOutputs(this.shared.outputs, first, count);
    return 0;
  }

  /** Workers on their shares while the main thread does the first; then combine(the main share's result). */
  private async inParallel<R>(
    op: FastOp,
    params: Float32Array,
    x: Float32Array,
    batch: number,
    scale: number,
    combine: (mainSse: number) => R,
  ): Promise<R> {
    const pool = this.pool!;
    if (this.busy) throw new Error('FastStep: a call is still running; await it before the next');
    this.busy = true;
    try {
      const { timesteps: T, inputDim: D } = this.dims;
      const s = this.shared;
      s.params.set(params);
      const mine = shareOf(batch, this.threads, 0);
      // the workers' windows only: the main thread reads its own from x directly
      const rest = (mine.first + mine.count) * T * D;
      s.x.set(x.subarray(rest, batch * T * D), rest);
      for (let w = 0; w < this.threads - 1; w++) {
        const { first, count } = shareOf(batch, this.threads, w + 1);
        s.jobs[w * JOB_FIELDS] = op;
        s.jobs[w * JOB_FIELDS + 1] = first;
        s.jobs[w * JOB_FIELDS + 2] = count;
        s.numbers[w * NUMBER_FIELDS] = scale;
      }
      pool.begin();
      let mainSse: number;
      try {
        mainSse = this.runMain(op, params, x, mine.first, mine.count, scale);
      } finally {
        await pool.finish();
      }
      return combine(mainSse);
    } finally {
      this.busy = false;
    }
  }

  private checkCall(params: Float32Array, x: Float32Array, batch: number): void {
    const { timesteps: T, inputDim: D } = this.dims;
    if (this.disposed) throw new Error('FastStep: used after dispose()');
    if (params.length !== this.paramCount) throw new Error(`FastStep: params has ${params.length} values, layout needs ${this.paramCount}`);
    if (!Number.isInteger(batch) || batch < 1 || batch > this.maxBatch) throw new Error(`FastStep: batch ${batch} outside 1..${this.maxBatch}`);
    if (x.length < batch * T * D) throw new Error(`FastStep: x has ${x.length} values, batch ${batch} needs ${batch * T * D}`);
  }
}

/** The fast GradientStep for `dims` and batches of at most `maxBatch` windows. */
export function createFastStep(dims: AutoencoderDims, maxBatch: number, options: FastStepOptions = {}): Promise<FastStep> {
  return FastStep.create(dims, maxBatch, options);
}
