/**
 * Bringing a series to a chosen number of steps, so that an autoencoder sees short windows
 * whatever the data's own length (an LSTM's final state forgets the start of a long series).
 *
 *   shrinking (steps > length): piecewise aggregate approximation (PAA) with fractional
 *     bins: output step t is the mean of the input over [t·steps/length, (t+1)·steps/length),
 *     each input step weighted by how much of it lies in the bin. It averages, so it does
 *     not alias the way picking every k-th value does, and it keeps the series' mean.
 *   growing or equal (steps <= length): linear interpolation (baselines.ts's resampleLinear:
 *     first and last steps kept, the rest spread evenly).
 */
import { InputError } from '../input-error.js';
import { resampleLinear } from './baselines.js';

/** A (steps, channels) series brought to `length` steps, as a new array (see above). */
export function resampleSeries(series: Float64Array, channels: number, length: number): Float64Array {
  if (!Number.isInteger(length) || length < 1) throw new InputError(`resampleSeries: length is ${length}; expected a positive integer`);
  const steps = series.length / channels;
  if (!Number.isInteger(steps) || steps < 1) {
    throw new InputError(`resampleSeries: a series has ${series.length} values; expected a positive multiple of ${channels} channels`);
  }
  if (steps <= length) return resampleLinear(series, channels, length);
  const out = new Float64Array(length * channels);
  for (let t = 0; t < length; t++) {
    // bin [a, b) in input steps; a and b are exact rationals over `length`, so integer arithmetic first
    const a = (t * steps) / length;
    const b = ((t + 1) * steps) / length;
    for (let c = 0; c < channels; c++) {
      let sum = 0;
      for (let k = Math.floor(a); k < Math.ceil(b); k++) {
        const overlap = Math.min(b, k + 1) - Math.max(a, k);
        sum += overlap * series[k * channels + c]!;
      }
      out[t * channels + c] = sum / (b - a);
    }
  }
  return out;
}
