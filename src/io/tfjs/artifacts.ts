import type { RecurrentActivation } from '../../ops/activations.js';
import type { WeightName } from '../../models/autoencoder/layout.js';
import type { AutoencoderVariant } from '../../models/autoencoder/config.js';
import type { Scaling } from '../../train/scaling.js';
import type { TfjsModelContents } from './model-contents.js';
import { encodeTfjsModel, type EncodedTfjsModel } from './write.js';
import { LstmAutoencoder } from '../../models/autoencoder/lstm-autoencoder.js';
import { artifactShards, parseTfjsModel, type TfjsModelRead } from './parse-model.js';

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

/** The model a file holds (readTfjsModel's), its batch order drawn from RandomState(seed) (train's --init and --resume give one). */
export function modelFromFile({ dims, recurrentActivation, variant, weights, scaling }: TfjsModelRead, seed?: number): LstmAutoencoder {
  const normalize = scaling && scaling.normalize !== 'none' ? { normalize: scaling.normalize } : {};
  return LstmAutoencoder.fromWeights({ ...dims, recurrentActivation, ...nonDefault(variant), ...normalize, ...(seed === undefined ? {} : { seed }) }, weights, scaling);
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

/**
 * The model that TF.js Layers files hold, given as text and bytes (model.json's text or its
 * parsed object, and each weights file it names by that name, or the one weights file alone): a browser upload or a fetch, with no file system.
 * Every problem is one InputError line naming `source`.
 */
export function modelFromArtifacts(modelJson: string | object, weightFiles: ReadonlyMap<string, Uint8Array> | Uint8Array, source = 'model.json'): LstmAutoencoder {
  return modelFromFile(parseTfjsModel(modelJson, source, artifactShards(weightFiles, source)));
}
