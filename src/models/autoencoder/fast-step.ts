import type { RecurrentActivation } from '../../ops/activations.js';
import { fastPlatform, type FastPlatform, type WorkerGroup } from '../../fast/platform.js';
import type { ForwardOutputs, GradientStep } from '../../train/gradient-step.js';
import { autoencoderLayout, type AutoencoderDims } from './layout.js';
import { BATCH, CHUNK_WINDOWS, createJobRunner, FastOp, HAS_LENGTHS, JOB_FIELDS, NEXT_CHUNK, OP, STEPS, type FastSharedSetup } from './fast-chunks.js';
import { ARTICLE_VARIANT, KERNELS_NAME, LANES, type KernelVariant } from './fast-kernels.js';

export interface FastStepOptions {
  /** threads, the calling thread included; default the platform's (on Node, every core) */
  threads?: number;
  /** default 'sigmoid' */
  recurrentActivation?: RecurrentActivation;
  /** decoder, target order and output layer; default the article's */
  variant?: KernelVariant;
  /** where the kernels and workers come from; default fastPlatform() (Node's on Node) */
  platform?: FastPlatform;
}

/**
 * The fast path: the same loss and gradient as ReferenceStep, from WebAssembly SIMD
 * kernels (assembly/, 4 windows per f32x4 vector) on `threads` threads.
 *
 * A batch is cut into chunks of 16 windows. The main thread and `threads - 1` workers
 * (each with its own WebAssembly instance) claim chunks from a shared counter until none
 * are left, so a thread slowed by something else on the machine just does fewer; each
 * chunk's gradient goes to its own slot and the slots are added in chunk order. So the
 * result is the same, bit for bit, on every run and for every thread count.
 *
 * With window lengths, the batch is staged longest first, so each block of 4 windows holds
 * windows of nearly one length and runs only as many steps as its longest: padding costs
 * little compute. Results go back to the caller's order.
 *
 * With one thread everything happens on the calling thread and lossAndGradient returns a
 * number; with more it returns a Promise. Call dispose() when done (idle workers never
 * keep the process alive, but they hold memory until then).
 */
export class FastStep implements GradientStep {
  readonly dims: AutoencoderDims;
  readonly maxBatch: number;
  /** threads actually used: never more than the largest batch has chunks */
  readonly threads: number;
  readonly recurrentActivation: RecurrentActivation;
  readonly variant: KernelVariant;
  private readonly runJobHere: () => void;
  private readonly pool: WorkerGroup | undefined;
  private readonly paramCount: number;
  private readonly shared: {
    params: Float32Array;
    x: Float32Array;
    lengths: Int32Array;
    job: Int32Array;
    scale: Float64Array;
    chunkGrads: Float32Array;
    chunkSse: Float64Array;
    outputs: Float32Array;
    codes: Float32Array;
  };
  /** where each staged window came from in the caller's batch (staged longest first when lengths are given) */
  private readonly order: Int32Array;
  private busy = false;
  private disposed = false;

  private constructor(dims: AutoencoderDims, maxBatch: number, threads: number, setup: FastSharedSetup, pool: WorkerGroup | undefined) {
    this.dims = dims;
    this.maxBatch = maxBatch;
    this.threads = threads;
    this.recurrentActivation = setup.recurrentActivation;
    this.variant = setup.variant;
    this.runJobHere = createJobRunner(setup);
    this.paramCount = autoencoderLayout({ ...dims, decoder: setup.variant.unconditional ? 'unconditional' : 'conditional' }).size;
    this.order = new Int32Array(maxBatch);
    this.pool = pool;
    this.shared = {
      params: new Float32Array(setup.params),
      x: new Float32Array(setup.x),
      lengths: new Int32Array(setup.lengths),
      job: new Int32Array(setup.job),
      scale: new Float64Array(setup.scale),
      chunkGrads: new Float32Array(setup.chunkGrads),
      chunkSse: new Float64Array(setup.chunkSse),
      outputs: new Float32Array(setup.outputs),
      codes: new Float32Array(setup.codes),
    };
  }

  static async create(dims: AutoencoderDims, maxBatch: number, options: FastStepOptions = {}): Promise<FastStep> {
    const { timesteps: T, inputDim: D, latentDim: L } = dims;
    for (const [name, value] of Object.entries({ timesteps: T, inputDim: D, latentDim: L, maxBatch })) {
      if (!Number.isInteger(value) || value < 1) throw new Error(`FastStep: ${name} must be a positive integer, got ${value}`);
    }
    const platform = options.platform ?? (await fastPlatform());
    const requested = options.threads ?? platform.defaultThreads();
    if (!Number.isInteger(requested) || requested < 1) throw new Error(`FastStep: threads must be a positive integer, got ${requested}`);
    const maxChunks = Math.ceil(maxBatch / CHUNK_WINDOWS);
    const threads = Math.min(requested, maxChunks);
    const shape = { timesteps: T, inputDim: D, latentDim: L };
    const variant = { ...(options.variant ?? ARTICLE_VARIANT) };
    const P = autoencoderLayout({ ...shape, decoder: variant.unconditional ? 'unconditional' : 'conditional' }).size;
    // one thread shares nothing, so it needs no SharedArrayBuffer (a browser page that is not
    // cross-origin isolated has none)
    const shared = (n: number, bytesEach = 4) => (threads > 1 ? new SharedArrayBuffer(n * bytesEach) : new ArrayBuffer(n * bytesEach));
    const setup: FastSharedSetup = {
      dims: shape,
      recurrentActivation: options.recurrentActivation ?? 'sigmoid',
      variant,
      module: platform.wasmModule(KERNELS_NAME),
      params: shared(P),
      x: shared(maxBatch * T * D),
      lengths: shared(maxBatch),
      job: shared(JOB_FIELDS),
      scale: shared(1, 8),
      chunkGrads: shared(maxChunks * P),
      chunkSse: shared(maxChunks, 8),
      outputs: shared(maxBatch * T * D),
      codes: shared(maxBatch * L),
    };
    const workers = threads - 1;
    // each worker builds its own job runner from this module's createJobRunner
    const runnerModule = new URL('./fast-chunks.js', import.meta.url).href;
    const pool = workers > 0 ? await platform.startWorkers(runnerModule, workers, setup) : undefined;
    try {
      return new FastStep(shape, maxBatch, threads, setup, pool);
    } catch (err) {
      await pool?.close(); // e.g. the calling thread's WebAssembly memory could not grow: no orphaned workers
      throw err;
    }
  }

  lossAndGradient(params: Float32Array, grads: Float32Array, x: Float32Array, batch: number, lengths?: Int32Array, steps = this.dims.timesteps): number | Promise<number> {
    this.checkCall(params, x, batch, lengths, steps);
    if (grads.length !== this.paramCount) throw new Error(`FastStep: grads has ${grads.length} values, layout needs ${this.paramCount}`);
    const { inputDim: D } = this.dims;
    let realSteps = batch * steps;
    if (lengths) {
      realSteps = 0;
      for (let b = 0; b < batch; b++) realSteps += lengths[b]!;
    }
    const N = realSteps * D; // the real values the mean is over
    this.shared.scale[0] = 2 / N; // d mean((y - x)^2) / dy
    const sum = (): number => {
      // chunk by chunk, in chunk order, whoever computed them
      const P = this.paramCount;
      const { chunkGrads, chunkSse } = this.shared;
      grads.set(chunkGrads.subarray(0, P));
      let sse = chunkSse[0]!;
      const chunks = Math.ceil(batch / CHUNK_WINDOWS);
      for (let c = 1; c < chunks; c++) {
        const g = chunkGrads.subarray(c * P, (c + 1) * P);
        for (let i = 0; i < P; i++) grads[i] = grads[i]! + g[i]!;
        sse += chunkSse[c]!;
      }
      return sse / N;
    };
    return this.runJob(FastOp.train, params, x, batch, lengths, steps, sum);
  }

  /**
   * The forward pass over `batch` <= maxBatch windows x (batch,steps,D): codes (batch,L) into
   * `code`, and the reconstruction (batch,steps,D) into `reconstruction` when given (the
   * decoder runs only then).
   */
  forward(
    params: Float32Array,
    x: Float32Array,
    batch: number,
    out: Pick<ForwardOutputs, 'code' | 'reconstruction'>,
    lengths?: Int32Array,
    steps = this.dims.timesteps,
  ): void | Promise<void> {
    this.checkCall(params, x, batch, lengths, steps);
    const { timesteps: T, inputDim: D, latentDim: L } = this.dims;
    const copyOut = (): void => {
      // staged window k is the caller's window order[k]; the staging rows are T long, the caller's `steps`
      const { codes, outputs } = this.shared;
      for (let k = 0; k < batch; k++) {
        const w = this.order[k]!;
        out.code?.set(codes.subarray(k * L, (k + 1) * L), w * L);
        out.reconstruction?.set(outputs.subarray(k * T * D, k * T * D + steps * D), w * steps * D);
      }
    };
    return this.runJob(out.reconstruction ? FastOp.reconstruct : FastOp.encode, params, x, batch, lengths, steps, copyOut);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.pool?.close();
  }

  /** Posts the job, works on it here while the workers do, then `finish` reads the results. */
  private runJob<R>(op: FastOp, params: Float32Array, x: Float32Array, batch: number, lengths: Int32Array | undefined, steps: number, finish: () => R): R | Promise<R> {
    if (this.busy) throw new Error('FastStep: a call is still running; await it before the next');
    const { timesteps: T, inputDim: D } = this.dims;
    const s = this.shared;
    s.params.set(params);
    const order = this.order.subarray(0, batch);
    for (let k = 0; k < batch; k++) order[k] = k;
    if (lengths) {
      // longest first (ties in batch order): each block's windows then have nearly one length;
      // then the blocks are dealt to the chunks so that every chunk gets long and short ones
      order.sort((a, b) => lengths[b]! - lengths[a]! || a - b);
      order.set(balancedChunks(order));
      for (let k = 0; k < batch; k++) {
        const w = order[k]!;
        s.x.set(x.subarray(w * steps * D, w * steps * D + lengths[w]! * D), k * T * D);
        s.lengths[k] = lengths[w]!;
      }
    } else if (steps === T) {
      s.x.set(x.subarray(0, batch * T * D));
    } else {
      for (let k = 0; k < batch; k++) s.x.set(x.subarray(k * steps * D, (k + 1) * steps * D), k * T * D);
    }
    s.job[OP] = op;
    s.job[BATCH] = batch;
    s.job[HAS_LENGTHS] = lengths ? 1 : 0;
    s.job[STEPS] = steps;
    Atomics.store(s.job, NEXT_CHUNK, 0);
    if (!this.pool) {
      this.runJobHere();
      return finish();
    }
    return this.inParallel(this.pool, finish);
  }

  private async inParallel<R>(pool: WorkerGroup, finish: () => R): Promise<R> {
    this.busy = true;
    try {
      pool.begin();
      try {
        this.runJobHere();
      } finally {
        await pool.finish();
      }
      return finish();
    } finally {
      this.busy = false;
    }
  }

  private checkCall(params: Float32Array, x: Float32Array, batch: number, lengths: Int32Array | undefined, T: number): void {
    const { inputDim: D } = this.dims;
    if (this.disposed) throw new Error('FastStep: used after dispose()');
    if (!Number.isInteger(T) || T < 1 || T > this.dims.timesteps) throw new Error(`FastStep: steps ${T} outside 1..${this.dims.timesteps}`);
    if (params.length !== this.paramCount) throw new Error(`FastStep: params has ${params.length} values, layout needs ${this.paramCount}`);
    if (!Number.isInteger(batch) || batch < 1 || batch > this.maxBatch) throw new Error(`FastStep: batch ${batch} outside 1..${this.maxBatch}`);
    if (x.length < batch * T * D) throw new Error(`FastStep: x has ${x.length} values, batch ${batch} needs ${batch * T * D}`);
    if (lengths && lengths.length < batch) throw new Error(`FastStep: lengths has ${lengths.length} values, batch ${batch} needs ${batch}`);
    for (let n = 0; lengths && n < batch; n++) {
      if (!(lengths[n]! >= 1 && lengths[n]! <= T)) throw new Error(`FastStep: lengths[${n}] is ${lengths[n]}, outside 1..${T}`);
    }
  }
}

/**
 * Windows sorted longest first, regrouped so that the chunks (CHUNK_WINDOWS each, what one
 * thread takes at a time) cost about the same: blocks of LANES consecutive windows are
 * dealt to the chunks back and forth (0, 1, …, n-1, n-1, …, 0, …), the longest first. A
 * last, partial block stays last, where the staging expects it.
 */
export function balancedChunks(sorted: Int32Array): Int32Array {
  const batch = sorted.length;
  const blockCount = Math.ceil(batch / LANES);
  const chunkCount = Math.ceil(batch / CHUNK_WINDOWS);
  const perChunk = CHUNK_WINDOWS / LANES;
  const chunks: number[][] = Array.from({ length: chunkCount }, () => []);
  const capacity = (c: number) => (c < chunkCount - 1 ? perChunk : blockCount - perChunk * (chunkCount - 1));
  const partial = batch % LANES !== 0;
  const dealt = partial ? blockCount - 1 : blockCount;
  let c = 0;
  let step = 1;
  for (let block = 0; block < dealt; block++) {
    // the next chunk in the back-and-forth order with room (the last keeps one for a partial block)
    const room = (k: number) => capacity(k) - (partial && k === chunkCount - 1 ? 1 : 0) - chunks[k]!.length;
    while (room(c) <= 0) {
      c += step;
      if (c === chunkCount || c < 0) {
        step = -step;
        c += step;
      }
    }
    chunks[c]!.push(block);
    c += step;
    if (c === chunkCount || c < 0) {
      step = -step;
      c += step;
    }
  }
  if (partial) chunks[chunkCount - 1]!.push(blockCount - 1);
  const out = new Int32Array(batch);
  let k = 0;
  for (const blocks of chunks) {
    for (const block of blocks) {
      for (let i = block * LANES; i < Math.min(batch, (block + 1) * LANES); i++) out[k++] = sorted[i]!;
    }
  }
  return out;
}

/** The fast GradientStep for `dims` and batches of at most `maxBatch` windows. */
export function createFastStep(dims: AutoencoderDims, maxBatch: number, options: FastStepOptions = {}): Promise<FastStep> {
  return FastStep.create(dims, maxBatch, options);
}
