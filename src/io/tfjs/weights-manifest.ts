import { InputError } from '../../input-error.js';
import { shown } from './json.js';
import { FLOAT32_MAX } from '../../train/non-finite.js';

/**
 * The weights of a TF.js Layers model: the weightsManifest's groups, each a list of shard
 * files read end to end as one buffer, cut into tensors in manifest order. Where the shards'
 * bytes come from is the caller's (ShardReader): files in Node (weights-read.ts, which
 * confines them to model.json's folder), an upload or a fetch in a browser.
 */
export interface NamedWeight {
  name: string;
  shape: number[];
  data: Float32Array;
}

/**
 * The bytes of one group's shards, in order, given their names as the manifest spells them
 * (`where` names each for messages) and the bytes the manifest describes: a reader checks
 * sizes before it reads where it can, and `describe(total)` words a mismatch.
 */
export type ShardReader = (
  paths: unknown[],
  where: (k: number) => string,
  expectedBytes: number,
  describe: (names: string[], total: number) => string,
) => { parts: Uint8Array[]; files: string[] };

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

/** The named weights of a weightsManifest, their bytes from `readShards`; every problem is one InputError line naming `source`. */
export function parseWeightsManifest(manifest: unknown, source: string, readShards: ShardReader): { weights: NamedWeight[]; files: string[] } {
  const fail = (what: string): never => {
    throw new InputError(`${source}: ${what}`);
  };
  if (!Array.isArray(manifest)) return fail('weightsManifest is missing or not a list');
  const weights: NamedWeight[] = [];
  const files: string[] = [];
  manifest.forEach((group, g) => {
    if (!isObject(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      fail(`weightsManifest group ${g} needs "paths" and "weights" lists`);
    }
    const { paths, weights: specs } = group as { paths: unknown[]; weights: unknown[] };

    // Sizes first: a wrong dtype should be reported as such, not as a length mismatch.
    const sized = specs.map((spec, s) => {
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

    const expected = sized.reduce((n, s) => n + s.bytes, 0);
    const describe = (names: string[], total: number): string => {
      const what = names.length === 1 ? `${names[0]} is` : `the shards ${names.join(', ')} are`;
      return `${what} ${total} bytes but the weightsManifest describes ${expected} bytes`;
    };
    const { parts, files: read } = readShards(paths, (k) => `weightsManifest group ${g} path ${k}`, expected, describe);
    const total = parts.reduce((n, b) => n + b.length, 0);
    if (total !== expected) fail(describe(paths.map(String), total));
    files.push(...read);

    const bytes = new Uint8Array(total);
    let at = 0;
    for (const part of parts) {
      bytes.set(part, at);
      at += part.length;
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let offset = 0;
    for (const s of sized) {
      if (!s.optimizerState) {
        const data = new Float32Array(s.count);
        const limit = weightLimit(s.shape);
        for (let i = 0; i < s.count; i++) {
          data[i] = view.getFloat32(offset + 4 * i, true); // little-endian on disk
          if (!Number.isFinite(data[i]!)) fail(`weight '${s.name}' holds ${data[i]} at index ${i}; expected finite numbers`);
          if (Math.abs(data[i]!) > limit) fail(`weight '${s.name}' holds ${data[i]} at index ${i}; expected |w| <= ${limit.toPrecision(4)}, or its layer's sums overflow float32`);
        }
        weights.push({ name: s.name, shape: s.shape, data });
      }
      offset += s.bytes;
    }
  });
  return { weights, files };
}

/**
 * The largest weight a layer can hold and still sum its inputs in float32: a kernel of
 * (inputs, units) adds `inputs` products and a bias, so with inputs of size 1 (an LSTM's
 * outputs, scaled data) a weight above FLOAT32_MAX / (inputs + 1) can make ±Infinity, and
 * ±Infinity minus itself NaN (weights of 3e38 gave thousands of infinite outputs).
 */
function weightLimit(shape: readonly number[]): number {
  const inputs = shape.length >= 2 ? shape[0]! : 1;
  return FLOAT32_MAX / (inputs + 1);
}
