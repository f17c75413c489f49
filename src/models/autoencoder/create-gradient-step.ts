import { availableParallelism } from 'node:os';
import { InputError } from '../../input-error.js';
import type { AutoencoderConfig } from './config.js';
import { createFastStep } from './fast-step.js';
import type { GradientStep } from '../../train/gradient-step.js';
import { ReferenceStep } from './reference-step.js';

export const ENGINES = ['fast', 'reference'] as const;
/** 'fast': WebAssembly SIMD on threads; 'reference': the readable float32 code it is tested against. */
export type EngineName = (typeof ENGINES)[number];

export interface EngineOptions {
  /** default 'fast' */
  engine?: EngineName;
  /** threads for the fast engine, the calling thread included; default os.availableParallelism() */
  threads?: number;
}

/** The training step of the chosen engine, for batches of up to `maxBatch` windows. */
export async function createGradientStep(config: AutoencoderConfig, maxBatch: number, options: EngineOptions = {}): Promise<GradientStep> {
  const { engine = 'fast', threads = availableParallelism() } = options;
  if (!(ENGINES as readonly string[]).includes(engine)) {
    throw new InputError(`engine ${JSON.stringify(engine)} is unknown: expected ${ENGINES.join(' or ')}`);
  }
  if (!Number.isInteger(threads) || threads < 1) {
    throw new InputError(`threads ${JSON.stringify(threads)} is invalid: expected an integer from 1 up`);
  }
  if (engine === 'reference') return new ReferenceStep(config, maxBatch, 'float32');
  return createFastStep(config, maxBatch, { threads, recurrentActivation: config.recurrentActivation });
}
