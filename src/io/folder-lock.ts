import { linkSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../input-error.js';
import { processIsAlive, TEMP_NAME } from './durable-file.js';

/** The lock file in an output folder; it holds `PID COMMAND`. */
export const LOCK_FILE = '.lstm-ae.lock';

export interface FolderLock {
  readonly dir: string;
  /** Gives the lock up (the process's last holder removes the file). */
  release(): void;
}

/** Locks this process holds, by real folder path: a save inside `train` reuses train's lock. */
const held = new Map<string, { count: number; path: string; content: string }>();
let exitHookInstalled = false;

/**
 * Makes this process the only lstm-ae writing to `dir` until release (or exit): two runs
 * writing one folder would interleave their sets. The lock is a file created with
 * link(2), which either makes the name or fails because it exists, so two processes
 * can never both succeed, and the file never exists half-written. A lock whose process
 * is gone (killed, crashed) is stale and taken over; one whose process runs is an
 * InputError of one line naming it. `command` (e.g. `train`) is recorded for that message.
 */
export function lockFolder(dir: string, command: string): FolderLock {
  const real = realpathSync(dir);
  const mine = held.get(real);
  if (mine) {
    mine.count++;
    return handle(dir, real);
  }
  const path = join(dir, LOCK_FILE);
  const content = `${process.pid} ${command}\n`;
  for (let attempt = 0; ; attempt++) {
    if (createExclusive(path, content)) break;
    const owner = readOwner(path);
    if (owner === undefined) continue; // it went away meanwhile: try again
    if (processIsAlive(owner.pid) || attempt >= 3) {
      throw new InputError(
        `${dir}: in use by another lstm-ae ${owner.command} (pid ${owner.pid}); wait for it to end or give another folder ` +
          `(if no such process runs, remove ${path})`,
      );
    }
    takeOverStale(path, owner.text);
  }
  held.set(real, { count: 1, path, content });
  if (!exitHookInstalled) {
    // a process that ends (process.exit, an error, a signal we handle) leaves no lock behind;
    // one killed outright leaves a stale lock, which the next run takes over
    process.on('exit', () => {
      for (const lock of held.values()) removeIfOurs(lock.path, lock.content);
    });
    exitHookInstalled = true;
  }
  return handle(dir, real);
}

function handle(dir: string, real: string): FolderLock {
  let released = false;
  return {
    dir,
    release() {
      if (released) return;
      released = true;
      const lock = held.get(real);
      if (!lock || --lock.count > 0) return;
      held.delete(real);
      removeIfOurs(lock.path, lock.content);
    },
  };
}

/** Creates `path` holding `content`, or returns false if it exists. */
function createExclusive(path: string, content: string): boolean {
  const temp = `${path}.${process.pid}`;
  writeFileSync(temp, content);
  try {
    linkSync(temp, path);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw err;
    // a file system without hard links: exclusive create, then the content
    try {
      writeFileSync(path, content, { flag: 'wx' });
      return true;
    } catch (err2) {
      if ((err2 as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw err2;
    }
  } finally {
    rmSync(temp, { force: true });
  }
}

function readOwner(path: string): { pid: number; command: string; text: string } | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const match = /^(\d+) ?(\S*)/.exec(text);
  // a lock that says nothing sensible was not made by us: treat it as a dead owner's
  return { pid: match ? Number(match[1]) : 0, command: match?.[2] || 'process', text };
}

/**
 * Removes a stale lock, without ever removing a live one that replaced it meanwhile (two
 * runs may find the same stale lock at once): move it aside under a name of our own, and
 * if what was moved is not the stale lock we read, put it back.
 */
function takeOverStale(path: string, staleText: string): void {
  const aside = `${path}.stale-${process.pid}`;
  try {
    renameSync(path, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  try {
    if (readFileSync(aside, 'utf8') !== staleText) linkSync(aside, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    rmSync(aside, { force: true });
  }
}

function removeIfOurs(path: string, content: string): void {
  try {
    if (readFileSync(path, 'utf8') === content) rmSync(path, { force: true });
  } catch {
    // already gone
  }
}

/**
 * Whether a file name in an output folder is a leftover of a process that is gone: a temp
 * file (`.NAME.tmp-PID`) or one of this lock's own temps. A writer holding the lock
 * removes them; a live process's temps (say a single-file write beside ours) are kept.
 */
export function isLeftoverOfDeadProcess(name: string): boolean {
  const match = TEMP_NAME.exec(name) ?? /^\.lstm-ae\.lock\.(?:stale-)?(\d+)$/.exec(name);
  return match !== null && !processIsAlive(Number(match[match.length - 1]));
}
