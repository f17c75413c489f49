import { InputError } from '../../input-error.js';
import { pythonTuple, type NpyArray } from '../npy.js';
import type { SeriesSet } from '../series-set.js';
import { finishSeries, MIN_STEPS } from './missing-values.js';

/**
 * Series from a numpy array: (N, T) is N univariate series, (N, T, D) N series of D
 * channels, float32 or float64. NaN marks a missing value: NaN tails make a series shorter
 * (how a padded unequal-length set is saved), interior NaNs are filled as
 * missing-values.ts says. Positions count from 0, as numpy indexes them. Labels, when
 * wanted, come from another file (labels-file.ts).
 */

/** The series count N, steps T and channels D of a .npy of series; an InputError naming `source` for any other array. */
export function npySeriesShape(array: Pick<NpyArray, 'dtype' | 'shape'>, source: string): [number, number, number] {
  const { dtype, shape } = array;
  const shapeText = pythonTuple(shape);
  if (dtype !== 'float32' && dtype !== 'float64') {
    throw new InputError(`${source}: dtype ${dtype}; expected float32 or float64 series, with NaN for missing values`);
  }
  if (shape.length !== 2 && shape.length !== 3) {
    throw new InputError(`${source}: shape ${shapeText}; expected (N, T) univariate or (N, T, D) multivariate series`);
  }
  const [N = 0, T = 0, D = 1] = shape;
  if (N === 0) throw new InputError(`${source}: shape ${shapeText} holds no series; expected at least one`);
  if (T === 0 || D === 0) throw new InputError(`${source}: shape ${shapeText} holds no values; expected T >= 2 steps and D >= 1 channels`);
  return [N, T, D];
}

/**
 * Series n of a .npy of `shape`, from its T*D values (row-major): `values` itself when every
 * value is a number (the usual case, with nothing to copy), else the series with its NaN tail
 * dropped and interior NaNs filled, as a new Float64Array; ±Infinity and the other breaches
 * of missing-values.ts are an InputError naming the file and position.
 */
export function finishNpySeries<V extends Float32Array | Float64Array>(values: V, n: number, shape: readonly number[], source: string): V | Float64Array {
  const [, T = 0, D = 1] = shape;
  let real = T >= MIN_STEPS;
  // v - v is 0 for every finite v, NaN for NaN and ±Infinity
  for (let i = 0; i < values.length && real; i++) real = values[i]! - values[i]! === 0;
  if (real) return values;
  const index = (t: number, c: number) => (shape.length === 2 ? `[${n}, ${t}]` : `[${n}, ${t}, ${c}]`);
  const raw = Array.from({ length: D }, (_, c) => {
    const channel = new Float64Array(T);
    for (let t = 0; t < T; t++) {
      const value = values[t * D + c]!;
      if (value === Infinity || value === -Infinity) {
        throw new InputError(`${source}: value ${value} at index ${index(t, c)}; expected finite numbers, or NaN for a missing value`);
      }
      channel[t] = value;
    }
    return channel;
  });
  return finishSeries(raw, { where: `${source}: series ${n}`, channel: (c) => `channel ${c}` });
}

/** The series in `array`; `source` (a path) names it in every error. */
export function seriesFromNpy(array: NpyArray, source: string): SeriesSet {
  const [N, T, D] = npySeriesShape(array, source);
  const data = array.data as Float32Array | Float64Array;
  const series: Float64Array[] = [];
  for (let n = 0; n < N; n++) {
    const values = data.subarray(n * T * D, (n + 1) * T * D);
    const finished = finishNpySeries(values, n, array.shape, source);
    // a series of its own, never a view that would keep the whole array alive
    series.push(finished === values ? Float64Array.from(values) : (finished as Float64Array));
  }
  return { series, channels: D, source };
}
