import { NORMALIZATIONS, type Normalization, type Scaling } from '../../train/scaling.js';
import { InputError } from '../../input-error.js';
import type { AutoencoderVariant } from '../../models/autoencoder/config.js';
import { readAutoencoderTopology } from './topology-read.js';
import { assignWeights } from './weights-assign.js';
import { weightGroups, decodeWeightGroup, type WeightGroup } from './weights-decode.js';
import { METADATA_KEY, type TfjsModelContents } from './model-contents.js';

/** A model as parsed: its contents with every variant setting filled in. */
export interface TfjsModelParsed extends TfjsModelContents {
  variant: AutoencoderVariant;
}

/**
 * A TF.js Layers model.json's object (whoever wrote it: TF.js, Keras via
 * tensorflowjs_converter, or us) and its weights, with no file system: `groupBytes` hands
 * over each manifest group's bytes (read from files in Node, held in memory anywhere) and
 * may refuse a group's shard names. Every problem is one InputError line naming `source`.
 */
export function parseTfjsModel(json: unknown, source: string, groupBytes: (group: WeightGroup, index: number) => Uint8Array): TfjsModelParsed {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new InputError(`${source}: expected a JSON object with modelTopology and weightsManifest`);
  }
  const { modelTopology, weightsManifest, format, userDefinedMetadata } = json as Record<string, unknown>;
  if (format !== undefined && format !== 'layers-model') {
    throw new InputError(`${source}: format is ${JSON.stringify(format)}; expected a "layers-model" (a graph model has no layers to recognise)`);
  }
  const topology = readAutoencoderTopology(modelTopology, source);
  const named = weightGroups(weightsManifest, source).flatMap((group, g) => decodeWeightGroup(group, groupBytes(group, g), source));
  const variant: AutoencoderVariant = {
    decoder: topology.decoder,
    reverseTarget: readReverseTarget(userDefinedMetadata, source),
    outputActivation: topology.outputActivation,
    maskValue: topology.maskValue,
  };
  const scaling = readScaling(userDefinedMetadata, topology.dims.inputDim, source);
  return {
    dims: topology.dims,
    recurrentActivation: topology.recurrentActivation,
    variant,
    weights: assignWeights(named, topology, source),
    ...(scaling ? { scaling } : {}),
  };
}

/** false unless our metadata says true; a file from elsewhere has none. */
function readReverseTarget(metadata: unknown, source: string): boolean {
  if (typeof metadata !== 'object' || metadata === null) return false;
  const ours = (metadata as Record<string, unknown>)[METADATA_KEY];
  if (ours === undefined) return false;
  const value = typeof ours === 'object' && ours !== null ? (ours as Record<string, unknown>).reverseTarget : undefined;
  if (typeof value !== 'boolean') {
    throw new InputError(`${source}: userDefinedMetadata["${METADATA_KEY}"].reverseTarget is ${JSON.stringify(value)}; expected true or false`);
  }
  return value;
}

/** Our scaling, checked value by value; absent in a file from elsewhere or of a model that does not scale. */
function readScaling(metadata: unknown, channels: number, source: string): Scaling | undefined {
  const ours = typeof metadata === 'object' && metadata !== null ? (metadata as Record<string, unknown>)[METADATA_KEY] : undefined;
  const value = typeof ours === 'object' && ours !== null ? (ours as Record<string, unknown>).scaling : undefined;
  if (value === undefined) return undefined;
  const where = `${source}: userDefinedMetadata["${METADATA_KEY}"].scaling`;
  const { normalize, mean, std } = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  if (!(NORMALIZATIONS as readonly unknown[]).includes(normalize)) {
    throw new InputError(`${where}.normalize is ${JSON.stringify(normalize)}; expected one of ${NORMALIZATIONS.join(', ')}`);
  }
  const count = normalize === 'global' ? 1 : normalize === 'per-channel' ? channels : 0;
  for (const [name, list] of [['mean', mean], ['std', std]] as const) {
    const ok = Array.isArray(list) && list.length === count && list.every((v) => typeof v === 'number' && Number.isFinite(v) && (name === 'mean' || v > 0));
    if (!ok) throw new InputError(`${where}.${name} is ${JSON.stringify(list)}; expected ${count} finite number${count === 1 ? '' : 's'}${name === 'std' ? ' above 0' : ''}`);
  }
  return { normalize: normalize as Normalization, mean: mean as number[], std: std as number[] };
}
