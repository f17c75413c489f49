import { closeSync, fchmodSync, fsyncSync, lstatSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { InputError } from '../input-error.js';
import { makeFolder } from './make-folder.js';
import { fileKind } from './read-input-file.js';

export interface FileToWrite {
  path: string;
  /** the content, or its pieces in order (written one at a time: a large file need not be in memory at once) */
  data: string | Uint8Array | Iterable<Uint8Array>;
}

/** The temp file a write goes through, beside its target: `.NAME.tmp-PID`. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}`);
}

/**
 * Write a file so that a reader (or an interrupted run) sees either the old content or the
 * new, never half of it: write a temp file beside the target, then rename over it.
 */
export function writeFileAtomic(path: string, data: FileToWrite['data']): void {
  writeFilesAtomic([{ path, data }]);
}

/**
 * Write files that belong together (a data set's four arrays, a model's json and weights):
 * every new file is written in full to a temp file first, and only then are they renamed
 * into place, in the order given. A failure while writing (a full disk, a bad folder) so
 * leaves every old file as it was; what remains exposed is the moment of the renames.
 *
 * A file that is replaced keeps its permission bits (a 600 file stays 600). A target that
 * is not a plain file (a symbolic link, FIFO, device) is refused, not replaced. A failure is
 * one InputError line naming the file and the system's code (ENOSPC: the disk is full).
 */
export function writeFilesAtomic(files: readonly FileToWrite[]): void {
  const staged: { tmp: string; path: string }[] = [];
  let current = files[0]?.path ?? '';
  let renamed = 0;
  try {
    for (const { path, data } of files) {
      current = path;
      const existing = lstatSync(path, { throwIfNoEntry: false });
      if (existing && !existing.isFile()) {
        throw new InputError(`${path}: is ${fileKind(existing)}; give a plain file path (it would be replaced by a plain file)`);
      }
      makeFolder(dirname(path));
      const tmp = tempPathFor(path);
      // a temp left by an earlier run that had our pid (a link, even) is never written through
      rmSync(tmp, { force: true });
      staged.push({ tmp, path });
      const fd = openSync(tmp, 'wx');
      try {
        if (existing) fchmodSync(fd, existing.mode & 0o7777);
        if (typeof data === 'string' || data instanceof Uint8Array) writeFileSync(fd, data);
        else for (const piece of data) writeFileSync(fd, piece);
        // a full disk may only show here, on file systems that allocate late
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
    for (const { tmp, path } of staged) {
      current = path;
      renameSync(tmp, path);
      renamed++;
    }
  } catch (err) {
    for (const { tmp } of staged) rmSync(tmp, { force: true });
    if (err instanceof InputError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOSPC' ? 'ENOSPC: no space left on the device' : code === 'EDQUOT' ? 'EDQUOT: disk quota exceeded' : (code ?? String(err));
    const kept =
      renamed > 0 ? `the ${renamed} file(s) before it in the set were already replaced` : files.length === 1 ? 'a file already there is unchanged' : 'files already there are unchanged';
    throw new InputError(`${current}: cannot be written (${why}); ${kept}`);
  }
}
