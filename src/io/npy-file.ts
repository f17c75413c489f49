import { writeFileAtomic } from './atomic-write.js';
import { encodeNpy, parseNpy, type NpyArray } from './npy.js';
import { readInputFile } from './read-input-file.js';

/** Read a .npy file; a missing or unreadable file is an InputError naming it. */
export function readNpy(path: string): NpyArray {
  return parseNpy(readInputFile(path, 'a .npy file'), path);
}

/** Write `array` to `path` as a version 1.0 .npy file, atomically. */
export function writeNpy(path: string, array: NpyArray): void {
  writeFileAtomic(path, encodeNpy(array));
}
