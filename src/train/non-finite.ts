/** The largest finite float32, 2^128 - 2^104: the model computes in float32, so a larger input becomes ±Infinity there. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** What callers say a value should be, once for every message. */
export const FLOAT32_RANGE_TEXT = `finite numbers within float32's range (|x| <= ${FLOAT32_MAX})`;

/** Where the first NaN, ±Infinity or float32 overflow of (N,T,D) windows sits, or undefined when all are usable. */
export interface NonFinitePosition {
  value: number;
  index: number;
  window: number;
  step: number;
  feature: number;
}

/**
 * The first value that is not a finite float32: NaN, ±Infinity, and float64 values such as
 * 1e39 that are finite but turn into ±Infinity when the model converts them to float32.
 */
export function firstNonFinite(data: ArrayLike<number>, timesteps: number, inputDim: number): NonFinitePosition | undefined {
  for (let i = 0; i < data.length; i++) {
    const value = data[i]!;
    // written so that NaN fails it too: every comparison with NaN is false
    if (!(Math.abs(value) <= FLOAT32_MAX)) {
      return {
        value,
        index: i,
        window: Math.floor(i / (timesteps * inputDim)),
        step: Math.floor((i % (timesteps * inputDim)) / inputDim),
        feature: i % inputDim,
      };
    }
  }
  return undefined;
}
