import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSeries } from '../src/io/read-series.js';
import type { SeriesSet } from '../src/io/series-set.js';
import { SeriesClassifier } from '../src/index.js';
import { loadClassifier, saveClassifier } from '../src/node.js';
import { runCli } from './run-cli.js';

/**
 * A classifier users can keep: `classify --out RUN` saves it in RUN/classifier, `classify
 * --model RUN --input FILE` labels series without labels as the first run did, and the
 * library's SeriesClassifier saves, loads and round-trips through JSON to the same labels and
 * probabilities. Data: the ArrowHead training fixture (test/fixtures/ucr, from the UCR
 * archive) cut in two, 24 series to fit, 12 to label, with a tiny model.
 */

const fixture = (name: string) => fileURLToPath(new URL(`../../test/fixtures/${name}`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'classify-saved-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const arrowHead = readSeries(fixture('ucr/ArrowHead_TRAIN.ts'));

function pick(set: SeriesSet, indices: number[]): SeriesSet {
  return { ...set, series: indices.map((i) => set.series[i]!), labels: indices.map((i) => set.labels![i]!) };
}
const trainSet = pick(arrowHead, Array.from({ length: 24 }, (_, i) => i));
const testSet = pick(arrowHead, Array.from({ length: 12 }, (_, i) => 24 + i));
const tsv = (path: string, set: SeriesSet, relabel = (l: string) => l) => {
  writeFileSync(path, set.series.map((s, i) => [relabel(set.labels![i]!), ...Array.from(s, String)].join('\t')).join('\n') + '\n');
  return path;
};
const trainFile = tsv(join(dir, 'train.tsv'), trainSet);
const testFile = tsv(join(dir, 'test.tsv'), testSet);
// the test series without their labels: a CSV of one series per row
const unlabelled = join(dir, 'test.csv');
writeFileSync(unlabelled, testSet.series.map((s) => Array.from(s, String).join(',')).join('\n') + '\n');
const TINY = ['--latent', '4', '--length', '16', '--seeds', '0,1', '--epochs', '3', '--threads', '1'];

const run = join(dir, 'run');
let first: ReturnType<typeof runCli> | undefined;
const firstRun = () => (first ??= runCli('classify', '--train', trainFile, '--test', testFile, ...TINY, '--out', run, '--json'));

/** predictions.csv's rows: predicted label and probabilities by class. */
function predictions(path: string): { predicted: string[]; probabilities: number[][]; header: string } {
  const [header, ...rows] = readFileSync(path, 'utf8').trim().split('\n');
  const cells = rows.map((r) => r.split(','));
  const at = header!.split(',').indexOf('predicted');
  return { header: header!, predicted: cells.map((c) => c[at]!), probabilities: cells.map((c) => c.slice(at + 1).map(Number)) };
}

test('classify --out saves its classifier; --model RUN --input FILE (labels stripped) gives the same labels and probabilities', async () => {
  const fitted = await firstRun();
  assert.equal(fitted.code, 0, fitted.stderr);
  assert.deepEqual(readdirSync(join(run, 'classifier')).sort(), [
    'autoencoder-0.1.bin', 'autoencoder-0.1.json', 'autoencoder-1.1.bin', 'autoencoder-1.1.json', 'classifier.json',
  ]);
  const before = predictions(join(run, 'predictions.csv'));

  const labelled = join(dir, 'labelled');
  const again = await runCli('classify', '--model', run, '--input', unlabelled, '--threads', '1', '--out', labelled);
  assert.equal(again.code, 0, again.stderr);
  const after = predictions(join(labelled, 'predictions.csv'));
  assert.equal(after.header, 'series,predicted,p(0),p(1),p(2)');
  assert.deepEqual(after.predicted, before.predicted);
  assert.deepEqual(after.probabilities, before.probabilities);
  assert.equal(JSON.parse(readFileSync(join(labelled, 'metrics.json'), 'utf8')).accuracy, null);

  // with labels, the accuracy: the first run's test accuracy
  const scored = join(dir, 'scored');
  const withLabels = await runCli('classify', '--model', join(run, 'classifier'), '--input', testFile, '--threads', '1', '--out', scored, '--json');
  assert.equal(withLabels.code, 0, withLabels.stderr);
  const metrics = JSON.parse(readFileSync(join(run, 'metrics.json'), 'utf8'));
  assert.equal(JSON.parse(withLabels.stdout).accuracy, metrics.test_accuracy);
  assert.deepEqual(predictions(join(scored, 'predictions.csv')).predicted, before.predicted);
});

test('SeriesClassifier: loaded from the run, and through toJSON/fromJSON and save/load, predicts what predictions.csv says', async () => {
  assert.equal((await firstRun()).code, 0);
  const before = predictions(join(run, 'predictions.csv'));
  const loaded = await SeriesClassifier.load(run);
  const unlabelledSet = { ...testSet, labels: undefined };
  assert.deepEqual(await loaded.predict(unlabelledSet, { threads: 1 }), before.predicted);
  const proba = await loaded.predictProba(unlabelledSet, { threads: 1 });
  assert.deepEqual(proba.shape, [12, 3]);
  assert.deepEqual(proba.classes, ['0', '1', '2']);
  const rounded = Array.from({ length: 12 }, (_, i) => Array.from(proba.data.subarray(3 * i, 3 * i + 3), (p) => Number(p.toPrecision(6))));
  assert.deepEqual(rounded, before.probabilities);

  // JSON text round trip: bit for bit the same probabilities
  const copy = SeriesClassifier.fromJSON(JSON.stringify(loaded));
  assert.deepEqual((await copy.predictProba(unlabelledSet, { threads: 1 })).data, proba.data);
  // saved again, twice (a second generation replaces the first), and loaded
  const saved = join(dir, 'saved');
  saveClassifier(saved, copy);
  assert.match(await copy.save(saved), /classifier\.json$/);
  assert.deepEqual(readdirSync(saved).sort(), ['autoencoder-0.2.bin', 'autoencoder-0.2.json', 'autoencoder-1.2.bin', 'autoencoder-1.2.json', 'classifier.json']);
  const reloaded = loadClassifier(saved);
  assert.deepEqual((await reloaded.classifier.predictProba(unlabelledSet, { threads: 1 })).data, proba.data);
  assert.ok(reloaded.files.length === 5, reloaded.files.join(', '));
  await Promise.all([loaded, copy, reloaded.classifier].map((c) => c.dispose()));
});

test('SeriesClassifier.fit in the library equals classify: the same labels on the same split and settings', async () => {
  assert.equal((await firstRun()).code, 0);
  const classifier = new SeriesClassifier({ latent: 4, length: 16, seeds: [0, 1], epochs: 3, threads: 1 });
  await classifier.fit(trainSet);
  assert.deepEqual(await classifier.predict(testSet), predictions(join(run, 'predictions.csv')).predicted);
  // windows (N, T, D) as well as series sets, labels given apart
  const T = trainSet.series[0]!.length;
  const windows = { data: Float32Array.from(testSet.series.flatMap((s) => Array.from(s))), shape: [12, T, 1] as [number, number, number] };
  assert.deepEqual(await classifier.predict(windows), await classifier.predict(testSet));
  await classifier.dispose();
});

test('classify --model --input refuses bad input with one line and exit 2: a missing part, unknown labels, another channel count', async () => {
  assert.equal((await firstRun()).code, 0);
  const broken = join(dir, 'broken');
  cpSync(join(run, 'classifier'), broken, { recursive: true });
  rmSync(join(broken, 'autoencoder-1.1.json'));
  const noWeights = join(dir, 'no-weights');
  cpSync(join(run, 'classifier'), noWeights, { recursive: true });
  rmSync(join(noWeights, 'autoencoder-0.1.bin'));
  const unknown = tsv(join(dir, 'unknown.tsv'), testSet, (l) => (l === '2' ? 'Z' : l));
  const never = join(dir, 'never');
  const cases: [string[], RegExp][] = [
    [['--model', broken, '--input', unlabelled], /autoencoder-1\.1\.json: file not found; expected autoencoder 1 of the classifier .*a part of the saved classifier is missing/],
    [['--model', noWeights, '--input', unlabelled], /autoencoder-0\.1\.bin: file not found; expected a weights file named in .*autoencoder-0\.1\.json/],
    [['--model', join(dir, 'train.tsv'), '--input', unlabelled], /train\.tsv: is not a folder; expected a classifier folder/],
    [['--model', dir, '--input', unlabelled], /classify-saved-\w+: holds no classifier\.json; expected a classifier folder/],
    [['--model', run, '--input', unknown], /unknown\.tsv: series 2 is of class "Z".*classifier .*does not have; expected the classes "0", "1", "2"/],
    [['--model', run, '--input', fixture('ucr/BasicMotions_TRAIN.ts')], /BasicMotions_TRAIN\.ts: 6 channels per step; expected 1, as in the classifier/],
    [['--model', run, run, '--input', unlabelled], /give one --model DIR/],
    [['--model', run, '--input', unlabelled, '--train', trainFile], /--input.*cannot be used with.*--train/],
  ];
  const runs = await Promise.all(cases.map(([args]) => runCli('classify', ...args, '--out', never)));
  runs.forEach((r, k) => {
    const [args, pattern] = cases[k]!;
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, pattern);
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
  });
  assert.ok(!existsSync(never), 'no run folder for bad input');
});

test('two classify runs writing one folder at once: exactly one succeeds, the other is one line and exit 2', async () => {
  assert.equal((await firstRun()).code, 0);
  const shared = join(dir, 'shared');
  const both = await Promise.all([0, 1].map(() => runCli('classify', '--model', run, '--input', unlabelled, '--threads', '1', '--out', shared)));
  assert.deepEqual(both.map((r) => r.code).sort(), [0, 2], both.map((r) => r.stderr).join(' | '));
  const loser = both.find((r) => r.code === 2)!;
  assert.match(loser.stderr, /shared: (in use by another lstm-ae classify|folder exists and is not empty)/);
  assert.equal(loser.stderr.trim().split('\n').length, 1);
});

test('labels are names: a NUL byte in a labels file or a .tsv label, or a label of 100 KB in a .ts, is one line and exit 2', async () => {
  const values = (k: number) => Array.from(testSet.series[k]!, String);
  const nulTsv = join(dir, 'nul.tsv');
  writeFileSync(nulTsv, [`0\t${values(0).join('\t')}`, `1\u0000x\t${values(1).join('\t')}`].join('\n') + '\n');
  const npy = fixture('readers/univariate-2d.npy');
  const nulLabels = join(dir, 'nul-labels.txt');
  writeFileSync(nulLabels, 'a\nb\u0000\n');
  const huge = join(dir, 'huge.ts');
  const long = 'x'.repeat(100_000);
  writeFileSync(huge, `@problemName huge\n@timeStamps false\n@univariate true\n@classLabel true a ${long}\n@data\n${values(0).join(',')}:a\n${values(1).join(',')}:${long}\n`);
  const never = join(dir, 'never-labels');
  const cases: [string[], RegExp][] = [
    [['--model', run, '--input', nulTsv], /nul\.tsv: the label of series 1 holds a NUL byte; expected a class name of printable text/],
    [['--model', run, '--input', npy, '--input-labels', nulLabels], /nul-labels\.txt: label 2 holds a NUL byte/],
    [['--model', run, '--input', huge], /huge\.ts: .*100000 characters long; expected at most 1000/],
    [['--train', huge, '--test', testFile], /huge\.ts: .*100000 characters long; expected at most 1000/],
  ];
  assert.equal((await firstRun()).code, 0);
  const runs = await Promise.all(cases.map(([args]) => runCli('classify', ...args, '--out', never)));
  runs.forEach((r, k) => {
    const [args, pattern] = cases[k]!;
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, pattern);
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr.slice(0, 300)}`);
    assert.ok(r.stderr.length < 1000, 'the label is not quoted whole');
  });
  assert.ok(!existsSync(never));
});

test('the saved classifier keeps its distance features\' training series; a damaged or mismatched part is one InputError line', async () => {
  assert.equal((await firstRun()).code, 0);
  const json = JSON.parse(readFileSync(join(run, 'classifier', 'classifier.json'), 'utf8'));
  // ArrowHead's 251 steps need no shrinking: the 24 training series as they are, their classes, band 10%, cap 2
  assert.deepEqual({ ...json.distances, values: undefined }, {
    window: 0.1, cap: 2, factor: 1, steps: new Array(24).fill(251), classOf: trainSet.labels!.map(Number), values: undefined,
  });
  const values = new Float32Array(Uint8Array.from(atob(json.distances.values), (c) => c.charCodeAt(0)).buffer);
  assert.deepEqual(values, Float32Array.from(trainSet.series.flatMap((s) => Array.from(s))));
  const loaded = await SeriesClassifier.load(run);
  const full = loaded.toJSON();
  const damaged = (change: (d: Record<string, unknown>) => void) => {
    const copy = structuredClone(full) as unknown as { distances: Record<string, unknown> };
    change(copy.distances);
    return () => SeriesClassifier.fromJSON(copy, 'c.json');
  };
  const cases: [() => unknown, RegExp][] = [
    [damaged((d) => { d.values = (d.values as string).slice(8); }), /^c\.json: distances\.values: 24090 bytes; expected 24096/],
    [damaged((d) => { d.classOf = (d.classOf as number[]).map(() => 3); }), /^c\.json: distances: classOf names a class past the classifier's 3/],
    [damaged((d) => { d.steps = (d.steps as number[]).slice(1); }), /^c\.json: distances: 24 classes for 23 series/],
    [damaged((d) => { d.window = 0; }), /^c\.json: distances\.window/],
    [damaged((d) => { delete d.values; }), /^c\.json: distances\.values/],
  ];
  for (const [make, pattern] of cases) {
    assert.throws(make, (err: Error) => err.name === 'InputError' && pattern.test(err.message) && !err.message.includes('\n'), String(pattern));
  }
  // without the distances the logistic regression has 3 coefficients too many for each class
  const none = structuredClone(full) as unknown as Record<string, unknown>;
  delete none.distances;
  assert.throws(() => SeriesClassifier.fromJSON(none, 'c.json'), /c\.json: logistic has 57 coefficients .* of 16 features need 48/);
  await loaded.dispose();
});
