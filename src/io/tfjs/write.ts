import { autoencoderLayout } from '../../models/autoencoder/layout.js';
import { METADATA_KEY, type LstmAeMetadata, type TfjsModelContents } from './model-contents.js';
import { variantOf } from '../../models/autoencoder/config.js';
import type { Scaling } from '../../train/scaling.js';
import { autoencoderTopology } from './topology-write.js';
import { VERSION } from '../../version.js';

/** A model in the TF.js Layers format as bytes: model.json's text and its one weights shard. */
export interface EncodedTfjsModel {
  modelJson: string;
  weights: Uint8Array;
}

/**
 * The weights (float32 little-endian, in autoencoder-layout order, which is also the
 * manifest's order) and a model.json naming them `weightsFile`. Our metadata goes into
 * TF.js's own slot for it, userDefinedMetadata (which tf.loadLayersModel hands back as
 * model.getUserDefinedMetadata()), with `set`: which generation of a model set this is and
 * its training record (model-set.ts, which writes them as a set).
 */
export function encodeTfjsModel(contents: TfjsModelContents, weightsFile: string, set?: Pick<LstmAeMetadata, 'generation' | 'training'>): EncodedTfjsModel {
  const { decoder, reverseTarget, outputActivation, maskValue } = variantOf(contents.variant ?? {});
  const layout = autoencoderLayout({ ...contents.dims, decoder });
  const bytes = new Uint8Array(4 * layout.size);
  const view = new DataView(bytes.buffer);
  for (const slot of layout.slots) {
    const values = contents.weights[slot.name as keyof TfjsModelContents['weights']];
    if (!values || values.length !== slot.size) throw new Error(`weight ${slot.name} has ${values?.length} values, expected ${slot.size}`);
    for (let i = 0; i < slot.size; i++) view.setFloat32(4 * (slot.offset + i), values[i]!, true);
  }
  const modelJson = {
    format: 'layers-model',
    generatedBy: `lstm-ae ${VERSION}`,
    convertedBy: null,
    modelTopology: autoencoderTopology({ ...contents.dims, recurrentActivation: contents.recurrentActivation, decoder, outputActivation, maskValue }),
    weightsManifest: [
      {
        paths: [weightsFile],
        weights: layout.slots.map((s) => ({ name: s.name, shape: s.shape, dtype: 'float32' })),
      },
    ],
    userDefinedMetadata: { [METADATA_KEY]: { ...metadata(reverseTarget, contents.scaling), ...set } },
  };
  return { modelJson: JSON.stringify(modelJson, null, 1) + '\n', weights: bytes };
}

function metadata(reverseTarget: boolean, scaling: Scaling | undefined): LstmAeMetadata {
  const scaled = scaling && scaling.normalize !== 'none' ? { scaling } : {};
  if (!reverseTarget) return { reverseTarget, ...scaled };
  return { reverseTarget, ...scaled, note: 'output step t reconstructs x[len-1-t]: reverse it within each window\'s length to compare with x' };
}
