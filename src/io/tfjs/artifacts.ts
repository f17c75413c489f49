import type { RecurrentActivation } from '../../ops/activations.js';
import type { WeightName } from '../../models/autoencoder/layout.js';
import type { AutoencoderVariant } from '../../models/autoencoder/config.js';
import type { Scaling } from '../../train/scaling.js';
import type { TfjsModelContents } from './model-contents.js';
import { encodeTfjsModel, type EncodedTfjsModel } from './write.js';

/**
 * The autoencoder in the TF.js Layers format (model.json + its weights shard): what
 * `tf.loadLayersModel` reads as the same functional model (the conditional one takes two
 * inputs: x and x reversed in time; a masked one wants its padding filled with maskValue),
 * and what Keras reaches through tensorflowjs_converter.
 */
export interface SavableAutoencoder {
  readonly config: { timesteps: number; inputDim: number; latentDim: number; recurrentActivation: RecurrentActivation } & Partial<AutoencoderVariant>;
  getWeights(): Record<WeightName, Float32Array>;
  readonly scaling?: Scaling | undefined;
}

/** What a model's file holds: sizes, activation, variant, weights (views, not copies) and scaling. */
export function modelContents(model: SavableAutoencoder): TfjsModelContents {
  const { timesteps, inputDim, latentDim, recurrentActivation, decoder, reverseTarget, outputActivation, maskValue } = model.config;
  const variant = { decoder, reverseTarget, outputActivation, maskValue };
  const scaling = model.scaling;
  return { dims: { timesteps, inputDim, latentDim }, recurrentActivation, variant, weights: model.getWeights(), ...(scaling ? { scaling } : {}) };
}

/**
 * The model as the TF.js Layers files the CLI saves and loads (model.json naming
 * `weights.bin`, and the weights' bytes), made in memory: what a browser offers as a
 * download or a server returns, with no file system.
 */
export function modelArtifacts(model: SavableAutoencoder): EncodedTfjsModel {
  return encodeTfjsModel(modelContents(model), 'weights.bin');
}
