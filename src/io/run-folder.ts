import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../input-error.js';
import { ensureOutputFolder } from './output-location.js';
import { LOCK_FILE } from './folder-lock.js';

/** The file written last: a run folder without it is incomplete, whatever else it holds. */
export const COMPLETION_FILE = 'metrics.json';

/** A new folder name under runs/ that sorts by time: runs/demo-20261128-074501. */
export function defaultRunFolder(prefix: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  let dir = join('runs', `${prefix}-${stamp}`);
  for (let k = 2; existsSync(dir); k++) dir = join('runs', `${prefix}-${stamp}-${k}`);
  return dir;
}

/**
 * Make `dir` ready for a new run. A folder that exists and is not empty is refused unless
 * `force`; with `force`, its completion file goes first, so a run that then fails can
 * never be mistaken for a finished one.
 */
export function prepareRunFolder(dir: string, force: boolean, completionFile = COMPLETION_FILE): void {
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new InputError(`--out ${dir}: exists and is not a folder; give a new folder name`);
    // the lock of the command preparing it (taken first, so two runs cannot both find it empty) is not content
    if (readdirSync(dir).some((name) => !name.startsWith(LOCK_FILE)) && !force) {
      throw new InputError(`--out ${dir}: folder exists and is not empty; give a new folder or add --force to overwrite it`);
    }
    rmSync(join(dir, completionFile), { force: true });
  }
  ensureOutputFolder(dir);
}
