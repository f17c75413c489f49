import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkClassificationSets, shapeSeries, shapingFor, stratifiedSplit } from '../src/tasks/classify/data.js';
import { concatColumns, informativeColumns, selectColumns, seriesStatistics } from '../src/analysis/series-statistics.js';
import { verdictSentence } from '../src/tasks/classify/figures.js';
import type { SeriesSet } from '../src/io/series-set.js';
import type { RaggedSequences, Sequences } from '../src/train/sequences.js';
import { assertClose } from './assert-close.js';

const set = (series: number[][], labels: string[] | undefined, source: string, channels = 1): SeriesSet => ({
  series: series.map((s) => Float64Array.from(s)),
  channels,
  ...(labels && { labels }),
  source,
});

test('stratifiedSplit: a fifth of each class, shuffled by the seed, the same for the same seed', () => {
  // 10 of a, 5 of b, 1 of c, sorted by class as the archive's files often are
  const labels = [...Array<string>(10).fill('a'), ...Array<string>(5).fill('b'), 'c'];
  const split = stratifiedSplit(labels, 0.2, 0);
  const count = (indices: number[], label: string) => indices.filter((i) => labels[i] === label).length;
  assert.deepEqual([count(split.validation, 'a'), count(split.validation, 'b'), count(split.validation, 'c')], [2, 1, 0]);
  assert.deepEqual([...split.fit, ...split.validation].sort((x, y) => x - y), labels.map((_, i) => i));
  assert.deepEqual(stratifiedSplit(labels, 0.2, 0), split);
  assert.notDeepEqual(stratifiedSplit(labels, 0.2, 1).validation, split.validation);
  // two series of one class each: round(0.4) = 0 per class, so one is taken from the largest class
  assert.deepEqual(stratifiedSplit(['x', 'y'], 0.2, 0).validation.length, 1);
  assert.throws(() => stratifiedSplit(['x'], 0.2, 0), /at least 2 training series/);
});

test('checkClassificationSets: classes in np.unique order; a test class the training lacks, or missing labels, is one line', () => {
  const train = set([[1, 2], [3, 4], [5, 6]], ['b', 'a', 'b'], 'train.ts');
  assert.deepEqual(checkClassificationSets(train, set([[1, 2]], ['a'], 'test.ts')).classes, ['a', 'b']);
  assert.throws(() => checkClassificationSets(train, set([[1, 2], [0, 0]], ['a', 'c'], 'test.ts')), /^InputError: test\.ts: series 1 is of class "c", which the training set train\.ts does not have; expected the classes "a", "b"$/);
  assert.throws(() => checkClassificationSets(set([[1, 2]], undefined, 'x.npy'), train), /x\.npy: the training series have no class labels/);
  assert.throws(() => checkClassificationSets(set([[1, 2], [3, 4]], ['a', 'a'], 'one.ts'), train), /every training series is of class "a"; expected at least two classes/);
  assert.throws(() => checkClassificationSets(train, set([[1, 2, 3, 4]], ['a'], 'wide.ts', 2)), /wide\.ts: 2 channels per step; expected 1/);
});

test('shapeSeries: resampled to one length, or ragged (as they are, with their lengths) for a masked model', () => {
  const s = set([[0, 2, 4, 6], [1, 1]], ['a', 'b'], 's.ts');
  const resampled = shapeSeries(s, { kind: 'resample', steps: 2 }) as Sequences;
  assert.deepEqual([resampled.shape, Array.from(resampled.data), resampled.lengths], [[2, 2, 1], [1, 5, 1, 1], undefined]);
  const native = shapeSeries(s, { kind: 'native', steps: 5 }, [1, 0]) as RaggedSequences;
  assert.deepEqual([native.features, Array.from(native.data), Array.from(native.lengths)], [1, [1, 1, 0, 2, 4, 6], [2, 4]]);
  // a series longer than the models' pad length as well (masking makes the pad length irrelevant)
  const longer = shapeSeries(s, { kind: 'native', steps: 3 }) as RaggedSequences;
  assert.deepEqual([Array.from(longer.data), Array.from(longer.lengths)], [[0, 2, 4, 6, 1, 1], [4, 2]]);
  assert.throws(() => shapeSeries(set([[1]], ['a'], 'one.ts'), { kind: 'native', steps: 3 }), /one\.ts: series 0 has 1 step; a masked model needs at least 2/);
});

test('seriesStatistics: log length, then mean and log std per channel; constant columns are found and left out', () => {
  // two channels: series 0 is (1,10),(3,10) → means 2, 10; stds 1, 0 (floored to 1e-12)
  const stats = seriesStatistics(set([[1, 10, 3, 10], [0, 0, 0, 4, 0, 8]], ['a', 'b'], 's.ts', 2));
  assert.deepEqual([stats.rows, stats.cols], [2, 5]);
  assertClose(stats.data.subarray(0, 5), [Math.log(2), 2, 0, 10, Math.log(1e-12)], 1e-12, 'series 0');
  // series 1: channel 0 all 0, channel 1 (0, 4, 8): mean 4, std √(32/3)
  assertClose(stats.data.subarray(5), [Math.log(3), 0, Math.log(1e-12), 4, Math.log(Math.sqrt(32 / 3))], 1e-12, 'series 1');
  // a column equal up to rounding carries nothing; one that varies is kept
  const X = { data: Float64Array.of(1, 5, 7, 1 + 1e-9, 6, 7, 1 - 2e-9, 9, 7), rows: 3, cols: 3 };
  assert.deepEqual(informativeColumns(X), [1]);
  assert.deepEqual(Array.from(selectColumns(X, [2, 1]).data), [7, 5, 7, 6, 7, 9]);
  assert.deepEqual(Array.from(concatColumns([selectColumns(X, [1]), { data: [0, 1, 2], rows: 3, cols: 1 }]).data), [5, 0, 6, 1, 9, 2]);
});

test('verdictSentence says which baselines the features beat, and which not', () => {
  const baselines = [{ method: '1-NN Euclidean', accuracy: 0.8 }, { method: '1-NN DTW', accuracy: 0.703 }];
  assert.equal(verdictSentence(0.9, baselines), "The autoencoder's features beat every baseline on this data: 0.900 against 0.800 for the best, 1-NN Euclidean.");
  assert.equal(verdictSentence(0.75, baselines), "The autoencoder's features (0.750) beat 1-NN DTW (0.703), but not 1-NN Euclidean (0.800).");
  assert.match(verdictSentence(0.7, baselines), /^Every baseline does at least as well .* here they did not earn their keep\.$/);
});

test('shapingFor takes 150,000 training series of 3 steps (a spread of them into Math.min overflowed the stack)', () => {
  const many: SeriesSet = { series: Array.from({ length: 150_000 }, (_, i) => Float64Array.of(i, i + 1, i % 3 === 0 ? i : i + 2).subarray(0, i % 2 === 0 ? 3 : 2)), channels: 1, labels: [], source: 'many.tsv' };
  assert.deepEqual(shapingFor(many, undefined), { kind: 'native', steps: 3 });
  const equal: SeriesSet = { ...many, series: many.series.map((s) => Float64Array.of(s[0]!, s[1]!, 0)) };
  assert.deepEqual(shapingFor(equal, undefined), { kind: 'resample', steps: 3 });
});
