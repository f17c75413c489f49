import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pca, symmetricEigen } from '../src/analysis/pca.js';
import { maxAbsDifference } from '../src/analysis/metrics.js';
import { InputError } from '../src/input-error.js';

/** 3×3 rotation R = Rx(50°) · Rz(30°), row-major; its columns are the cloud's true axes. */
function rotation(): number[][] {
  const a = (30 * Math.PI) / 180;
  const b = (50 * Math.PI) / 180;
  const Rz = [[Math.cos(a), -Math.sin(a), 0], [Math.sin(a), Math.cos(a), 0], [0, 0, 1]];
  const Rx = [[1, 0, 0], [0, Math.cos(b), -Math.sin(b)], [0, Math.sin(b), Math.cos(b)]];
  return Rx.map((row) => [0, 1, 2].map((c) => row.reduce((sum, v, k) => sum + v * Rz[k]![c]!, 0)));
}

/** Sign convention of pca(): the largest-|loading| entry positive. */
function withConventionalSign(v: number[]): number[] {
  const largest = v.reduce((best, x, j) => (Math.abs(x) > Math.abs(v[best]!) ? j : best), 0);
  return v[largest]! < 0 ? v.map((x) => -x) : v;
}

test('a rotated box of points: axes, variances and projections are known exactly', () => {
  // The 8 corners (±3, ±1, ±0.2): their columns are orthogonal with zero mean, so the sample
  // covariance is exactly diag(9, 1, 0.04)·8/7. Rotate by R and shift: the principal axes
  // are R's columns and the variances are unchanged.
  const scales = [3, 1, 0.2];
  const R = rotation();
  const shift = [5, -2, 0.5];
  const corners: number[][] = [];
  for (const s0 of [-1, 1]) for (const s1 of [-1, 1]) for (const s2 of [-1, 1]) corners.push([s0 * scales[0]!, s1 * scales[1]!, s2 * scales[2]!]);
  const rotated = corners.map((p) => [0, 1, 2].map((r) => R[r]!.reduce((sum, v, k) => sum + v * p[k]!, 0) + shift[r]!));

  const result = pca({ data: rotated.flat(), rows: 8, cols: 3 }, 3);
  const variances = scales.map((s) => (s * s * 8) / 7);
  assert.ok(maxAbsDifference(result.explainedVariance, variances) < 1e-12, `${result.explainedVariance}`);
  const total = variances.reduce((a, b) => a + b);
  assert.ok(maxAbsDifference(result.explainedVarianceRatio, variances.map((v) => v / total)) < 1e-12);
  assert.ok(maxAbsDifference(result.mean, shift) < 1e-12);

  const axes = [0, 1, 2].map((c) => withConventionalSign(R.map((row) => row[c]!)));
  assert.ok(maxAbsDifference(result.components, axes.flat()) < 1e-12, `${result.components}`);
  // Projection onto axis c is the corner's c-th coordinate, up to the axis's sign.
  const signs = [0, 1, 2].map((c) => Math.sign(axes[c]!.reduce((sum, v, r) => sum + v * R[r]![c]!, 0)));
  const expected = corners.map((p) => p.map((v, c) => signs[c]! * v));
  assert.ok(maxAbsDifference(result.projections, expected.flat()) < 1e-12);
});

test('a Gaussian cloud in 5-D: projections are uncorrelated with the reported variances', () => {
  // Deterministic normal draws (Park-Miller + Box-Muller), scaled per axis and mixed by a fixed matrix.
  let state = 12345;
  const uniform = () => ((state = (state * 16807) % 2147483647), state / 2147483647);
  const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const N = 400;
  const F = 5;
  const mix = [[1, 0.5, 0, 0, 0.2], [0, 1, 0.3, 0, 0], [0.1, 0, 1, 0.4, 0], [0, 0, 0, 1, 0.6], [0.3, 0, 0, 0, 1]];
  const sd = [4, 2, 1, 0.5, 0.1];
  const data = new Float64Array(N * F);
  for (let i = 0; i < N; i++) {
    const z = sd.map((s) => s * normal());
    for (let j = 0; j < F; j++) data[i * F + j] = mix[j]!.reduce((sum, m, k) => sum + m * z[k]!, 0);
  }
  const { projections, components, explainedVariance, explainedVarianceRatio } = pca({ data, rows: N, cols: F });
  assert.equal(projections.length, N * 2);
  assert.ok(explainedVariance[0]! > explainedVariance[1]!);
  // Sample covariance of the two projection columns: diag(explainedVariance), off-diagonal 0.
  const cov = (a: number, b: number) => {
    let sum = 0;
    for (let i = 0; i < N; i++) sum += projections[i * 2 + a]! * projections[i * 2 + b]!;
    return sum / (N - 1);
  };
  assert.ok(Math.abs(cov(0, 0) - explainedVariance[0]!) < 1e-9 * explainedVariance[0]!);
  assert.ok(Math.abs(cov(1, 1) - explainedVariance[1]!) < 1e-9 * explainedVariance[0]!);
  assert.ok(Math.abs(cov(0, 1)) < 1e-9 * explainedVariance[0]!);
  // Orthonormal components; the total variance, recomputed here, bounds the ratios.
  const dot = (a: number, b: number) => [0, 1, 2, 3, 4].reduce((s, j) => s + components[a * F + j]! * components[b * F + j]!, 0);
  assert.ok(Math.abs(dot(0, 0) - 1) < 1e-12 && Math.abs(dot(1, 1) - 1) < 1e-12 && Math.abs(dot(0, 1)) < 1e-12);
  let total = 0;
  for (let j = 0; j < F; j++) {
    let mean = 0;
    for (let i = 0; i < N; i++) mean += data[i * F + j]! / N;
    for (let i = 0; i < N; i++) total += (data[i * F + j]! - mean) ** 2 / (N - 1);
  }
  assert.ok(Math.abs(explainedVarianceRatio[0]! - explainedVariance[0]! / total) < 1e-12);
  // scikit-learn's PCA(2) on this same data (run once by hand; it is not needed to run the test):
  // explained_variance_ [18.823258268920156, 3.7834555600425346], ratios [0.7885674378112125, 0.15850124428147072].
  assert.ok(maxAbsDifference(explainedVariance, [18.823258268920156, 3.7834555600425346]) < 1e-10);
  assert.ok(maxAbsDifference(explainedVarianceRatio, [0.7885674378112125, 0.15850124428147072]) < 1e-12);
});

test('symmetricEigen: A v = λ v on a small matrix with known eigenvalues', () => {
  // [[2,1,0],[1,2,0],[0,0,5]] has eigenvalues 1, 3, 5.
  const A = [2, 1, 0, 1, 2, 0, 0, 0, 5];
  const { values, vectors } = symmetricEigen(A, 3);
  assert.ok(maxAbsDifference([...values].sort((a, b) => a - b), [1, 3, 5]) < 1e-14, `${values}`);
  for (let c = 0; c < 3; c++) {
    const v = [0, 1, 2].map((r) => vectors[r * 3 + c]!);
    const Av = [0, 1, 2].map((r) => A[r * 3]! * v[0]! + A[r * 3 + 1]! * v[1]! + A[r * 3 + 2]! * v[2]!);
    assert.ok(maxAbsDifference(Av, v.map((x) => values[c]! * x)) < 1e-14, `column ${c}`);
    assert.ok(Math.abs(Math.hypot(...v) - 1) < 1e-14);
  }
});

test('bad input is an InputError', () => {
  assert.throws(() => pca({ data: [1, 2, 3], rows: 3, cols: 1 }, 2), /k is 2; expected an integer from 1 to 1/);
  assert.throws(() => pca({ data: [1, 2], rows: 1, cols: 2 }), InputError);
  assert.throws(() => pca({ data: [1, Infinity, 3, 4], rows: 2, cols: 2 }), /non-finite/);
});
