import type { AutoencoderDims } from '../src/model/autoencoder-layout.js';
import type { GradientStep } from '../src/model/gradient-step.js';
import type { Engine } from './child-protocol.js';

/**
 * The gradient step a bench configuration trains with: undefined for the reference path
 * (fit's default, single-threaded), the fast path at the given thread count otherwise.
 */
export async function createBenchStep(
  engine: Engine,
  dims: AutoencoderDims,
  maxBatch: number,
  threads: number,
): Promise<GradientStep | undefined> {
  if (engine === 'reference') {
    if (threads !== 1) throw new Error('the reference path runs on one thread');
    return undefined;
  }
  throw new Error(`fast path not available yet (dims ${JSON.stringify(dims)}, maxBatch ${maxBatch}, threads ${threads})`);
}
