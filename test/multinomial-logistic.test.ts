import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  fitClassifier,
  fitLogisticRegression,
  fitMultinomialLogisticRegression,
  sortedClasses,
} from '../src/analysis/logistic-regression.js';
import { fitStandardizer } from '../src/analysis/standardize.js';
import { accuracy } from '../src/analysis/metrics.js';
import { InputError } from '../src/input-error.js';
import { assertClose } from './assert-close.js';

const fixture = <T>(name: string): T => JSON.parse(readFileSync(new URL(`../../test/fixtures/${name}`, import.meta.url), 'utf8')) as T;

// scikit-learn 1.2.1, LogisticRegression(C=1) multinomial, lbfgs (see test/fixtures/README.md).
const sklearn = fixture<{ X: number[][]; y: number[]; classes: number[]; coef: number[][]; intercept: number[]; proba: number[][]; train_accuracy: number }>(
  'logistic-regression-multinomial-sklearn.json',
);
// The exact optimum of the same objective on the same data: scipy L-BFGS-B, then numpy Newton (max|∇J| ≤ 2e-14).
interface Optimum { C: number; coef: number[][]; intercept: number[]; objective: number; max_abs_gradient: number }
const optimum = fixture<{ raw_C1: Optimum & { proba: number[][] }; raw_C01: Optimum; standardized_C1: Optimum & { mean: number[]; scale: number[] } }>(
  'logistic-regression-multinomial-optimum-scipy.json',
);
const X = { data: sklearn.X.flat(), rows: sklearn.X.length, cols: sklearn.X[0]!.length };
const K = sklearn.classes.length;

/** J = 0.5‖W‖² + C Σ −log softmax(Wx + b)[y], written out again here, independently of the library. */
function objective(W: ArrayLike<number>, b: ArrayLike<number>, C: number): number {
  let J = 0;
  for (let m = 0; m < W.length; m++) J += 0.5 * W[m]! * W[m]!;
  for (let i = 0; i < X.rows; i++) {
    const z = Array.from({ length: K }, (_, k) => b[k]! + sklearn.X[i]!.reduce((s, x, j) => s + x * W[k * X.cols + j]!, 0));
    const top = Math.max(...z);
    J += C * (top + Math.log(z.reduce((s, v) => s + Math.exp(v - top), 0)) - z[sklearn.y[i]!]!);
  }
  return J;
}

test('multinomial C=1 reaches the exact optimum: coefficients, intercepts, probabilities', () => {
  const model = fitMultinomialLogisticRegression(X, sklearn.y);
  assert.ok(model.converged, `gradient ${model.gradientNorm} after ${model.iterations} iterations`);
  assert.equal(model.classCount, 4);
  assertClose(model.coef, optimum.raw_C1.coef.flat(), 1e-6, 'coef');
  assertClose(model.intercept, optimum.raw_C1.intercept, 1e-6, 'intercept');
  assertClose(model.predictProba(X), optimum.raw_C1.proba.flat(), 1e-7, 'proba');
  assert.ok(Math.abs(model.intercept.reduce((s, v) => s + v, 0)) < 1e-12, 'intercepts sum to zero');
  assert.ok(Math.abs(objective(model.coef, model.intercept, 1) - optimum.raw_C1.objective) < 1e-9);
});

test('multinomial C=1 agrees with scikit-learn as far as scikit-learn converged', () => {
  // scikit-learn stopped short (max_iter=100 by default, or scipy's ftol): max|∇J| = 3.1e-4 at its own coef, about
  // 3.3e-4 from the optimum in the intercepts (the solution above, and scipy's, agree to 1e-7 there).
  // So: coef to the 1e-4 asked for, intercepts and probabilities to what its residual allows, and
  // never a worse objective than scikit-learn's.
  const model = fitMultinomialLogisticRegression(X, sklearn.y);
  assertClose(model.coef, sklearn.coef.flat(), 1e-4, 'coef vs sklearn');
  assertClose(model.intercept, sklearn.intercept, 5e-4, 'intercept vs sklearn');
  assertClose(model.predictProba(X), sklearn.proba.flat(), 5e-5, 'proba vs sklearn');
  assert.equal(accuracy(sklearn.y, model.predict(X)), sklearn.train_accuracy);
  const ours = objective(model.coef, model.intercept, 1);
  const theirs = objective(sklearn.coef.flat(), sklearn.intercept, 1);
  assert.ok(ours <= theirs, `objective ${ours} vs scikit-learn's ${theirs}`);
});

test('multinomial C=0.1: the optimum, and the stationarity conditions checked here', () => {
  const C = 0.1;
  const model = fitMultinomialLogisticRegression(X, sklearn.y, { C });
  assert.ok(model.converged);
  assertClose(model.coef, optimum.raw_C01.coef.flat(), 1e-6, 'coef C=0.1');
  assertClose(model.intercept, optimum.raw_C01.intercept, 1e-6, 'intercept C=0.1');
  // At the optimum W_k = −C Σ_i (p_ik − [y_i = k]) x_i and Σ_i (p_ik − [y_i = k]) = 0.
  const p = model.predictProba(X);
  for (let k = 0; k < K; k++) {
    let interceptGradient = 0;
    const w = new Float64Array(X.cols);
    for (let i = 0; i < X.rows; i++) {
      const r = p[i * K + k]! - (sklearn.y[i] === k ? 1 : 0);
      interceptGradient += r;
      for (let j = 0; j < X.cols; j++) w[j] = w[j]! - C * r * sklearn.X[i]![j]!;
    }
    assert.ok(Math.abs(interceptGradient) < 1e-7, `class ${k}: Σ(p − y) = ${interceptGradient}`);
    assertClose(model.coef.subarray(k * X.cols, (k + 1) * X.cols), w, 1e-8, `class ${k}: W = −C Xᵀ(p − y)`);
  }
});

test('fitClassifier standardises first: StandardScaler + LogisticRegression', () => {
  const classifier = fitClassifier(X, sklearn.y);
  const s = optimum.standardized_C1;
  assert.ok(classifier.standardizer !== null);
  assertClose(classifier.standardizer.mean, s.mean, 1e-12, 'mean');
  assertClose(classifier.standardizer.scale, s.scale, 1e-12, 'population std');
  assertClose(classifier.coef, s.coef.flat(), 1e-6, 'coef on standardised features');
  assertClose(classifier.intercept, s.intercept, 1e-6, 'intercept on standardised features');
  assert.deepEqual(classifier.classes, [0, 1, 2, 3]);
  // Predictions: the argmax of the reference's scores on the reference's standardised rows.
  const expected = sklearn.X.map((x) => {
    const scores = s.coef.map((w, k) => s.intercept[k]! + w.reduce((sum, wj, j) => sum + (wj * (x[j]! - s.mean[j]!)) / s.scale[j]!, 0));
    return scores.indexOf(Math.max(...scores));
  });
  assert.deepEqual(classifier.predict(X), expected);
});

test('fitClassifier on class names keeps np.unique order, and the probabilities follow it', () => {
  const names = ['walking', 'badminton', 'standing', 'running']; // index k of the fixture → a name
  const labels = sklearn.y.map((k) => names[k]!);
  const classifier = fitClassifier(X, labels, { standardize: false });
  assert.deepEqual(classifier.classes, ['badminton', 'running', 'standing', 'walking']);
  assert.equal(classifier.standardizer, null);
  const proba = classifier.predictProba(X);
  const order = classifier.classes.map((name) => names.indexOf(name)); // column c holds fixture class order[c]
  const expected = optimum.raw_C1.proba.flatMap((row) => order.map((k) => row[k]!));
  assertClose(proba, expected, 1e-7, 'proba columns in class-name order');
  assert.deepEqual(classifier.predict(X), labels); // training accuracy is 1 on this set
});

test('two classes: the binary objective, as scikit-learn solves it, matches its fixture and the Newton solver', () => {
  const binary = fixture<{ X: number[][]; y: number[]; coef: number[]; intercept: number; proba_class1: number[] }>('logistic-regression-sklearn.json');
  const Xb = { data: binary.X.flat(), rows: binary.X.length, cols: binary.X[0]!.length };
  const classifier = fitClassifier(Xb, binary.y, { standardize: false });
  assert.ok(classifier.converged);
  assert.deepEqual(classifier.classes, [0, 1]);
  assertClose(classifier.coef, binary.coef, 1e-4, 'binary coef vs sklearn');
  assertClose(classifier.intercept, [binary.intercept], 1e-4, 'binary intercept vs sklearn');
  const proba = classifier.predictProba(Xb);
  assertClose(proba.filter((_, m) => m % 2 === 1), binary.proba_class1, 1e-5, 'P(class 1) vs sklearn');
  const newton = fitLogisticRegression(Xb, binary.y);
  assertClose(classifier.coef, newton.coef, 1e-7, 'binary coef vs Newton');
  assertClose(classifier.intercept, [newton.intercept], 1e-7, 'binary intercept vs Newton');
});

test('sortedClasses sorts as np.unique: numbers numerically, strings by code point', () => {
  assert.deepEqual(sortedClasses([10, 9, 100, 9, 2]), [2, 9, 10, 100]);
  assert.deepEqual(sortedClasses(['10', '9', 'b', 'B', '9']), ['10', '9', 'B', 'b']);
  // U+FF01 < U+1F600 by code point, though the latter's first UTF-16 unit (0xD83D) is smaller.
  assert.deepEqual(sortedClasses(['\u{1F600}', '\uFF01']), ['\uFF01', '\u{1F600}']);
  assert.throws(() => sortedClasses<string | number>([1, 'a']), /mix numbers and strings/);
});

test('standardizer: hand-checked means and population stds; a constant column is only centred', () => {
  // column 0: 1, 3, 5 → mean 3, std √(8/3); column 1: constant 5 → scale 1; column 2: 2, 2, 8 → mean 4, std √8
  const standardizer = fitStandardizer({ data: [1, 5, 2, 3, 5, 2, 5, 5, 8], rows: 3, cols: 3 });
  assertClose(standardizer.mean, [3, 5, 4], 1e-15, 'mean');
  assertClose(standardizer.scale, [Math.sqrt(8 / 3), 1, Math.sqrt(8)], 1e-15, 'scale');
  const out = standardizer.transform({ data: [3, 7, 4 + Math.sqrt(8)], rows: 1, cols: 3 });
  assertClose(out.data, [0, 2, 1], 1e-15, 'transform of a new row');
  assert.throws(() => standardizer.transform({ data: [1, 2], rows: 1, cols: 2 }), /2 columns; expected 3/);
});

test('bad input is an InputError naming what was wrong', () => {
  const small = { data: [0, 1, 2, 3, 4, 5], rows: 6, cols: 1 };
  assert.throws(() => fitMultinomialLogisticRegression(small, [0, 1, 2, 0, 1, 3], { classCount: 3 }), /y\[5\] is 3; expected a class index in 0\.\.2/);
  assert.throws(() => fitMultinomialLogisticRegression(small, [0, 0, 2, 0, 2, 2]), /class 1 has no samples/);
  assert.throws(() => fitMultinomialLogisticRegression(small, [0, 1, 2], {}), /y has 3 labels but X has 6 rows/);
  assert.throws(() => fitClassifier(small, ['a', 'a', 'a', 'a', 'a', 'a']), /every label is "a"; expected at least two classes/);
  assert.throws(() => fitClassifier(small, ['a', 'b', 'c', 'a', 'b', 'c'], { C: -1 }), InputError);
  const classifier = fitClassifier(small, ['a', 'b', 'c', 'a', 'b', 'c']);
  assert.throws(() => classifier.predict({ data: [1, 2], rows: 1, cols: 2 }), /2 columns; expected 1/);
});
