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
import { fitStandardizer, type Standardizer } from './standardize.js';
import { choleskySolve, maxAbs, minimizeLbfgs, type FeatureMatrix } from './linear-algebra.js';

/** A row-major (rows, cols) matrix: one sample per row, one feature per column. */
export type { FeatureMatrix } from './linear-algebra.js';

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

// ─── Multinomial (softmax) logistic regression ──────────────────────────────────────────

/**
 * scikit-learn's multinomial objective over K classes, W (K, F) and b (K):
 *
 *   J(W, b) = 0.5 ‖W‖²_F + C · Σ_i −log softmax(W x_i + b)[y_i],
 *
 * the intercepts not penalised. Solved by L-BFGS in float64 (a dense Newton step would
 * need a (K·(F+1))² Hessian, 1.7 GB for 11 classes of 1344 raw time steps). W is unique
 * (J is strictly convex in it); b only up to a common constant, which softmax cancels:
 * we return the b that sums to zero, the one scikit-learn's lbfgs returns too (started
 * at 0, every gradient's intercept part sums to zero over the classes).
 */
export interface MultinomialLogisticRegressionOptions {
  /** Inverse regularisation strength, as in scikit-learn (default 1). */
  C?: number;
  /** Number of classes K ≥ 2 (default: one more than the largest label). */
  classCount?: number;
  /** L-BFGS iterations allowed (default 10000; a cap against endless loops, not a stopping rule). */
  maxIterations?: number;
  /** Stop when max|∇J| ≤ tolerance · max(1, max|∇J at the start|) (default 1e-10). */
  tolerance?: number;
}

export interface MultinomialLogisticRegressionModel {
  classCount: number;
  /** (classCount, features) row-major: row k holds class k's weights, as scikit-learn's coef_. */
  coef: Float64Array;
  /** One per class, summing to zero. */
  intercept: Float64Array;
  /** L-BFGS iterations taken. */
  iterations: number;
  /** True when the gradient test was met; false means maxIterations ran out or the line search hit float64's limits. */
  converged: boolean;
  /** max|∇J| at the returned solution. */
  gradientNorm: number;
  /** (rows, classCount) row-major: W x + b for each row. */
  decisionFunction(X: FeatureMatrix): Float64Array;
  /** (rows, classCount) row-major: the softmax of the decision function, each row summing to 1. */
  predictProba(X: FeatureMatrix): Float64Array;
  /** Class index (0..classCount-1) of the largest decision value for each row, the first on ties as numpy's argmax. */
  predict(X: FeatureMatrix): Int32Array;
}

/** Scores (rows, K): z_ik = b_k + Σ_j x_ij W_kj. */
function softmaxScores(X: FeatureMatrix, W: Float64Array, b: ArrayLike<number>, K: number): Float64Array {
  const F = X.cols;
  const z = new Float64Array(X.rows * K);
  const x = new Float64Array(F);
  for (let i = 0; i < X.rows; i++) {
    for (let j = 0; j < F; j++) x[j] = X.data[i * F + j]!;
    for (let k = 0; k < K; k++) {
      let sum = b[k]!;
      const row = k * F;
      for (let j = 0; j < F; j++) sum += W[row + j]! * x[j]!;
      z[i * K + k] = sum;
    }
  }
  return z;
}

/** Row-wise softmax of (rows, K) scores, in place; returns log Σ_k e^{z_k} of each row. */
function softmaxInPlace(z: Float64Array, K: number): Float64Array {
  const rows = z.length / K;
  const logNormaliser = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let largest = -Infinity;
    for (let k = 0; k < K; k++) largest = Math.max(largest, z[i * K + k]!);
    let sum = 0;
    for (let k = 0; k < K; k++) sum += Math.exp(z[i * K + k]! - largest);
    const lse = largest + Math.log(sum);
    for (let k = 0; k < K; k++) z[i * K + k] = Math.exp(z[i * K + k]! - lse);
    logNormaliser[i] = lse;
  }
  return logNormaliser;
}

/**
 * J and ∇J at θ = (W row-major (K, F), then b (K)); the gradient goes into `gradient`:
 *   ∂J/∂W_k = W_k + C Σ_i (p_ik − [y_i = k]) x_i,   ∂J/∂b_k = C Σ_i (p_ik − [y_i = k]).
 */
function multinomialObjective(X: FeatureMatrix, y: ArrayLike<number>, K: number, C: number, theta: Float64Array, gradient: Float64Array): number {
  const F = X.cols;
  const W = theta.subarray(0, K * F);
  const b = theta.subarray(K * F);
  const p = softmaxScores(X, W, b, K);
  // log softmax(z)[y] = z_y − lse; read z_y before the softmax overwrites it.
  let loss = 0;
  for (let i = 0; i < X.rows; i++) loss -= p[i * K + y[i]!]!;
  const lse = softmaxInPlace(p, K);
  for (let i = 0; i < X.rows; i++) loss += lse[i]!;

  gradient.fill(0);
  const residual = new Float64Array(K);
  for (let i = 0; i < X.rows; i++) {
    for (let k = 0; k < K; k++) residual[k] = C * (p[i * K + k]! - (y[i] === k ? 1 : 0));
    for (let k = 0; k < K; k++) {
      const r = residual[k]!;
      const row = k * F;
      for (let j = 0; j < F; j++) gradient[row + j] = gradient[row + j]! + r * X.data[i * F + j]!;
      gradient[K * F + k] = gradient[K * F + k]! + r;
    }
  }
  let wSquared = 0;
  for (let m = 0; m < K * F; m++) {
    wSquared += W[m]! * W[m]!;
    gradient[m] = gradient[m]! + W[m]!;
  }
  return 0.5 * wSquared + C * loss;
}

function validateClassIndices(what: string, X: FeatureMatrix, y: ArrayLike<number>, K: number): void {
  if (y.length !== X.rows) throw new InputError(`${what}: y has ${y.length} labels but X has ${X.rows} rows; expected one label per row`);
  const seen = new Uint8Array(K);
  for (let i = 0; i < y.length; i++) {
    const label = y[i]!;
    if (!Number.isInteger(label) || label < 0 || label >= K) {
      throw new InputError(`${what}: y[${i}] is ${label}; expected a class index in 0..${K - 1}`);
    }
    seen[label] = 1;
  }
  const missing = seen.indexOf(0);
  if (missing >= 0) throw new InputError(`${what}: class ${missing} has no samples; expected samples of every class 0..${K - 1}`);
}

function validateOptions(what: string, C: number, maxIterations: number, tolerance: number): void {
  if (!(Number.isFinite(C) && C > 0)) throw new InputError(`${what}: C is ${C}; expected a positive finite number`);
  if (!(Number.isInteger(maxIterations) && maxIterations >= 1)) {
    throw new InputError(`${what}: maxIterations is ${maxIterations}; expected a positive integer`);
  }
  if (!(Number.isFinite(tolerance) && tolerance > 0)) throw new InputError(`${what}: tolerance is ${tolerance}; expected a positive finite number`);
}

/** Index of the largest of each row of (rows, K) values; the first on ties. */
function rowArgmax(z: Float64Array, K: number): Int32Array {
  const rows = z.length / K;
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    let best = 0;
    for (let k = 1; k < K; k++) if (z[i * K + k]! > z[i * K + best]!) best = k;
    out[i] = best;
  }
  return out;
}

export function fitMultinomialLogisticRegression(
  X: FeatureMatrix,
  y: ArrayLike<number>,
  options: MultinomialLogisticRegressionOptions = {},
): MultinomialLogisticRegressionModel {
  const what = 'fitMultinomialLogisticRegression';
  const C = options.C ?? 1;
  const maxIterations = options.maxIterations ?? 10000;
  const tolerance = options.tolerance ?? 1e-10;
  validateOptions(what, C, maxIterations, tolerance);
  validateMatrix(what, X);
  let largest = -1;
  for (let i = 0; i < y.length; i++) if (Number.isFinite(y[i]!)) largest = Math.max(largest, y[i]!);
  const K = options.classCount ?? Math.max(2, largest + 1);
  if (!(Number.isInteger(K) && K >= 2)) throw new InputError(`${what}: classCount is ${K}; expected an integer ≥ 2`);
  validateClassIndices(what, X, y, K);

  const F = X.cols;
  const result = minimizeLbfgs((theta, gradient) => multinomialObjective(X, y, K, C, theta, gradient), new Float64Array(K * (F + 1)), maxIterations, tolerance);
  const coef = result.theta.slice(0, K * F);
  const intercept = result.theta.slice(K * F);
  // Remove the rounding drift along the one direction softmax cannot see.
  const shift = intercept.reduce((sum, v) => sum + v, 0) / K;
  for (let k = 0; k < K; k++) intercept[k] = intercept[k]! - shift;

  const check = (name: string, Xnew: FeatureMatrix): void => {
    validateMatrix(name, Xnew);
    if (Xnew.cols !== F) throw new InputError(`${name}: X has ${Xnew.cols} columns; expected ${F}, as in training`);
  };
  const decisionFunction = (Xnew: FeatureMatrix): Float64Array => {
    check('decisionFunction', Xnew);
    return softmaxScores(Xnew, coef, intercept, K);
  };
  const predictProba = (Xnew: FeatureMatrix): Float64Array => {
    check('predictProba', Xnew);
    const z = softmaxScores(Xnew, coef, intercept, K);
    softmaxInPlace(z, K);
    return z;
  };
  const predict = (Xnew: FeatureMatrix): Int32Array => {
    check('predict', Xnew);
    return rowArgmax(softmaxScores(Xnew, coef, intercept, K), K);
  };
  return {
    classCount: K,
    coef,
    intercept,
    iterations: result.iterations,
    converged: result.converged,
    gradientNorm: result.gradientNorm,
    decisionFunction,
    predictProba,
    predict,
  };
}

// ─── A classifier on class names: standardise, then scikit-learn's LogisticRegression ───

/** A class label as a file spells it (the readers give strings) or as a number. */
export type ClassLabel = string | number;

export interface ClassifierOptions {
  /** Inverse regularisation strength (default 1, scikit-learn's). */
  C?: number;
  /** Standardise each feature by the training mean and population std first (default true). */
  standardize?: boolean;
  /** L-BFGS iterations allowed (default 10000; a cap against endless loops, not a stopping rule). */
  maxIterations?: number;
  /** Relative gradient tolerance (default 1e-10), as in fitMultinomialLogisticRegression. */
  tolerance?: number;
}

export interface Classifier<L extends ClassLabel> {
  /** The distinct training labels in np.unique's order: numbers ascending, strings by code point. */
  classes: L[];
  /** The fitted standardiser, or null when `standardize` was false. */
  standardizer: Standardizer | null;
  /**
   * scikit-learn's coef_, on the standardised features: (1, F) for two classes (the binary
   * objective; positive scores mean classes[1]), (classes.length, F) otherwise.
   */
  coef: Float64Array;
  /** scikit-learn's intercept_: 1 value for two classes, one per class otherwise. */
  intercept: Float64Array;
  iterations: number;
  converged: boolean;
  gradientNorm: number;
  /** (rows, classes.length) row-major, columns in `classes` order, each row summing to 1. */
  predictProba(X: FeatureMatrix): Float64Array;
  /** The most probable class of each row (the first in `classes` order on ties). */
  predict(X: FeatureMatrix): L[];
}

/** Compare by Unicode code point, as numpy orders strings (JS's `<` compares UTF-16 units). */
function compareCodePoints(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0)!);
  const y = Array.from(b, (c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

/** The distinct labels sorted as np.unique sorts them; all numbers or all strings. */
export function sortedClasses<L extends ClassLabel>(labels: readonly L[]): L[] {
  const distinct = [...new Set(labels)];
  const numbers = distinct.filter((label) => typeof label === 'number');
  if (numbers.length > 0 && numbers.length < distinct.length) {
    throw new InputError(`classes: the labels mix numbers and strings (${String(numbers[0])} and ${JSON.stringify(distinct.find((l) => typeof l === 'string'))}); expected one kind`);
  }
  for (const label of numbers) {
    if (!Number.isFinite(label)) throw new InputError(`classes: label ${label} is not a finite number`);
  }
  return numbers.length > 0
    ? distinct.sort((a, b) => (a as number) - (b as number))
    : distinct.sort((a, b) => compareCodePoints(a as string, b as string));
}

/**
 * scikit-learn's `make_pipeline(StandardScaler(), LogisticRegression(C=C))` on labels of
 * any kind. With three or more classes it solves the multinomial objective. With two it
 * solves the binary one, 0.5‖w‖² + C Σ logloss, as scikit-learn does; that is the same
 * problem as the two-class multinomial one at C/2 (at the optimum W = [−w/2, w/2] and
 * b = [−c/2, c/2], so 0.5‖W‖² = 0.25‖w‖², and softmax(±z/2) = σ(±z); doubling the objective
 * gives back C), so one solver serves both, and w = W₁ − W₀, c = b₁ − b₀.
 */
export function fitClassifier<L extends ClassLabel>(
  features: FeatureMatrix,
  labels: readonly L[],
  options: ClassifierOptions = {},
): Classifier<L> {
  const what = 'fitClassifier';
  const C = options.C ?? 1;
  if (!(Number.isFinite(C) && C > 0)) throw new InputError(`${what}: C is ${C}; expected a positive finite number`);
  validateMatrix(what, features);
  if (labels.length !== features.rows) {
    throw new InputError(`${what}: ${labels.length} labels for ${features.rows} rows; expected one label per row`);
  }
  const classes = sortedClasses(labels);
  if (classes.length < 2) {
    throw new InputError(`${what}: every label is ${JSON.stringify(classes[0])}; expected at least two classes`);
  }
  const K = classes.length;
  const indexOf = new Map(classes.map((label, k) => [label, k] as const));
  const y = Int32Array.from(labels, (label) => indexOf.get(label)!);
  const standardizer = (options.standardize ?? true) ? fitStandardizer(features) : null;
  const X = standardizer ? standardizer.transform(features) : features;
  const binary = K === 2;
  const model = fitMultinomialLogisticRegression(X, y, {
    C: binary ? C / 2 : C,
    classCount: K,
    ...(options.maxIterations !== undefined && { maxIterations: options.maxIterations }),
    ...(options.tolerance !== undefined && { tolerance: options.tolerance }),
  });

  const F = features.cols;
  let coef = model.coef;
  let intercept = model.intercept;
  if (binary) {
    coef = new Float64Array(F);
    for (let j = 0; j < F; j++) coef[j] = model.coef[F + j]! - model.coef[j]!;
    intercept = Float64Array.of(model.intercept[1]! - model.intercept[0]!);
  }
  return classifierFromParameters(
    { classes, standardizer, coef, intercept },
    { iterations: model.iterations, converged: model.converged, gradientNorm: model.gradientNorm },
  );
}

/** What a fitted Classifier is, apart from how its fit went: enough to predict (and to save). */
export type ClassifierParameters<L extends ClassLabel> = Pick<Classifier<L>, 'classes' | 'standardizer' | 'coef' | 'intercept'>;

/**
 * The classifier these parameters describe (fitClassifier's, or one saved and read back):
 * scores X·coefᵀ + intercept on the standardised features, then softmax; with two classes
 * the scores are [0, X·w + c], whose softmax is scikit-learn's [1 − σ, σ]. Fitted and
 * loaded classifiers predict through this one function, so they agree bit for bit.
 */
export function classifierFromParameters<L extends ClassLabel>(
  p: ClassifierParameters<L>,
  fit: Pick<Classifier<L>, 'iterations' | 'converged' | 'gradientNorm'> = { iterations: 0, converged: true, gradientNorm: 0 },
): Classifier<L> {
  const K = p.classes.length;
  const rows = K === 2 ? 1 : K;
  const F = p.coef.length / rows;
  if (K < 2 || !Number.isInteger(F) || F < 1 || p.intercept.length !== rows) {
    throw new InputError(`classifier: ${K} classes with ${p.coef.length} coefficients and ${p.intercept.length} intercepts; expected (${rows}, F) and ${rows}`);
  }
  if (p.standardizer && p.standardizer.mean.length !== F) {
    throw new InputError(`classifier: a standardiser of ${p.standardizer.mean.length} features for coefficients of ${F}; expected the same count`);
  }
  const scores = (X: FeatureMatrix, what: string): Float64Array => {
    validateMatrix(what, X);
    if (X.cols !== F) throw new InputError(`${what}: X has ${X.cols} columns; expected ${F}, as in training`);
    const Z = p.standardizer ? p.standardizer.transform(X) : X;
    if (K > 2) return softmaxScores(Z, p.coef, p.intercept, K);
    const z = new Float64Array(2 * X.rows);
    const d = softmaxScores(Z, p.coef, p.intercept, 1);
    for (let i = 0; i < X.rows; i++) z[2 * i + 1] = d[i]!;
    return z;
  };
  return {
    ...p,
    ...fit,
    predictProba: (X) => {
      const z = scores(X, 'predictProba');
      softmaxInPlace(z, K);
      return z;
    },
    predict: (X) => Array.from(rowArgmax(scores(X, 'predict'), K), (k) => p.classes[k]!),
  };
}
