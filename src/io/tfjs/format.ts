import type { RecurrentActivation } from '../../ops/activations.js';
import type { WeightName } from '../../models/autoencoder/layout.js';
import { LstmAutoencoder } from '../../models/autoencoder/lstm-autoencoder.js';
import type { History } from '../../train/fit.js';
import { readTfjsModel, type TfjsModelContents } from './read.js';
import { commitModelSet } from './model-set.js';

/**
 * The autoencoder in the TF.js Layers format (model.json + its weights shard): what
 * `tf.loadLayersModel` reads as the same two-input functional model (feed it x and x
 * reversed in time), and what Keras reaches through tensorflowjs_converter.
 */
export interface SavableAutoencoder {
  readonly config: { timesteps: number; inputDim: number; latentDim: number; recurrentActivation: RecurrentActivation };
  getWeights(): Record<WeightName, Float32Array>;
}

/**
 * Saves the model in `dir` as one set (model-set.ts): dir/model.json names its weights
 * file, and, given a history, its training record and dir/history.json. A model already
 * in dir is replaced whole or, on failure, not at all. Returns the model.json path.
 */
export function saveModel(dir: string, model: SavableAutoencoder, options: { history?: History } = {}): string {
  const { timesteps, inputDim, latentDim, recurrentActivation } = model.config;
  const contents = { dims: { timesteps, inputDim, latentDim }, recurrentActivation, weights: model.getWeights() };
  const saved = commitModelSet(dir, contents, options.history ? { history: options.history } : undefined);
  if (saved.historyError) throw saved.historyError;
  return saved.modelPath;
}

/** Writes TF.js model contents (e.g. readTfjsModel's) to dir as one set, as saveModel does; returns the model.json path. */
export function writeTfjsModel(dir: string, contents: TfjsModelContents): string {
  return commitModelSet(dir, contents).modelPath;
}

/** Loads a model.json (or a folder holding one) written by TF.js, Keras or us. */
export function loadModel(modelJsonPath: string): LstmAutoencoder {
  const { dims, recurrentActivation, weights } = readTfjsModel(modelJsonPath);
  return LstmAutoencoder.fromWeights({ ...dims, recurrentActivation }, weights);
}

export { readTfjsModel, type TfjsModelContents } from './read.js';
