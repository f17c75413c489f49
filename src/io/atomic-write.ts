import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { makeFolder } from './make-folder.js';

export interface FileToWrite {
  path: string;
  data: string | Uint8Array;
}

/**
 * Write a file so that a reader (or an interrupted run) sees either the old content or the
 * new, never half of it: write a temp file beside the target, then rename over it.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  writeFilesAtomic([{ path, data }]);
}

/**
 * Write files that belong together (a data set's four arrays, a model's json and weights):
 * every new file is written in full to a temp file first, and only then are they renamed
 * into place, in the order given. A failure while writing (a full disk, a bad folder) so
 * leaves every old file as it was; what remains exposed is the moment of the renames.
 */
export function writeFilesAtomic(files: readonly FileToWrite[]): void {
  const staged: { tmp: string; path: string }[] = [];
  try {
    for (const { path, data } of files) {
      makeFolder(dirname(path));
      const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}`);
      staged.push({ tmp, path });
      writeFileSync(tmp, data);
    }
    for (const { tmp, path } of staged) renameSync(tmp, path);
  } catch (err) {
    for (const { tmp } of staged) rmSync(tmp, { force: true });
    throw err;
  }
}
