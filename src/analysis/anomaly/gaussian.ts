/**
 * EncDec-AD's error model (Malhotra et al. 2016, "LSTM-based encoder-decoder for multi-sensor
 * anomaly detection", section 2.2): the reconstruction error vectors of held-out normal data are
 * taken as draws from one multivariate Gaussian N(μ, Σ), fitted by maximum likelihood, and a
 * new error vector e is scored by its squared Mahalanobis distance
 *   d² = (e - μ)ᵀ Σ⁻¹ (e - μ).
 * d² splits exactly into one term per coordinate, (e - μ)_j · [Σ⁻¹(e - μ)]_j, which is how a
 * flag is traced back to the channel that drove it (a term may be negative when channels are
 * correlated; the terms always sum to d²).
 */
import { InputError } from '../../input-error.js';
import { inverseSpd } from '../linear-algebra.js';

export interface ErrorGaussian {
  /** length of an error vector */
  readonly dim: number;
  readonly mean: Float64Array;
  /** the fitted covariance, regularised (see fitErrorGaussian), (dim, dim) row-major */
  readonly covariance: Float64Array;
  /** its inverse, (dim, dim) row-major */
  readonly precision: Float64Array;
}

export interface GaussianFitOptions {
  /** added to the diagonal, relative to the mean variance: keeps Σ invertible with few vectors (default 1e-3) */
  readonly ridge?: number;
  /** added to the diagonal as it is: errors smaller than its square root count as noise (default 1e-6) */
  readonly varianceFloor?: number;
}

/**
 * The maximum-likelihood Gaussian of n error vectors (n, dim), row-major: the mean and the
 * covariance divided by n. A small ridge is added to its diagonal so that it can be inverted
 * when errors are few, constant or collinear.
 */
export function fitErrorGaussian(vectors: ArrayLike<number>, n: number, dim: number, options: GaussianFitOptions = {}): ErrorGaussian {
  const ridge = options.ridge ?? 1e-3;
  const floor = options.varianceFloor ?? 1e-6;
  if (!Number.isInteger(dim) || dim < 1 || !Number.isInteger(n) || vectors.length !== n * dim) {
    throw new Error(`fitErrorGaussian: ${vectors.length} values are not ${n} vectors of ${dim}`);
  }
  if (n < 2) throw new InputError(`the error model needs at least 2 held-out error vectors, got ${n}; give a longer training span`);
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) mean[j] = mean[j]! + vectors[i * dim + j]!;
  for (let j = 0; j < dim; j++) mean[j] = mean[j]! / n;
  const covariance = new Float64Array(dim * dim);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < dim; a++) {
      const da = vectors[i * dim + a]! - mean[a]!;
      for (let b = 0; b <= a; b++) covariance[a * dim + b] = covariance[a * dim + b]! + da * (vectors[i * dim + b]! - mean[b]!);
    }
  }
  let trace = 0;
  for (let a = 0; a < dim; a++) {
    for (let b = 0; b <= a; b++) {
      const v = covariance[a * dim + b]! / n;
      covariance[a * dim + b] = v;
      covariance[b * dim + a] = v;
    }
    trace += covariance[a * dim + a]!;
  }
  const added = (ridge * trace) / dim + floor;
  for (let a = 0; a < dim; a++) covariance[a * dim + a] = covariance[a * dim + a]! + added;
  return { dim, mean, covariance, precision: inverseSpd(covariance, dim) };
}

/**
 * d² of the vector e[offset, offset + dim); when `terms` is given, each coordinate's share of
 * d² is written into it (they sum to d²).
 */
export function mahalanobis2(g: ErrorGaussian, e: ArrayLike<number>, offset = 0, terms?: Float64Array): number {
  const { dim, mean, precision } = g;
  let d2 = 0;
  for (let a = 0; a < dim; a++) {
    let row = 0;
    for (let b = 0; b < dim; b++) row += precision[a * dim + b]! * (e[offset + b]! - mean[b]!);
    const term = (e[offset + a]! - mean[a]!) * row;
    if (terms) terms[a] = term;
    d2 += term;
  }
  return d2;
}
