import { ARTICLE_VARIANT } from '../src/models/autoencoder/config.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { WEIGHT_NAMES, type WeightName } from '../src/models/autoencoder/layout.js';
import { LstmAutoencoder } from '../src/models/autoencoder/lstm-autoencoder.js';
import { loadModel, saveModel } from '../src/io/tfjs/format.js';
import { assertClose } from './assert-close.js';
import { flat, torch } from './torch-fixture.js';

// Real TensorFlow.js (pure-JS CPU backend) on one side, our engine on the other: a model
// either of us writes must compute the same thing when the other one reads it.
await tf.setBackend('cpu');

const FIXTURE = fileURLToPath(new URL('../../test/fixtures/tfjs-model-seed-architecture/model.json', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'lstm-ae-tfjs-roundtrip-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

const TOLERANCE = 1e-5;

/** tf.loadLayersModel on a model.json and its shards, read from disk as tfjs-node's file:// does. */
async function tfjsLoad(modelJsonPath: string): Promise<tf.LayersModel> {
  const json = JSON.parse(readFileSync(modelJsonPath, 'utf8')) as tf.io.ModelJSON;
  return tf.loadLayersModel({
    load: () =>
      tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const bytes = Buffer.concat(manifest.flatMap((g) => g.paths.map((p) => readFileSync(join(dirname(modelJsonPath), p)))));
        const data = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
        return [manifest.flatMap((g) => g.weights), data];
      }),
  });
}

/** model.save to dir/model.json + dir/weights.bin, laid out as tfjs-node's file:// writes them. */
async function tfjsSave(model: tf.LayersModel, dir: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const wd = artifacts.weightData!;
      const bytes = Array.isArray(wd) ? Buffer.concat(wd.map((b) => new Uint8Array(b))) : new Uint8Array(wd);
      writeFileSync(join(dir, 'weights.bin'), bytes);
      const modelJson = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      };
      writeFileSync(join(dir, 'model.json'), JSON.stringify(modelJson));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
  return join(dir, 'model.json');
}

/** The seed architecture built the TF.js way, every layer with its default name, all weights random. */
function tfjsAutoencoder(T: number, D: number, L: number, recurrentActivation: 'sigmoid' | 'hardSigmoid', seed: number): tf.LayersModel {
  const x = tf.input({ shape: [T, D] });
  const code = tf.layers.lstm({ units: L, recurrentActivation }).apply(x) as tf.SymbolicTensor;
  const reversed = tf.input({ shape: [T, D] });
  const joined = tf.layers.concatenate().apply([tf.layers.repeatVector({ n: T }).apply(code) as tf.SymbolicTensor, reversed]);
  const decoded = tf.layers.lstm({ units: L, recurrentActivation, returnSequences: true }).apply(joined);
  const hidden = tf.layers.dense({ units: L, activation: 'relu' }).apply(decoded);
  const y = tf.layers.dense({ units: D, activation: 'tanh' }).apply(hidden) as tf.SymbolicTensor;
  const model = tf.model({ inputs: [x, reversed], outputs: y });
  // random biases too: zero biases would hide a bias put in the wrong place
  model.setWeights(model.getWeights().map((w, i) => tf.randomUniform(w.shape, -0.6, 0.6, 'float32', seed + i)));
  return model;
}

/** Deterministic windows in [-1, 1], (N,T,D). */
function windows(N: number, T: number, D: number): Float32Array {
  const x = new Float32Array(N * T * D);
  for (let i = 0; i < x.length; i++) x[i] = Math.sin(0.7 * i + 0.3 * Math.cos(1.3 * i));
  return x;
}

function tfjsPredict(model: tf.LayersModel, x: Float32Array, shape: [number, number, number]): Float32Array {
  return tf.tidy(() => {
    const input = tf.tensor3d(x, shape);
    return (model.predict([input, tf.reverse(input, 1)]) as tf.Tensor).dataSync() as Float32Array;
  });
}

/** Random biases (the created model's are zero but for the forget gate), so a bias mix-up shows. */
function randomizeBiases(model: LstmAutoencoder, seed: number): void {
  const biases: Partial<Record<WeightName, Float32Array>> = {};
  let s = seed;
  for (const name of WEIGHT_NAMES.filter((n) => n.endsWith('/bias'))) {
    const b = new Float32Array(model.getWeights()[name].length);
    for (let i = 0; i < b.length; i++) b[i] = Math.sin(++s * 12.9898) * 0.5;
    biases[name] = b;
  }
  model.setWeights(biases);
}

test('TF.js itself reproduces the fixture output from the fixture file (our file reader for TF.js is right)', async () => {
  const model = await tfjsLoad(FIXTURE);
  const x = Float32Array.from(flat(torch.x));
  assertClose(tfjsPredict(model, x, [3, 6, 1]), flat(torch.output), TOLERANCE, 'TF.js on the fixture');
  model.dispose();
});

test('loading the TF.js fixture and predicting its x reproduces PyTorch\'s output within 1e-5', async () => {
  const model = loadModel(FIXTURE);
  const x = Float32Array.from(flat(torch.x));
  assertClose(((await model.predict({ data: x, shape: [3, 6, 1] }, { engine: 'reference' })).data), flat(torch.output), TOLERANCE, 'our predict on the fixture');
});

for (const recurrentActivation of ['sigmoid', 'hard_sigmoid'] as const) {
  test(`a model we save (${recurrentActivation}), loaded by tf.loadLayersModel, predicts what ours predicts`, async () => {
    const [T, D, L] = [7, 2, 5];
    const ours = LstmAutoencoder.create({ ...ARTICLE_VARIANT, timesteps: T, inputDim: D, latentDim: L, seed: 3, recurrentActivation });
    randomizeBiases(ours, 3);
    const path = saveModel(join(scratch, `ours-${recurrentActivation}`), ours);
    const theirs = await tfjsLoad(path);
    const x = windows(4, T, D);
    assertClose(tfjsPredict(theirs, x, [4, T, D]), ((await ours.predict({ data: x, shape: [4, T, D] }, { engine: 'reference' })).data), TOLERANCE, 'TF.js on our file');
    theirs.dispose();
  });

  test(`a model TF.js builds with default layer names (${recurrentActivation}) and saves, loaded by us, predicts what TF.js predicts`, async () => {
    const [T, D, L] = [9, 3, 6];
    const theirs = tfjsAutoencoder(T, D, L, recurrentActivation === 'sigmoid' ? 'sigmoid' : 'hardSigmoid', 11);
    const path = await tfjsSave(theirs, join(scratch, `theirs-${recurrentActivation}`));
    const saved = JSON.parse(readFileSync(path, 'utf8'));
    assert.ok(saved.modelTopology.config.layers.every((l: { name: string }) => !/encoder|decoder/.test(l.name)), 'default names');
    const ours = loadModel(path);
    assert.deepEqual(
      [ours.config.timesteps, ours.config.inputDim, ours.config.latentDim, ours.config.recurrentActivation],
      [T, D, L, recurrentActivation],
    );
    const x = windows(5, T, D);
    assertClose(((await ours.predict({ data: x, shape: [5, T, D] }, { engine: 'reference' })).data), tfjsPredict(theirs, x, [5, T, D]), TOLERANCE, 'ours on the TF.js file');
    theirs.dispose();
  });
}

// Masked models: windows of unequal length, post-padded with the model's mask value.

/** The real steps of (N,T,D) windows, each reversed within its own length, or as they are. */
function realSteps(values: Float32Array, T: number, D: number, lengths: Int32Array, reversed: boolean): Float32Array {
  const out: number[] = [];
  lengths.forEach((len, n) => {
    for (let t = 0; t < len; t++) {
      const from = (n * T + (reversed ? len - 1 - t : t)) * D;
      out.push(...values.subarray(from, from + D));
    }
  });
  return Float32Array.from(out);
}

/** Windows whose steps from lengths[n] on are `pad` in every feature; and the same reversed within each length, padded alike. */
function paddedPair(T: number, D: number, lengths: Int32Array, pad: number): { x: Float32Array; reversed: Float32Array } {
  const x = windows(lengths.length, T, D);
  const reversed = new Float32Array(x.length).fill(pad);
  lengths.forEach((len, n) => {
    x.fill(pad, (n * T + len) * D, (n + 1) * T * D);
    for (let t = 0; t < len; t++) reversed.set(x.subarray((n * T + len - 1 - t) * D, (n * T + len - t) * D), (n * T + t) * D);
  });
  return { x, reversed };
}

test('a masked, unconditional, reversed-target model we save: TF.js gives our codes and reconstructions, and reads the flag', async () => {
  const [T, D, L, MASK] = [7, 2, 5, -9];
  const ours = LstmAutoencoder.create({ ...ARTICLE_VARIANT, timesteps: T, inputDim: D, latentDim: L, seed: 3, maskValue: MASK, decoder: 'unconditional', reverseTarget: true });
  randomizeBiases(ours, 5);
  const lengths = Int32Array.from([7, 3, 5, 2]);
  const { x } = paddedPair(T, D, lengths, MASK);
  const input = { data: x, shape: [4, T, D] as [number, number, number], lengths };
  const path = saveModel(join(scratch, 'ours-masked-unconditional'), ours);
  const json = JSON.parse(readFileSync(path, 'utf8'));
  assert.deepEqual(
    json.modelTopology.config.layers.map((l: { class_name: string }) => l.class_name),
    ['InputLayer', 'Masking', 'LSTM', 'RepeatVector', 'LSTM', 'Dense', 'Dense'],
  );
  const theirs = await tfjsLoad(path);
  assert.equal(theirs.inputs.length, 1);
  assert.equal((theirs.getUserDefinedMetadata() as Record<string, { reverseTarget: boolean }>)['lstm-ae']!.reverseTarget, true);
  const encoder = tf.model({ inputs: theirs.inputs, outputs: theirs.getLayer('encoder').output as tf.SymbolicTensor });
  const theirCodes = tf.tidy(() => (encoder.predict(tf.tensor3d(x, [4, T, D])) as tf.Tensor).dataSync() as Float32Array);
  assertClose(theirCodes, (await ours.encode(input, { engine: 'reference' })).data, TOLERANCE, 'codes');
  // TF.js gives the model's order (step t guesses x[len-1-t]); ours comes back in data order, 0 on padding
  const theirOutput = tf.tidy(() => (theirs.predict(tf.tensor3d(x, [4, T, D])) as tf.Tensor).dataSync() as Float32Array);
  const ourReconstruction = (await ours.predict(input, { engine: 'reference' })).data;
  assertClose(realSteps(theirOutput, T, D, lengths, true), realSteps(ourReconstruction, T, D, lengths, false), TOLERANCE, 'reconstructions');
  assert.equal(ourReconstruction.subarray((T + 3) * D, 2 * T * D).reduce((a, v) => a + Math.abs(v), 0), 0, 'window 1\'s padded steps are 0');
  // the Masking layer does the work: the same windows padded with something else read the padding
  const { x: otherPad } = paddedPair(T, D, lengths, 0.25);
  const unmaskedCodes = tf.tidy(() => (encoder.predict(tf.tensor3d(otherPad, [4, T, D])) as tf.Tensor).dataSync() as Float32Array);
  assert.ok(Math.max(...unmaskedCodes.map((v, i) => Math.abs(v - theirCodes[i]!))) > 1e-3);
  // and our own reader gets the same model back
  const again = loadModel(path);
  assert.deepEqual([again.config.maskValue, again.config.decoder, again.config.reverseTarget], [MASK, 'unconditional', true]);
  assert.deepEqual((await again.predict(input, { engine: 'reference' })).data, ourReconstruction);
  theirs.dispose();
});

test('a masked conditional model with a linear output we save: TF.js, fed x and x reversed within each length, predicts ours', async () => {
  const [T, D, L, MASK] = [6, 3, 4, 100];
  const ours = LstmAutoencoder.create({ ...ARTICLE_VARIANT, timesteps: T, inputDim: D, latentDim: L, seed: 8, maskValue: MASK, outputActivation: 'linear' });
  randomizeBiases(ours, 8);
  ours.setWeights({ 'dense_out/bias': [1.5, -1.5, 1.2] }); // outputs beyond tanh's reach
  const lengths = Int32Array.from([2, 6, 4]);
  const { x, reversed } = paddedPair(T, D, lengths, MASK);
  const path = saveModel(join(scratch, 'ours-masked-conditional'), ours);
  const theirs = await tfjsLoad(path);
  const theirOutput = tf.tidy(() => (theirs.predict([tf.tensor3d(x, [3, T, D]), tf.tensor3d(reversed, [3, T, D])]) as tf.Tensor).dataSync() as Float32Array);
  const ourReconstruction = (await ours.predict({ data: x, shape: [3, T, D], lengths }, { engine: 'reference' })).data;
  assertClose(realSteps(theirOutput, T, D, lengths, false), realSteps(ourReconstruction, T, D, lengths, false), TOLERANCE, 'reconstructions');
  assert.ok(Math.max(...theirOutput.map(Math.abs)) > 1, 'a linear output reaches beyond tanh');
  theirs.dispose();
});

test('a masked unconditional model TF.js builds (Masking mask_value 0, default names) and saves, loaded by us, predicts what TF.js predicts', async () => {
  const [T, D, L] = [8, 2, 5];
  const input = tf.input({ shape: [T, D] });
  const masked = tf.layers.masking({ maskValue: 0 }).apply(input) as tf.SymbolicTensor;
  const code = tf.layers.lstm({ units: L, recurrentActivation: 'sigmoid' }).apply(masked) as tf.SymbolicTensor;
  const repeated = tf.layers.repeatVector({ n: T }).apply(code) as tf.SymbolicTensor;
  const decoded = tf.layers.lstm({ units: L, recurrentActivation: 'sigmoid', returnSequences: true }).apply(repeated);
  const hidden = tf.layers.dense({ units: L, activation: 'relu' }).apply(decoded);
  const y = tf.layers.dense({ units: D, activation: 'linear' }).apply(hidden) as tf.SymbolicTensor;
  const theirs = tf.model({ inputs: input, outputs: y });
  theirs.setWeights(theirs.getWeights().map((w, i) => tf.randomUniform(w.shape, -0.6, 0.6, 'float32', 40 + i)));
  const path = await tfjsSave(theirs, join(scratch, 'theirs-masked-unconditional'));
  const ours = loadModel(path);
  assert.deepEqual([ours.config.maskValue, ours.config.decoder, ours.config.outputActivation, ours.config.reverseTarget], [0, 'unconditional', 'linear', undefined]);
  const lengths = Int32Array.from([3, 8, 5, 2, 6]);
  const { x } = paddedPair(T, D, lengths, 0);
  const theirOutput = tf.tidy(() => (theirs.predict(tf.tensor3d(x, [5, T, D])) as tf.Tensor).dataSync() as Float32Array);
  const ourReconstruction = (await ours.predict({ data: x, shape: [5, T, D], lengths }, { engine: 'reference' })).data;
  assertClose(realSteps(ourReconstruction, T, D, lengths, false), realSteps(theirOutput, T, D, lengths, false), TOLERANCE, 'ours on the TF.js file');
  theirs.dispose();
});
