import type { RecurrentActivation } from '../engine/activations.js';
import type { AutoencoderDims } from './autoencoder-layout.js';

/** What the fast path's main thread and its workers share: sizes, and SharedArrayBuffers. */
export interface FastSharedSetup {
  dims: AutoencoderDims;
  recurrentActivation: RecurrentActivation;
  /** the largest share of windows one thread gets */
  maxShare: number;
  module: WebAssembly.Module;
  /** params (P) f32 */
  params: SharedArrayBuffer;
  /** the batch x (maxBatch,T,D) f32 */
  x: SharedArrayBuffer;
  /** per worker: grads (P) f32 */
  grads: SharedArrayBuffer;
  /** per worker: [op, first window, window count] i32 */
  jobs: SharedArrayBuffer;
  /** per worker: [gradient scale in, sum of squared errors out] f64 */
  numbers: SharedArrayBuffer;
  /** reconstruction (maxBatch,T,D) f32, written by forward jobs */
  outputs: SharedArrayBuffer;
  /** codes (maxBatch,L) f32, written by forward jobs */
  codes: SharedArrayBuffer;
}

export const JOB_FIELDS = 3;
export const NUMBER_FIELDS = 2;

/** What a worker's job asks for (job field 0). */
export const FastOp = { train: 0, encode: 1, reconstruct: 2 } as const;
export type FastOp = (typeof FastOp)[keyof typeof FastOp];
