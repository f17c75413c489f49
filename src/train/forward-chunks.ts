import type { ForwardOutputs, GradientStep } from './gradient-step.js';
import type { WindowScaler } from './scaling.js';
import { BatchBuilder, WindowSet } from './window-set.js';

export interface ForwardWindowsOptions {
  /** how the values are scaled for the network (BatchBuilder's copy); default as they are */
  scaler?: WindowScaler;
  /**
   * 'by-length': blocks of windows of about one length (shortest first), each padded only to
   * its longest; the codes and reconstructions go back to each window's own place, and are
   * what input order gives, bit for bit (masking makes a window's results independent of its
   * block). Default 'input' (the loss is summed in input order, as it always was).
   */
  order?: 'input' | 'by-length';
}

/**
 * The forward pass over a WindowSet, step.maxBatch windows a block, each block padded to its
 * own longest window: codes into `code` (N,L), reconstructions (in the data's units when a
 * scaler is given) into `reconstruction` at each window's place in the set's data
 * (windows.start(n), its real steps only: padding is left as it is). Returns the MSE over real
 * steps against the values the network saw when `loss` is asked for, NaN otherwise.
 */
export async function forwardWindows(
  step: GradientStep,
  params: Float32Array,
  windows: WindowSet,
  { reconstruction, code, loss = false }: ForwardOutputs,
  { scaler, order = 'input' }: ForwardWindowsOptions = {},
): Promise<number> {
  const { inputDim: D, latentDim: L } = step.dims;
  const N = windows.count;
  const builder = new BatchBuilder(windows, step.maxBatch, scaler?.copy);
  const indices = order === 'by-length' ? windows.byLength() : Int32Array.from({ length: N }, (_, n) => n);
  const decode = reconstruction !== undefined || loss;
  let out = new Float32Array(0);
  const blockCode = code ? new Float32Array(step.maxBatch * L) : undefined;
  let squaredErrors = 0;
  let realValues = 0;
  for (let start = 0; start < N; start += step.maxBatch) {
    const size = Math.min(step.maxBatch, N - start);
    const batch = builder.build(indices, start, size);
    const row = batch.steps * D;
    if (decode && out.length < size * row) out = new Float32Array(size * row);
    await step.forward(params, batch.x, size, { code: blockCode, reconstruction: decode ? out : undefined }, batch.lengths, batch.steps);
    let sum = 0;
    for (let k = 0; k < size; k++) {
      const n = indices[start + k]!;
      if (code) code.set(blockCode!.subarray(k * L, (k + 1) * L), n * L);
      if (!decode) continue;
      const real = windows.length(n) * D;
      const y = out.subarray(k * row, k * row + real);
      if (loss) {
        // against what the network saw: the scaled batch, or the values as given (float64 stays float64)
        const x = scaler ? batch.x.subarray(k * row, k * row + real) : windows.values(n);
        for (let i = 0; i < real; i++) {
          const e = y[i]! - x[i]!;
          sum += e * e;
        }
        realValues += real;
      }
      if (reconstruction) {
        if (scaler) scaler.invert(windows, n, y);
        reconstruction.set(y, windows.start(n));
      }
    }
    squaredErrors += sum;
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
