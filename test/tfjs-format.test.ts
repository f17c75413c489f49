import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../src/input-error.js';
import { WEIGHT_NAMES, type WeightName } from '../src/models/autoencoder/layout.js';
import { jsonErrorOffset } from '../src/io/tfjs/json.js';
import { readTfjsModel } from '../src/io/tfjs/read.js';
import { writeTfjsModel } from '../src/io/tfjs/format.js';
import { flat, torch } from './torch-fixture.js';

// The fixture was written by TensorFlow.js 4.22's model.save; its weights are PyTorch's
// reference weights (test/fixtures/README.md), so the file and the JSON must agree.
const FIXTURE_DIR = fileURLToPath(new URL('../../test/fixtures/tfjs-model-seed-architecture', import.meta.url));
const fixtureJson = JSON.parse(readFileSync(join(FIXTURE_DIR, 'model.json'), 'utf8')) as Record<string, any>;
const fixtureBin = readFileSync(join(FIXTURE_DIR, 'weights.bin'));

const scratch = mkdtempSync(join(tmpdir(), 'lstm-ae-tfjs-format-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));
let dirCount = 0;

/** A model folder holding the given model.json and shards (default: the fixture's weights.bin). */
function modelDir(json: unknown, shards: Record<string, Uint8Array> = { 'weights.bin': fixtureBin }): string {
  const dir = join(scratch, `m${dirCount++}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'model.json'), typeof json === 'string' ? json : JSON.stringify(json));
  for (const [name, bytes] of Object.entries(shards)) writeFileSync(join(dir, name), bytes);
  return join(dir, 'model.json');
}

const clone = (): Record<string, any> => structuredClone(fixtureJson);
const layerNamed = (json: Record<string, any>, name: string): Record<string, any> =>
  json.modelTopology.config.layers.find((l: { name: string }) => l.name === name);

function assertFixtureWeights(weights: Record<WeightName, Float32Array>): void {
  for (const name of WEIGHT_NAMES) {
    const expected = flat(torch.weights[name]);
    assert.equal(weights[name].length, expected.length, name);
    // the file holds float32: each value is exactly the float32 rounding of PyTorch's float64
    expected.forEach((v, i) => assert.equal(weights[name][i], Math.fround(v), `${name}[${i}]`));
  }
}

function assertInputError(path: string, ...fragments: (string | RegExp)[]): void {
  assert.throws(
    () => readTfjsModel(path),
    (err: unknown) => {
      assert.ok(err instanceof InputError, `expected InputError, got ${String(err)}`);
      assert.ok(!err.message.includes('\n'), `one line: ${err.message}`);
      for (const f of fragments) assert.match(err.message, typeof f === 'string' ? new RegExp(escape(f)) : f);
      return true;
    },
  );
}
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

test('the TF.js fixture reads as T=6, D=1, L=4, sigmoid, with PyTorch reference weights', () => {
  const m = readTfjsModel(join(FIXTURE_DIR, 'model.json'));
  assert.deepEqual(m.dims, { timesteps: 6, inputDim: 1, latentDim: 4 });
  assert.equal(m.recurrentActivation, 'sigmoid');
  assertFixtureWeights(m.weights);
  // a folder holding model.json is accepted too
  assertFixtureWeights(readTfjsModel(FIXTURE_DIR).weights);
});

test('layers are recognised by topology, not names: defaults, Keras-converted wrapping, nested names, shards', () => {
  const json = clone();
  const rename: Record<string, string> = {
    input_1: 'input_2', // swap the input names: the role comes from where each input goes
    input_2: 'input_1',
    encoder: 'lstm_2',
    decoder: 'lstm_1',
    dense_hidden: 'dense_2',
    dense_out: 'dense_1',
    repeat_vector_1: 'repeat_vector',
    concatenate_1: 'concatenate',
  };
  const text = JSON.stringify(json.modelTopology).replace(/"(input_[12]|encoder|decoder|dense_hidden|dense_out|repeat_vector_1|concatenate_1)"/g, (_, n: string) => `"${rename[n]}"`);
  // as tensorflowjs_converter writes a Keras 2 model: wrapped in model_config, class Functional
  const model = JSON.parse(text);
  model.class_name = 'Functional';
  const converted: Record<string, any> = {
    format: 'layers-model',
    generatedBy: 'keras v2.15.0',
    convertedBy: 'TensorFlow.js Converter v4.22.0',
    modelTopology: { keras_version: '2.15.0', backend: 'tensorflow', model_config: model },
    // Keras nests LSTM weights under the cell and TensorFlow appends :0; the order is shuffled
    weightsManifest: [{ paths: ['group1-shard1of2.bin', 'group1-shard2of2.bin'], weights: [] as unknown[] }],
  };
  const specs = fixtureJson.weightsManifest[0].weights as { name: string }[];
  const offsets: number[] = [];
  let offset = 0;
  for (const s of specs) {
    offsets.push(offset);
    offset += 4 * (s as any).shape.reduce((a: number, b: number) => a * b, 1);
  }
  const order = [8, 9, 0, 1, 2, 6, 7, 3, 4, 5];
  const parts: Buffer[] = [];
  for (const i of order) {
    const [layer, suffix] = specs[i]!.name.split('/') as [string, string];
    const cell = layer === 'encoder' || layer === 'decoder' ? `${rename[layer]}/lstm_cell` : rename[layer];
    converted.weightsManifest[0].weights.push({ ...specs[i], name: `${cell}/${suffix}:0` });
    parts.push(fixtureBin.subarray(offsets[i], i + 1 < specs.length ? offsets[i + 1] : fixtureBin.length));
  }
  const all = Buffer.concat(parts);
  const path = modelDir(converted, { 'group1-shard1of2.bin': all.subarray(0, 333), 'group1-shard2of2.bin': all.subarray(333) });
  const m = readTfjsModel(path);
  assert.deepEqual(m.dims, { timesteps: 6, inputDim: 1, latentDim: 4 });
  assertFixtureWeights(m.weights);
});

test('Keras 3 topologies (inbound nodes as keras_history tensors, batch_shape) are read too', () => {
  const json = clone();
  const tensor = (ref: unknown[]) => ({ class_name: '__keras_tensor__', config: { dtype: 'float32', keras_history: ref.slice(0, 3) } });
  for (const layer of json.modelTopology.config.layers) {
    if (layer.class_name === 'InputLayer') {
      layer.config.batch_shape = layer.config.batch_input_shape;
      delete layer.config.batch_input_shape;
    }
    const refs = layer.inbound_nodes[0] as unknown[][] | undefined;
    if (refs) layer.inbound_nodes = [{ args: refs.length === 1 ? [tensor(refs[0]!)] : [refs.map(tensor)], kwargs: {} }];
  }
  json.modelTopology.class_name = 'Functional';
  json.modelTopology.config.output_layers = ['dense_out', 0, 0];
  const m = readTfjsModel(modelDir(json));
  assert.deepEqual(m.dims, { timesteps: 6, inputDim: 1, latentDim: 4 });
  assertFixtureWeights(m.weights);
});

test('a Concatenate that takes the reversed input first gets its decoder kernel rows put back in our order', () => {
  const json = clone();
  layerNamed(json, 'concatenate_1').inbound_nodes[0].reverse();
  // decoder kernel (L+D, 4L) = (5,16): the file's first row now belongs to the input
  const specs = json.weightsManifest[0].weights as { name: string; shape: number[] }[];
  let start = 0;
  for (const s of specs) {
    if (s.name === 'decoder/kernel') break;
    start += 4 * s.shape.reduce((a, b) => a * b, 1);
  }
  const bin = Buffer.from(fixtureBin);
  const rowBytes = 16 * 4;
  const kernel = fixtureBin.subarray(start, start + 5 * rowBytes);
  Buffer.concat([kernel.subarray(4 * rowBytes), kernel.subarray(0, 4 * rowBytes)]).copy(bin, start);
  assertFixtureWeights(readTfjsModel(modelDir(json, { 'weights.bin': bin })).weights);
});

test('writeTfjsModel writes what readTfjsModel reads back, bit for bit, with every activation explicit', () => {
  const original = readTfjsModel(join(FIXTURE_DIR, 'model.json'));
  const dir = join(scratch, 'written');
  const path = writeTfjsModel(dir, { ...original, recurrentActivation: 'hard_sigmoid' });
  assert.equal(path, join(dir, 'model.json'));
  const again = readTfjsModel(path);
  assert.equal(again.recurrentActivation, 'hard_sigmoid');
  assert.deepEqual(again.dims, original.dims);
  assertFixtureWeights(again.weights);
  const json = JSON.parse(readFileSync(path, 'utf8'));
  // a model set's first generation (model-set.ts), in the same manifest order as TF.js
  assert.deepEqual(json.weightsManifest[0].paths, ['weights.1.bin']);
  assert.deepEqual(readFileSync(join(dir, 'weights.1.bin')), fixtureBin);
  assert.equal(json.format, 'layers-model');
  assert.match(json.generatedBy, /^lstm-ae /);
  const layers = json.modelTopology.config.layers as { class_name: string; config: Record<string, unknown> }[];
  assert.deepEqual(
    layers.map((l) => l.class_name),
    ['InputLayer', 'LSTM', 'RepeatVector', 'InputLayer', 'Concatenate', 'LSTM', 'Dense', 'Dense'],
  );
  for (const l of layers.filter((l) => l.class_name === 'LSTM')) {
    assert.equal(l.config.activation, 'tanh');
    assert.equal(l.config.recurrent_activation, 'hard_sigmoid');
  }
  assert.deepEqual(layers.filter((l) => l.class_name === 'Dense').map((l) => l.config.activation), ['relu', 'tanh']);
});

test('bad files: one line naming the file and what was expected', () => {
  const missing = join(scratch, 'nowhere', 'model.json');
  assertInputError(missing, missing, 'file not found');

  const noBin = modelDir(clone(), {});
  assertInputError(noBin, join(noBin, '..', 'weights.bin'), 'file not found');

  assertInputError(modelDir(clone(), { 'weights.bin': fixtureBin.subarray(0, 1120) }), 'weights.bin is 1120 bytes', 'describes 1124 bytes');
  assertInputError(modelDir(clone(), { 'weights.bin': Buffer.concat([fixtureBin, Buffer.alloc(8)]) }), '1132 bytes', '1124 bytes');

  const text = JSON.stringify(fixtureJson, null, 1);
  const broken = text.replace('"units": 4,', '"units": 4,,');
  const line = text.slice(0, text.indexOf('"units": 4,')).split('\n').length;
  const badJson = modelDir(broken);
  assertInputError(badJson, badJson, `not valid JSON at line ${line}, column `);

  const withDropout = clone();
  withDropout.modelTopology.config.layers.push({ name: 'drop', class_name: 'Dropout', config: { rate: 0.1 }, inbound_nodes: [] });
  assertInputError(modelDir(withDropout), "'drop'", 'Dropout', 'supported: InputLayer, LSTM, RepeatVector, Concatenate, Dense');

  const wrapped = clone();
  layerNamed(wrapped, 'dense_out').class_name = 'TimeDistributed';
  assertInputError(modelDir(wrapped), 'unsupported class TimeDistributed');

  const relu = clone();
  layerNamed(relu, 'decoder').config.recurrent_activation = 'relu';
  assertInputError(modelDir(relu), "'decoder'", 'recurrent_activation relu', 'supported: sigmoid, hard_sigmoid');

  // (linear is a supported output activation since the masking branch; sigmoid is not)
  const sigmoidOut = clone();
  layerNamed(sigmoidOut, 'dense_out').config.activation = 'sigmoid';
  assertInputError(modelDir(sigmoidOut), "Dense layer 'dense_out' has activation sigmoid", 'needs tanh or linear');

  const softsign = clone();
  layerNamed(softsign, 'encoder').config.activation = 'softsign';
  assertInputError(modelDir(softsign), "'encoder' has activation softsign", 'supported: tanh');

  const float16 = clone();
  float16.weightsManifest[0].weights[2].dtype = 'float16';
  assertInputError(modelDir(float16), "'encoder/bias'", 'dtype float16', 'only float32');

  const noBias = clone();
  noBias.weightsManifest[0].weights.pop(); // dense_out/bias, the last 4 bytes
  assertInputError(modelDir(noBias, { 'weights.bin': fixtureBin.subarray(0, 1120) }), 'missing weights', "'dense_out'", 'bias');

  const wrongShape = clone();
  wrongShape.weightsManifest[0].weights[0].shape = [16, 1];
  assertInputError(modelDir(wrongShape), "'encoder/kernel' has shape [16,1]", 'needs [1,16]');

  const oneInput = clone();
  layerNamed(oneInput, 'concatenate_1').inbound_nodes[0][1][0] = 'input_1';
  oneInput.modelTopology.config.layers.splice(3, 1);
  oneInput.modelTopology.config.input_layers.pop();
  assertInputError(modelDir(oneInput), 'same input', 'x reversed in time');

  const shortRepeat = clone();
  layerNamed(shortRepeat, 'repeat_vector_1').config.n = 5;
  assertInputError(modelDir(shortRepeat), "input 'input_1' has 6 timesteps", 'repeats 5');

  const misplaced = clone();
  layerNamed(misplaced, 'repeat_vector_1').class_name = 'LSTM';
  assertInputError(modelDir(misplaced), "layer 'repeat_vector_1' is a LSTM where the autoencoder needs its repeated code (RepeatVector)");

  const nanBin = Buffer.from(fixtureBin);
  nanBin.writeFloatLE(NaN, 4 * 3); // encoder/kernel[3]
  assertInputError(modelDir(clone(), { 'weights.bin': nanBin }), "weight 'encoder/kernel' holds NaN at index 3");

  const keras3 = clone();
  keras3.modelTopology.keras_version = '3.5.0';
  layerNamed(keras3, 'encoder').config.recurrent_activation = 'hard_sigmoid';
  layerNamed(keras3, 'decoder').config.recurrent_activation = 'hard_sigmoid';
  assertInputError(modelDir(keras3), 'Keras 3.5.0', 'relu6(x+3)/6');

  const graph = clone();
  graph.format = 'graph-model';
  assertInputError(modelDir(graph), 'graph-model');
});

test('Masking and the variants: written, read back, and the inconsistent ones refused in one line', () => {
  const original = readTfjsModel(join(FIXTURE_DIR, 'model.json'));
  const dir = join(scratch, 'masked');
  const path = writeTfjsModel(dir, { ...original, variant: { maskValue: -5, reverseTarget: true, outputActivation: 'linear' } });
  const json = JSON.parse(readFileSync(path, 'utf8'));
  const layers = json.modelTopology.config.layers as { name: string; class_name: string; config: Record<string, unknown> }[];
  assert.deepEqual(
    layers.map((l) => l.class_name),
    ['InputLayer', 'Masking', 'LSTM', 'RepeatVector', 'InputLayer', 'Masking', 'Concatenate', 'LSTM', 'Dense', 'Dense'],
  );
  assert.deepEqual(layers.filter((l) => l.class_name === 'Masking').map((l) => l.config.mask_value), [-5, -5]);
  assert.equal(json.userDefinedMetadata['lstm-ae'].reverseTarget, true);
  const again = readTfjsModel(path);
  assert.deepEqual(again.variant, { decoder: 'conditional', reverseTarget: true, outputActivation: 'linear', maskValue: -5 });
  assertFixtureWeights(again.weights);
  // a file without our metadata, or without masks, is the article's model
  assert.deepEqual(readTfjsModel(join(FIXTURE_DIR, 'model.json')).variant, { decoder: 'conditional', reverseTarget: false, outputActivation: 'tanh', maskValue: null });

  const withLayers = (edit: (layers: Record<string, any>[]) => void, metadata: unknown = json.userDefinedMetadata): string => {
    const copy = structuredClone(json);
    edit(copy.modelTopology.config.layers);
    copy.userDefinedMetadata = metadata;
    const shard = json.weightsManifest[0].paths[0]; // a model set's weights.G.bin
    return modelDir(copy, { [shard]: readFileSync(join(dir, shard)) });
  };
  const named = (ls: Record<string, any>[], name: string) => ls.find((l) => l.name === name)!;
  // only the encoder masked is fine (the decoder's extra steps touch no real one); only the decoder is not
  const encoderOnly = withLayers((ls) => {
    named(ls, 'concatenate').inbound_nodes[0][1][0] = 'input_2';
    ls.splice(ls.indexOf(named(ls, 'masking_2')), 1);
  });
  assert.equal(readTfjsModel(encoderOnly).variant.maskValue, -5);
  assertInputError(
    withLayers((ls) => {
      named(ls, 'encoder').inbound_nodes[0][0][0] = 'input_1';
      ls.splice(ls.indexOf(named(ls, 'masking_1')), 1);
    }),
    "the decoder's input 'input_2' is masked but the encoder's input 'input_1' is not",
  );
  assertInputError(withLayers((ls) => (named(ls, 'masking_2').config.mask_value = 0)), 'mask_value -5 and 0', 'expected the same');
  assertInputError(withLayers((ls) => (named(ls, 'masking_1').config.mask_value = 'pad')), `Masking layer 'masking_1' has mask_value "pad"`);
  assertInputError(withLayers(() => {}, { 'lstm-ae': { reverseTarget: 'yes' } }), 'userDefinedMetadata["lstm-ae"].reverseTarget is "yes"; expected true or false');
});

test('the JSON fault locator points at the first character that cannot continue a document', () => {
  assert.equal(jsonErrorOffset('{"a": [1, 2]}'), -1);
  assert.equal(jsonErrorOffset('{"a": }'), 6);
  assert.equal(jsonErrorOffset('{"a": 1,}'), 8);
  assert.equal(jsonErrorOffset('[1, 2'), 5);
  assert.equal(jsonErrorOffset('{"a": tru}'), 6);
  assert.equal(jsonErrorOffset('{"a": 1} x'), 9);
  assert.equal(jsonErrorOffset('"\\x"'), 2);
  assert.equal(jsonErrorOffset(''), 0);
});
