import { InputError } from '../../input-error.js';

/**
 * What every reader does with the values of one series once it has split them into
 * channels, so that a `?` in a .ts file, a NaN in a .npy and an empty CSV cell mean the
 * same thing:
 *
 * - Trailing missing values are not data: a series ends at its last real value, which is
 *   how the UCR files pad unequal-length series (NaN or empty tails).
 * - Every channel of a series must end at the same step (a sensor that stops early is an
 *   error naming the series, not something to guess at).
 * - Interior missing values are filled by linear interpolation within their channel
 *   between the real values on either side; missing values before a channel's first real
 *   value take that first value (there is nothing before them to interpolate from).
 * - A series needs at least 2 real steps: an autoencoder learns nothing from one.
 */

/** The fewest steps a series may have. */
export const MIN_STEPS = 2;

/** How a reader names things in its messages. */
export interface SeriesPlace {
  /** the start of each message: the file and the line or series, e.g. `data.ts: line 14` */
  where: string;
  /** one channel, e.g. `channel 2 of 6`; only asked for when there are several channels */
  channel: (c: number) => string;
}

/**
 * Tokens that mean "no value here": empty, `?` (the .ts format), NaN in any case (numpy,
 * pandas, the UCR .tsv files).
 */
function isMissingToken(token: string): boolean {
  return token === '' || token === '?' || /^nan$/i.test(token);
}

// a decimal number as every format here writes it: no hex, no Infinity, no thousands separators
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * A value token (already trimmed) as a number: NaN when it is missing, undefined when it
 * is neither a number nor missing, so the reader can say where.
 */
export function parseValue(token: string): number | undefined {
  if (isMissingToken(token)) return Number.NaN;
  if (!NUMBER.test(token)) return undefined;
  const value = Number(token);
  return Number.isFinite(value) ? value : undefined;
}

/**
 * One finished series, row-major (length, channels), from its channels' raw values (NaN =
 * missing; channels may hold different counts, as .ts files allow). Applies the rules above
 * and throws an InputError naming `place` for a series that breaks them.
 */
export function finishSeries(raw: ArrayLike<number>[], place: SeriesPlace): Float64Array {
  const channels = raw.length;
  const name = (c: number) => (channels === 1 ? 'the series' : place.channel(c));
  // each channel's real length: one past its last real value
  const ends = raw.map((values) => {
    let end = values.length;
    while (end > 0 && Number.isNaN(values[end - 1])) end--;
    return end;
  });
  const empty = ends.findIndex((end) => end === 0);
  if (empty >= 0) throw new InputError(`${place.where}: every value of ${name(empty)} is missing; expected at least ${MIN_STEPS} real values`);
  const length = ends[0] ?? 0;
  const other = ends.findIndex((end) => end !== length);
  if (other >= 0) {
    throw new InputError(
      `${place.where}: ${name(0)} ends after ${length} steps but ${name(other)} after ${ends[other]} (trailing missing values dropped); ` +
        'expected every channel to end at the same step',
    );
  }
  if (length < MIN_STEPS) {
    throw new InputError(`${place.where}: only ${length} step after dropping trailing missing values; expected at least ${MIN_STEPS}`);
  }
  const out = new Float64Array(length * channels);
  raw.forEach((values, c) => {
    const filled = fillGaps(values, length);
    for (let t = 0; t < length; t++) out[t * channels + c] = filled[t]!;
  });
  return out;
}

/**
 * The first `length` values with interior NaNs interpolated and leading NaNs set to the
 * first real value; values[length - 1] must be real.
 */
function fillGaps(values: ArrayLike<number>, length: number): Float64Array {
  const out = Float64Array.from({ length }, (_, t) => values[t]!);
  let previous = -1; // index of the last real value seen
  for (let t = 0; t < length; t++) {
    if (Number.isNaN(out[t])) continue;
    const value = out[t]!;
    if (t - previous > 1) {
      // the gap (previous, t) is missing: fill it
      const start = previous < 0 ? value : out[previous]!;
      for (let g = previous + 1; g < t; g++) {
        let filled = previous < 0 ? value : start + ((value - start) * (g - previous)) / (t - previous);
        if (!Number.isFinite(filled)) {
          // near ±1.8e308 the difference overflows: the same point from the halves, which cannot
          const half = (value / 2 - start / 2) * ((g - previous) / (t - previous));
          filled = start + half + half;
        }
        out[g] = filled;
      }
    }
    previous = t;
  }
  return out;
}
