import { closeSync, lstatSync, openSync, realpathSync, rmSync, statSync, type Stats } from 'node:fs';
import { dirname, join } from 'node:path';
import { InputError } from '../input-error.js';
import { tempPathFor } from './atomic-write.js';
import { makeFolder } from './make-folder.js';
import { fileKind } from './read-input-file.js';

/**
 * Checks, before any work is done, that results can be written where the user asked, so a
 * long run never ends by failing to save. Creates the folder if it does not exist, and
 * proves it can hold a file by making one (as root, a permission check alone says yes to
 * /proc and to read-only mounts alike).
 */
export function ensureOutputFolder(dir: string, option = '--out'): void {
  const stats = statOrUndefined(dir, option);
  if (stats && !stats.isDirectory()) {
    throw new InputError(`${option} ${dir}: exists and is not a folder; give a folder path`);
  }
  try {
    makeFolder(dir);
    probe(join(dir, `.lstm-ae-probe-${process.pid}`));
  } catch (err) {
    if (err instanceof InputError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new InputError(`${option} ${dir}: cannot be used as the output folder (${code}); give a writable folder path`);
  }
}

/**
 * The same for one output file: it must be absent or a plain file (a symbolic link, FIFO or
 * device would be replaced by a plain file, not written through), must not be one of the
 * command's `inputs` (it would replace what is being read), and its folder must be able to
 * hold it, temp file and all.
 */
export function ensureOutputFile(path: string, option = '--out', inputs: readonly string[] = []): void {
  const stats = statOrUndefined(path, option, false);
  if (stats?.isDirectory()) throw new InputError(`${option} ${path}: is a folder; give a file path such as ${join(path, 'out.npy')}`);
  if (stats && !stats.isFile()) {
    throw new InputError(`${option} ${path}: is ${fileKind(stats)}; give a plain file path (it would be replaced by a plain file)`);
  }
  if (stats) refuseInputs([path], inputs, option);
  ensureOutputFolder(dirname(path), `${option} ${path}: the folder`);
  try {
    probe(tempPathFor(path));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new InputError(`${option} ${path}: a file of that name cannot be made there (${code}); give another path`);
  }
}

/**
 * Refuses output files that are (by real path, links resolved) one of the inputs: writing
 * them would replace what the command reads. `outputs` that do not exist yet are fine.
 */
export function refuseInputs(outputs: readonly string[], inputs: readonly string[], option = '--out'): void {
  const real = (p: string): string | undefined => {
    try {
      return realpathSync(p);
    } catch {
      return undefined;
    }
  };
  const inputPaths = new Map(inputs.map((p) => [real(p), p] as const));
  for (const output of outputs) {
    const r = real(output);
    const input = r === undefined ? undefined : inputPaths.get(r);
    if (input !== undefined) throw new InputError(`${option} ${output}: is the input ${input}; give another path, the input is still being read`);
  }
}

/** Make and remove one empty file: the only sure test that a folder can hold a new file. */
function probe(path: string): void {
  rmSync(path, { force: true });
  closeSync(openSync(path, 'wx'));
  rmSync(path, { force: true });
}

/** stat or lstat, with a missing path (or one through a file, which the folder check reports) as undefined. */
function statOrUndefined(path: string, option: string, follow = true): Stats | undefined {
  try {
    return follow ? statSync(path) : lstatSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new InputError(`${option} ${path}: cannot be used (${code ?? String(err)}); give a writable path`);
  }
}
