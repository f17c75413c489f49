/**
 * Feature standardisation as scikit-learn's StandardScaler does it: each column is
 * centred by its training mean and divided by its training POPULATION standard
 * deviation (ddof 0); the same mean and scale are then applied to any other rows.
 * A column that is constant in the training rows keeps scale 1 (it is centred, not
 * divided by 0), as StandardScaler's `_handle_zeros_in_scale` does.
 */
import { InputError } from '../input-error.js';
import type { FeatureMatrix } from './linear-algebra.js';

export interface Standardizer {
  /** Training mean of each column. */
  mean: Float64Array;
  /** Training population standard deviation of each column; 1 where the column was constant. */
  scale: Float64Array;
  /** (x - mean) / scale, column by column, as a new float64 matrix of the same shape. */
  transform(X: FeatureMatrix): FeatureMatrix & { data: Float64Array };
}

export function fitStandardizer(X: FeatureMatrix): Standardizer {
  const { rows, cols, data } = X;
  if (!Number.isInteger(rows) || rows < 1 || !Number.isInteger(cols) || cols < 1 || data.length !== rows * cols) {
    throw new InputError(`fitStandardizer: X is ${rows}×${cols} with ${data.length} values; expected positive rows and cols and rows*cols values`);
  }
  const mean = new Float64Array(cols);
  const scale = new Float64Array(cols);
  for (let j = 0; j < cols; j++) {
    let sum = 0;
    let low = Infinity;
    let high = -Infinity;
    for (let i = 0; i < rows; i++) {
      const x = data[i * cols + j]!;
      if (!Number.isFinite(x)) {
        throw new InputError(`fitStandardizer: X has a non-finite value ${x} at row ${i}, column ${j}; expected finite numbers`);
      }
      sum += x;
      low = Math.min(low, x);
      high = Math.max(high, x);
    }
    if (low === high) {
      // Constant: an exact mean (a sum of n equal values over n may round) and no division.
      mean[j] = low;
      scale[j] = 1;
      continue;
    }
    const m = sum / rows;
    let squares = 0; // two passes: Σ(x - m)² loses nothing to cancellation, unlike Σx² - n m²
    for (let i = 0; i < rows; i++) {
      const d = data[i * cols + j]! - m;
      squares += d * d;
    }
    mean[j] = m;
    const std = Math.sqrt(squares / rows);
    scale[j] = std > 0 ? std : 1;
  }

  return standardizerFrom(mean, scale);
}

/** The standardiser of these training means and scales (fitStandardizer's, or saved ones read back). */
export function standardizerFrom(mean: Float64Array, scale: Float64Array): Standardizer {
  const cols = mean.length;
  if (scale.length !== cols || !scale.every((v) => Number.isFinite(v) && v > 0) || !mean.every(Number.isFinite)) {
    throw new InputError(`standardizer: ${cols} means and ${scale.length} scales; expected as many finite means as finite scales above 0`);
  }
  const transform = (Y: FeatureMatrix): FeatureMatrix & { data: Float64Array } => {
    if (Y.cols !== cols) throw new InputError(`standardize: X has ${Y.cols} columns; expected ${cols}, as in training`);
    if (Y.data.length !== Y.rows * Y.cols) {
      throw new InputError(`standardize: X.data has ${Y.data.length} values; expected rows*cols = ${Y.rows * Y.cols}`);
    }
    const out = new Float64Array(Y.rows * cols);
    for (let i = 0; i < Y.rows; i++) {
      for (let j = 0; j < cols; j++) out[i * cols + j] = (Y.data[i * cols + j]! - mean[j]!) / scale[j]!;
    }
    return { data: out, rows: Y.rows, cols };
  };
  return { mean, scale, transform };
}
