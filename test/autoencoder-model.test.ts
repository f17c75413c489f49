import { ARTICLE_VARIANT } from '../src/models/autoencoder/config.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LstmAutoencoder } from '../src/models/autoencoder/lstm-autoencoder.js';
import { WEIGHT_NAMES, type WeightName } from '../src/models/autoencoder/layout.js';
import { InputError } from '../src/input-error.js';
import { maxAbsDifference } from '../src/analysis/metrics.js';
import { flat, torch } from './torch-fixture.js';

test('create: the defaults are `lstm-ae train`\'s (latent 10, sigmoid, seed 0, per-channel scaling, linear output, masked); the seed model’s Keras parameter count', () => {
  const model = LstmAutoencoder.create({ timesteps: 100, inputDim: 1 });
  assert.deepEqual(model.config, {
    timesteps: 100, inputDim: 1, latentDim: 10, recurrentActivation: 'sigmoid', seed: 0,
    decoder: 'conditional', reverseTarget: false, outputActivation: 'linear', normalize: 'per-channel', maskValue: -1e9,
  });
  const article = LstmAutoencoder.create({ ...ARTICLE_VARIANT, timesteps: 100, inputDim: 1 });
  assert.deepEqual([article.config.outputActivation, article.config.normalize, article.config.maskValue], ['tanh', 'none', null]);
  assert.equal(article.params.length, 1481);
});

test('create: Keras initialisation drawn from numpy’s RandomState(seed), layer by layer', () => {
  const w = LstmAutoencoder.create({ ...ARTICLE_VARIANT, timesteps: 4, inputDim: 2, latentDim: 3, seed: 7 }).getWeights();
  // numpy, RandomState(7): glorot uniform(-lim, lim, (fan_in, fan_out)) and orthogonal via qr of a
  // (cols, rows) standard normal, in the order encoder, decoder, dense_hidden, dense_out
  const expected: Array<[WeightName, number, number, number]> = [
    ['encoder/kernel', -0.55474267, 0.36649973, 0.06348820724040127],
    ['encoder/recurrent_kernel', 0.32892159, 0.40431682, -0.14816319119151303],
    ['decoder/kernel', 0.11001888, -0.31472385, 0.3353393890646088],
    ['decoder/recurrent_kernel', 0.62337483, -0.20016856, 0.2196465823949498],
    ['dense_hidden/kernel', -0.61498356, -0.29097796, -0.5346578087360525],
    ['dense_out/kernel', -0.10718141, -0.49006449, 0.3289146884418028],
  ];
  for (const [name, first, second, last] of expected) {
    const v = w[name];
    assert.ok(maxAbsDifference([v[0]!, v[1]!, v[v.length - 1]!], [first, second, last]) < 1e-6, `${name}: ${[v[0], v[1], v[v.length - 1]]}`);
  }
  for (const lstm of ['encoder', 'decoder'] as const) {
    assert.deepEqual([...w[`${lstm}/bias`]], [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
  }
  assert.deepEqual([...w['dense_hidden/bias'], ...w['dense_out/bias']], [0, 0, 0, 0, 0]);
});

test('create: the same seed gives the same weights, another seed others', () => {
  const a = LstmAutoencoder.create({ ...ARTICLE_VARIANT, timesteps: 5, inputDim: 1, latentDim: 4, seed: 11 });
  const b = LstmAutoencoder.create({ ...ARTICLE_VARIANT, timesteps: 5, inputDim: 1, latentDim: 4, seed: 11 });
  const c = LstmAutoencoder.create({ ...ARTICLE_VARIANT, timesteps: 5, inputDim: 1, latentDim: 4, seed: 12 });
  assert.deepEqual(a.params, b.params);
  assert.notDeepEqual(a.params, c.params);
});

test('create: a bad setting is one InputError naming it', () => {
  assert.throws(() => LstmAutoencoder.create({ ...ARTICLE_VARIANT, timesteps: 0, inputDim: 1 }), (e: Error) => e instanceof InputError && /timesteps 0.*integer from 1/.test(e.message));
  assert.throws(
    () => LstmAutoencoder.create({ ...ARTICLE_VARIANT, timesteps: 3, inputDim: 1, recurrentActivation: 'relu' as 'sigmoid' }),
    (e: Error) => e instanceof InputError && /recurrentActivation "relu".*'sigmoid' or 'hard_sigmoid'/.test(e.message),
  );
  assert.throws(() => LstmAutoencoder.create({ ...ARTICLE_VARIANT, timesteps: 3, inputDim: 1, seed: -1 }), InputError);
});

const dims = { timesteps: 6, inputDim: 1, latentDim: 4 };
function fixtureModel(): LstmAutoencoder {
  const model = LstmAutoencoder.create({ ...ARTICLE_VARIANT, ...dims });
  model.setWeights(Object.fromEntries(WEIGHT_NAMES.map((n) => [n, flat(torch.weights[n])])));
  return model;
}
const x = { data: Float64Array.from(flat(torch.x)), shape: [3, 6, 1] as [number, number, number] };

test('predict and encode with the PyTorch fixture’s weights give its output and encoder states', async () => {
  const model = fixtureModel();
  assert.ok(maxAbsDifference(((await model.predict(x, { engine: 'reference' })).data), flat(torch.output)) < 1e-6);
  assert.ok(maxAbsDifference(((await model.encode(x, { engine: 'reference' })).data), flat(torch.encoder_final_h)) < 1e-6);
});

for (const engine of ['reference', 'fast'] as const) {
  test(`predict over more windows than one chunk equals predicting each window alone (${engine} path)`, async () => {
    const model = fixtureModel();
    const N = 600;
    const data = new Float32Array(N * 6);
    for (let i = 0; i < data.length; i++) data[i] = Math.sin(0.37 * i) * 0.9;
    const all = (await model.predict({ data, shape: [N, 6, 1] }, { engine, threads: 2 })).data;
    const codes = (await model.encode({ data, shape: [N, 6, 1] }, { engine, threads: 2 })).data;
    for (const n of [0, 255, 256, 511, 512, 599]) {
      const one = { data: data.slice(n * 6, n * 6 + 6), shape: [1, 6, 1] as [number, number, number] };
      assert.deepEqual(all.subarray(n * 6, n * 6 + 6), (await model.predict(one, { engine, threads: 2 })).data);
      assert.deepEqual(codes.subarray(n * 4, n * 4 + 4), (await model.encode(one, { engine, threads: 2 })).data);
    }
    await model.dispose();
  });
}

test('the library API runs the fast path by default: its predict and encode are the fast step\'s, within 1e-5 of the reference', async () => {
  const model = fixtureModel();
  const N = 300;
  const data = new Float32Array(N * 6);
  for (let i = 0; i < data.length; i++) data[i] = Math.cos(0.21 * i) * 0.8;
  const windows = { data, shape: [N, 6, 1] as [number, number, number] };
  const byDefault = { predict: (await model.predict(windows)).data, encode: (await model.encode(windows)).data };
  const fast = { predict: (await model.predict(windows, { engine: 'fast' })).data, encode: (await model.encode(windows, { engine: 'fast' })).data };
  const reference = { predict: (await model.predict(windows, { engine: 'reference' })).data, encode: (await model.encode(windows, { engine: 'reference' })).data };
  await model.dispose();
  // bit for bit the fast path's numbers, and not the reference's (whose float32 sums differ in order)
  assert.deepEqual(byDefault, fast);
  assert.notDeepEqual(byDefault.predict, reference.predict);
  assert.ok(maxAbsDifference(byDefault.predict, reference.predict) < 1e-5);
  assert.ok(maxAbsDifference(byDefault.encode, reference.encode) < 1e-5);
});

test('getWeights hands out views: writing one changes params', () => {
  const model = fixtureModel();
  model.getWeights()['dense_out/bias'][0] = 0.25;
  assert.equal(model.params[model.params.length - 1], 0.25);
});

test('setWeights checks every tensor first: a wrong length or a NaN changes nothing', () => {
  const model = fixtureModel();
  const before = Float32Array.from(model.params);
  assert.throws(
    () => model.setWeights({ 'dense_out/bias': [1], 'encoder/kernel': [1, 2, 3] }),
    (e: Error) => e instanceof InputError && /encoder\/kernel has 3 values, its shape \(1,16\) needs 16/.test(e.message),
  );
  assert.throws(() => model.setWeights({ 'dense_out/bias': [NaN] }), /dense_out\/bias holds NaN at index 0/);
  assert.deepEqual(model.params, before);
});

test('an input of the wrong shape or holding NaN/Inf is an InputError saying where', async () => {
  const model = fixtureModel();
  await assert.rejects(
    () => model.predict({ data: new Float32Array(3 * 5 * 2), shape: [3, 5, 2] }),
    (e: Error) => e instanceof InputError && /x has shape \(3,5,2\) but the model takes \(N,T,1\): windows of any length of 1 feature/.test(e.message),
  );
  const bad = Float64Array.from(x.data);
  bad[8] = Infinity;
  await assert.rejects(
    () => model.encode({ data: bad, shape: [3, 6, 1] }),
    (e: Error) => e instanceof InputError && /x holds Infinity at window 1, step 2, feature 0 \(flat index 8\)/.test(e.message),
  );
  await assert.rejects(() => model.predict({ data: new Float32Array(17), shape: [3, 6, 1] }), /data holds 17 values/);
});
