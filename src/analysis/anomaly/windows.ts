/**
 * Causal windows: the window of row t is rows t - W + 1 .. t, so a row's score never uses a
 * later row, and replaying a file and feeding it live give the same windows. Rows before
 * W - 1 have no full window and no score.
 */

/** The windows ending at rows [first, last] of `scaled` (rows, channels), as (N, W, D) float32. */
export function trailingWindows(scaled: ArrayLike<number>, channels: number, window: number, first: number, last: number): Float32Array {
  const D = channels;
  const start = Math.max(first, window - 1);
  const n = Math.max(0, last - start + 1);
  const out = new Float32Array(n * window * D);
  for (let k = 0; k < n; k++) {
    const from = (start + k - window + 1) * D;
    for (let j = 0; j < window * D; j++) out[k * window * D + j] = scaled[from + j]!;
  }
  return out;
}

/**
 * The error vector of each window: |x - x̂| over its newest `steps` steps, each of the first
 * `scored` channels (default: every channel; the rest are inputs only, such as the time of
 * day), (N, steps·scored), oldest of those steps first.
 */
export function newestStepErrors(
  windows: ArrayLike<number>,
  reconstruction: ArrayLike<number>,
  n: number,
  window: number,
  channels: number,
  steps: number,
  scored = channels,
): Float64Array {
  const width = steps * scored;
  const out = new Float64Array(n * width);
  for (let k = 0; k < n; k++) {
    for (let s = 0; s < steps; s++) {
      const from = (k * window + window - steps + s) * channels;
      for (let c = 0; c < scored; c++) out[k * width + s * scored + c] = Math.abs(windows[from + c]! - reconstruction[from + c]!);
    }
  }
  return out;
}
