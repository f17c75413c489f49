import { roundHalfToEven } from './python-round.js';

/** Where the seed splits a series of `length` values: `int(round(length * (1 - testSize)))`. */
export function trainTestSplitIndex(length: number, testSize: number): number {
  return roundHalfToEven(length * (1 - testSize));
}

/** How many windows the seed cuts from `length` values: one fewer than fit, as its loop stops at length - timesteps. */
export function windowCount(length: number, timesteps: number): number {
  return Math.max(0, length - timesteps);
}

/**
 * The seed's windows `a[i:i + timesteps]` for i in range(len(a) - timesteps), written into
 * `out` (rows of `timesteps` values, C order) from row `firstRow` on. Returns the rows written.
 */
export function writeSlidingWindows(
  series: Float64Array,
  timesteps: number,
  out: Float64Array,
  firstRow: number,
): number {
  const rows = windowCount(series.length, timesteps);
  for (let i = 0; i < rows; i++) {
    out.set(series.subarray(i, i + timesteps), (firstRow + i) * timesteps);
  }
  return rows;
}
