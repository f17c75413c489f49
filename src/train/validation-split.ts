import { InputError } from '../input-error.js';
import { RandomState } from '../ops/random-state.js';
import { isRagged, type AnySequences, type RaggedSequences, type Sequences } from './sequences.js';
import type { WindowSet } from './window-set.js';

/**
 * Keras's validation_split: the LAST fraction of the windows, taken before any shuffling,
 * is the validation data (split at floor(N * (1 - fraction))); both parts keep their lengths.
 */
export function splitValidation(x: Sequences, fraction: number): { train: Sequences; validation: Sequences } {
  const [N, T, D] = x.shape;
  const at = validationCut(N, fraction);
  const part = (from: number, to: number): Sequences => ({
    data: x.data.subarray(from * T * D, to * T * D),
    shape: [to - from, T, D],
    ...(x.lengths ? { lengths: x.lengths.subarray(from, to) } : {}),
  });
  return { train: part(0, at), validation: part(at, N) };
}

/** Where Keras's validation_split cuts N windows: floor(N * (1 - fraction)), with one window at least on each side. */
function validationCut(N: number, fraction: number): number {
  if (!(fraction > 0 && fraction < 1)) throw new InputError(`validation split ${fraction} is invalid: expected a number between 0 and 1`);
  const at = Math.floor(N * (1 - fraction));
  if (at < 1 || at >= N) {
    throw new InputError(`validation split ${fraction} of ${N} windows leaves ${at} for training and ${N - at} for validation; expected at least one in each`);
  }
  return at;
}

/** splitValidation for a WindowSet (padded or ragged), as views. */
export function splitWindows(windows: WindowSet, fraction: number): { train: WindowSet; validation: WindowSet } {
  const at = validationCut(windows.count, fraction);
  return { train: windows.slice(0, at), validation: windows.slice(at, windows.count) };
}

/**
 * A held-out fraction drawn at random (numpy's RandomState(seed).permutation, the windows'
 * order kept within each part): for files sorted by class, as UCR/UEA files are, where
 * Keras's last fraction would validate on classes never trained on.
 */
export function splitValidationRandom<X extends AnySequences>(x: X, fraction: number, seed: number): { train: X; validation: X } {
  if (!(fraction > 0 && fraction < 1)) throw new InputError(`validation split ${fraction} is invalid: expected a number between 0 and 1`);
  const N = isRagged(x) ? x.lengths.length : x.shape[0];
  const held = N - Math.floor(N * (1 - fraction));
  if (held < 1 || held >= N) {
    throw new InputError(`validation split ${fraction} of ${N} windows leaves ${N - held} for training and ${held} for validation; expected at least one in each`);
  }
  const chosen = new Uint8Array(N);
  new RandomState(seed).permutation(N).subarray(0, held).forEach((n) => (chosen[n] = 1));
  const picked = (inValidation: number) => [...chosen.keys()].filter((n) => chosen[n] === inValidation);
  if (isRagged(x)) return { train: pickSeries(x, picked(0)) as X, validation: pickSeries(x, picked(1)) as X };
  const [, T, D] = x.shape;
  const part = (inValidation: number): Sequences => {
    const windows = picked(inValidation);
    const data = new Float32Array(windows.length * T * D);
    windows.forEach((n, k) => data.set(x.data.subarray(n * T * D, (n + 1) * T * D), k * T * D));
    const lengths = x.lengths;
    return { data, shape: [windows.length, T, D], ...(lengths ? { lengths: Int32Array.from(windows, (n) => lengths[n]!) } : {}) };
  };
  return { train: part(0) as X, validation: part(1) as X };
}

/** The ragged series at `indices`, in that order, copied. */
function pickSeries(x: RaggedSequences, indices: number[]): RaggedSequences {
  const D = x.features;
  const starts = new Float64Array(x.lengths.length);
  for (let n = 1; n < starts.length; n++) starts[n] = starts[n - 1]! + x.lengths[n - 1]! * D;
  const lengths = Int32Array.from(indices, (n) => x.lengths[n]!);
  const data = new Float32Array(lengths.reduce((sum, len) => sum + len, 0) * D);
  let at = 0;
  for (const n of indices) {
    data.set(x.data.subarray(starts[n]!, starts[n]! + x.lengths[n]! * D), at);
    at += x.lengths[n]! * D;
  }
  return { data, lengths, features: D };
}
