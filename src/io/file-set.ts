import { lstatSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../input-error.js';
import { syncFolder, systemReason, TEMP_NAME, tempName, writeNewFile } from './durable-file.js';
import { isLeftoverOfDeadProcess, lockFolder, type FolderLock } from './folder-lock.js';
import { makeFolder } from './make-folder.js';
import { faultPoint } from './test-faults.js';

/*
 * Files with fixed names that belong together (`data`'s X_train.npy, y_train.npy,
 * X_test.npy, y_test.npy), committed as one set through a journal.
 *
 * A model has a file that names its others (model.json), so a model set switches by
 * renaming that one file (tfjs/model-set.ts). These four have no such file: numpy and
 * `train --data` read them by their names, so each must be renamed into place, and no
 * one rename can switch four names. (Nor can the folder be switched whole: a folder is
 * not renamed over a non-empty one, and the user's folder may hold other files.) So the
 * commit point is a journal:
 *
 *   1. every new file is written as .NAME.tmp-PID and synced;
 *   2. .lstm-ae-commit, listing the renames, is written and renamed into place: the commit;
 *   3. the renames are done, the folder synced, the journal removed.
 *
 * A run killed before 2 leaves the old set whole (and temp files the next writer removes);
 * killed after 2 it leaves a journal, and whoever comes next (the next `data`, or any of our
 * readers reading any one file of the set: settleSetOf, called by readInputFile) does the
 * renames it lists, which are safe to repeat. Only in the moment between a kill and that
 * next run could a program other than ours read a mix.
 */

export const JOURNAL_FILE = '.lstm-ae-commit';

export interface SetFile {
  /** a plain file name inside the folder */
  name: string;
  data: string | Uint8Array;
}

/** Commits `files` into `dir` as one set (see above), holding the folder's lock meanwhile. */
export function commitFileSet(dir: string, files: readonly SetFile[], lock?: FolderLock): void {
  makeFolder(dir);
  const own = lock ? undefined : lockFolder(dir, 'data');
  try {
    finishFileSet(dir);
    removeStaleTemps(dir);
    const renames: Array<[string, string]> = [];
    try {
      for (const { name, data } of files) {
        const existing = lstatSync(join(dir, name), { throwIfNoEntry: false });
        if (existing && !existing.isFile()) throw new InputError(`${join(dir, name)}: is not a plain file; it would be replaced by one, move it away`);
        const temp = tempName(name);
        rmSync(join(dir, temp), { force: true });
        renames.push([temp, name]);
        writeNewFile(join(dir, temp), data, existing ? existing.mode : undefined);
      }
      const journalTemp = tempName(JOURNAL_FILE);
      renames.push([journalTemp, JOURNAL_FILE]); // removed on failure like the rest
      writeNewFile(join(dir, journalTemp), JSON.stringify({ renames: renames.slice(0, -1) }) + '\n');
      faultPoint('data-before-commit');
      renameSync(join(dir, journalTemp), join(dir, JOURNAL_FILE));
    } catch (err) {
      for (const [temp] of renames) rmSync(join(dir, temp), { force: true });
      if (err instanceof InputError || typeof (err as NodeJS.ErrnoException).code !== 'string') throw err;
      throw new InputError(`${dir}: cannot write the data files (${systemReason(err)}); the files already there are unchanged`);
    }
    syncFolder(dir);
    finishFileSet(dir);
  } finally {
    own?.release();
  }
}

/**
 * Finishes a set whose journal is in `dir` (a commit interrupted after its commit point):
 * the renames it lists whose temp file is still there, then the journal's removal. Does
 * nothing when there is no journal. For a writer holding the folder's lock.
 */
export function finishFileSet(dir: string): void {
  const journal = join(dir, JOURNAL_FILE);
  let text: string;
  try {
    text = readFileSync(journal, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  const renames = parseJournal(text, journal);
  for (const [temp, name] of renames) {
    try {
      renameSync(join(dir, temp), join(dir, name));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err; // already renamed
    }
    faultPoint('data-mid-renames'); // @K: after the K-th rename
  }
  syncFolder(dir);
  rmSync(journal, { force: true });
  syncFolder(dir);
}

/**
 * For a reader of a data folder: finishes an interrupted commit there first, so what it reads
 * is one set. A folder being written right now (locked by a live process) is an InputError;
 * so is an unfinished commit the reader cannot finish (a read-only folder).
 */
export function settleFileSet(dir: string, what: string): void {
  try {
    if (!lstatSync(join(dir, JOURNAL_FILE), { throwIfNoEntry: false })) return;
  } catch {
    return; // no such folder: reading its files says so
  }
  let lock: FolderLock;
  try {
    lock = lockFolder(dir, 'read');
  } catch (err) {
    if (err instanceof InputError) throw new InputError(`${what}: ${err.message}`);
    throw new InputError(`${what}: an interrupted write left ${join(dir, JOURNAL_FILE)} and it cannot be finished (${systemReason(err)}); write the files again`);
  }
  try {
    finishFileSet(dir);
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`${what}: an interrupted write left ${join(dir, JOURNAL_FILE)} and it cannot be finished (${systemReason(err)}); write the files again`);
  } finally {
    lock.release();
  }
}

/** Journals are a few hundred bytes: a larger one is not ours. */
const MAX_JOURNAL_BYTES = 64 << 10;

/**
 * For a reader of one file: when `path` is one of a set whose commit was interrupted (a
 * journal beside it lists it), the set is finished first, so the file read and the files
 * beside it are all of the new set, whichever of them a command reads.
 */
export function settleSetOf(path: string): void {
  const dir = dirname(path);
  const journal = join(dir, JOURNAL_FILE);
  const stats = lstatSync(journal, { throwIfNoEntry: false });
  if (!stats) return;
  if (!stats.isFile() || stats.size > MAX_JOURNAL_BYTES) throw new InputError(`${journal}: not a journal of renames written by lstm-ae; remove it and write the files again`);
  let text: string;
  try {
    text = readFileSync(journal, 'utf8');
  } catch {
    return; // finished by another reader meanwhile
  }
  if (parseJournal(text, journal).some(([, name]) => name === basename(path))) settleFileSet(dir, path);
}

function parseJournal(text: string, path: string): Array<[string, string]> {
  let renames: unknown;
  try {
    renames = (JSON.parse(text) as { renames?: unknown }).renames;
  } catch {
    renames = undefined;
  }
  // only plain names in this folder, each a temp of the name it becomes: a journal can never move anything else
  const valid =
    Array.isArray(renames) &&
    renames.every(
      (pair) =>
        Array.isArray(pair) && pair.length === 2 && typeof pair[0] === 'string' && typeof pair[1] === 'string' && TEMP_NAME.exec(pair[0])?.[1] === pair[1] && /^[^/\\]+$/.test(pair[1]) && pair[1] !== '..',
    );
  if (!valid) throw new InputError(`${path}: not a journal of renames written by lstm-ae; remove it and write the files again`);
  return renames as Array<[string, string]>;
}

function removeStaleTemps(dir: string): void {
  for (const name of readdirSync(dir)) if (isLeftoverOfDeadProcess(name)) rmSync(join(dir, name), { force: true });
}
