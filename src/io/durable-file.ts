import { closeSync, fchmodSync, fsyncSync, openSync, rmSync, writeSync } from 'node:fs';
import { faultPoint } from './test-faults.js';

/**
 * The write primitives a set of files is committed with. "Durable" means on the disk, not
 * in the page cache: a power cut right after a rename must not leave a renamed name
 * pointing at a file whose blocks were never written, so every file is fsynced before it
 * is renamed into place, and the folder after the rename (the rename itself lives in
 * the folder's own blocks).
 */

/**
 * Writes `data` to `path`, which must not exist yet (O_EXCL: a file or link left there is
 * never written through), fsynced before returning. A failure removes the partial file.
 * `mode` (permission bits) is set on the new file, e.g. those of the file it will replace.
 */
export function writeNewFile(path: string, data: string | Uint8Array, mode?: number): void {
  const fd = openSync(path, 'wx');
  try {
    if (mode !== undefined) fchmodSync(fd, mode & 0o7777);
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    faultPoint('write');
    for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
    // a full disk may only show here, on file systems that allocate blocks late
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(path, { force: true });
    throw err;
  }
  closeSync(fd);
}

/** fsync a folder, so that the renames and unlinks in it are on the disk. */
export function syncFolder(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch {
    return; // a platform that cannot open folders (Windows) has no folder fsync to do either
  }
  try {
    fsyncSync(fd);
  } catch (err) {
    // some file systems refuse fsync on a folder; the data files themselves are synced
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EPERM' && code !== 'EBADF') throw err;
  } finally {
    closeSync(fd);
  }
}

/** Whether a process with this id runs (on this machine); EPERM means it runs as another user. */
export function processIsAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A system error as the one-line reason a message gives: `ENOSPC: no space left on the device`. */
export function systemReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC') return 'ENOSPC: no space left on the device';
  if (code === 'EDQUOT') return 'EDQUOT: disk quota exceeded';
  if (code === 'EROFS') return 'EROFS: the file system is read-only';
  if (code === 'EACCES' || code === 'EPERM') return `${code}: permission denied`;
  return code ?? (err instanceof Error ? err.message.split('\n')[0]! : String(err));
}

/** `.NAME.tmp-PID`: the temp a file goes through on its way to NAME (the same form writeFilesAtomic uses). */
export const TEMP_NAME = /^\.(.+)\.tmp-(\d+)$/;

export function tempName(name: string): string {
  return `.${name}.tmp-${process.pid}`;
}
