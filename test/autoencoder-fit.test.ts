import { ARTICLE_VARIANT } from '../src/models/autoencoder/config.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LstmAutoencoder, TrainingDivergedError, type Sequences } from '../src/models/autoencoder/lstm-autoencoder.js';
import { ReferenceStep } from '../src/models/autoencoder/reference-step.js';
import type { GradientStep } from '../src/train/gradient-step.js';
import { InputError } from '../src/input-error.js';

const T = 8;
const config = { timesteps: T, inputDim: 1, latentDim: 4, seed: 3 };

/** N short noisy-free sine windows of two frequencies, as the seed's data in miniature. */
function sineWindows(N: number): Sequences {
  const data = new Float32Array(N * T);
  for (let n = 0; n < N; n++) {
    const period = n % 2 === 0 ? 4 : 12;
    for (let t = 0; t < T; t++) data[n * T + t] = 0.8 * Math.sin((2 * Math.PI * (n + t)) / period);
  }
  return { data, shape: [N, T, 1] };
}

test('fit: the loss falls over epochs and history has Keras’s shape', async () => {
  const model = LstmAutoencoder.create({ ...ARTICLE_VARIANT, ...config });
  const x = sineWindows(64);
  const history = await model.fit(x, { epochs: 8, batchSize: 16, optimizer: { name: 'adam', learningRate: 0.02 }, validationData: sineWindows(10) });
  const { loss, val_loss, seconds } = history.history;
  assert.deepEqual(history.epoch, [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.equal(seconds.length, 8);
  assert.ok(loss[7]! < 0.5 * loss[0]!, `loss ${loss.map((l) => l.toFixed(4)).join(' ')}`);
  assert.ok(val_loss![7]! < 0.5 * val_loss![0]!, `val_loss ${val_loss!.map((l) => l.toFixed(4)).join(' ')}`);
});

test('fit: the epoch loss is the size-weighted mean of the batch losses, the last batch the remainder', async () => {
  const model = LstmAutoencoder.create({ ...ARTICLE_VARIANT, ...config });
  const sizes: number[] = [];
  let weighted = 0;
  let epochLoss = NaN;
  await model.fit(sineWindows(37), {
    batchSize: 16,
    callbacks: {
      onBatchEnd: (_b, { loss, size }) => {
        sizes.push(size);
        weighted += loss * size;
      },
      onEpochEnd: (_e, logs) => {
        epochLoss = logs.loss;
      },
    },
  });
  assert.deepEqual(sizes, [16, 16, 5]);
  assert.ok(Math.abs(epochLoss - weighted / 37) < 1e-15);
});

test('fit: val_loss is the MSE of predict on the validation data after the epoch', async () => {
  const model = LstmAutoencoder.create({ ...ARTICLE_VARIANT, ...config });
  const validation = sineWindows(9);
  const history = await model.fit(sineWindows(20), { batchSize: 8, validationData: validation, engine: 'reference' });
  const reconstruction = ((await model.predict(validation, { engine: 'reference' })).data);
  let sum = 0;
  for (let i = 0; i < reconstruction.length; i++) sum += (reconstruction[i]! - validation.data[i]!) ** 2;
  const mse = sum / reconstruction.length;
  assert.ok(Math.abs(history.history.val_loss![0]! - mse) < 1e-12);

  // the fast engine measures it with its own forward pass: the same up to float32 rounding
  const fast = LstmAutoencoder.create({ ...ARTICLE_VARIANT, ...config });
  const fastHistory = await fast.fit(sineWindows(20), { batchSize: 8, validationData: validation, engine: 'fast', threads: 2 });
  const fastReconstruction = ((await fast.predict(validation, { engine: 'reference' })).data);
  let fastSum = 0;
  for (let i = 0; i < fastReconstruction.length; i++) fastSum += (fastReconstruction[i]! - validation.data[i]!) ** 2;
  const fastMse = fastSum / fastReconstruction.length;
  assert.ok(Math.abs(fastHistory.history.val_loss![0]! - fastMse) < 1e-5 * fastMse, `${fastHistory.history.val_loss![0]} vs ${fastMse}`);
});

test('fit: the same seed trains to identical weights; another seed does not', async () => {
  const run = async (seed: number) => {
    const model = LstmAutoencoder.create({ ...ARTICLE_VARIANT, ...config, seed });
    await model.fit(sineWindows(40), { epochs: 2, batchSize: 8 });
    return model.params;
  };
  const [a, b, c] = [await run(5), await run(5), await run(6)];
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});

test('fit: shuffling changes the batch order (and so the weights) against no shuffle', async () => {
  const train = async (shuffle: boolean) => {
    const model = LstmAutoencoder.create({ ...ARTICLE_VARIANT, ...config });
    await model.fit(sineWindows(40), { batchSize: 8, shuffle });
    return model.params;
  };
  assert.notDeepEqual(await train(true), await train(false));
});

test('fit: one full-batch SGD step at learning rate 1 leaves exactly params - gradient', async () => {
  const model = LstmAutoencoder.create({ ...ARTICLE_VARIANT, ...config });
  const x = sineWindows(24);
  const before = Float32Array.from(model.params);
  const grads = new Float32Array(before.length);
  new ReferenceStep(model.config, 24, 'float32').lossAndGradient(before, grads, x.data as Float32Array, 24);
  await model.fit(x, { optimizer: { name: 'sgd', learningRate: 1 }, epochs: 1, shuffle: false, batchSize: 24, engine: 'reference' });
  const expected = before.map((p, i) => p - grads[i]!);
  assert.deepEqual(Float32Array.from(model.params), expected);
  assert.notDeepEqual(expected, before);
});

test('fit: NaN in the data or validation data is an InputError naming where, before any training', async () => {
  const model = LstmAutoencoder.create({ ...ARTICLE_VARIANT, ...config });
  const before = Float32Array.from(model.params);
  const x = sineWindows(10);
  x.data[3 * T + 5] = NaN;
  await assert.rejects(model.fit(x), (e: Error) => e instanceof InputError && /x holds NaN at window 3, step 5/.test(e.message));
  const wrongShape = { data: new Float32Array(10 * 7), shape: [10, 7, 1] as [number, number, number] };
  await assert.rejects(model.fit(sineWindows(10), { validationData: wrongShape }), /validationData has shape \(10,7,1\) but the model takes \(N,8,1\)/);
  await assert.rejects(model.fit(sineWindows(10), { batchSize: 0 }), /batchSize 0 is invalid/);
  await assert.rejects(model.fit(sineWindows(10), { engine: 'refrence' as 'reference' }), /engine "refrence" is unknown: expected fast or reference/);
  await assert.rejects(model.fit(sineWindows(10), { threads: 2.5 }), /threads 2.5 is invalid/);
  await assert.rejects(model.fit(sineWindows(10), { optimizer: { name: 'adam', rho: 0.9 } }), /optimizer adam does not take rho/);
  assert.deepEqual(Float32Array.from(model.params), before);
});

test('fit: a huge learning rate diverges with TrainingDivergedError and keeps the last good weights', async () => {
  const model = LstmAutoencoder.create({ ...ARTICLE_VARIANT, ...config });
  let lastGood = Float32Array.from(model.params);
  const error = await model
    .fit(sineWindows(32), {
      epochs: 3,
      batchSize: 8,
      optimizer: { name: 'sgd', learningRate: 1e300 },
      callbacks: { onBatchEnd: () => void (lastGood = Float32Array.from(model.params)) },
    })
    .catch((e: unknown) => e);
  assert.ok(error instanceof TrainingDivergedError, String(error));
  // the first SGD step already overflows: epoch 1, batch 1 (1-based), and the message says so
  assert.deepEqual([error.epoch, error.batch], [1, 1]);
  assert.match(error.message, /epoch 1, batch 1\b/);
  assert.deepEqual(Float32Array.from(model.params), lastGood);
  assert.ok(model.params.every(Number.isFinite));
});

test('fit: a NaN loss from the gradient step stops at that epoch and batch (1-based), the weights back where that epoch began', async () => {
  const model = LstmAutoencoder.create({ ...ARTICLE_VARIANT, ...config });
  const reference = new ReferenceStep(model.config, 8, 'float32');
  let calls = 0;
  // fails on its 7th call: epoch 2 (4 batches of 8 per epoch), batch 3; it scribbles on params first
  const poisoned: GradientStep = {
    dims: reference.dims,
    maxBatch: 8,
    lossAndGradient(params, grads, x, batch) {
      if (++calls < 7) return reference.lossAndGradient(params, grads, x, batch);
      params.fill(123);
      return NaN;
    },
    forward: (params, x, batch, out) => reference.forward(params, x, batch, out),
    dispose() {},
  };
  // the weights that made a NaN loss are not "good": those of the last finished epoch are
  let lastGood = Float32Array.from(model.params);
  const error = await model
    .fit(sineWindows(32), { epochs: 3, batchSize: 8, gradientStep: poisoned, callbacks: { onEpochEnd: () => void (lastGood = Float32Array.from(model.params)) } })
    .catch((e: unknown) => e);
  assert.ok(error instanceof TrainingDivergedError);
  assert.deepEqual([error.epoch, error.batch], [2, 3]);
  assert.match(error.message, /epoch 2, batch 3: the loss became NaN/);
  assert.deepEqual(Float32Array.from(model.params), lastGood);
  // the one epoch that finished is kept, so a caller can still save it
  assert.deepEqual(error.history.epoch, [0]);
  assert.equal(error.history.history.loss.length, 1);
  assert.ok(Number.isFinite(error.history.history.loss[0]) && error.history.history.loss[0]! > 0);
});
