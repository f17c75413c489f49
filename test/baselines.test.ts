import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logisticOnRaw, oneNearestNeighbour, resampleLinear } from '../src/analysis/baselines.js';
import type { SeriesSet } from '../src/io/series-set.js';
import { assertClose } from './assert-close.js';

const set = (series: number[][], labels: string[] | undefined, source: string, channels = 1): SeriesSet => ({
  series: series.map((s) => Float64Array.from(s)),
  channels,
  ...(labels && { labels }),
  source,
});

test('resampleLinear: hand-computed interpolation, ends kept, equal length unchanged', () => {
  assert.deepEqual(Array.from(resampleLinear(Float64Array.of(0, 10), 1, 3)), [0, 5, 10]);
  // [0, 1, 4] to 5 steps: positions 0, 0.5, 1, 1.5, 2 → 0, 0.5, 1, 2.5, 4
  assert.deepEqual(Array.from(resampleLinear(Float64Array.of(0, 1, 4), 1, 5)), [0, 0.5, 1, 2.5, 4]);
  // Shrinking [0, 1, 2, 3, 4] to 3 steps picks positions 0, 2, 4.
  assert.deepEqual(Array.from(resampleLinear(Float64Array.of(0, 1, 2, 3, 4), 1, 3)), [0, 2, 4]);
  // Two channels interpolate each on its own: (0, 10), (2, 30) → (0, 10), (1, 20), (2, 30).
  assert.deepEqual(Array.from(resampleLinear(Float64Array.of(0, 10, 2, 30), 2, 3)), [0, 10, 1, 20, 2, 30]);
  assert.deepEqual(Array.from(resampleLinear(Float64Array.of(7), 1, 4)), [7, 7, 7, 7]);
  const same = Float64Array.of(3, 1, 4, 1, 5);
  assert.deepEqual(resampleLinear(same, 1, 5), same);
  assert.notEqual(resampleLinear(same, 1, 5), same); // a copy, not the caller's array
});

// A hand-made set where shifting matters: two peaks at different places are one class.
const train = set(
  [
    [0, 5, 0, 0, 0, 0], // 0 peak
    [0, 0, 0, 0, 0, 0], // 1 flat
    [0, 1, 2, 3, 4, 5], // 2 ramp
    [0, 0, 0, 0, 5, 0], // 3 peak
  ],
  ['peak', 'flat', 'ramp', 'peak'],
  'train.ts',
);
const test3 = set(
  [
    [0, 0, 0, 5, 0, 0], // a peak at step 3: Euclidean² to either peak 25 + 25 = 50, to flat 25; DTW 0 to both peaks
    [0, 1, 2, 3, 4, 5, 5, 5], // a longer ramp; resampled to 6: 0, 1.4, 2.8, 4.2, 5, 5 → Euclidean² to the ramp
    //                           0 + 0.16 + 0.64 + 1.44 + 1 + 0 = 3.24; DTW 0 (the last step repeats)
    [0, 0, 0], // flat and short: resampled to six zeros; 0 from flat either way
  ],
  ['peak', 'ramp', 'flat'],
  'test.ts',
);

test('1-NN Euclidean on the hand-made set: resampled to the longest training length', () => {
  const result = oneNearestNeighbour(train, test3, 'euclidean');
  assert.deepEqual(Array.from(result.neighbours), [1, 2, 1]);
  assert.deepEqual(result.predictions, ['flat', 'ramp', 'flat']);
  assertClose(result.distances, [5, 1.8, 0], 1e-12, 'distances');
  assert.equal(result.accuracy, 2 / 3);
});

test('1-NN DTW on the hand-made set: the shifted peak is found, ties go to the first', () => {
  const result = oneNearestNeighbour(train, test3, 'dtw');
  assert.deepEqual(Array.from(result.neighbours), [0, 2, 1]); // peaks 0 and 3 tie at 0: the first
  assert.deepEqual(result.predictions, ['peak', 'ramp', 'flat']);
  assert.deepEqual(Array.from(result.distances), [0, 0, 0]);
  assert.equal(result.accuracy, 1);
});

test('1-NN on two channels, and an unlabelled test set gives predictions without accuracy', () => {
  // (x, y) pairs per step; class by which channel carries the signal.
  const trainXY = set([[1, 0, 2, 0, 1, 0], [0, 1, 0, 2, 0, 1]], ['x', 'y'], 'xy-train.ts', 2);
  const testXY = set([[0, 1, 0, 2, 0, 2, 0, 1], [1, 0, 2, 0]], undefined, 'xy-test.ts', 2);
  for (const distance of ['euclidean', 'dtw'] as const) {
    const result = oneNearestNeighbour(trainXY, testXY, distance);
    assert.deepEqual(result.predictions, ['y', 'x'], distance);
    assert.equal(result.accuracy, null);
  }
  // DTW of (1,0),(2,0) against (1,0),(2,0),(1,0): the last step (1,0) matches (2,0) at cost 1.
  assert.equal(oneNearestNeighbour(trainXY, testXY, 'dtw').distances[1], 1);
});

test('logistic regression on raw series: unequal lengths resampled, levels told apart', () => {
  // Class 'high' sits near +1, 'low' near −1, at lengths 3 to 6; the test series at other lengths.
  const highs = [[1, 1.2, 0.8], [0.9, 1.1, 1, 1.3], [1.2, 0.8, 1, 1, 0.9], [1, 1, 1.1, 0.9, 1, 1.2]];
  const lows = highs.map((s) => s.map((v) => -v));
  const trainSet = set([...highs, ...lows], [...highs.map(() => 'high'), ...lows.map(() => 'low')], 'levels-train.ts');
  const testSet = set([[0.9, 1.1], [-1, -0.8, -1.2, -1, -1, -1, -0.9], [1, 1, 1, 1, 1, 1, 1, 1]], ['high', 'low', 'high'], 'levels-test.ts');
  const result = logisticOnRaw(trainSet, testSet);
  assert.equal(result.length, 6);
  assert.ok(result.converged);
  assert.deepEqual(result.predictions, ['high', 'low', 'high']);
  assert.equal(result.accuracy, 1);
});

test('bad input is an InputError naming the set', () => {
  const unlabelled = set([[1, 2]], undefined, 'nolabels.ts');
  assert.throws(() => oneNearestNeighbour(unlabelled, test3, 'dtw'), /training set nolabels\.ts has no class labels/);
  const twoChannels = set([[1, 2, 3, 4]], ['a'], 'two.ts', 2);
  assert.throws(() => oneNearestNeighbour(train, twoChannels, 'euclidean'), /test set two\.ts has 2 channels; expected 1/);
  assert.throws(() => logisticOnRaw(train, set([], [], 'empty.ts')), /test set empty\.ts has no series/);
  const ragged = set([[1, 2, 3]], ['a'], 'ragged.ts', 2);
  assert.throws(() => oneNearestNeighbour(ragged, ragged, 'dtw'), /ragged\.ts series 0 has 3 values; expected a positive multiple of 2 channels/);
});
