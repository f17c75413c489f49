import { createHash } from 'node:crypto';
import { closeSync } from 'node:fs';
import { openInputFile, readInputBytes, statInputFile, type ReadLimits } from './read-input-file.js';
import { InputError } from '../input-error.js';

/** What identifies a file's content: its size, then its SHA-256. */
export interface FileFingerprint {
  bytes: number;
  sha256: string;
}

/** The fingerprint of a plain file (no FIFO opened, no device read). */
export function fileFingerprint(path: string, expected: string, limits: ReadLimits = {}): FileFingerprint {
  const file = openInputFile(path, expected, limits);
  try {
    // hashed in chunks: a training file of 480 MB is not held a second time beside its windows
    const hash = createHash('sha256');
    const chunk = new Uint8Array(Math.min(file.size, HASH_CHUNK_BYTES));
    for (let done = 0; done < file.size; done += chunk.length) {
      const part = chunk.subarray(0, Math.min(chunk.length, file.size - done));
      readInputBytes(file, path, expected, part, done);
      hash.update(part);
    }
    return { bytes: file.size, sha256: hash.digest('hex') };
  } finally {
    closeSync(file.fd);
  }
}

const HASH_CHUNK_BYTES = 8 * 2 ** 20;

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
  const { sha256 } = fileFingerprint(path, expected, recorded.bytes === undefined ? {} : { maxBytes: recorded.bytes });
  if (sha256 !== recorded.sha256) throw new InputError(`${path}: its SHA-256 is not the one ${differs}`);
}
