import { realpathSync } from 'node:fs';
import { isAbsolute, join, sep } from 'node:path';
import { InputError } from '../../input-error.js';
import { readInputFile, statInputFile } from '../read-input-file.js';
import { shown } from './json.js';
import type { WeightGroup } from './weights-decode.js';

/**
 * The weights' files of a TF.js Layers model: each weightsManifest group's shard files read
 * end to end as one buffer (weights-decode.ts cuts it into tensors in manifest order).
 *
 * A model.json is not trusted with the file system: a shard must be a plain file inside
 * model.json's folder (a relative name, no '..', no link that leads out, no FIFO or
 * device), and the shards' sizes must add up to exactly what the manifest describes before
 * a byte of them is read. No message says anything about a file outside the folder.
 */
/**
 * Reads each manifest group's shards from model.json's folder `dir` (see above), for
 * parseTfjsModel; `files` lists every shard read, by real path.
 */
export function shardReader(dir: string, source: string): { read: (group: WeightGroup, g: number) => Uint8Array; files: string[] } {
  const fail = (what: string): never => {
    throw new InputError(`${source}: ${what}`);
  };
  let root: string | undefined;
  const files: string[] = [];
  const read = (group: WeightGroup, g: number): Uint8Array => {
    root ??= realFolder(dir, source);
    // Where the shards are and how large, all before any is opened.
    const shards = group.paths.map((p, k) => shardFile(p, dir, root!, source, `weightsManifest group ${g} path ${k}`, fail));
    const expected = group.bytes;
    const describe = (total: number): string => {
      const what = shards.length === 1 ? `${shards[0]!.name} is` : `the shards ${shards.map((s) => s.name).join(', ')} are`;
      return `${what} ${total} bytes but the weightsManifest describes ${expected} bytes`;
    };
    const sizes = shards.map((s) => statInputFile(s.real, `a weights file named in ${source}`).size);
    const total = sizes.reduce((n, size) => n + size, 0);
    if (total !== expected) fail(describe(total));

    // Each read stops at the size just checked; a shard that changed since is caught by the sum.
    const parts = shards.map((s, k) => readInputFile(s.real, `a weights file named in ${source}`, { maxBytes: sizes[k] }));
    const got = parts.reduce((n, b) => n + b.length, 0);
    if (got !== expected) fail(describe(got));
    files.push(...shards.map((s) => s.real));
    return Buffer.concat(parts);
  };
  return { read, files };
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
