import type { RecurrentActivation } from '../../ops/activations.js';
import type { WeightName } from '../../models/autoencoder/layout.js';
import type { AutoencoderVariant } from '../../models/autoencoder/config.js';
import { LstmAutoencoder } from '../../models/autoencoder/lstm-autoencoder.js';
import type { Scaling } from '../../train/scaling.js';
import { readTfjsModel } from './read.js';
import { writeTfjsModel } from './write.js';

/**
 * The autoencoder in the TF.js Layers format (model.json + weights.bin): what
 * `tf.loadLayersModel` reads as the same functional model (the conditional one takes two
 * inputs: x and x reversed in time; a masked one wants its padding filled with maskValue),
 * and what Keras reaches through tensorflowjs_converter.
 */
export interface SavableAutoencoder {
  readonly config: { timesteps: number; inputDim: number; latentDim: number; recurrentActivation: RecurrentActivation } & Partial<AutoencoderVariant>;
  getWeights(): Record<WeightName, Float32Array>;
  readonly scaling?: Scaling | undefined;
}

/** Writes dir/model.json and dir/weights.bin as one set (see writeTfjsModel); returns the model.json path. */
export function saveModel(dir: string, model: SavableAutoencoder): string {
  const { timesteps, inputDim, latentDim, recurrentActivation, decoder, reverseTarget, outputActivation, maskValue } = model.config;
  const variant = { decoder, reverseTarget, outputActivation, maskValue };
  const scaling = model.scaling;
  return writeTfjsModel(dir, { dims: { timesteps, inputDim, latentDim }, recurrentActivation, variant, weights: model.getWeights(), ...(scaling ? { scaling } : {}) });
}

/** Loads a model.json (or a folder holding one) written by TF.js, Keras or us. */
export function loadModel(modelJsonPath: string): LstmAutoencoder {
  return loadModelAndFiles(modelJsonPath).model;
}

/** loadModel, and the files it read (model.json, then each shard): what an output must not replace. */
export function loadModelAndFiles(modelJsonPath: string): { model: LstmAutoencoder; files: string[] } {
  const { dims, recurrentActivation, variant, weights, scaling, files } = readTfjsModel(modelJsonPath);
  const normalize = scaling && scaling.normalize !== 'none' ? { normalize: scaling.normalize } : {};
  const model = LstmAutoencoder.fromWeights({ ...dims, recurrentActivation, ...nonDefault(variant), ...normalize }, weights, scaling);
  return { model, files };
}

/** The settings that differ from the article's, so the article model's config stays as short as one made by create. */
function nonDefault(variant: AutoencoderVariant): Partial<AutoencoderVariant> {
  const out: Partial<AutoencoderVariant> = {};
  if (variant.decoder !== 'conditional') out.decoder = variant.decoder;
  if (variant.reverseTarget) out.reverseTarget = true;
  if (variant.outputActivation !== 'tanh') out.outputActivation = variant.outputActivation;
  if (variant.maskValue !== null) out.maskValue = variant.maskValue;
  return out;
}

export { readTfjsModel, type TfjsModelContents } from './read.js';
export { writeTfjsModel } from './write.js';
