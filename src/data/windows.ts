/** Where the article splits a series of `length` values: `int(round(length * (1 - testSize)))`. */
export function trainTestSplitIndex(length: number, testSize: number): number {
  return roundHalfToEven(length * (1 - testSize));
}

/** How many windows the article cuts from `length` values: one fewer than fit, as its loop stops at length - timesteps. */
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

/**
 * Python 3's `round(x)` for a float: the nearest integer, ties to the even one. The seed
 * splits its series with it, and JavaScript's Math.round (ties up) would move the split
 * point on an exact .5 (e.g. round(2.5) is 2 in Python, 3 in JavaScript).
 */
export function roundHalfToEven(x: number): number {
  const floor = Math.floor(x);
  const fraction = x - floor; // exact for x >= 0 (Sterbenz), which is all the split needs
  if (fraction > 0.5) return floor + 1;
  if (fraction < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}
