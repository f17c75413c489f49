import { ARTICLE_VARIANT } from '../src/models/autoencoder/config.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNpy } from '../src/io/npy-file.js';
import { lstmFinalHidden } from '../src/analysis/lstm-feed-forward.js';
import { accuracy, maxAbsDifference, meanSquaredError } from '../src/analysis/metrics.js';
import { fitClassifier, fitLogisticRegression } from '../src/analysis/logistic-regression.js';
import { LstmAutoencoder } from '../src/models/autoencoder/lstm-autoencoder.js';
import { loadModel } from '../src/io/tfjs/format.js';
import { makeSineData } from '../src/data/sine-data.js';
import { runCli } from './run-cli.js';

const FIGURES = ['loss', 'sine_classes', 'reconstruction_class0', 'reconstruction_class1', 'features', 'features_pca'];

test('demo --epochs 1 writes a complete run whose saved features are the model\'s own, within 1e-5', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'demo-'));
  try {
    const out = join(dir, 'run');
    const run = await runCli('demo', '--epochs', '1', '--out', out, '--json');
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, '', '--json keeps stderr quiet');
    const summary = JSON.parse(run.stdout);
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    for (const key of ['test_accuracy', 'train_mse', 'feature_check_max_abs_diff', 'train_seconds']) {
      assert.equal(typeof metrics[key], 'number', key);
      assert.equal(summary[key], metrics[key], key);
    }
    assert.ok(metrics.feature_check_max_abs_diff <= 1e-5, `feature check ${metrics.feature_check_max_abs_diff}`);
    // one epoch from the seed's start: below an untrained model's 0.52 (a zero output scores 0.5), far above 30 epochs' 0.03
    assert.ok(metrics.train_mse > 0.2 && metrics.train_mse < 0.5, `train_mse ${metrics.train_mse}`);
    assert.deepEqual(metrics.class_counts, { train: [3501, 14301], test: [300, 1500] });
    assert.match(metrics.settings['LSTM bias'], /^one vector per LSTM, as Keras$/, 'the article\'s Keras model unless --lstm-bias-pair');

    // the report shows the check, the accuracy and every figure, inline
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    assert.match(html, /feature check/i);
    assert.match(html, /<p id="accuracy-note">This is one run, seed 0\. .*--seeds 0-29/);
    assert.ok((html.match(/<svg/g) ?? []).length >= FIGURES.length);
    for (const name of FIGURES) {
      assert.ok(existsSync(join(out, `${name}.png`)), `${name}.png`);
      assert.ok(existsSync(join(out, `${name}.svg`)), `${name}.svg`);
    }

    // independently: the saved model, run through the plain feed-forward, gives the saved features
    const model = loadModel(join(out, 'model.json'));
    const w = model.getWeights();
    const data = makeSineData();
    const plain = lstmFinalHidden(
      { kernel: w['encoder/kernel'], recurrentKernel: w['encoder/recurrent_kernel'], bias: w['encoder/bias'] },
      { data: data.xTest, shape: data.testShape },
    );
    const saved = readNpy(join(out, 'features_test.npy'));
    assert.deepEqual(saved.shape, [1800, 10]);
    assert.ok(maxAbsDifference(saved.data as Float64Array, plain) < 1e-12);
    const encoded = ((await model.encode({ data: data.xTest, shape: data.testShape }, { engine: 'reference' })).data);
    assert.ok(maxAbsDifference(encoded, plain) <= 1e-5, 'the reference encode agrees too');

    // the standardised classifier's accuracy again, by the other solver (L-BFGS on the multinomial form, not Newton)
    const trainFeatures = { data: readNpy(join(out, 'features_train.npy')).data as Float64Array, rows: 17802, cols: 10 };
    const testFeatures = { data: saved.data as Float64Array, rows: 1800, cols: 10 };
    const standardized = fitClassifier(trainFeatures, Array.from(data.yTrain), { C: 1, standardize: true });
    assert.equal(metrics.test_accuracy_standardized, accuracy(data.yTest, standardized.predict(testFeatures)));
    // and the separability answer from the weakly regularised classifier on the raw features
    const weak = fitLogisticRegression(trainFeatures, data.yTrain, { C: 1e4 });
    const separability = metrics.separability;
    assert.equal(separability.C, 1e4);
    assert.equal(separability.train_accuracy, accuracy(data.yTrain, weak.predict(trainFeatures)));
    assert.equal(separability.separable, separability.train_accuracy === 1);
    assert.match(separability.answer, separability.separable ? /^Yes: .*C = 1e4/ : /^Not quite: .*C = 1e4.*training accuracy 0\.\d{4}/);
    assert.match(html, /id="standardized-accuracy">\d\.\d{4}</);
    assert.match(html, /<p id="separability-note">Are the features linearly separable\? (Yes|Not quite): /);

    // and the epoch did train it: the saved model reconstructs the test windows clearly better than seed 0's untrained one
    const test = { data: data.xTest, shape: data.testShape };
    const untrained = LstmAutoencoder.create({ ...ARTICLE_VARIANT, timesteps: 100, inputDim: 1, latentDim: 10, seed: 0 });
    const trainedMse = meanSquaredError(((await model.predict(test, { engine: 'reference' })).data), data.xTest);
    const untrainedMse = meanSquaredError(((await untrained.predict(test, { engine: 'reference' })).data), data.xTest);
    assert.ok(trainedMse < 0.9 * untrainedMse, `test MSE ${trainedMse} after one epoch, ${untrainedMse} before`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('demo refuses bad options and a non-empty folder with one line and exit 2, writing nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'demo-bad-'));
  try {
    const busy = join(dir, 'busy');
    mkdirSync(busy);
    writeFileSync(join(busy, 'notes.txt'), 'keep me');
    const cases: [string[], RegExp][] = [
      [['--epochs', '0'], /--epochs.*0/],
      [['--epochs', 'ten'], /--epochs.*ten/],
      [['--latent', '-3'], /--latent/],
      [['--seed', '1.5'], /--seed/],
      [['--threads', '0'], /--threads/],
      [['--engine', 'gpu'], /--engine.*fast, reference/],
      [['--seeds', '3-1'], /--seeds.*3-1.*runs backwards/],
      [['--seeds', '0,2,0'], /--seeds.*seed 0 is named twice/],
      [['--seeds', '0-4', '--seed', '2'], /--seeds.*cannot be used with.*--seed/],
      [['--out', busy], /not empty.*--force/],
    ];
    const runs = await Promise.all(cases.map(([args]) => runCli('demo', ...args, ...(args.includes('--out') ? [] : ['--out', join(dir, 'never')]))));
    runs.forEach((run, k) => {
      const [args, pattern] = cases[k]!;
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, pattern);
      assert.equal(run.stderr.trim().split('\n').length, 1, `one line: ${run.stderr}`);
    });
    assert.ok(!existsSync(join(dir, 'never')));
    assert.equal(readFileSync(join(busy, 'notes.txt'), 'utf8'), 'keep me');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
