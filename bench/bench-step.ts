import type { RecurrentActivation } from '../src/engine/activations.js';
import type { AutoencoderDims } from '../src/model/autoencoder-layout.js';
import { createFastStep } from '../src/model/fast-step.js';
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
  recurrentActivation: RecurrentActivation,
): Promise<GradientStep | undefined> {
  if (engine === 'reference') {
    if (threads !== 1) throw new Error('the reference path runs on one thread');
    return undefined;
  }
  const step = await createFastStep(dims, maxBatch, { threads, recurrentActivation });
  // FastStep never uses more threads than the batch has blocks of 4: make a silent cap loud
  if (step.threads !== threads) throw new Error(`fast path asked for ${threads} threads, runs ${step.threads}`);
  return step;
}
