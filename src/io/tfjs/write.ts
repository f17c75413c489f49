import { readFileSync } from 'node:fs';
import { autoencoderLayout } from '../../models/autoencoder/layout.js';
import type { TfjsModelContents } from './read.js';
import { autoencoderTopology } from './topology-write.js';

/** A model in the TF.js Layers format as bytes: model.json's text and its one weights shard. */
export interface EncodedTfjsModel {
  modelJson: string;
  weights: Uint8Array;
}

/**
 * The weights (float32 little-endian, in autoencoder-layout order, which is also the
 * manifest's order) and a model.json naming them `weightsFile`. `metadata` goes into
 * TF.js's own slot for it, userDefinedMetadata, which tf.loadLayersModel hands back as
 * model.getUserDefinedMetadata(). Writing them as a set is model-set.ts's job.
 */
export function encodeTfjsModel(contents: TfjsModelContents, weightsFile: string, metadata?: Record<string, unknown>): EncodedTfjsModel {
  const layout = autoencoderLayout(contents.dims);
  const bytes = new Uint8Array(4 * layout.size);
  const view = new DataView(bytes.buffer);
  for (const slot of layout.slots) {
    const values = contents.weights[slot.name as keyof TfjsModelContents['weights']];
    if (!values || values.length !== slot.size) throw new Error(`weight ${slot.name} has ${values?.length} values, expected ${slot.size}`);
    for (let i = 0; i < slot.size; i++) view.setFloat32(4 * (slot.offset + i), values[i]!, true);
  }
  const modelJson = {
    format: 'layers-model',
    generatedBy: `lstm-ae ${packageVersion()}`,
    convertedBy: null,
    modelTopology: autoencoderTopology({ ...contents.dims, recurrentActivation: contents.recurrentActivation }),
    weightsManifest: [
      {
        paths: [weightsFile],
        weights: layout.slots.map((s) => ({ name: s.name, shape: s.shape, dtype: 'float32' })),
      },
    ],
    ...(metadata ? { userDefinedMetadata: metadata } : {}),
  };
  return { modelJson: JSON.stringify(modelJson, null, 1) + '\n', weights: bytes };
}

function packageVersion(): string {
  try {
    // dist/src/io/tfjs/ -> the package root
    const pkg = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
