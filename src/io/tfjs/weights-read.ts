import { join } from 'node:path';
import { InputError } from '../../input-error.js';
import { readInputFile } from '../read-input-file.js';

/**
 * The weights of a TF.js Layers model: the weightsManifest's groups, each a list of shard
 * files read end to end as one buffer, cut into tensors in manifest order.
 */
export interface NamedWeight {
  name: string;
  shape: number[];
  data: Float32Array;
}

type JsonObject = Record<string, unknown>;

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Bytes per value of the dtypes TF.js writes (for skipping optimizer state we do not use). */
const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1 };

export function readWeightsManifest(manifest: unknown, dir: string, source: string): NamedWeight[] {
  const fail = (what: string): never => {
    throw new InputError(`${source}: ${what}`);
  };
  if (!Array.isArray(manifest)) return fail('weightsManifest is missing or not a list');
  const weights: NamedWeight[] = [];
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
        return fail(`weight '${spec.name}' has shape ${JSON.stringify(shape)}; expected a list of sizes`);
      }
      if (spec.quantization !== undefined) fail(`weight '${spec.name}' is quantized; only plain float32 weights are supported`);
      const optimizerState = spec.group === 'optimizer';
      const bytesPerValue = DTYPE_BYTES[String(spec.dtype)];
      if ((!optimizerState && spec.dtype !== 'float32') || bytesPerValue === undefined) {
        fail(`weight '${spec.name}' has dtype ${String(spec.dtype)}; only float32 weights are supported`);
      }
      const count = (shape as number[]).reduce((a, b) => a * b, 1);
      return { name: spec.name, shape: shape as number[], count, bytes: count * bytesPerValue!, optimizerState };
    });

    const shardNames = paths.map((p) => String(p));
    const shards = shardNames.map((p) => readShard(join(dir, p), source));
    const total = shards.reduce((n, b) => n + b.length, 0);
    const expected = sized.reduce((n, s) => n + s.bytes, 0);
    if (total !== expected) {
      const what = shardNames.length === 1 ? `${shardNames[0]} is` : `the shards ${shardNames.join(', ')} are`;
      fail(`${what} ${total} bytes but the weightsManifest describes ${expected} bytes`);
    }
    const bytes = Buffer.concat(shards);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let offset = 0;
    for (const s of sized) {
      if (!s.optimizerState) {
        const data = new Float32Array(s.count);
        for (let i = 0; i < s.count; i++) {
          data[i] = view.getFloat32(offset + 4 * i, true); // little-endian on disk
          if (!Number.isFinite(data[i]!)) fail(`weight '${s.name}' holds ${data[i]} at index ${i}; expected finite numbers`);
        }
        weights.push({ name: s.name, shape: s.shape, data });
      }
      offset += s.bytes;
    }
  });
  return weights;
}

function readShard(path: string, source: string): Buffer {
  return readInputFile(path, `a weights file named in ${source}`);
}
