import { readInputFile, statInputFile } from './read-input-file.js';
import { sha256 } from './training-record.js';
import { InputError } from '../input-error.js';

/** What identifies a file's content: its size, then its SHA-256. */
export interface FileFingerprint {
  bytes: number;
  sha256: string;
}

/** The fingerprint of a plain file (no FIFO opened, no device read). */
export function fileFingerprint(path: string, expected: string): FileFingerprint {
  const bytes = readInputFile(path, expected);
  return { bytes: bytes.length, sha256: sha256(bytes) };
}

/**
 * Checks a file named by a record (a resumed run's training data) against the fingerprint
 * the record holds, BEFORE anything parses it: a record that names /etc/passwd or any other
 * file fails here, on its size (not read at all) or its hash, and the message says only that
 * it differs, never what it holds. `recorded.bytes` is missing in records of older versions:
 * then the hash alone decides.
 */
export function checkFingerprint(path: string, recorded: { bytes?: number; sha256: string }, expected: string, differs: string): void {
  const size = statInputFile(path, expected).size;
  if (recorded.bytes !== undefined && size !== recorded.bytes) throw new InputError(`${path}: is ${size} bytes, not the ${recorded.bytes} ${differs}`);
  const bytes = readInputFile(path, expected, recorded.bytes === undefined ? {} : { maxBytes: recorded.bytes });
  if (sha256(bytes) !== recorded.sha256) throw new InputError(`${path}: its SHA-256 is not the one ${differs}`);
}
