import { closeSync } from 'node:fs';
import { writeFileAtomic } from './atomic-write.js';
import { encodeNpy, encodeNpyPieces, fromLittleEndian, NPY_HEADER_PREFIX_BYTES, npyTypedArray, parseNpyHeader, type NpyArray, type NpyHeader } from './npy.js';
import { openInputFile, readInputBytes } from './read-input-file.js';

const EXPECTED = 'a .npy file';

/** A .npy file open for reading: its checked header, and its values read by position. */
export interface NpyFile {
  header: NpyHeader;
  /** Fills `into` (of the file's dtype) with the values from index `first` on. */
  readValues(first: number, into: NpyArray['data']): void;
}

/**
 * Opens the .npy at `path`, reads and checks its header (every error parseNpy gives, the
 * data's size included), and lends it to `use`; the data is read only as `use` asks, so a
 * reader can put it straight where it goes instead of holding the file's bytes too.
 */
export function withNpyFile<T>(path: string, use: (npy: NpyFile) => T): T {
  const file = openInputFile(path, EXPECTED);
  try {
    const prefix = new Uint8Array(Math.min(file.size, NPY_HEADER_PREFIX_BYTES));
    readInputBytes(file, path, EXPECTED, prefix, 0);
    const header = parseNpyHeader(prefix, path, file.size);
    return use({
      header,
      readValues(first, into) {
        const bytes = new Uint8Array(into.buffer, into.byteOffset, into.byteLength);
        readInputBytes(file, path, EXPECTED, bytes, header.dataOffset + first * header.itemSize);
        fromLittleEndian(bytes, header.itemSize);
      },
    });
  } finally {
    closeSync(file.fd);
  }
}

/** Read a .npy file; a missing or unreadable file is an InputError naming it. Its data is read straight into the array returned. */
export function readNpy(path: string): NpyArray {
  return withNpyFile(path, ({ header, readValues }) => {
    const data = npyTypedArray(header.dtype, header.count);
    readValues(0, data);
    return { dtype: header.dtype, shape: header.shape, data };
  });
}

/** Write `array` to `path` as a version 1.0 .npy file, atomically. */
export function writeNpy(path: string, array: NpyArray): void {
  writeFileAtomic(path, encodeNpy(array));
}

/** A float32 .npy of `shape` written piece by piece (encodeNpyPieces), atomically as writeNpy: never whole in memory. */
export function writeNpyPieces(path: string, shape: readonly number[], pieces: Iterable<Float32Array>): void {
  writeFileAtomic(path, encodeNpyPieces(shape, pieces));
}
