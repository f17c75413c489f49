import { InputError } from '../input-error.js';
import type { Sequences } from './sequences.js';

/**
 * Keras's validation_split: the LAST fraction of the windows, taken before any shuffling,
 * is the validation data (split at floor(N * (1 - fraction))); both parts keep their lengths.
 */
export function splitValidation(x: Sequences, fraction: number): { train: Sequences; validation: Sequences } {
  if (!(fraction > 0 && fraction < 1)) throw new InputError(`validation split ${fraction} is invalid: expected a number between 0 and 1`);
  const [N, T, D] = x.shape;
  const at = Math.floor(N * (1 - fraction));
  if (at < 1 || at >= N) {
    throw new InputError(`validation split ${fraction} of ${N} windows leaves ${at} for training and ${N - at} for validation; expected at least one in each`);
  }
  const part = (from: number, to: number): Sequences => ({
    data: x.data.subarray(from * T * D, to * T * D),
    shape: [to - from, T, D],
    ...(x.lengths ? { lengths: x.lengths.subarray(from, to) } : {}),
  });
  return { train: part(0, at), validation: part(at, N) };
}
