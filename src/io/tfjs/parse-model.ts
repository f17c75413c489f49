import { MIN_RELATIVE_STD, NORMALIZATIONS, type Normalization, type Scaling } from '../../train/scaling.js';
import { FLOAT32_MAX, FLOAT32_RANGE_TEXT } from '../../train/non-finite.js';
import { InputError } from '../../input-error.js';
import type { WeightName } from '../../models/autoencoder/layout.js';
import type { AutoencoderVariant } from '../../models/autoencoder/config.js';
import { parseJsonText, shown } from './json.js';
import { readAutoencoderTopology } from './topology-read.js';
import { assignWeights } from './weights-assign.js';
import { parseWeightsManifest, type ShardReader } from './weights-manifest.js';
import { METADATA_KEY, type TfjsModelContents } from './model-contents.js';

/** A model as read: its contents, every variant setting, and the files they came from (model.json, then each shard). */
export interface TfjsModelRead extends TfjsModelContents {
  variant: AutoencoderVariant;
  files: string[];
}

/**
 * A model.json (its text, or that text parsed) and its weight shards (from `readShards`), whether TF.js, Keras via
 * tensorflowjs_converter, or we wrote them: every problem is one InputError line naming
 * `source`. Runs anywhere: Node's readTfjsModel(path) reads the files and calls this; a
 * browser gives the bytes of an upload (artifactShards).
 */
export function parseTfjsModel(text: string | object, source: string, readShards: ShardReader): TfjsModelRead {
  const json = typeof text === 'string' ? parseJsonText(text, source) : text;
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new InputError(`${source}: expected a JSON object with modelTopology and weightsManifest`);
  }
  const { modelTopology, weightsManifest, format, userDefinedMetadata } = json as Record<string, unknown>;
  if (format !== undefined && format !== 'layers-model') {
    throw new InputError(`${source}: format is ${JSON.stringify(format)}; expected a "layers-model" (a graph model has no layers to recognise)`);
  }
  const topology = readAutoencoderTopology(modelTopology, source);
  const { weights: named, files } = parseWeightsManifest(weightsManifest, source, readShards);
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
    weights: assignWeights(named, topology, source) as Record<WeightName, Float32Array>,
    ...(scaling ? { scaling } : {}),
    files: [source, ...files],
  };
}

/**
 * Shards given as bytes by name (an upload, a fetch): what the manifest names must be there.
 * A lone buffer stands for the one weights file of a model that names one (whatever its name).
 */
export function artifactShards(shards: ReadonlyMap<string, Uint8Array> | Uint8Array, source: string): ShardReader {
  let used = false;
  return (paths, where) => {
    if (shards instanceof Uint8Array) {
      if (used || paths.length !== 1) throw new InputError(`${source}: ${where(0)}: the weightsManifest names more than one weights file; expected the one given with it`);
      used = true;
      return { parts: [shards], files: paths.map(String) };
    }
    const parts = paths.map((p, k) => {
      const bytes = typeof p === 'string' ? shards.get(p) : undefined;
      if (!bytes) throw new InputError(`${source}: ${where(k)} names ${JSON.stringify(p)}, which was not given; expected its weights file too`);
      return bytes;
    });
    return { parts, files: paths.map(String) };
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
    const ok = Array.isArray(list) && list.length === count && list.every((v) => typeof v === 'number' && Number.isFinite(v));
    if (!ok) throw new InputError(`${where}.${name} is ${shown(JSON.stringify(list))}; expected ${count} finite number${count === 1 ? '' : 's'}`);
  }
  // in the range fitScaling gives for float32 data: otherwise every reconstruction is ±Infinity or NaN
  (mean as number[]).forEach((m, d) => {
    const s = (std as number[])[d]!;
    if (!(Math.abs(m) <= FLOAT32_MAX)) throw new InputError(`${where}.mean[${d}] is ${m}; expected ${FLOAT32_RANGE_TEXT}`);
    const least = MIN_RELATIVE_STD * Math.max(1, Math.abs(m));
    if (!(s > least && s <= FLOAT32_MAX)) throw new InputError(`${where}.std[${d}] is ${s}; expected a number above ${least} (a constant channel has std 1) and at most ${FLOAT32_MAX}`);
  });
  return { normalize: normalize as Normalization, mean: mean as number[], std: std as number[] };
}

