import type { AutoencoderConfig } from '../models/autoencoder/config.js';
import { createGradientStep, type EngineName } from '../models/autoencoder/create-gradient-step.js';
import { forwardInChunks } from '../train/forward-chunks.js';
import type { GradientStep } from '../train/gradient-step.js';
import type { LstmAutoencoder, Sequences } from '../models/autoencoder/lstm-autoencoder.js';

/** What a pipeline needs of an engine: a training step, and the forward passes after training. */
export interface TrainingEngine {
  /** the step fit trains with; predict and encode run its forward pass */
  gradientStep: GradientStep;
  /** the reconstruction, (N,T,D) */
  predict(model: LstmAutoencoder, x: Sequences): Promise<Float32Array>;
  /** the codes, (N,L) */
  encode(model: LstmAutoencoder, x: Sequences): Promise<Float32Array>;
  dispose(): Promise<void>;
}

/**
 * The fast engine (WebAssembly SIMD on `threads` threads) or the reference one (readable,
 * slow), behind one contract. The fast one is checked against the reference in
 * test/fast-step.test.ts.
 */
export async function createTrainingEngine(
  name: EngineName,
  config: AutoencoderConfig,
  maxBatch: number,
  threads: number,
): Promise<TrainingEngine> {
  const step = await createGradientStep(config, maxBatch, { engine: name, threads });
  return {
    gradientStep: step,
    async predict(model, x) {
      const reconstruction = new Float32Array(x.data.length);
      await forwardInChunks(step, model.params, x.data, x.shape[0], { reconstruction });
      return reconstruction;
    },
    async encode(model, x) {
      const code = new Float32Array(x.shape[0] * config.latentDim);
      await forwardInChunks(step, model.params, x.data, x.shape[0], { code });
      return code;
    },
    dispose: async () => step.dispose(),
  };
}
