import type { ForwardOutputs, GradientStep } from './gradient-step.js';

/**
 * A step's forward pass over any number of windows x (N,T,D), `maxBatch` at a time, so a
 * fast step can serve validation, predict and encode as well as training. Same outputs
 * and return value as referenceForward: the reconstruction's MSE against x over the real
 * steps (all of them without `lengths`) when `loss` is asked for, NaN otherwise.
 */
export async function forwardInChunks(
  step: GradientStep,
  params: Float32Array,
  x: Float32Array | Float64Array,
  N: number,
  { reconstruction, code, loss = false }: ForwardOutputs,
  lengths?: Int32Array,
): Promise<number> {
  const { timesteps: T, inputDim: D, latentDim: L } = step.dims;
  const size = T * D;
  if (x.length !== N * size) throw new Error(`forwardInChunks: x has ${x.length} values, (${N},${T},${D}) needs ${N * size}`);
  const chunkX = new Float32Array(step.maxBatch * size);
  const chunkOut = reconstruction || loss ? new Float32Array(step.maxBatch * size) : undefined;
  const chunkCode = code ? new Float32Array(step.maxBatch * L) : undefined;
  let squaredErrors = 0;
  let realValues = 0;
  for (let start = 0; start < N; start += step.maxBatch) {
    const batch = Math.min(step.maxBatch, N - start);
    chunkX.set(x.subarray(start * size, (start + batch) * size));
    const chunkLengths = lengths?.subarray(start, start + batch);
    await step.forward(params, chunkX, batch, { code: chunkCode, reconstruction: chunkOut }, chunkLengths);
    if (code) code.set(chunkCode!.subarray(0, batch * L), start * L);
    if (reconstruction) reconstruction.set(chunkOut!.subarray(0, batch * size), start * size);
    if (loss) {
      // against x as given (float64 stays float64), as referenceForward measures it
      const errors = realStepSquaredErrors(chunkOut!, x.subarray(start * size, (start + batch) * size), batch, T, D, chunkLengths);
      squaredErrors += errors.sum;
      realValues += errors.count;
    }
  }
  return loss ? squaredErrors / realValues : NaN;
}

/**
 * The squared errors of a reconstruction y against x over each window's real steps (all T
 * without lengths), and how many values they cover. y is in data order, so step t meets
 * x[t] whatever the target order.
 */
export function realStepSquaredErrors(
  y: ArrayLike<number>,
  x: ArrayLike<number>,
  batch: number,
  T: number,
  D: number,
  lengths?: Int32Array,
): { sum: number; count: number } {
  let sum = 0;
  let count = 0;
  for (let n = 0; n < batch; n++) {
    const real = (lengths ? lengths[n]! : T) * D;
    for (let i = n * T * D; i < n * T * D + real; i++) {
      const e = y[i]! - x[i]!;
      sum += e * e;
    }
    count += real;
  }
  return { sum, count };
}
