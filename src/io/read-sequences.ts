import { readNpy } from './npy.js';
import { InputError } from '../input-error.js';
import { LIMITS, rangeText, withinLimit } from '../limits.js';
import { firstNonFinite, FLOAT32_RANGE_TEXT } from '../train/non-finite.js';
import type { Sequences } from '../train/sequences.js';

/**
 * Reads a .npy of windows (N,T,D), float64 or float32, every value a finite float32, T and D
 * within src/limits.ts and, when `expected` is given, the model's. Anything else is one
 * InputError line naming the file and, for a bad value, its position.
 */
export function readSequences(path: string, expected?: { timesteps: number; inputDim: number; what: string }): Sequences {
  const array = readNpy(path);
  if (array.dtype !== 'float64' && array.dtype !== 'float32') {
    throw new InputError(`${path}: dtype ${array.dtype}; expected float64 or float32 windows of shape (N, T, D)`);
  }
  if (array.shape.length !== 3) {
    throw new InputError(`${path}: shape (${array.shape.join(', ')}); expected windows of shape (N, T, D)`);
  }
  const [N, T, D] = array.shape as [number, number, number];
  if (N < 1 || T < 1 || D < 1) throw new InputError(`${path}: shape (${N}, ${T}, ${D}) holds no values; expected at least one window`);
  for (const [limit, value, what] of [['timesteps', T, 'steps T'], ['inputDim', D, 'features D']] as const) {
    if (!withinLimit(limit, value)) {
      throw new InputError(`${path}: shape (${N}, ${T}, ${D}) has ${value} ${what} per window; expected ${rangeText(LIMITS[limit])}`);
    }
  }
  if (expected && (T !== expected.timesteps || D !== expected.inputDim)) {
    throw new InputError(
      `${path}: windows of T=${T} steps and D=${D} features; ${expected.what} expects T=${expected.timesteps}, D=${expected.inputDim}`,
    );
  }
  const data = array.data as Float64Array | Float32Array;
  const bad = firstNonFinite(data, T, D);
  if (bad) {
    const { value, window: n, step: t, feature: f } = bad;
    throw new InputError(`${path}: value ${value} at window ${n}, step ${t}, feature ${f} (index [${n}, ${t}, ${f}]); expected ${FLOAT32_RANGE_TEXT}`);
  }
  return { data, shape: [N, T, D] };
}
