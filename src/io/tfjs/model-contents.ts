import type { WeightName } from '../../models/autoencoder/layout.js';
import type { AutoencoderVariant } from '../../models/autoencoder/config.js';
import type { Scaling } from '../../train/scaling.js';
import type { AutoencoderTopology } from './topology-read.js';

// What a model file holds, apart from reading or writing one (read.ts reads files in Node;
// write.ts and artifacts.ts make the bytes anywhere).

/** What a TF.js Layers model file says about the autoencoder: its sizes, activation, variant and weights in our layout. */
export interface TfjsModelContents {
  dims: AutoencoderTopology['dims'];
  recurrentActivation: AutoencoderTopology['recurrentActivation'];
  /** for writing, settings left out are the article's; reading fills in every one */
  variant?: Partial<AutoencoderVariant>;
  weights: Record<WeightName, Float32Array>;
  /** how the model scales its input (absent: not at all, as Keras and TF.js files) */
  scaling?: Scaling;
}

/**
 * Our key in model.json's userDefinedMetadata (which TF.js keeps and hands back through
 * LayersModel.getUserDefinedMetadata()): what the layers cannot say. reverseTarget changes
 * what the output means, not what the network computes: output step t reconstructs
 * x[len-1-t], so a Keras or TF.js user reverses it within each window's length to compare with x.
 */
export const METADATA_KEY = 'lstm-ae';

export interface LstmAeMetadata {
  reverseTarget: boolean;
  /** the input's scaling (train/scaling.ts): a Keras or TF.js user applies it before predicting, and inverts it after */
  scaling?: Scaling;
  note?: string;
  /** a model set's generation: its files are weights.G.bin and training.G.json (model-set.ts) */
  generation?: number;
  /** the set's training record, training.G.json, when it has one */
  training?: string;
}

