import { readFileSync } from 'node:fs';
import { InputError } from '../input-error.js';

/**
 * The bytes of a file the user named; a missing, unreadable or folder path is one
 * InputError line, worded the same for every kind of input: `PATH: file not found;
 * expected WHAT`.
 */
export function readInputFile(path: string, expected: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? String(err)})`;
    throw new InputError(`${path}: ${why}; expected ${expected}`);
  }
}
