import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ARTICLE_VARIANT, AUTOENCODER_DEFAULTS, LstmAutoencoder, modelArtifacts, modelFromArtifacts, splitValidationRandom, type Sequences } from '../src/index.js';
import { loadModel, writeNpy } from '../src/node.js';
import { runCli } from './run-cli.js';

// The library's LstmAutoencoder.create and `lstm-ae train` take their defaults from one place
// (AUTOENCODER_DEFAULTS): on a channel in [1, 5] both scale it, reconstruct it with a linear
// output, and train to the same weights for the same seed. The article's tanh output cannot
// reach values above 1, which the last assertion shows is no idle difference.
const scratch = mkdtempSync(join(tmpdir(), 'lstm-ae-defaults-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

const N = 40;
const T = 24;
/** Series in [1, 5]: a level of 3, a slow wave of amplitude up to 1.8 and a little wobble, each its own phase. */
function seriesInOneToFive(): Sequences {
  const data = new Float32Array(N * T);
  for (let n = 0; n < N; n++) {
    for (let t = 0; t < T; t++) data[n * T + t] = 3 + (1 + 0.8 * Math.sin(n)) * Math.sin((2 * Math.PI * t) / T + n) + 0.1 * Math.cos(7 * t + n);
  }
  return { data, shape: [N, T, 1] };
}

function meanSquaredError(a: Float32Array, b: Float32Array | Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i]! - b[i]!) ** 2;
  return sum / a.length;
}

test('create({ timesteps, inputDim }) builds, trains and reconstructs as `lstm-ae train` with its defaults does', async () => {
  const x = seriesInOneToFive();
  assert.ok(x.data.every((v) => v >= 1 && v <= 5));
  const file = join(scratch, 'one-to-five.npy');
  writeNpy(file, { dtype: 'float32', shape: [N, T], data: x.data as Float32Array });
  const epochs = 12;
  const run = join(scratch, 'run');
  const cli = await runCli('train', '--data', file, '--out', run, '--epochs', String(epochs), '--threads', '2', '--json');
  assert.equal(cli.code, 0, cli.stderr);
  const trained = await loadModel(run);

  const model = LstmAutoencoder.create({ timesteps: T, inputDim: 1 });
  assert.equal(model.config.outputActivation, 'linear');
  assert.equal(model.config.normalize, 'per-channel');
  assert.equal(model.config.latentDim, AUTOENCODER_DEFAULTS.latentDim);
  // what train does with a file and no options: a random fifth held out (seed 0), Keras's batch capped at a quarter, early stopping
  const { train, validation } = splitValidationRandom(x, 0.2, 0);
  await model.fit(train, { epochs, batchSize: Math.min(32, Math.ceil(train.shape[0] / 4)), validationData: validation, earlyStopping: { patience: 10 }, threads: 2 });

  const ours = await model.reconstruct(x, { threads: 2 });
  const theirs = await trained.reconstruct(x, { threads: 2 });
  assert.deepEqual(ours.shape, [N, T, 1]);
  const mseOurs = meanSquaredError(ours.data, x.data);
  const mseTheirs = meanSquaredError(theirs.data, x.data);
  assert.ok(Math.abs(mseOurs - mseTheirs) <= 1e-6, `library MSE ${mseOurs}, train's ${mseTheirs}`);
  assert.ok(Math.max(...ours.data) > 1.5, 'the reconstruction reaches past 1 (in the data units)');

  // the article's model on the same data: tanh cannot pass 1, so its error stays large
  const article = LstmAutoencoder.create({ ...ARTICLE_VARIANT, timesteps: T, inputDim: 1 });
  await article.fit(train, { epochs, batchSize: 8, threads: 2 });
  const mseArticle = meanSquaredError((await article.reconstruct(x, { threads: 2 })).data, x.data);
  assert.ok(mseArticle > 5 * mseOurs, `tanh output: MSE ${mseArticle} against ${mseOurs}`);
  await Promise.all([model.dispose(), trained.dispose(), article.dispose()]);
});

test('save and load are methods too; results carry their shape; encode takes series of unequal lengths by default', async () => {
  const model = LstmAutoencoder.create({ timesteps: 6, inputDim: 2, latentDim: 3, seed: 4 });
  const lengths = Int32Array.from([6, 4, 3]);
  const data = new Float32Array(3 * 6 * 2).map((_, i) => Math.sin(i));
  const x: Sequences = { data, shape: [3, 6, 2], lengths };
  await model.fit(x, { epochs: 2, batchSize: 3 });
  const codes = await model.encode(x);
  assert.deepEqual(codes.shape, [3, 3]);
  const dir = join(scratch, 'saved');
  await model.save(dir);
  const loaded = await LstmAutoencoder.load(dir);
  assert.deepEqual((await loaded.encode(x)).data, codes.data);
  assert.deepEqual((await loaded.predict(x)).data, (await model.reconstruct(x)).data, 'predict is reconstruct');
  await Promise.all([model.dispose(), loaded.dispose()]);
});

test('model files made and read in memory (a browser download and upload) hold the model the CLI saves and loads', async () => {
  const model = LstmAutoencoder.create({ timesteps: 5, inputDim: 2, latentDim: 3, seed: 2 });
  const x: Sequences = { data: new Float32Array(4 * 5 * 2).map((_, i) => Math.cos(i) * 3 + 1), shape: [4, 5, 2], lengths: Int32Array.from([5, 2, 4, 5]) };
  await model.fit(x, { epochs: 1, batchSize: 2 });
  const { modelJson, weights } = modelArtifacts(model);
  const fromMemory = modelFromArtifacts(modelJson, new Map([['weights.bin', weights]]));
  const dir = join(scratch, 'in-memory');
  await model.save(dir);
  const fromDisk = await loadModel(dir);
  const codes = (await model.encode(x)).data;
  assert.ok(codes.some((c) => c !== 0));
  assert.deepEqual((await fromMemory.encode(x)).data, codes);
  assert.deepEqual((await fromDisk.encode(x)).data, codes);
  assert.deepEqual((await fromMemory.reconstruct(x)).data, (await model.reconstruct(x)).data);
  assert.throws(() => modelFromArtifacts(modelJson, new Map()), /model\.json: weightsManifest group 0 path 0 names "weights\.bin", which was not given/);
  assert.throws(() => modelFromArtifacts('{"format": "graph-model"}', new Map(), 'uploaded.json'), /^InputError: uploaded\.json: format is "graph-model"/);
  await Promise.all([model.dispose(), fromMemory.dispose(), fromDisk.dispose()]);
});
