import type { RecurrentActivation } from '../../ops/activations.js';
import type { AutoencoderDims } from './layout.js';

/**
 * Windows per chunk: the unit of work a thread claims. A chunk's gradient is kept apart
 * and the chunks are added in chunk order, so the result does not depend on which thread
 * ran which chunk, nor on how many threads there are. 16 windows = 4 SIMD blocks: small
 * enough that threads finish together, large enough that a chunk's fixed costs are ~1%.
 */
export const CHUNK_WINDOWS = 16;

/** What the fast path's main thread and its workers share: sizes, and SharedArrayBuffers. */
export interface FastSharedSetup {
  dims: AutoencoderDims;
  recurrentActivation: RecurrentActivation;
  module: WebAssembly.Module;
  /** params (P) f32 */
  params: SharedArrayBuffer;
  /** the batch x (maxBatch,T,D) f32 */
  x: SharedArrayBuffer;
  /** the job: i32 [op, batch, next chunk to claim] */
  job: SharedArrayBuffer;
  /** f64 [gradient scale] */
  scale: SharedArrayBuffer;
  /** per chunk: its gradients (P) f32 */
  chunkGrads: SharedArrayBuffer;
  /** per chunk: its sum of squared errors, f64 */
  chunkSse: SharedArrayBuffer;
  /** reconstruction (maxBatch,T,D) f32, written by forward jobs */
  outputs: SharedArrayBuffer;
  /** codes (maxBatch,L) f32, written by forward jobs */
  codes: SharedArrayBuffer;
}

/** Fields of `job`. */
export const OP = 0;
export const BATCH = 1;
export const NEXT_CHUNK = 2;
export const JOB_FIELDS = 3;

/** What a job asks for (job[OP]). */
export const FastOp = { train: 0, encode: 1, reconstruct: 2 } as const;
export type FastOp = (typeof FastOp)[keyof typeof FastOp];
