import { InputError } from '../input-error.js';

/**
 * Bytes as base64 text and back, with the platform's btoa/atob (Node 16+ and every
 * browser), so the core carries binary parts (model weights) inside JSON without Buffer.
 */

/** Characters per String.fromCharCode call: far below any engine's argument limit. */
const CHUNK = 0x8000;

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += CHUNK) binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(binary);
}

/** The bytes of strict base64 text (padded, no whitespace); otherwise one InputError line naming `source`. */
export function base64ToBytes(text: string, source: string): Uint8Array {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) {
    throw new InputError(`${source}: not base64 text; expected the characters A-Z a-z 0-9 + / padded with = to a multiple of 4`);
  }
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
