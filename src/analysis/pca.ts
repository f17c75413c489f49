/**
 * Principal component analysis of an (N, F) feature matrix, to draw the features in 2-D.
 *
 * Centre each column, form the covariance matrix S = Xcᵀ Xc / (N - 1), and diagonalise
 * it with the cyclic Jacobi method (plain, exact to float64 for the small F we have).
 * Components are S's eigenvectors ordered by decreasing eigenvalue (variance), each with
 * its largest-|loading| entry made positive so that the picture does not flip between runs.
 */
import { InputError } from '../input-error.js';
import type { FeatureMatrix } from './logistic-regression.js';

export interface PcaResult {
  /** Xc · componentsᵀ, (N, k) row-major. */
  projections: Float64Array;
  /** Principal axes, (k, F) row-major, unit length, one per row. */
  components: Float64Array;
  /** Column means that were subtracted, (F). */
  mean: Float64Array;
  /** Variance along each component (eigenvalues of S, denominator N - 1), (k). */
  explainedVariance: Float64Array;
  /** explainedVariance divided by the total variance (trace of S), (k). */
  explainedVarianceRatio: Float64Array;
}

/**
 * Eigen-decomposition of a symmetric n×n matrix by cyclic Jacobi rotations.
 * Returns the eigenvalues and the eigenvectors as the columns of V (row-major n×n).
 */
export function symmetricEigen(matrix: ArrayLike<number>, n: number): { values: Float64Array; vectors: Float64Array } {
  const A = Float64Array.from(matrix);
  const V = new Float64Array(n * n);
  for (let r = 0; r < n; r++) V[r * n + r] = 1;

  let scale = 0;
  for (const a of A) scale += a * a;
  for (let sweep = 0; sweep < 100; sweep++) {
    let offDiagonal = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) offDiagonal += A[p * n + q]! ** 2;
    if (offDiagonal <= 1e-30 * scale) break;

    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = A[p * n + q]!;
        if (apq === 0) continue;
        // Rotation angle θ that zeroes A[p][q]: tan 2θ = 2 a_pq / (a_qq - a_pp); t = tan θ (the smaller root).
        const theta = (A[q * n + q]! - A[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const cos = 1 / Math.sqrt(t * t + 1);
        const sin = t * cos;
        // A ← Jᵀ A J, applied as column then row updates; V ← V J.
        for (let k = 0; k < n; k++) {
          const akp = A[k * n + p]!;
          const akq = A[k * n + q]!;
          A[k * n + p] = cos * akp - sin * akq;
          A[k * n + q] = sin * akp + cos * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = A[p * n + k]!;
          const aqk = A[q * n + k]!;
          A[p * n + k] = cos * apk - sin * aqk;
          A[q * n + k] = sin * apk + cos * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = V[k * n + p]!;
          const vkq = V[k * n + q]!;
          V[k * n + p] = cos * vkp - sin * vkq;
          V[k * n + q] = sin * vkp + cos * vkq;
        }
      }
    }
  }
  const values = Float64Array.from({ length: n }, (_, r) => A[r * n + r]!);
  return { values, vectors: V };
}

export function pca(X: FeatureMatrix, k = 2): PcaResult {
  const { rows: N, cols: F } = X;
  if (!Number.isInteger(N) || N < 2 || !Number.isInteger(F) || F < 1) {
    throw new InputError(`pca: X is ${N}×${F}; expected at least 2 rows and 1 column`);
  }
  if (X.data.length !== N * F) throw new InputError(`pca: X.data has ${X.data.length} values; expected rows*cols = ${N * F}`);
  if (!Number.isInteger(k) || k < 1 || k > F) throw new InputError(`pca: k is ${k}; expected an integer from 1 to ${F} (the number of columns)`);
  for (let i = 0; i < X.data.length; i++) {
    if (!Number.isFinite(X.data[i])) throw new InputError(`pca: X has a non-finite value ${X.data[i]} at row ${Math.floor(i / F)}; expected finite numbers`);
  }

  const mean = new Float64Array(F);
  for (let i = 0; i < N; i++) for (let j = 0; j < F; j++) mean[j]! += X.data[i * F + j]! / N;
  const centred = Float64Array.from({ length: N * F }, (_, idx) => X.data[idx]! - mean[idx % F]!);

  const covariance = new Float64Array(F * F);
  for (let i = 0; i < N; i++) {
    for (let r = 0; r < F; r++) {
      for (let s = 0; s <= r; s++) covariance[r * F + s]! += (centred[i * F + r]! * centred[i * F + s]!) / (N - 1);
    }
  }
  for (let r = 0; r < F; r++) for (let s = 0; s < r; s++) covariance[s * F + r] = covariance[r * F + s]!;

  const { values, vectors } = symmetricEigen(covariance, F);
  const order = Array.from({ length: F }, (_, j) => j).sort((a, b) => values[b]! - values[a]!);
  let totalVariance = 0;
  for (let j = 0; j < F; j++) totalVariance += covariance[j * F + j]!;

  const components = new Float64Array(k * F);
  const explainedVariance = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    const column = order[c]!;
    let largest = 0; // index of the entry with the largest |loading|
    for (let j = 1; j < F; j++) if (Math.abs(vectors[j * F + column]!) > Math.abs(vectors[largest * F + column]!)) largest = j;
    const sign = vectors[largest * F + column]! < 0 ? -1 : 1;
    for (let j = 0; j < F; j++) components[c * F + j] = sign * vectors[j * F + column]!;
    explainedVariance[c] = Math.max(0, values[column]!); // round-off can leave a tiny negative
  }
  const explainedVarianceRatio = explainedVariance.map((v) => (totalVariance > 0 ? v / totalVariance : 0));

  const projections = new Float64Array(N * k);
  for (let i = 0; i < N; i++) {
    for (let c = 0; c < k; c++) {
      let sum = 0;
      for (let j = 0; j < F; j++) sum += centred[i * F + j]! * components[c * F + j]!;
      projections[i * k + c] = sum;
    }
  }
  return { projections, components, mean, explainedVariance, explainedVarianceRatio };
}
