import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { readSeries } from '../src/io/read-series.js';
import type { SeriesSet } from '../src/io/series-set.js';
import { readNpy } from '../src/io/npy-file.js';
import { logisticOnRaw, oneNearestNeighbour } from '../src/analysis/baselines.js';
import { resampleSeries } from '../src/analysis/resample.js';
import { classReference } from '../src/analysis/class-distances.js';
import { distanceFeatures } from '../src/analysis/distance-features.js';
import { checkReport, chromiumAvailable, DEFAULT_CHROMIUM, launchChromium } from './report-browser-check.js';
import { skipWhenMissing } from './optional-checker.js';
import { runCli } from './run-cli.js';

/**
 * `lstm-ae classify` end to end on the ArrowHead training fixture cut in two (24 series to
 * train on, 12 to test, 4 of each class), with a tiny model so that it takes seconds.
 */

const fixture = (name: string) => fileURLToPath(new URL(`../../test/fixtures/${name}`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'classify-'));
const arrowHead = readSeries(fixture('ucr/ArrowHead_TRAIN.ts'));

/** A UCR .tsv of the chosen series (labels possibly renamed), values at full precision. */
function writeTsv(path: string, set: SeriesSet, indices: number[], relabel: (label: string) => string = (l) => l): string {
  writeFileSync(path, indices.map((i) => [relabel(set.labels![i]!), ...Array.from(set.series[i]!, String)].join('\t')).join('\n') + '\n');
  return path;
}
const trainIndices = Array.from({ length: 24 }, (_, i) => i);
const testIndices = Array.from({ length: 12 }, (_, i) => 24 + i);
const trainFile = writeTsv(join(dir, 'train.tsv'), arrowHead, trainIndices);
const testFile = writeTsv(join(dir, 'test.tsv'), arrowHead, testIndices);
const TINY = ['--latent', '4', '--length', '16', '--seeds', '0', '--epochs', '3', '--threads', '1'];

const noChromium = skipWhenMissing(chromiumAvailable() ? false : `no Chromium at ${DEFAULT_CHROMIUM} (set CHROMIUM_PATH to check the report in a browser)`);
let browser: Browser | undefined;
before(async () => { if (!noChromium) browser = await launchChromium(); });
after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

const out = join(dir, 'run');
let first: Promise<{ code: number; stdout: string; stderr: string }> | undefined;
/** The one full run the tests below share. */
function firstRun() {
  first ??= runCli('classify', '--train', trainFile, '--test', testFile, ...TINY, '--out', out, '--json');
  return first;
}

test('classify writes a complete run: metrics.json (last) with the result beside the baselines, features, predictions, model, report', async () => {
  const run = await firstRun();
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stderr, '', '--json keeps stderr quiet');
  const summary = JSON.parse(run.stdout);
  const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
  for (const key of ['test_accuracy', 'baseline_1nn_euclidean', 'baseline_1nn_dtw', 'baseline_logistic_raw', 'train_seconds', 'latent']) {
    assert.equal(typeof metrics[key], 'number', key);
    assert.equal(summary[key], metrics[key], key);
  }
  assert.equal(metrics.latent, 4);
  assert.deepEqual(metrics.epochs_trained, [3], 'three epochs, early stopping (patience 10) never reached');
  assert.deepEqual(metrics.classes, ['0', '1', '2']);
  assert.deepEqual(metrics.class_counts, { train: [8, 8, 8], test: [4, 4, 4] });
  // mean and max of 4 units; no series statistic varies (one length, z-normalised series); a distance per class: 11 features
  assert.equal(metrics.features, 11);

  // the baselines are those of the analysis module on the same split (raw logistic on the 16-step series the model sees)
  const train = readSeries(trainFile);
  const testSet = readSeries(testFile);
  assert.equal(metrics.baseline_1nn_euclidean, oneNearestNeighbour(train, testSet, 'euclidean').accuracy);
  assert.equal(metrics.baseline_1nn_dtw, oneNearestNeighbour(train, testSet, 'dtw').accuracy);
  const resampled = (s: SeriesSet): SeriesSet => ({ ...s, series: s.series.map((x) => resampleSeries(x, 1, 16)) });
  assert.equal(metrics.baseline_logistic_raw, logisticOnRaw(resampled(train), resampled(testSet)).accuracy);

  // the confusion matrix, the recall and predictions.csv tell the same story as test_accuracy
  const confusion: number[][] = metrics.confusion_matrix_test;
  assert.equal(confusion.flat().reduce((a, b) => a + b, 0), 12);
  assert.equal(confusion.reduce((a, row, k) => a + row[k]!, 0) / 12, metrics.test_accuracy);
  metrics.per_class_recall.forEach((r: number, k: number) => assert.equal(r, confusion[k]![k]! / 4));
  const rows = readFileSync(join(out, 'predictions.csv'), 'utf8').trim().split('\n');
  assert.equal(rows[0], 'series,true,predicted,p(0),p(1),p(2)');
  const correct = rows.slice(1).filter((line) => {
    const [, truth, predicted, ...p] = line.split(',');
    assert.ok(Math.abs(p.map(Number).reduce((a, b) => a + b, 0) - 1) < 1e-5, `probabilities sum to 1: ${line}`);
    return truth === predicted;
  }).length;
  assert.equal(correct / 12, metrics.test_accuracy);

  assert.deepEqual(readNpy(join(out, 'features_test.npy')).shape, [12, 11]);
  // the last 3 columns: distance-features.ts on the series as they are (251 steps: no shrinking), banded 10%, cap 2;
  // the classifier keeps its training series as float32, and leaves each training series out of its own
  const trainF32 = train.series.map((s) => Float64Array.from(Float32Array.from(s)));
  const reference = classReference(trainF32, Int32Array.from(train.labels!, Number), 3, 1);
  const settings = { window: 0.1, cap: 2, factor: 1 };
  const lastColumns = (path: string) => {
    const f = readNpy(path);
    return Array.from({ length: f.shape[0]! }, (_, i) => Array.from({ length: 3 }, (_, c) => Number(f.data[i * 11 + 8 + c])));
  };
  const rowsOf = (F: { data: Float64Array; rows: number }) => Array.from({ length: F.rows }, (_, i) => Array.from(F.data.subarray(3 * i, 3 * i + 3)));
  assert.deepEqual(lastColumns(join(out, 'features_train.npy')), rowsOf(distanceFeatures(trainF32, reference, settings, true)));
  assert.deepEqual(lastColumns(join(out, 'features_test.npy')), rowsOf(distanceFeatures(testSet.series, reference, settings)));
  assert.ok(existsSync(join(out, 'model', 'model.json')) && existsSync(join(out, 'model', 'history.json')));
  assert.ok(metrics.feature_check_max_abs_diff < 1e-5, `pooled states' final h against encode: ${metrics.feature_check_max_abs_diff}`);
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  for (const id of ['test-accuracy', 'verdict', 'scores', 'confusion-matrix', 'class-counts']) assert.match(html, new RegExp(`id="${id}"`));
  for (const name of ['data', 'loss', 'reconstructions', 'features_pca', 'accuracy']) assert.ok(existsSync(join(out, `${name}.png`)), `${name}.png`);
});

test('classify --model reuses a saved model: the same features and predictions, no training', async () => {
  assert.equal((await firstRun()).code, 0);
  const again = join(dir, 'again');
  const run = await runCli('classify', '--train', trainFile, '--test', testFile, '--model', join(out, 'model', 'model.json'), '--threads', '1', '--out', again, '--json');
  assert.equal(run.code, 0, run.stderr);
  const before = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
  const reused = JSON.parse(readFileSync(join(again, 'metrics.json'), 'utf8'));
  assert.deepEqual(reused.epochs_trained, []);
  assert.equal(reused.train_seconds, 0);
  assert.equal(reused.test_accuracy, before.test_accuracy);
  assert.deepEqual(readNpy(join(again, 'features_test.npy')).data, readNpy(join(out, 'features_test.npy')).data);
  assert.equal(readFileSync(join(again, 'predictions.csv'), 'utf8'), readFileSync(join(out, 'predictions.csv'), 'utf8'));
  assert.ok(!readdirSync(again).includes('model'), 'nothing trained, nothing saved');
});

test('classify report.html renders in headless Chromium: no errors, no requests, every figure drawn', { skip: noChromium }, async () => {
  assert.equal((await firstRun()).code, 0);
  const result = await checkReport(browser!, join(out, 'report.html'));
  assert.deepEqual(result.problems, []);
  assert.equal(result.figures.length, 5);
  for (const figure of result.figures) assert.ok(figure.marks > 0 && figure.width > 200, `${figure.id}: ${figure.width} px, ${figure.marks} marks`);
});

test('classify refuses bad input with one line and exit 2, writing nothing', async () => {
  const unknownClass = writeTsv(join(dir, 'unknown.tsv'), arrowHead, testIndices, (l) => (l === '2' ? 'Z' : l));
  const never = join(dir, 'never');
  const cases: [string[], RegExp][] = [
    [['--test', fixture('readers/univariate-2d.npy')], /univariate-2d\.npy: the test series have no class labels; expected a label per series/],
    [['--test', unknownClass], /unknown\.tsv: series 2 is of class "Z".*training set .*train\.tsv does not have; expected the classes "0", "1", "2"/],
    [['--test', fixture('ucr/BasicMotions_TRAIN.ts')], /BasicMotions_TRAIN\.ts: 6 channels per step; expected 1, as in the training set/],
    [['--test', testFile, '--model', join(dir, 'nothing', 'model.json')], /nothing.*model\.json/],
    [['--test', testFile, '--model', join(out, 'model', 'model.json'), '--latent', '8'], /--latent.*cannot be used with.*--model/],
    [['--test', testFile, '--length', '1'], /--length.*expected an integer from 2/],
  ];
  const runs = await Promise.all(cases.map(([args]) => runCli('classify', '--train', trainFile, ...args, '--out', never)));
  runs.forEach((run, k) => {
    const [args, pattern] = cases[k]!;
    assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, pattern);
    assert.equal(run.stderr.trim().split('\n').length, 1, `one line: ${run.stderr}`);
  });
  assert.ok(!existsSync(never), 'no run folder for bad input');
});

test('classify on unequal-length two-channel .npy series with label files, at their own lengths; the masked model reused', async () => {
  const npy = fixture('readers/unequal-3d.npy');
  const labels = fixture('readers/unequal-3d-labels.txt'); // walk, run, walk; lengths 5, 3, 4
  const native = join(dir, 'native');
  const common = ['--train', npy, '--train-labels', labels, '--test', npy, '--test-labels', labels, '--threads', '1', '--json'];
  const run = await runCli('classify', ...common, '--length', 'native', '--latent', '3', '--seeds', '0', '--epochs', '2', '--out', native);
  assert.equal(run.code, 0, run.stderr);
  const metrics = JSON.parse(readFileSync(join(native, 'metrics.json'), 'utf8'));
  // the test series are the training series: each one's nearest neighbour is itself, at distance 0
  assert.equal(metrics.baseline_1nn_euclidean, 1);
  assert.equal(metrics.baseline_1nn_dtw, 1);
  assert.deepEqual(metrics.classes, ['run', 'walk']);
  assert.match(metrics.settings['series as the models see them'], /their own lengths, padded to 5 and masked/);
  // 2 × 3 pooled states, then the statistics that vary: log length, and per channel mean and log std, then a distance per class
  const stats = metrics.features - 6 - 2;
  assert.ok(stats >= 1 && stats <= 5, `${metrics.features} features`);
  const model = JSON.parse(readFileSync(join(native, 'model', 'model.json'), 'utf8'));
  assert.match(JSON.stringify(model.modelTopology), /"Masking"/);

  const reused = join(dir, 'native-again');
  const again = await runCli('classify', ...common, '--model', join(native, 'model', 'model.json'), '--out', reused);
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(readNpy(join(reused, 'features_train.npy')).data, readNpy(join(native, 'features_train.npy')).data);
});
