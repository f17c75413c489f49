/**
 * Binary logistic regression with scikit-learn's objective
 *
 *   J(w, b) = 0.5 ‖w‖² + C · Σ_i logloss(y_i, σ(x_i·w + b)),
 *
 * L2 on the coefficients w only (the intercept b is not penalised), C = 1 by default:
 * what the article runs as `LogisticRegression()`. Solved with Newton's method (IRLS) in
 * float64, with a backtracking line search so that each step lowers J. For separable
 * data (the article's features are) the 0.5‖w‖² term keeps the optimum finite.
 */
import { InputError } from '../input-error.js';

/** A row-major (rows, cols) matrix: one sample per row, one feature per column. */
export interface FeatureMatrix {
  data: ArrayLike<number>;
  rows: number;
  cols: number;
}

export interface LogisticRegressionOptions {
  /** Inverse regularisation strength, as in scikit-learn (default 1). */
  C?: number;
  /** Newton iterations allowed (default 100; a few to twenty are typical). */
  maxIterations?: number;
  /** Stop when max|∇J| ≤ tolerance · max(1, max|∇J at the start|) (default 1e-10). */
  tolerance?: number;
}

export interface LogisticRegressionModel {
  coef: Float64Array;
  intercept: number;
  /** Newton steps taken. */
  iterations: number;
  /** True when the gradient test was met; false means maxIterations ran out or float64 could not lower J further. */
  converged: boolean;
  /** max|∇J| at the returned solution. */
  gradientNorm: number;
  /** Probability of class 1 for each row. */
  predictProba(X: FeatureMatrix): Float64Array;
  /** Predicted class (0 or 1) for each row: 1 where x·w + b > 0, as scikit-learn decides. */
  predict(X: FeatureMatrix): Int32Array;
}

/** σ(z) = 1 / (1 + e^-z), written so that neither branch overflows. */
function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** log(1 + e^z) without overflow. */
function softplus(z: number): number {
  return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
}

function validateMatrix(what: string, X: FeatureMatrix): void {
  if (!Number.isInteger(X.rows) || X.rows < 1 || !Number.isInteger(X.cols) || X.cols < 1) {
    throw new InputError(`${what}: X is ${X.rows}×${X.cols}; expected positive integer rows and cols`);
  }
  if (X.data.length !== X.rows * X.cols) {
    throw new InputError(`${what}: X.data has ${X.data.length} values; expected rows*cols = ${X.rows * X.cols}`);
  }
  for (let k = 0; k < X.data.length; k++) {
    if (!Number.isFinite(X.data[k])) {
      throw new InputError(`${what}: X has a non-finite value ${X.data[k]} at row ${Math.floor(k / X.cols)}, column ${k % X.cols}; expected finite numbers`);
    }
  }
}

function validateLabels(X: FeatureMatrix, y: ArrayLike<number>): void {
  if (y.length !== X.rows) {
    throw new InputError(`fitLogisticRegression: y has ${y.length} labels but X has ${X.rows} rows; expected one label per row`);
  }
  let ones = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] !== 0 && y[i] !== 1) throw new InputError(`fitLogisticRegression: y[${i}] is ${y[i]}; expected 0 or 1`);
    ones += y[i]!;
  }
  if (ones === 0 || ones === y.length) {
    throw new InputError(`fitLogisticRegression: y holds only class ${ones === 0 ? 0 : 1}; expected samples of both classes 0 and 1`);
  }
}

/** z_i = x_i·w + b for every row. */
function linearScores(X: FeatureMatrix, w: ArrayLike<number>, b: number): Float64Array {
  const z = new Float64Array(X.rows);
  for (let i = 0; i < X.rows; i++) {
    let sum = b;
    for (let j = 0; j < X.cols; j++) sum += X.data[i * X.cols + j]! * w[j]!;
    z[i] = sum;
  }
  return z;
}

/** J(w, b); logloss(y, σ(z)) = log(1 + e^z) - y z. */
function objective(X: FeatureMatrix, y: ArrayLike<number>, C: number, w: Float64Array, b: number): number {
  const z = linearScores(X, w, b);
  let loss = 0;
  for (let i = 0; i < X.rows; i++) loss += softplus(z[i]!) - y[i]! * z[i]!;
  let wSquared = 0;
  for (let j = 0; j < w.length; j++) wSquared += w[j]! * w[j]!;
  return 0.5 * wSquared + C * loss;
}

/**
 * Gradient and Hessian of J in θ = (w, b), with x̃_i = (x_i, 1) and p_i = σ(z_i):
 *   ∇J = (w, 0) + C Σ (p_i - y_i) x̃_i
 *   ∇²J = diag(1, …, 1, 0) + C Σ p_i (1 - p_i) x̃_i x̃_iᵀ
 */
function gradientAndHessian(X: FeatureMatrix, y: ArrayLike<number>, C: number, w: Float64Array, b: number) {
  const F = X.cols;
  const n = F + 1;
  const gradient = new Float64Array(n);
  const hessian = new Float64Array(n * n);
  for (let j = 0; j < F; j++) {
    gradient[j] = w[j]!;
    hessian[j * n + j] = 1;
  }
  const z = linearScores(X, w, b);
  const xTilde = new Float64Array(n);
  xTilde[F] = 1;
  for (let i = 0; i < X.rows; i++) {
    for (let j = 0; j < F; j++) xTilde[j] = X.data[i * F + j]!;
    const p = sigmoid(z[i]!);
    const residual = C * (p - y[i]!);
    const weight = C * p * (1 - p);
    for (let r = 0; r < n; r++) {
      gradient[r]! += residual * xTilde[r]!;
      for (let s = 0; s <= r; s++) hessian[r * n + s]! += weight * xTilde[r]! * xTilde[s]!;
    }
  }
  for (let r = 0; r < n; r++) for (let s = 0; s < r; s++) hessian[s * n + r] = hessian[r * n + s]!;
  return { gradient, hessian };
}

/** Solve A x = rhs for symmetric positive definite A (n×n) by Cholesky; null if A is not positive definite. */
function choleskySolve(A: Float64Array, rhs: Float64Array, n: number): Float64Array | null {
  const Lower = new Float64Array(n * n);
  for (let r = 0; r < n; r++) {
    for (let s = 0; s <= r; s++) {
      let sum = A[r * n + s]!;
      for (let k = 0; k < s; k++) sum -= Lower[r * n + k]! * Lower[s * n + k]!;
      if (r === s) {
        if (!(sum > 0)) return null;
        Lower[r * n + r] = Math.sqrt(sum);
      } else {
        Lower[r * n + s] = sum / Lower[s * n + s]!;
      }
    }
  }
  const forward = new Float64Array(n); // L u = rhs
  for (let r = 0; r < n; r++) {
    let sum = rhs[r]!;
    for (let k = 0; k < r; k++) sum -= Lower[r * n + k]! * forward[k]!;
    forward[r] = sum / Lower[r * n + r]!;
  }
  const x = new Float64Array(n); // Lᵀ x = u
  for (let r = n - 1; r >= 0; r--) {
    let sum = forward[r]!;
    for (let k = r + 1; k < n; k++) sum -= Lower[k * n + r]! * x[k]!;
    x[r] = sum / Lower[r * n + r]!;
  }
  return x;
}

/**
 * Newton direction d solving ∇²J d = -∇J. When the intercept's curvature has vanished
 * (every p_i saturated) the Hessian is only semi-definite; a small multiple of the
 * identity is added then, which still gives a descent direction.
 */
function newtonDirection(hessian: Float64Array, gradient: Float64Array): Float64Array {
  const n = gradient.length;
  const negativeGradient = gradient.map((g) => -g);
  let damping = 0;
  for (let attempt = 0; attempt < 60; attempt++) {
    const A = hessian.slice();
    for (let r = 0; r < n; r++) A[r * n + r]! += damping;
    const d = choleskySolve(A, negativeGradient, n);
    if (d !== null) return d;
    damping = damping === 0 ? 1e-12 : damping * 10;
  }
  return negativeGradient; // unreachable for a convex J, kept as a safe fallback
}

function maxAbs(v: Float64Array): number {
  let largest = 0;
  for (const x of v) largest = Math.max(largest, Math.abs(x));
  return largest;
}

export function fitLogisticRegression(
  X: FeatureMatrix,
  y: ArrayLike<number>,
  options: LogisticRegressionOptions = {},
): LogisticRegressionModel {
  const C = options.C ?? 1;
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? 1e-10;
  if (!(Number.isFinite(C) && C > 0)) throw new InputError(`fitLogisticRegression: C is ${C}; expected a positive finite number`);
  if (!(Number.isInteger(maxIterations) && maxIterations >= 1)) {
    throw new InputError(`fitLogisticRegression: maxIterations is ${maxIterations}; expected a positive integer`);
  }
  if (!(Number.isFinite(tolerance) && tolerance > 0)) {
    throw new InputError(`fitLogisticRegression: tolerance is ${tolerance}; expected a positive finite number`);
  }
  validateMatrix('fitLogisticRegression', X);
  validateLabels(X, y);

  const F = X.cols;
  let w = new Float64Array(F);
  let b = 0;
  let J = objective(X, y, C, w, b);
  let { gradient, hessian } = gradientAndHessian(X, y, C, w, b);
  const threshold = tolerance * Math.max(1, maxAbs(gradient));
  let iterations = 0;
  let converged = maxAbs(gradient) <= threshold;

  while (!converged && iterations < maxIterations) {
    const d = newtonDirection(hessian, gradient);
    let slope = 0; // ∇J · d, negative for a descent direction
    for (let r = 0; r <= F; r++) slope += gradient[r]! * d[r]!;

    // Backtracking (Armijo): halve the step until J drops by at least 1e-4 of what the slope promises.
    let step = 1;
    let accepted = false;
    let wNext = w;
    let bNext = b;
    let JNext = J;
    for (let halvings = 0; halvings < 60; halvings++) {
      wNext = w.map((wj, j) => wj + step * d[j]!);
      bNext = b + step * d[F]!;
      JNext = objective(X, y, C, wNext, bNext);
      if (JNext <= J + 1e-4 * step * slope) {
        accepted = true;
        break;
      }
      step /= 2;
    }
    if (!accepted) break; // float64 cannot lower J any further from here
    w = wNext;
    b = bNext;
    J = JNext;
    iterations++;
    ({ gradient, hessian } = gradientAndHessian(X, y, C, w, b));
    converged = maxAbs(gradient) <= threshold;
  }

  const coef = w;
  const intercept = b;
  const predictProba = (Xnew: FeatureMatrix): Float64Array => {
    validateMatrix('predictProba', Xnew);
    if (Xnew.cols !== F) throw new InputError(`predictProba: X has ${Xnew.cols} columns; expected ${F}, as in training`);
    return linearScores(Xnew, coef, intercept).map(sigmoid);
  };
  const predict = (Xnew: FeatureMatrix): Int32Array => {
    validateMatrix('predict', Xnew);
    if (Xnew.cols !== F) throw new InputError(`predict: X has ${Xnew.cols} columns; expected ${F}, as in training`);
    return Int32Array.from(linearScores(Xnew, coef, intercept), (z) => (z > 0 ? 1 : 0));
  };
  return { coef, intercept, iterations, converged, gradientNorm: maxAbs(gradient), predictProba, predict };
}
