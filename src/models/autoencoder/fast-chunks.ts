import type { RecurrentActivation } from '../../ops/activations.js';
import { FastKernels, type KernelVariant } from './fast-kernels.js';
import { autoencoderLayout, type AutoencoderDims } from './layout.js';

/**
 * Windows per chunk: the unit of work a thread claims. A chunk's gradient is kept apart
 * and the chunks are added in chunk order, so the result does not depend on which thread
 * ran which chunk, nor on how many threads there are. 16 windows = 4 SIMD blocks: small
 * enough that threads finish together, large enough that a chunk's fixed costs are ~1%.
 */
export const CHUNK_WINDOWS = 16;

/** What the fast path's calling thread and its workers share: sizes, and SharedArrayBuffers (plain ArrayBuffers for one thread alone). */
type Shared = SharedArrayBuffer | ArrayBuffer;

export interface FastSharedSetup {
  dims: AutoencoderDims;
  recurrentActivation: RecurrentActivation;
  variant: KernelVariant;
  module: WebAssembly.Module;
  /** params (P) f32 */
  params: Shared;
  /** the batch x (maxBatch,T,D) f32 */
  x: Shared;
  /** the batch's window lengths (maxBatch) i32, read when job[HAS_LENGTHS] is 1 */
  lengths: Shared;
  /** the job: i32 [op, batch, next chunk to claim, has lengths, steps of every window when it has none] */
  job: Shared;
  /** f64 [gradient scale] */
  scale: Shared;
  /** per chunk: its gradients (P) f32 */
  chunkGrads: Shared;
  /** per chunk: its sum of squared errors, f64 */
  chunkSse: Shared;
  /** reconstruction (maxBatch,T,D) f32, written by forward jobs */
  outputs: Shared;
  /** codes (maxBatch,L) f32, written by forward jobs */
  codes: Shared;
}

/** Fields of `job`. */
export const OP = 0;
export const BATCH = 1;
export const NEXT_CHUNK = 2;
export const HAS_LENGTHS = 3;
export const STEPS = 4;
export const JOB_FIELDS = 5;

/** What a job asks for (job[OP]). */
export const FastOp = { train: 0, encode: 1, reconstruct: 2 } as const;
export type FastOp = (typeof FastOp)[keyof typeof FastOp];

/**
 * One thread's part of the fast path (the calling thread has one, each worker one):
 * claims chunks of the current job from a shared counter until none are left, and writes
 * each chunk's results to that chunk's place in shared memory. Which thread gets which
 * chunk varies from run to run; what lands where does not.
 */
export function createJobRunner(setup: FastSharedSetup): () => void {
  const { dims, variant } = setup;
  const layout = autoencoderLayout({ ...dims, decoder: variant.unconditional ? 'unconditional' : 'conditional' });
  const kernels = new FastKernels(setup.module, dims, CHUNK_WINDOWS, setup.recurrentActivation, layout, variant);
  const paramCount = layout.size;
  const params = new Float32Array(setup.params);
  const x = new Float32Array(setup.x);
  const lengths = new Int32Array(setup.lengths);
  const job = new Int32Array(setup.job);
  const scale = new Float64Array(setup.scale);
  const chunkGrads = new Float32Array(setup.chunkGrads);
  const chunkSse = new Float64Array(setup.chunkSse);
  const outputs = new Float32Array(setup.outputs);
  const codes = new Float32Array(setup.codes);

  return () => {
    const op = job[OP];
    const batch = job[BATCH]!;
    const chunks = Math.ceil(batch / CHUNK_WINDOWS);
    kernels.setParams(params);
    for (;;) {
      const chunk = Atomics.add(job, NEXT_CHUNK, 1);
      if (chunk >= chunks) return;
      const first = chunk * CHUNK_WINDOWS;
      const count = Math.min(CHUNK_WINDOWS, batch - first);
      kernels.stage(x, first, count, job[HAS_LENGTHS] === 1 ? lengths : undefined, job[STEPS]);
      if (op === FastOp.train) {
        chunkSse[chunk] = kernels.trainStep(count, scale[0]!);
        chunkGrads.set(kernels.gradients, chunk * paramCount);
      } else {
        kernels.forward(count, op === FastOp.reconstruct);
        kernels.readCodes(codes, first, count);
        if (op === FastOp.reconstruct) kernels.readOutputs(outputs, first, count);
      }
    }
  };
}
