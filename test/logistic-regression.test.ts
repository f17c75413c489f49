import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fitLogisticRegression } from '../src/analysis/logistic-regression.js';
import { accuracy, maxAbsDifference } from '../src/analysis/metrics.js';
import { InputError } from '../src/input-error.js';

// scikit-learn LogisticRegression(C=1), lbfgs to tol 1e-12 (see test/fixtures/README.md).
const sklearn = JSON.parse(
  readFileSync(new URL('../../test/fixtures/logistic-regression-sklearn.json', import.meta.url), 'utf8'),
) as { X: number[][]; y: number[]; coef: number[]; intercept: number; proba_class1: number[]; train_accuracy: number };

const X = { data: sklearn.X.flat(), rows: sklearn.X.length, cols: sklearn.X[0]!.length };

const norm = (v: ArrayLike<number>) => Math.hypot(...Array.from(v));

test('C=1 matches scikit-learn: coefficients, intercept, probabilities, accuracy', () => {
  const model = fitLogisticRegression(X, sklearn.y);
  assert.ok(model.converged, `gradient norm ${model.gradientNorm} after ${model.iterations} iterations`);
  const coefDiff = maxAbsDifference(model.coef, sklearn.coef);
  assert.ok(coefDiff <= 1e-4, `coef max diff ${coefDiff}`);
  assert.ok(Math.abs(model.intercept - sklearn.intercept) <= 1e-4, `intercept ${model.intercept} vs ${sklearn.intercept}`);
  const probaDiff = maxAbsDifference(model.predictProba(X), sklearn.proba_class1);
  assert.ok(probaDiff <= 1e-5, `proba max diff ${probaDiff}`);
  assert.equal(accuracy(sklearn.y, model.predict(X)), sklearn.train_accuracy);
});

test('C=0.1 regularises harder: a smaller coefficient vector, and the gradient of its own objective is zero', () => {
  const strong = fitLogisticRegression(X, sklearn.y, { C: 0.1 });
  assert.ok(strong.converged);
  assert.ok(norm(strong.coef) < 0.9 * norm(sklearn.coef), `${norm(strong.coef)} vs ${norm(sklearn.coef)}`);
  // Optimality of 0.5‖w‖² + 0.1 Σ logloss, checked here independently: w = -0.1 Xᵀ(p - y), Σ(p - y) = 0.
  const p = strong.predictProba(X);
  let interceptGradient = 0;
  for (let i = 0; i < X.rows; i++) interceptGradient += p[i]! - sklearn.y[i]!;
  assert.ok(Math.abs(interceptGradient) < 1e-8, `Σ(p - y) = ${interceptGradient}`);
  for (let j = 0; j < X.cols; j++) {
    let wj = 0;
    for (let i = 0; i < X.rows; i++) wj -= 0.1 * (p[i]! - sklearn.y[i]!) * X.data[i * X.cols + j]!;
    assert.ok(Math.abs(wj - strong.coef[j]!) < 1e-8, `coef[${j}] ${strong.coef[j]} vs ${wj}`);
  }
});

test('perfectly separable data: the L2 term keeps the weights finite and accuracy is 1', () => {
  // Two well-separated clusters on a line, x in ±(2..4); any threshold between them separates.
  const xs = [-4, -3.5, -3, -2.5, -2, 2, 2.5, 3, 3.5, 4];
  const y = xs.map((x) => (x > 0 ? 1 : 0));
  const data = { data: xs, rows: xs.length, cols: 1 };
  const model = fitLogisticRegression(data, y);
  assert.ok(model.converged);
  assert.ok(Number.isFinite(model.coef[0]!) && Number.isFinite(model.intercept));
  assert.equal(accuracy(y, model.predict(data)), 1);
  // Stationarity w = -C Σ (p_i - y_i) x_i, recomputed here, pins the solution down.
  const p = model.predictProba(data);
  const w = -xs.reduce((sum, x, i) => sum + (p[i]! - y[i]!) * x, 0);
  assert.ok(Math.abs(w - model.coef[0]!) < 1e-9, `${w} vs ${model.coef[0]}`);
  // By symmetry of the data the intercept is 0.
  assert.ok(Math.abs(model.intercept) < 1e-9, `intercept ${model.intercept}`);
});

test('bad input is an InputError naming what was wrong', () => {
  const small = { data: [0, 1, 2, 3], rows: 4, cols: 1 };
  assert.throws(() => fitLogisticRegression(small, [0, 1, 2, 1]), /y\[2\] is 2; expected 0 or 1/);
  assert.throws(() => fitLogisticRegression(small, [0, 1, 1]), /y has 3 labels but X has 4 rows/);
  assert.throws(() => fitLogisticRegression({ ...small, data: [0, NaN, 2, 3] }, [0, 0, 1, 1]), /non-finite value NaN at row 1/);
  assert.throws(() => fitLogisticRegression(small, [1, 1, 1, 1]), /only class 1/);
  assert.throws(() => fitLogisticRegression(small, [0, 0, 1, 1], { C: 0 }), InputError);
  const model = fitLogisticRegression(small, [0, 0, 1, 1]);
  assert.throws(() => model.predict({ data: [1, 2], rows: 1, cols: 2 }), /X has 2 columns; expected 1/);
});
