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
  assertClose((await model.predict({ data: x, shape: [3, 6, 1] }, { engine: 'reference' })), flat(torch.output), TOLERANCE, 'our predict on the fixture');
});

for (const recurrentActivation of ['sigmoid', 'hard_sigmoid'] as const) {
  test(`a model we save (${recurrentActivation}), loaded by tf.loadLayersModel, predicts what ours predicts`, async () => {
    const [T, D, L] = [7, 2, 5];
    const ours = LstmAutoencoder.create({ timesteps: T, inputDim: D, latentDim: L, seed: 3, recurrentActivation });
    randomizeBiases(ours, 3);
    const path = saveModel(join(scratch, `ours-${recurrentActivation}`), ours);
    const theirs = await tfjsLoad(path);
    const x = windows(4, T, D);
    assertClose(tfjsPredict(theirs, x, [4, T, D]), (await ours.predict({ data: x, shape: [4, T, D] }, { engine: 'reference' })), TOLERANCE, 'TF.js on our file');
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
    assertClose((await ours.predict({ data: x, shape: [5, T, D] }, { engine: 'reference' })), tfjsPredict(theirs, x, [5, T, D]), TOLERANCE, 'ours on the TF.js file');
    theirs.dispose();
  });
}
