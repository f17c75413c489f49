import { realpathSync } from 'node:fs';
import { isAbsolute, join, sep } from 'node:path';
import { InputError } from '../../input-error.js';
import { readInputFile, statInputFile } from '../read-input-file.js';
import { shown } from './json.js';
import { FLOAT32_MAX } from '../../train/non-finite.js';

/**
 * The weights of a TF.js Layers model: the weightsManifest's groups, each a list of shard
 * files read end to end as one buffer, cut into tensors in manifest order.
 *
 * A model.json is not trusted with the file system: a shard must be a plain file inside
 * model.json's folder (a relative name, no '..', no link that leads out, no FIFO or
 * device), and the shards' sizes must add up to exactly what the manifest describes before
 * a byte of them is read. No message says anything about a file outside the folder.
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
const DTYPE_BYTES = new Map<unknown, number>([
  ['float32', 4],
  ['int32', 4],
  ['bool', 1],
]);

export function readWeightsManifest(manifest: unknown, dir: string, source: string): { weights: NamedWeight[]; files: string[] } {
  const fail = (what: string): never => {
    throw new InputError(`${source}: ${what}`);
  };
  if (!Array.isArray(manifest)) return fail('weightsManifest is missing or not a list');
  const root = realFolder(dir, source);
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

    // Where the shards are and how large, all before any is opened.
    const shards = paths.map((p, k) => shardFile(p, dir, root, source, `weightsManifest group ${g} path ${k}`, fail));
    const expected = sized.reduce((n, s) => n + s.bytes, 0);
    const describe = (total: number): string => {
      const what = shards.length === 1 ? `${shards[0]!.name} is` : `the shards ${shards.map((s) => s.name).join(', ')} are`;
      return `${what} ${total} bytes but the weightsManifest describes ${expected} bytes`;
    };
    const sizes = shards.map((s) => statInputFile(s.real, `a weights file named in ${source}`).size);
    const total = sizes.reduce((n, size) => n + size, 0);
    if (total !== expected) fail(describe(total));

    // Each read stops at the size just checked; a shard that changed since is caught by the sum.
    const parts = shards.map((s, k) => readInputFile(s.real, `a weights file named in ${source}`, { maxBytes: sizes[k] }));
    const read = parts.reduce((n, b) => n + b.length, 0);
    if (read !== expected) fail(describe(read));
    files.push(...shards.map((s) => s.real));

    const bytes = Buffer.concat(parts);
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

/** The folder's real path, links resolved: every shard's real path must lie under it. */
function realFolder(dir: string, source: string): string {
  try {
    return realpathSync(dir);
  } catch (err) {
    throw new InputError(`${source}: its folder cannot be resolved (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

/**
 * One shard named in the manifest: a relative file name inside the model's folder, or one
 * InputError line. `name` is the manifest's spelling, `real` the file's resolved path.
 */
function shardFile(
  p: unknown,
  dir: string,
  root: string,
  source: string,
  where: string,
  fail: (what: string) => never,
): { name: string; real: string } {
  const inside = `expected a file name inside the model's folder ${dir}`;
  if (typeof p !== 'string' || p === '' || p.includes('\0')) return fail(`${where} is ${shown(JSON.stringify(p))}; ${inside}`);
  const quoted = shown(JSON.stringify(p));
  // absolute in POSIX or Windows spelling: a model.json from anywhere may hold either
  if (isAbsolute(p) || p.startsWith('\\') || /^[A-Za-z]:/.test(p)) return fail(`weights path ${quoted} is absolute; ${inside}`);
  if (p.split(/[\\/]/).includes('..')) return fail(`weights path ${quoted} climbs out with '..'; ${inside}`);
  const full = join(dir, p);
  let real: string;
  try {
    real = realpathSync(full);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // said of the name inside the folder: where a link leads stays unsaid
    throw new InputError(`${full}: ${code === 'ENOENT' ? 'file not found' : `cannot be read (${code ?? String(err)})`}; expected a weights file named in ${source}`);
  }
  if (!real.startsWith(root.endsWith(sep) ? root : root + sep)) return fail(`weights path ${quoted} leads outside the model's folder through a symbolic link; ${inside}`);
  return { name: p, real };
}
