/**
 * Long series reduced to what a chart can show, for every report: a chart of W pixels shows
 * at most W distinct x positions, so a series is drawn from CHART_BUCKETS buckets of rows,
 * each as its lowest and highest value (a one-row spike still shows). Everything here loops:
 * no spread of a series into arguments (Math.min(...values) overflows the stack at about
 * 150,000 values).
 */

export type Numbers = Float32Array | Float64Array | readonly number[];

/** How many buckets a long series is drawn from. */
export const CHART_BUCKETS = 1000;

/** Row ranges [start, end) of the buckets a series of `rows` rows is drawn from. */
export function buckets(rows: number, count = CHART_BUCKETS): [number, number][] {
  const size = Math.max(1, Math.ceil(rows / count));
  const out: [number, number][] = [];
  for (let start = 0; start < rows; start += size) out.push([start, Math.min(rows, start + size)]);
  return out;
}

/** Each bucket's lowest and highest finite value, as (row, value) points at the bucket's first and last row. */
export function minMaxPoints(values: Numbers, stride = 1, offset = 0, count = CHART_BUCKETS): { row: number; value: number }[] {
  const rows = Math.floor(values.length / stride);
  const points: { row: number; value: number }[] = [];
  for (const [start, end] of buckets(rows, count)) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let r = start; r < end; r++) {
      const v = values[r * stride + offset]!;
      if (!Number.isFinite(v)) continue;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    if (lo > hi) continue;
    if (end - start === 1 || lo === hi) points.push({ row: start, value: round6(lo) });
    else points.push({ row: start, value: round6(lo) }, { row: end - 1, value: round6(hi) });
  }
  return points;
}

export function round6(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

/** The lowest and highest finite value (Infinity and -Infinity when there is none), by a loop. */
export function extent(values: Numbers): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}
