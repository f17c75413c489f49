import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { constants as bufferConstants } from 'node:buffer';
import { InputError } from '../input-error.js';
import { settleSetOf } from './file-set.js';
import { TEXT_LIMITS } from '../limits.js';
import { decodeText, TEXT_FILE_LIMIT_TEXT } from './readers/text-file.js';

/** What a path that is not a plain file is, in words: 'a FIFO', 'a character device', ... */
export function fileKind(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  if (stats.isSymbolicLink()) return 'a symbolic link';
  return 'a plain file';
}

function cannotRead(path: string, err: unknown, expected: string): InputError {
  const code = (err as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? String(err)})`;
  return new InputError(`${path}: ${why}; expected ${expected}`);
}

/**
 * The size of a plain file the user (or a model.json) named, without opening it: a FIFO
 * would block the open, a device would never end. Anything but a plain file is one
 * InputError line: `PATH: is a FIFO; expected WHAT`.
 */
export function statInputFile(path: string, expected: string): Stats {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (err) {
    throw cannotRead(path, err, expected);
  }
  if (!stats.isFile()) throw new InputError(`${path}: is ${fileKind(stats)}; expected ${expected}`);
  return stats;
}

export interface ReadLimits {
  /** refuse a larger file before reading it (default: the largest Buffer Node makes) */
  maxBytes?: number;
  /** what the limit is, for the message: 'model.json files of at most 16 MiB' */
  limitText?: string;
}

/** A plain file the user named, open for reading, and its size when opened. */
export interface OpenInputFile {
  fd: number;
  size: number;
}

/**
 * Opens a plain file the user named, checked as readInputFile says; the caller closes `fd`.
 * For readers that take a file in parts (a .npy's header, then its data in chunks) rather
 * than hold all its bytes at once.
 */
export function openInputFile(path: string, expected: string, limits: ReadLimits = {}): OpenInputFile {
  settleSetOf(path); // one file of a set (`data`'s arrays) is read only once the set is whole
  const maxBytes = Math.min(limits.maxBytes ?? Infinity, bufferConstants.MAX_LENGTH);
  const before = statInputFile(path, expected);
  const tooLarge = (size: number): InputError =>
    new InputError(`${path}: is ${size} bytes, more than the ${maxBytes} this reader takes; expected ${limits.limitText ?? expected}`);
  if (before.size > maxBytes) throw tooLarge(before.size);
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw cannotRead(path, err, expected);
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile() || stats.ino !== before.ino || stats.dev !== before.dev) {
      throw new InputError(`${path}: was replaced while being opened (now ${fileKind(stats)}); expected ${expected}`);
    }
    if (stats.size > maxBytes) throw tooLarge(stats.size);
    return { fd, size: stats.size };
  } catch (err) {
    closeSync(fd);
    if (err instanceof InputError) throw err;
    throw cannotRead(path, err, expected);
  }
}

// one read call takes at most this (readSync refuses lengths of 2 GiB and more)
const MAX_READ_BYTES = 2 ** 30;

/**
 * Fills `into` with the file's bytes from `position` on; a file that shrank meanwhile is
 * one InputError line (`fileSize` is the size it had when opened).
 */
export function readInputBytes(file: OpenInputFile, path: string, expected: string, into: Uint8Array, position: number): void {
  let done = 0;
  try {
    while (done < into.length) {
      const n = readSync(file.fd, into, done, Math.min(into.length - done, MAX_READ_BYTES), position + done);
      if (n === 0) throw new InputError(`${path}: shrank from ${file.size} to ${position + done} bytes while being read; expected ${expected}`);
      done += n;
    }
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw cannotRead(path, err, expected);
  }
}

/**
 * The bytes of a plain file the user named; a missing, unreadable, non-plain or too large
 * file is one InputError line, worded the same for every kind of input: `PATH: file not
 * found; expected WHAT`. Reads exactly the size it found, never more: the file is checked
 * before it is opened (no FIFO is opened, no device read), opened non-blocking, and checked
 * again through the open descriptor in case it was swapped in between. A file of a set
 * whose commit a kill interrupted (io/file-set.ts) is read after the set is finished.
 */
export function readInputFile(path: string, expected: string, limits: ReadLimits = {}): Buffer {
  const file = openInputFile(path, expected, limits);
  try {
    const bytes = Buffer.alloc(file.size);
    readInputBytes(file, path, expected, bytes, 0);
    return bytes;
  } finally {
    closeSync(file.fd);
  }
}

/** Limits for a text file of series: a larger one is refused before it is read (TEXT_LIMITS). */
export const TEXT_READ_LIMITS: ReadLimits = { maxBytes: TEXT_LIMITS.fileBytes, limitText: TEXT_FILE_LIMIT_TEXT };

/** A text file the user named, decoded as UTF-8 (a leading byte-order mark dropped), within TEXT_LIMITS. */
export function readTextFile(path: string, expected: string): string {
  return decodeText(readInputFile(path, expected, TEXT_READ_LIMITS), path);
}
