import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { InputError } from '../input-error.js';
import { makeFolder } from './make-folder.js';

/**
 * Checks, before any work is done, that results can be written where the user asked, so a
 * long run never ends by failing to save. Creates the folder if it does not exist.
 */
export function ensureOutputFolder(dir: string, option = '--out'): void {
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new InputError(`${option} ${dir}: exists and is not a folder; give a folder path`);
  }
  try {
    makeFolder(dir);
    accessSync(dir, constants.W_OK);
  } catch (err) {
    if (err instanceof InputError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new InputError(`${option} ${dir}: cannot be used as the output folder (${code}); give a writable folder path`);
  }
}

/** The same for one output file: it must not be a folder, and its folder must be writable. */
export function ensureOutputFile(path: string, option = '--out'): void {
  let isFolder = false;
  try {
    isFolder = statSync(path).isDirectory();
  } catch {
    // absent: fine, it is about to be written
  }
  if (isFolder) throw new InputError(`${option} ${path}: is a folder; give a file path such as ${path}/out.npy`);
  ensureOutputFolder(dirname(path), `${option} ${path}: the folder`);
}
