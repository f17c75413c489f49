import type { RecurrentActivation } from '../../ops/activations.js';
import type { WeightName } from '../../models/autoencoder/layout.js';
import { LstmAutoencoder } from '../../models/autoencoder/lstm-autoencoder.js';
import { readTfjsModel } from './read.js';
import { writeTfjsModel } from './write.js';

/**
 * The autoencoder in the TF.js Layers format (model.json + weights.bin): what
 * `tf.loadLayersModel` reads as the same two-input functional model (feed it x and x
 * reversed in time), and what Keras reaches through tensorflowjs_converter.
 */
export interface SavableAutoencoder {
  readonly config: { timesteps: number; inputDim: number; latentDim: number; recurrentActivation: RecurrentActivation };
  getWeights(): Record<WeightName, Float32Array>;
}

/** Writes dir/model.json and dir/weights.bin as one set (see writeTfjsModel); returns the model.json path. */
export function saveModel(dir: string, model: SavableAutoencoder): string {
  const { timesteps, inputDim, latentDim, recurrentActivation } = model.config;
  return writeTfjsModel(dir, { dims: { timesteps, inputDim, latentDim }, recurrentActivation, weights: model.getWeights() });
}

/** Loads a model.json (or a folder holding one) written by TF.js, Keras or us. */
export function loadModel(modelJsonPath: string): LstmAutoencoder {
  const { dims, recurrentActivation, weights } = readTfjsModel(modelJsonPath);
  return LstmAutoencoder.fromWeights({ ...dims, recurrentActivation }, weights);
}

export { readTfjsModel, type TfjsModelContents } from './read.js';
export { writeTfjsModel } from './write.js';
