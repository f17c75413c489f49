import type { LstmAutoencoder } from '../../models/autoencoder/lstm-autoencoder.js';
import type { History } from '../../train/fit.js';
import { readTfjsModel, type TfjsModelContents, type TfjsModelRead } from './read.js';
import { commitModelSet } from './model-set.js';
import { modelContents, modelFromContents, type SavableAutoencoder } from './artifacts.js';

/**
 * Saves the model in `dir` as one set (model-set.ts): dir/model.json names its weights
 * file, and, given a history, its training record and dir/history.json. A model already
 * in dir is replaced whole or, on failure, not at all. Returns the model.json path.
 */
export function saveModel(dir: string, model: SavableAutoencoder, options: { history?: History } = {}): string {
  const saved = commitModelSet(dir, modelContents(model), options.history ? { history: options.history } : undefined);
  if (saved.historyError) throw saved.historyError;
  return saved.modelPath;
}

/** Writes TF.js model contents (e.g. readTfjsModel's) to dir as one set, as saveModel does; returns the model.json path. */
export function writeTfjsModel(dir: string, contents: TfjsModelContents): string {
  return commitModelSet(dir, contents).modelPath;
}

/** Loads a model.json (or a folder holding one) written by TF.js, Keras or us. */
export function loadModel(modelJsonPath: string): LstmAutoencoder {
  return loadModelAndFiles(modelJsonPath).model;
}

/** loadModel, and the files it read (model.json, then each shard): what an output must not replace. */
export function loadModelAndFiles(modelJsonPath: string): { model: LstmAutoencoder; files: string[] } {
  const read = readTfjsModel(modelJsonPath);
  return { model: modelFromFile(read), files: read.files };
}

/** The model a file holds (readTfjsModel's), its batch order drawn from RandomState(seed) (train's --init and --resume give one). */
export function modelFromFile(read: TfjsModelRead, seed?: number): LstmAutoencoder {
  return modelFromContents(read, seed);
}

export { readTfjsModel, type TfjsModelContents } from './read.js';
export { modelContents, type SavableAutoencoder } from './artifacts.js';
