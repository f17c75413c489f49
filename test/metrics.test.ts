import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accuracy, classCounts, confusionMatrix, maxAbsDifference, meanSquaredError, median } from '../src/analysis/metrics.js';
import { InputError } from '../src/input-error.js';

test('accuracy counts matching labels', () => {
  assert.equal(accuracy([0, 1, 1, 0], [0, 1, 0, 0]), 0.75);
  assert.equal(accuracy(new Int32Array([1, 1]), [1, 1]), 1);
  assert.throws(() => accuracy([0, 1], [0]), /lengths 2 and 1/);
  assert.throws(() => accuracy([], []), InputError);
});

test('confusion matrix: rows are true labels, columns predicted', () => {
  // true 0 predicted 0 twice, true 0 predicted 1 once, true 1 predicted 0 never, true 1 predicted 1 three times
  assert.deepEqual(confusionMatrix([0, 0, 0, 1, 1, 1], [0, 1, 0, 1, 1, 1]), [[2, 1], [0, 3]]);
  // three classes; class 2 is never predicted, and the implied size is 3
  assert.deepEqual(confusionMatrix([2, 0, 1, 2], [1, 0, 1, 0]), [[1, 0, 0], [0, 1, 0], [1, 1, 0]]);
  // an explicit class count keeps the 2×2 shape even when one class is absent
  assert.deepEqual(confusionMatrix([0, 0], [0, 0], 2), [[2, 0], [0, 0]]);
  assert.throws(() => confusionMatrix([0, 3], [0, 1], 2), /label 3 is not an integer in 0\.\.1/);
  assert.throws(() => confusionMatrix([0, 0.5], [0, 1]), InputError);
});

test('class counts', () => {
  assert.deepEqual(classCounts([1, 0, 1, 1, 2]), [1, 3, 1]);
  assert.deepEqual(classCounts([0, 0], 2), [2, 0]);
  assert.throws(() => classCounts([-1]), InputError);
});

test('mean squared error', () => {
  // differences 1, -2, 0, 3: squares 1 + 4 + 0 + 9 = 14, over 4
  assert.equal(meanSquaredError([1, 2, 3, 4], [0, 4, 3, 1]), 3.5);
  assert.throws(() => meanSquaredError([1], [1, 2]), InputError);
});

test('max abs difference, and NaN is never "close"', () => {
  assert.equal(maxAbsDifference([1, -2, 3], [1.5, -2, 0]), 3);
  assert.equal(maxAbsDifference(new Float32Array([0.5]), [0.25]), 0.25);
  assert.equal(maxAbsDifference([], []), 0);
  assert.ok(Number.isNaN(maxAbsDifference([1, NaN], [1, 2])));
  assert.throws(() => maxAbsDifference([1], []), InputError);
});

test('labels that are not class indices are refused before anything is sized by them', () => {
  assert.throws(() => confusionMatrix([0, 1.5], [0, 1]), InputError);
  assert.throws(() => classCounts([NaN]), InputError);
  assert.throws(() => confusionMatrix([0, 1e9], [0, 1]), /label 1000000000/);
});

test('median: the middle value, or the mean of the two middle ones (as numpy.median)', () => {
  assert.equal(median([0.03, 0.022, 0.028, 0.028, 0.027]), 0.028);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([7]), 7);
  assert.throws(() => median([]), /no values/);
});
