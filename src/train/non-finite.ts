/** Where the first NaN or ±Infinity of (N,T,D) windows sits, or undefined when all are finite. */
export interface NonFinitePosition {
  value: number;
  index: number;
  window: number;
  step: number;
  feature: number;
}

export function firstNonFinite(data: ArrayLike<number>, timesteps: number, inputDim: number): NonFinitePosition | undefined {
  for (let i = 0; i < data.length; i++) {
    const value = data[i]!;
    if (!Number.isFinite(value)) {
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
