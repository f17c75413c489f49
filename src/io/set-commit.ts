import { lstatSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../input-error.js';
import { syncFolder, systemReason, tempName, writeNewFile } from './durable-file.js';
import { faultPoint } from './test-faults.js';

/** The fault points of one set's commit (test-faults.ts), so a kill test can stop it at each step. */
export interface CommitFaults {
  /** before each file of the new set */
  eachFile?: string;
  /** after the last of them, before the naming file */
  filesDone?: string;
  beforeRename: string;
  afterRename: string;
}

/** Refuses, in one line, a set whose named file is there but not a plain file (a folder, a link): a set replaces only plain files. */
export function assertPlainFilesToReplace(dir: string, names: readonly string[], what: string): void {
  for (const name of names) {
    const stats = lstatSync(join(dir, name), { throwIfNoEntry: false });
    if (stats && !stats.isFile()) throw new InputError(`${join(dir, name)}: is not a plain file; a ${what} replaces only plain files, move it away`);
  }
}

/**
 * Commits a set of files to `dir`: its files under new names (never over a file of the set
 * already there), then the file that names them (`naming`), written under a temporary name
 * and renamed over its own: the commit, so a reader sees the old set or the new one, never a
 * mixture. A failure before the commit removes what it wrote and is one InputError line saying
 * whether a `what` already there is unchanged; the folder is synced after the rename. Model
 * sets (tfjs/model-set.ts) and classifier folders commit this way. Returns the naming file's path.
 */
export function commitNamedSet(
  dir: string,
  files: ReadonlyArray<readonly [name: string, data: string | Uint8Array]>,
  naming: { name: string; text: string },
  o: { what: string; existed: boolean; mode?: number | undefined; faults: CommitFaults },
): string {
  const path = join(dir, naming.name);
  const written: string[] = [];
  try {
    for (const [name, data] of files) {
      if (o.faults.eachFile) faultPoint(o.faults.eachFile);
      writeNewFile(join(dir, name), data, o.mode);
      written.push(name);
    }
    if (o.faults.filesDone) faultPoint(o.faults.filesDone);
    const temp = tempName(naming.name);
    writeNewFile(join(dir, temp), naming.text, o.mode);
    written.push(temp);
    faultPoint(o.faults.beforeRename);
    renameSync(join(dir, temp), path);
  } catch (err) {
    for (const name of written) rmSync(join(dir, name), { force: true });
    if (err instanceof InputError || typeof (err as NodeJS.ErrnoException).code !== 'string') throw err;
    const kept = o.existed ? `the ${o.what} already there (${path}) is unchanged` : `no ${o.what} was saved`;
    throw new InputError(`${dir}: cannot save the ${o.what} (${systemReason(err)}); ${kept}`);
  }
  syncFolder(dir);
  faultPoint(o.faults.afterRename);
  return path;
}
