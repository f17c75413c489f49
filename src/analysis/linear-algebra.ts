// Linear algebra for the statistics: Cholesky (solves, inverses) and L-BFGS, in float64 over
// flat row-major arrays. One home, for logistic regression (Newton steps, L-BFGS) and the
// anomaly scorer's error Gaussian.

/** A row-major matrix of samples (rows) by features (cols). */
export interface FeatureMatrix {
  data: ArrayLike<number>;
  rows: number;
  cols: number;
}

/** L (lower, row-major) with A = L Lᵀ, or the pivot where A turns out not positive definite. */
function choleskyFactor(a: Float64Array, n: number): { l: Float64Array } | { pivot: number; value: number } {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * n + j]!;
      for (let k = 0; k < j; k++) sum -= l[i * n + k]! * l[j * n + k]!;
      if (i === j) {
        if (!(sum > 0)) return { pivot: i, value: sum };
        l[i * n + i] = Math.sqrt(sum);
      } else l[i * n + j] = sum / l[j * n + j]!;
    }
  }
  return { l };
}

/** The Cholesky factor L (lower, row-major) of a symmetric positive definite matrix, Σ = L Lᵀ. */
export function cholesky(a: Float64Array, n: number): Float64Array {
  const factor = choleskyFactor(a, n);
  if ('pivot' in factor) throw new Error(`cholesky: matrix not positive definite at pivot ${factor.pivot} (${factor.value})`);
  return factor.l;
}

/** The inverse of a symmetric positive definite matrix, through its Cholesky factor. */
export function inverseSpd(a: Float64Array, n: number): Float64Array {
  const l = cholesky(a, n);
  // L⁻¹ by forward substitution, column by column; then Σ⁻¹ = L⁻ᵀ L⁻¹
  const li = new Float64Array(n * n);
  for (let c = 0; c < n; c++) {
    for (let i = c; i < n; i++) {
      let sum = i === c ? 1 : 0;
      for (let k = c; k < i; k++) sum -= l[i * n + k]! * li[k * n + c]!;
      li[i * n + c] = sum / l[i * n + i]!;
    }
  }
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = 0;
      for (let k = i; k < n; k++) sum += li[k * n + i]! * li[k * n + j]!;
      inv[i * n + j] = sum;
      inv[j * n + i] = sum;
    }
  }
  return inv;
}

/** Solve A x = rhs for symmetric positive definite A (n×n) by Cholesky; null if A is not positive definite. */
export function choleskySolve(A: Float64Array, rhs: Float64Array, n: number): Float64Array | null {
  const factor = choleskyFactor(A, n);
  if ('pivot' in factor) return null;
  const Lower = factor.l;
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

/** The largest absolute value in v. */
export function maxAbs(v: Float64Array): number {
  let largest = 0;
  for (const x of v) largest = Math.max(largest, Math.abs(x));
  return largest;
}

/** The dot product of two vectors of one length. */
export function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let m = 0; m < a.length; m++) sum += a[m]! * b[m]!;
  return sum;
}

export interface LbfgsResult {
  theta: Float64Array;
  iterations: number;
  converged: boolean;
  gradientNorm: number;
}

/**
 * L-BFGS (Nocedal & Wright, Algorithm 7.4, memory 10 as scipy's default) for a smooth
 * convex f. The line search brackets a step meeting the weak Wolfe conditions (so sᵀy > 0
 * and the update stays positive definite); near the optimum, where float64 can no longer
 * see f decrease, it accepts Hager & Zhang's approximate Wolfe conditions instead, which
 * judge by the directional derivative. That is what lets the gradient go to ~1e-10.
 */
export function minimizeLbfgs(
  f: (theta: Float64Array, gradient: Float64Array) => number,
  theta0: Float64Array,
  maxIterations: number,
  tolerance: number,
): LbfgsResult {
  const n = theta0.length;
  const memory = 10;
  const c1 = 1e-4;
  const c2 = 0.9;
  const sHistory: Float64Array[] = [];
  const yHistory: Float64Array[] = [];
  const rhoHistory: number[] = [];

  let theta = theta0.slice();
  let gradient = new Float64Array(n);
  let J = f(theta, gradient);
  const threshold = tolerance * Math.max(1, maxAbs(gradient));
  let iterations = 0;
  let converged = maxAbs(gradient) <= threshold;
  const alpha = new Float64Array(memory);

  while (!converged && iterations < maxIterations) {
    // Two-loop recursion: d = −H ∇J, H0 = γ I with γ = sᵀy / yᵀy of the latest pair.
    const d = gradient.map((g) => -g);
    for (let h = sHistory.length - 1; h >= 0; h--) {
      const a = rhoHistory[h]! * dot(sHistory[h]!, d);
      alpha[h] = a;
      const yh = yHistory[h]!;
      for (let m = 0; m < n; m++) d[m] = d[m]! - a * yh[m]!;
    }
    const last = sHistory.length - 1;
    const gamma = last >= 0 ? 1 / (rhoHistory[last]! * dot(yHistory[last]!, yHistory[last]!)) : 1;
    for (let m = 0; m < n; m++) d[m] = d[m]! * gamma;
    for (let h = 0; h < sHistory.length; h++) {
      const beta = rhoHistory[h]! * dot(yHistory[h]!, d);
      const sh = sHistory[h]!;
      const a = alpha[h]!;
      for (let m = 0; m < n; m++) d[m] = d[m]! + (a - beta) * sh[m]!;
    }
    const slope = dot(gradient, d);
    if (!(slope < 0)) break; // not a descent direction: only float64 noise is left

    // Line search along d from t0: 1 once curvature is known, a unit-length first step otherwise.
    let t = last >= 0 ? 1 : Math.min(1, 1 / Math.sqrt(dot(gradient, gradient)));
    let low = 0;
    let high = Infinity;
    const thetaNext = new Float64Array(n);
    const gradientNext = new Float64Array(n);
    let JNext = J;
    let accepted = false;
    for (let trial = 0; trial < 60; trial++) {
      for (let m = 0; m < n; m++) thetaNext[m] = theta[m]! + t * d[m]!;
      JNext = f(thetaNext, gradientNext);
      const slopeNext = dot(gradientNext, d);
      const sufficientDecrease =
        JNext <= J + c1 * t * slope ||
        (JNext <= J + 1e-10 * Math.abs(J) && slopeNext <= (2 * c1 - 1) * slope); // approximate Wolfe
      if (sufficientDecrease && slopeNext >= c2 * slope) {
        accepted = true;
        break;
      }
      if (!sufficientDecrease || slopeNext >= 0) high = t;
      else low = t;
      t = Number.isFinite(high) ? (low + high) / 2 : 2 * t;
    }
    if (!accepted) break; // float64 cannot find a better point along d

    const s = new Float64Array(n);
    const yDiff = new Float64Array(n);
    for (let m = 0; m < n; m++) {
      s[m] = thetaNext[m]! - theta[m]!;
      yDiff[m] = gradientNext[m]! - gradient[m]!;
    }
    const sy = dot(s, yDiff);
    if (sy > 0) {
      if (sHistory.length === memory) {
        sHistory.shift();
        yHistory.shift();
        rhoHistory.shift();
      }
      sHistory.push(s);
      yHistory.push(yDiff);
      rhoHistory.push(1 / sy);
    }
    theta = thetaNext;
    gradient = gradientNext;
    J = JNext;
    iterations++;
    converged = maxAbs(gradient) <= threshold;
  }
  return { theta, iterations, converged, gradientNorm: maxAbs(gradient) };
}

