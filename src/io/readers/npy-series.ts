import { InputError } from '../../input-error.js';
import { pythonTuple, type NpyArray } from '../npy.js';
import type { SeriesSet } from '../series-set.js';
import { finishSeries } from './missing-values.js';

/**
 * Series from a numpy array: (N, T) is N univariate series, (N, T, D) N series of D
 * channels, float32 or float64. NaN marks a missing value: NaN tails make a series shorter
 * (how a padded unequal-length set is saved), interior NaNs are filled as
 * missing-values.ts says. Positions count from 0, as numpy indexes them. Labels, when
 * wanted, come from another file (labels-file.ts).
 */

/** The series in `array`; `source` (a path) names it in every error. */
export function seriesFromNpy(array: NpyArray, source: string): SeriesSet {
  const { dtype, shape } = array;
  const shapeText = pythonTuple(shape);
  if (array.data instanceof BigInt64Array || array.data instanceof Int32Array) {
    throw new InputError(`${source}: dtype ${dtype}; expected float32 or float64 series, with NaN for missing values`);
  }
  const data = array.data;
  if (shape.length !== 2 && shape.length !== 3) {
    throw new InputError(`${source}: shape ${shapeText}; expected (N, T) univariate or (N, T, D) multivariate series`);
  }
  const [N = 0, T = 0, D = 1] = shape;
  if (N === 0) throw new InputError(`${source}: shape ${shapeText} holds no series; expected at least one`);
  if (T === 0 || D === 0) throw new InputError(`${source}: shape ${shapeText} holds no values; expected T >= 2 steps and D >= 1 channels`);
  const series: Float64Array[] = [];
  const index = (n: number, t: number, c: number) => (shape.length === 2 ? `[${n}, ${t}]` : `[${n}, ${t}, ${c}]`);
  for (let n = 0; n < N; n++) {
    const raw = Array.from({ length: D }, (_, c) => {
      const values = new Float64Array(T);
      for (let t = 0; t < T; t++) {
        const value = data[(n * T + t) * D + c]!;
        if (value === Infinity || value === -Infinity) {
          throw new InputError(`${source}: value ${value} at index ${index(n, t, c)}; expected finite numbers, or NaN for a missing value`);
        }
        values[t] = value;
      }
      return values;
    });
    series.push(finishSeries(raw, { where: `${source}: series ${n}`, channel: (c) => `channel ${c}` }));
  }
  return { series, channels: D, source };
}
