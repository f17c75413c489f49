import { InputError } from '../input-error.js';
import { RandomState } from '../ops/random-state.js';
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

/**
 * A held-out fraction drawn at random (numpy's RandomState(seed).permutation, the windows'
 * order kept within each part): for files sorted by class, as UCR/UEA files are, where
 * Keras's last fraction would validate on classes never trained on.
 */
export function splitValidationRandom(x: Sequences, fraction: number, seed: number): { train: Sequences; validation: Sequences } {
  if (!(fraction > 0 && fraction < 1)) throw new InputError(`validation split ${fraction} is invalid: expected a number between 0 and 1`);
  const [N, T, D] = x.shape;
  const held = N - Math.floor(N * (1 - fraction));
  if (held < 1 || held >= N) {
    throw new InputError(`validation split ${fraction} of ${N} windows leaves ${N - held} for training and ${held} for validation; expected at least one in each`);
  }
  const chosen = new Uint8Array(N);
  new RandomState(seed).permutation(N).subarray(0, held).forEach((n) => (chosen[n] = 1));
  const part = (inValidation: number): Sequences => {
    const picked = [...chosen.keys()].filter((n) => chosen[n] === inValidation);
    const data = new Float32Array(picked.length * T * D);
    picked.forEach((n, k) => data.set(x.data.subarray(n * T * D, (n + 1) * T * D), k * T * D));
    const lengths = x.lengths;
    return { data, shape: [picked.length, T, D], ...(lengths ? { lengths: Int32Array.from(picked, (n) => lengths[n]!) } : {}) };
  };
  return { train: part(0), validation: part(1) };
}
