import type { AutoencoderConfig } from '../model/autoencoder-config.js';
import type { GradientStep } from '../model/gradient-step.js';
import type { LstmAutoencoder, Sequences } from '../model/lstm-autoencoder.js';

export const ENGINES = ['fast', 'reference'] as const;
export type EngineName = (typeof ENGINES)[number];

/** What a pipeline needs of an engine: a training step, and the forward passes after training. */
export interface TrainingEngine {
  /** undefined: fit's own float32 reference step */
  gradientStep?: GradientStep;
  predict(model: LstmAutoencoder, x: Sequences): Float32Array;
  encode(model: LstmAutoencoder, x: Sequences): Float32Array;
  dispose(): Promise<void>;
}

/** The reference engine (readable, slow) or the fast one (SIMD, threads), same contract. */
export async function createTrainingEngine(
  name: EngineName,
  _config: AutoencoderConfig,
  _maxBatch: number,
  _threads: number,
): Promise<TrainingEngine> {
  if (name === 'fast') {
    // wired when the fast path lands
  }
  return {
    predict: (model, x) => model.predict(x),
    encode: (model, x) => model.encode(x),
    dispose: async () => {},
  };
}
