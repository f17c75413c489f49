import { test } from 'node:test';
import assert from 'node:assert/strict';
import { glorotUniform, orthogonal, unitForgetBias } from '../src/ops/initializers.js';
import { RandomState } from '../src/ops/random-state.js';
import { assertClose } from './assert-close.js';

// numpy's values below are the first (or last) few of each matrix: the slices say which.

test('glorot_uniform draws numpy’s uniform(-limit, limit) in row-major order', () => {
  const out = new Float64Array(3 * 8);
  glorotUniform(out, 3, 8, new RandomState(0));
  // numpy: lim = sqrt(6/11); np.random.RandomState(0).uniform(-lim, lim, (3, 8)).ravel()[:6]
  assertClose(out.subarray(0, 6), [0.07210232, 0.31785576, 0.15179157, 0.06629685, -0.11276933, 0.21549989], 1e-8, 'glorot', '<');
});

test('glorot_uniform stays within its limit with the mean and variance of U(-limit, limit)', () => {
  const fanIn = 50;
  const fanOut = 200;
  const out = new Float32Array(fanIn * fanOut);
  glorotUniform(out, fanIn, fanOut, new RandomState(3));
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  let sum = 0;
  let sumSq = 0;
  for (const v of out) {
    assert.ok(v >= -limit && v <= limit, `${v} outside ±${limit}`);
    sum += v;
    sumSq += v * v;
  }
  const mean = sum / out.length;
  const variance = sumSq / out.length - mean * mean;
  // the mean's standard error is about 9e-4; the variance should be limit^2/3 = 2/(fanIn+fanOut)
  assert.ok(Math.abs(mean) < 4e-3, `mean ${mean}`);
  assert.ok(Math.abs(variance / (2 / (fanIn + fanOut)) - 1) < 0.03, `variance ${variance}`);
});

function maxGramError(m: Float32Array | Float64Array, rows: number, cols: number, ofRows: boolean): number {
  const count = ofRows ? rows : cols;
  const length = ofRows ? cols : rows;
  const at = (vector: number, k: number) => (ofRows ? m[vector * cols + k]! : m[k * cols + vector]!);
  let worst = 0;
  for (let a = 0; a < count; a++) {
    for (let b = 0; b < count; b++) {
      let dot = 0;
      for (let k = 0; k < length; k++) dot += at(a, k) * at(b, k);
      worst = Math.max(worst, Math.abs(dot - (a === b ? 1 : 0)));
    }
  }
  return worst;
}

test('orthogonal (L,4L): rows orthonormal and the same matrix as Keras’s recipe in numpy', () => {
  const out = new Float32Array(10 * 40);
  orthogonal(out, 10, 40, new RandomState(1));
  assert.ok(maxGramError(out, 10, 40, true) < 1e-6);
  // numpy: a = RandomState(1).standard_normal((40, 10)); q, r = qr(a); (q * sign(diag(r))).T
  assertClose(out.subarray(0, 5), [0.29032432, 0.26132712, -0.1967171, -0.12362269, -0.03428737], 1e-6, 'orthogonal', '<');
  assertClose(out.subarray(397), [0.25998949, -0.07275754, 0.28064777], 1e-6, 'orthogonal tail', '<');
});

test('orthogonal square matrix: orthonormal columns and rows, numpy’s values', () => {
  const out = new Float64Array(36);
  orthogonal(out, 6, 6, new RandomState(2));
  assert.ok(maxGramError(out, 6, 6, false) < 1e-12);
  assert.ok(maxGramError(out, 6, 6, true) < 1e-12);
  assertClose(out.subarray(0, 4), [-0.38450398, -0.1834905, -0.54647902, 0.66292912], 1e-8, 'orthogonal square', '<');
});

test('unit_forget_bias: zeros with the forget block (the second L of i,f,c,o) at 1', () => {
  const bias = new Float32Array(12).fill(7);
  unitForgetBias(bias, 3);
  assert.deepEqual([...bias], [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
});
