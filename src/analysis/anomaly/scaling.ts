/**
 * Each channel mapped into the range the model's tanh output reaches, with statistics of the
 * training span only: its 1st and 99th percentiles go to -0.8 and 0.8,
 *   y = 0.8 · (x - centre) / half,  centre = (q01 + q99)/2,  half = (q99 - q01)/2,
 * so a few outliers in the training span do not squeeze the rest, and values beyond it (an
 * anomaly, say) land outside ±0.8, where the model cannot follow. A channel whose percentiles
 * coincide takes its full range instead; a constant channel takes half = 1 (in its own units),
 * and is named in `constant` so the caller can say so.
 */
export interface ChannelScaling {
  centre: number[];
  half: number[];
  /** channels constant over the training span */
  constant: number[];
}

/** Where the training span's 1st and 99th percentiles land. */
export const SCALED_EDGE = 0.8;

function quantile(sorted: Float64Array, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** The scaling of rows [0, trainRows) of `values` (rows, channels). */
export function fitScaling(values: Float64Array, channels: number, trainRows: number): ChannelScaling {
  const scaling: ChannelScaling = { centre: [], half: [], constant: [] };
  for (let c = 0; c < channels; c++) {
    const column = new Float64Array(trainRows);
    for (let t = 0; t < trainRows; t++) column[t] = values[t * channels + c]!;
    column.sort();
    let lo = quantile(column, 0.01);
    let hi = quantile(column, 0.99);
    if (!(hi > lo)) {
      lo = column[0]!;
      hi = column[trainRows - 1]!;
    }
    if (hi > lo) {
      scaling.centre.push((lo + hi) / 2);
      scaling.half.push((hi - lo) / 2);
    } else {
      scaling.centre.push(lo);
      scaling.half.push(1);
      scaling.constant.push(c);
    }
  }
  return scaling;
}

/** One row's values scaled, written to out[offset...]. */
export function scaleRow(scaling: ChannelScaling, row: ArrayLike<number>, out: Float32Array | Float64Array, offset = 0): void {
  for (let c = 0; c < scaling.centre.length; c++) out[offset + c] = (SCALED_EDGE * (row[c]! - scaling.centre[c]!)) / scaling.half[c]!;
}

/** Every row scaled, (rows, channels). */
export function scaleValues(scaling: ChannelScaling, values: Float64Array, channels: number): Float64Array {
  const out = new Float64Array(values.length);
  for (let t = 0; t < values.length / channels; t++) scaleRow(scaling, values.subarray(t * channels, (t + 1) * channels), out, t * channels);
  return out;
}

/** A scaled value of channel c back in the channel's own units (scaleRow's inverse). */
export function unscaleValue(scaling: ChannelScaling, c: number, scaled: number): number {
  return scaling.centre[c]! + (scaled * scaling.half[c]!) / SCALED_EDGE;
}
