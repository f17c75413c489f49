import { autoencoderLayout } from './layout.js';
import { FastKernels } from './fast-kernels.js';
import { BATCH, CHUNK_WINDOWS, FastOp, NEXT_CHUNK, OP, type FastSharedSetup } from './fast-shared.js';

/**
 * One thread's worker of the fast path (the main thread has one too): claims chunks of
 * the current job one at a time from a shared counter, until none are left, and writes
 * each chunk's results to that chunk's place in shared memory. Which thread gets which
 * chunk varies from run to run; what lands where does not.
 */
export class ChunkRunner {
  private readonly kernels: FastKernels;
  private readonly paramCount: number;
  private readonly params: Float32Array;
  private readonly x: Float32Array;
  private readonly job: Int32Array;
  private readonly scale: Float64Array;
  private readonly chunkGrads: Float32Array;
  private readonly chunkSse: Float64Array;
  private readonly outputs: Float32Array;
  private readonly codes: Float32Array;

  constructor(setup: FastSharedSetup) {
    this.kernels = new FastKernels(setup.dims, CHUNK_WINDOWS, setup.recurrentActivation, setup.module);
    this.paramCount = autoencoderLayout(setup.dims).size;
    this.params = new Float32Array(setup.params);
    this.x = new Float32Array(setup.x);
    this.job = new Int32Array(setup.job);
    this.scale = new Float64Array(setup.scale);
    this.chunkGrads = new Float32Array(setup.chunkGrads);
    this.chunkSse = new Float64Array(setup.chunkSse);
    this.outputs = new Float32Array(setup.outputs);
    this.codes = new Float32Array(setup.codes);
  }

  /** Works on the posted job until every chunk is claimed. */
  run(): void {
    const op = this.job[OP]!;
    const batch = this.job[BATCH]!;
    const chunks = Math.ceil(batch / CHUNK_WINDOWS);
    const k = this.kernels;
    k.setParams(this.params);
    for (;;) {
      const chunk = Atomics.add(this.job, NEXT_CHUNK, 1);
      if (chunk >= chunks) return;
      const first = chunk * CHUNK_WINDOWS;
      const count = Math.min(CHUNK_WINDOWS, batch - first);
      k.stage(this.x, first, count);
      if (op === FastOp.train) {
        this.chunkSse[chunk] = k.trainStep(count, this.scale[0]!);
        this.chunkGrads.set(k.gradients, chunk * this.paramCount);
      } else {
        k.forward(count, op === FastOp.reconstruct);
        k.readCodes(this.codes, first, count);
        if (op === FastOp.reconstruct) k.readOutputs(this.outputs, first, count);
      }
    }
  }
}
