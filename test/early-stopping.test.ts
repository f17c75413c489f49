import { ARTICLE_VARIANT } from '../src/models/autoencoder/config.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EarlyStopping } from '../src/train/early-stopping.js';
import { splitValidation } from '../src/train/validation-split.js';
import { toSequences } from '../src/io/series-set.js';

// Keras 2's EarlyStopping(monitor='val_loss', patience=2, restore_best_weights=True) on the
// val_loss sequence 1.0, 0.8, 0.85, 0.9, 0.7: epoch 1 is the best; epochs 2 and 3 do not
// improve, so Keras stops after epoch 3 (wait reaches patience) and restores epoch 1's weights.
test('early stopping stops after `patience` epochs without improvement and restores the best weights, as Keras', () => {
  const params = new Float32Array(2);
  const stopper = new EarlyStopping(2, { patience: 2 });
  const losses = [1.0, 0.8, 0.85, 0.9, 0.7];
  let stoppedAfter = -1;
  for (const [epoch, loss] of losses.entries()) {
    params.fill(epoch); // the weights after this epoch
    if (stopper.update(epoch, loss, params)) {
      stoppedAfter = epoch;
      break;
    }
  }
  assert.equal(stoppedAfter, 3);
  assert.equal(stopper.bestEpoch, 1);
  assert.equal(stopper.stoppedEpoch, 3);
  assert.deepEqual([...params], [1, 1], 'epoch 1\'s weights are back');
});

test('min_delta: an improvement smaller than it does not count; without restore the last weights stay', () => {
  const params = new Float32Array(1);
  const stopper = new EarlyStopping(1, { patience: 1, minDelta: 0.1, restoreBestWeights: false });
  assert.equal(stopper.update(0, 1.0, params.fill(0)), false);
  assert.equal(stopper.update(1, 0.95, params.fill(1)), true, '0.05 better is not better by more than 0.1');
  assert.deepEqual([...params], [1]);
  assert.equal(stopper.bestEpoch, 0);
});

test('validation split: the last fraction before shuffling, as Keras (split at floor(N * (1 - f)))', () => {
  const data = Float32Array.from({ length: 10 * 2 }, (_, i) => i);
  const { train, validation } = splitValidation({ data, shape: [10, 2, 1], lengths: Int32Array.from([2, 1, 2, 2, 2, 2, 2, 2, 2, 1]) }, 0.25);
  assert.deepEqual(train.shape, [7, 2, 1]); // floor(10 * 0.75) = 7
  assert.deepEqual(validation.shape, [3, 2, 1]);
  assert.deepEqual([...validation.data], [14, 15, 16, 17, 18, 19]);
  assert.deepEqual([...(validation.lengths ?? [])], [2, 2, 1]);
  assert.throws(() => splitValidation({ data, shape: [10, 2, 1] }, 1), /validation split 1 is invalid/);
  assert.throws(() => splitValidation({ data: data.subarray(0, 2), shape: [1, 2, 1] }, 0.5), /leaves 0 for training/);
});

test('a series set becomes post-padded windows with lengths only when they differ', () => {
  const set = { series: [Float64Array.from([1, 2, 3, 4]), Float64Array.from([5, 6])], channels: 2, source: 'hand' };
  const x = toSequences(set, -9);
  assert.deepEqual(x.shape, [2, 2, 2]);
  assert.deepEqual([...x.data], [1, 2, 3, 4, 5, 6, -9, -9]);
  assert.deepEqual([...(x.lengths ?? [])], [2, 1]);
  assert.equal(toSequences({ series: [Float64Array.from([1, 2])], channels: 1, source: 'hand' }).lengths, undefined);
});

test('fit with validationSplit and earlyStopping stops, keeps the best epoch\'s weights and says which', async () => {
  const { LstmAutoencoder, DivergenceGuard } = await import('../src/models/autoencoder/lstm-autoencoder.js');
  const N = 40, T = 6;
  const data = Float32Array.from({ length: N * T }, (_, i) => Math.sin(i * 0.45) * 0.8);
  const model = LstmAutoencoder.create({ ...ARTICLE_VARIANT, timesteps: T, inputDim: 1, latentDim: 3, seed: 4 });
  // a huge learning rate makes val_loss wander, so patience runs out before 60 epochs; its loss
  // climbs to nearly 3 times the untrained model's, which the default divergence bound (2) would stop
  const history = await model.fit({ data, shape: [N, T, 1] }, {
    epochs: 60, batchSize: 8, validationSplit: 0.25, earlyStopping: { patience: 3 },
    optimizer: { name: 'sgd', learningRate: 3 }, engine: 'reference', divergence: new DivergenceGuard({ factor: 0 }),
  });
  const es = history.earlyStopping;
  assert.ok(es, 'history says how early stopping went');
  assert.ok(es.stoppedEpoch >= 0 && es.stoppedEpoch < 59, `stopped at ${es.stoppedEpoch}`);
  assert.equal(history.epoch.length, es.stoppedEpoch + 1);
  assert.equal(es.stoppedEpoch - es.bestEpoch, 3, 'three epochs without improvement after the best');
  const valLoss = history.history.val_loss ?? [];
  assert.equal(es.bestValLoss, Math.min(...valLoss));
  // the weights now are the best epoch's: their val_loss on the last quarter is the best one
  const validation = { data: data.subarray(30 * T), shape: [10, T, 1] as [number, number, number] };
  const reconstruction = (await model.predict(validation, { engine: 'reference' })).data;
  let sse = 0;
  for (let i = 0; i < reconstruction.length; i++) sse += (reconstruction[i]! - validation.data[i]!) ** 2;
  assert.ok(Math.abs(sse / reconstruction.length - es.bestValLoss) < 1e-6, `${sse / reconstruction.length} vs ${es.bestValLoss}`);
  await assert.rejects(model.fit({ data, shape: [N, T, 1] }, { earlyStopping: { patience: 1 }, engine: 'reference' }), /early stopping watches val_loss/);
});
