import { ARTICLE_VARIANT } from '../src/models/autoencoder/config.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LstmAutoencoder } from '../src/models/autoencoder/lstm-autoencoder.js';
import { loadModel, saveModel } from '../src/io/tfjs/format.js';
import { applyScaling, fitScaling } from '../src/train/scaling.js';

// Two channels far from [-1, 1] (a level of 500 and a swing of 40): a model that normalizes
// per channel learns the statistics from its training windows, predicts in the data's own
// units, and saves them, so a loaded model gives the same codes and reconstructions.
const N = 24, T = 10, D = 2;
const data = Float64Array.from({ length: N * T * D }, (_, i) => {
  const t = Math.floor(i / D) % T, n = Math.floor(i / (T * D));
  return i % D === 0 ? 500 + 3 * Math.sin(0.6 * t + n) : 40 * Math.cos(0.4 * t - n);
});
const x = { data, shape: [N, T, D] as [number, number, number] };

test('normalize per-channel: statistics from the training part only, predict in the data\'s units, saved and loaded with the model', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lstm-ae-scaling-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const model = LstmAutoencoder.create({ ...ARTICLE_VARIANT, timesteps: T, inputDim: D, latentDim: 4, normalize: 'per-channel', outputActivation: 'linear', seed: 2 });
  await assert.rejects(model.encode(x), /normalizes \(per-channel\) but has not been fitted/);
  await model.fit(x, { epochs: 3, batchSize: 8, validationSplit: 0.25, threads: 1 });
  const train = { data: data.subarray(0, 18 * T * D), shape: [18, T, D] as [number, number, number] };
  assert.deepEqual(model.scaling, fitScaling(train, 'per-channel'), 'the statistics of the 18 training windows, not of all 24');

  const reconstruction = (await model.predict(x, { threads: 1 })).data;
  const channel0 = reconstruction.filter((_, i) => i % D === 0);
  const mean0 = channel0.reduce((a, b) => a + b) / channel0.length;
  assert.ok(Math.abs(mean0 - 500) < 5, `channel 0 comes back near its level of 500: ${mean0}`);

  // by hand: the network sees the scaled windows; the model's predict is their output scaled back
  const plain = LstmAutoencoder.fromWeights({ timesteps: T, inputDim: D, latentDim: 4, outputActivation: 'linear' }, model.getWeights());
  const scaled = applyScaling(x, model.scaling!);
  const codesByHand = (await plain.encode({ ...x, data: scaled.data }, { threads: 1 })).data;
  assert.deepEqual((await model.encode(x, { threads: 1 })).data, codesByHand);

  saveModel(dir, model);
  const meta = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')).userDefinedMetadata['lstm-ae'];
  assert.equal(meta.scaling.normalize, 'per-channel');
  const loaded = loadModel(join(dir, 'model.json'));
  assert.equal(loaded.config.normalize, 'per-channel');
  assert.deepEqual((await loaded.encode(x, { threads: 1 })).data, (await model.encode(x, { threads: 1 })).data);
  assert.deepEqual((await loaded.predict(x, { threads: 1 })).data, reconstruction);
  await Promise.all([model.dispose(), plain.dispose(), loaded.dispose()]);
});

test('a saved scaling that does not fit the model is one InputError line naming the file', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lstm-ae-scaling-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const model = LstmAutoencoder.create({ ...ARTICLE_VARIANT, timesteps: T, inputDim: D, latentDim: 3, normalize: 'global' });
  await model.fit(x, { epochs: 1, threads: 1 });
  const path = saveModel(dir, model);
  const json = JSON.parse(readFileSync(path, 'utf8'));
  json.userDefinedMetadata['lstm-ae'].scaling.std = [0];
  const { writeFileSync } = await import('node:fs');
  writeFileSync(path, JSON.stringify(json));
  assert.throws(() => loadModel(path), /model\.json: userDefinedMetadata\["lstm-ae"\]\.scaling\.std\[0\] is 0; expected a number above \d/);
  await model.dispose();
});
