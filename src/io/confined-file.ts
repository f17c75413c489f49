import { realpathSync } from 'node:fs';
import { isAbsolute, join, sep } from 'node:path';
import { InputError } from '../input-error.js';
import { statInputFile } from './read-input-file.js';

/**
 * A file named from inside another file (a detector's model, a record's data): a relative
 * name inside `dir`, with no `..`, whose real path (links resolved) lies inside dir's real
 * path, and a plain file; else one InputError line. The name is quoted (as JSON, cut short),
 * what it leads to never is, nor anything read from it. Returns the path to read, dir/name.
 */
export function confinedFile(dir: string, name: unknown, source: string, what: string): string {
  const inside = `expected a file name inside ${dir}`;
  const shown = (s: unknown) => {
    const text = JSON.stringify(s) ?? String(s);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  };
  if (typeof name !== 'string' || name === '' || name.includes('\0')) throw new InputError(`${source}: ${what} ${shown(name)}; ${inside}`);
  // absolute in POSIX or Windows spelling: a file from anywhere may hold either
  if (isAbsolute(name) || name.startsWith('\\') || /^[A-Za-z]:/.test(name)) throw new InputError(`${source}: ${what} ${shown(name)} is absolute; ${inside}`);
  if (name.split(/[\\/]/).includes('..')) throw new InputError(`${source}: ${what} ${shown(name)} climbs out with '..'; ${inside}`);
  const path = join(dir, name);
  let root: string;
  let real: string;
  try {
    root = realpathSync(dir);
    real = realpathSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // said of the name inside the folder: where a link leads stays unsaid
    throw new InputError(`${path}: ${code === 'ENOENT' ? 'file not found' : `cannot be read (${code ?? String(err)})`}; expected the ${what} named in ${source}`);
  }
  if (!real.startsWith(root.endsWith(sep) ? root : root + sep)) {
    throw new InputError(`${source}: ${what} ${shown(name)} leads outside ${dir} through a symbolic link; ${inside}`);
  }
  statInputFile(path, `the ${what} named in ${source}, a plain file`);
  return path;
}
