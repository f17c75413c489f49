import { InputError } from '../../input-error.js';
import { shown } from './json.js';

/**
 * The weights of a TF.js Layers model from its weightsManifest and each group's bytes, with
 * no file system: the manifest's groups are sized first (a wrong dtype is reported as such,
 * not as a length mismatch), and a group's bytes, however they were fetched (files in Node,
 * memory anywhere), are cut into tensors in manifest order.
 */
export interface NamedWeight {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** One weight of a group, as the manifest describes it. */
export interface SizedWeight {
  name: string;
  shape: number[];
  count: number;
  bytes: number;
  /** optimizer state that TF.js may save beside the weights: skipped */
  optimizerState: boolean;
}

/** A manifest group: the shard names it lists (not yet checked) and what its bytes hold. */
export interface WeightGroup {
  paths: unknown[];
  weights: SizedWeight[];
  /** the bytes its shards must add up to */
  bytes: number;
}

type JsonObject = Record<string, unknown>;

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Bytes per value of the dtypes TF.js writes (for skipping optimizer state we do not use). */
const DTYPE_BYTES = new Map<unknown, number>([
  ['float32', 4],
  ['int32', 4],
  ['bool', 1],
]);

/** The manifest's groups, every weight sized; one InputError line naming `source` otherwise. */
export function weightGroups(manifest: unknown, source: string): WeightGroup[] {
  const fail = (what: string): never => {
    throw new InputError(`${source}: ${what}`);
  };
  if (!Array.isArray(manifest)) return fail('weightsManifest is missing or not a list');
  return manifest.map((group, g) => {
    if (!isObject(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      return fail(`weightsManifest group ${g} needs "paths" and "weights" lists`);
    }
    const weights = (group.weights as unknown[]).map((spec, s): SizedWeight => {
      if (!isObject(spec) || typeof spec.name !== 'string') return fail(`weightsManifest group ${g} weight ${s} has no name`);
      const shape = spec.shape;
      if (!Array.isArray(shape) || !shape.every((n) => Number.isSafeInteger(n) && n >= 0)) {
        return fail(`weight '${spec.name}' has shape ${shown(shape)}; expected a list of sizes`);
      }
      if (spec.quantization !== undefined) fail(`weight '${spec.name}' is quantized; only plain float32 weights are supported`);
      const optimizerState = spec.group === 'optimizer';
      const bytesPerValue = DTYPE_BYTES.get(spec.dtype);
      if ((!optimizerState && spec.dtype !== 'float32') || bytesPerValue === undefined) {
        return fail(`weight '${spec.name}' has dtype ${shown(spec.dtype)}; only float32 weights are supported`);
      }
      const count = (shape as number[]).reduce((a, b) => a * b, 1);
      return { name: spec.name, shape: shape as number[], count, bytes: count * bytesPerValue, optimizerState };
    });
    return { paths: group.paths as unknown[], weights, bytes: weights.reduce((n, w) => n + w.bytes, 0) };
  });
}

/** The group's weights (optimizer state skipped) from exactly group.bytes bytes, float32 little-endian, each value finite. */
export function decodeWeightGroup(group: WeightGroup, bytes: Uint8Array, source: string): NamedWeight[] {
  if (bytes.length !== group.bytes) throw new InputError(`${source}: the weights are ${bytes.length} bytes but the weightsManifest describes ${group.bytes} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const weights: NamedWeight[] = [];
  let offset = 0;
  for (const s of group.weights) {
    if (!s.optimizerState) {
      const data = new Float32Array(s.count);
      for (let i = 0; i < s.count; i++) {
        data[i] = view.getFloat32(offset + 4 * i, true); // little-endian on disk
        if (!Number.isFinite(data[i]!)) throw new InputError(`${source}: weight '${s.name}' holds ${data[i]} at index ${i}; expected finite numbers`);
      }
      weights.push({ name: s.name, shape: s.shape, data });
    }
    offset += s.bytes;
  }
  return weights;
}
