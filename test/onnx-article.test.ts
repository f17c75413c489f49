import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeSineData } from '../src/data/sine-data.js';
import { ARTICLE_VARIANT } from '../src/models/autoencoder/config.js';
import { LstmAutoencoder } from '../src/models/autoencoder/lstm-autoencoder.js';
import { lstmFinalHidden } from '../src/analysis/lstm-feed-forward.js';
import { fitLogisticRegression } from '../src/analysis/logistic-regression.js';
import { accuracy } from '../src/analysis/metrics.js';
import { ARTICLE } from '../src/tasks/article/experiment.js';
import { toOnnx } from '../src/io/onnx/autoencoder-graph.js';
import { assertClose } from './assert-close.js';
import { runOnnx } from './onnx-runtime.js';

// The article's pipeline with ONNX Runtime in the middle: a model trained on the article's
// sine windows (two epochs of its recipe: short, but the features already separate the
// classes), its encoder exported, gives in ONNX Runtime the article's features within 1e-5:
// our encode's on every window, and the float64 feed-forward's over the saved weights (the
// article's calc_ht, an independent reference; on the test windows, since it takes ~0.6 ms a
// window); the article's logistic regression on them gives the test accuracy it gives on ours.

test('the article\'s model, exported: ONNX Runtime gives its features within 1e-5 and the logistic regression the same test accuracy', async (t) => {
  const data = makeSineData();
  const [, T] = data.trainShape;
  const train = { data: data.xTrain, shape: data.trainShape };
  const test = { data: data.xTest, shape: data.testShape };
  const model = LstmAutoencoder.create({ ...ARTICLE_VARIANT, timesteps: T, inputDim: 1, latentDim: 10, seed: 0 });
  await model.fit(train, { epochs: 2, batchSize: ARTICLE.batchSize, optimizer: { name: ARTICLE.optimizer, learningRate: ARTICLE.learningRate } });
  const ours = { train: Float64Array.from((await model.encode(train)).data), test: Float64Array.from((await model.encode(test)).data) };
  await model.dispose();

  const w = model.getWeights();
  const feedForward = lstmFinalHidden({ kernel: w['encoder/kernel'], recurrentKernel: w['encoder/recurrent_kernel'], bias: w['encoder/bias'] }, test);
  const bytes = await toOnnx(model, { part: 'encoder' });
  const onnx = {
    train: Float64Array.from((await runOnnx(bytes, { data: Float32Array.from(data.xTrain), shape: data.trainShape })).code),
    test: Float64Array.from((await runOnnx(bytes, { data: Float32Array.from(data.xTest), shape: data.testShape })).code),
  };
  assertClose(onnx.train, ours.train, 1e-5, 'training features');
  assertClose(onnx.test, ours.test, 1e-5, 'test features');
  assertClose(onnx.test, feedForward, 1e-5, 'test features against the float64 feed-forward');

  const L = 10;
  const testAccuracy = (features: { train: Float64Array; test: Float64Array }): number => {
    const classifier = fitLogisticRegression({ data: features.train, rows: data.trainShape[0], cols: L }, data.yTrain);
    return accuracy(data.yTest, classifier.predict({ data: features.test, rows: data.testShape[0], cols: L }));
  };
  const expected = testAccuracy(ours);
  t.diagnostic(`test accuracy: ${expected} on our features, ${testAccuracy(onnx)} on ONNX Runtime's (${data.testShape[0]} test windows)`);
  assert.equal(testAccuracy(onnx), expected);
  assert.ok(expected > 0.8, `two epochs already separate the classes (${expected})`);
});
