import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../src/input-error.js';
import { readTfjsModel } from '../src/io/tfjs/read.js';
import { FLOAT32_MAX } from '../src/train/non-finite.js';

// Issue 23: a model.json is input. Keras features lstm-ae does not compute are refused by
// name (a stateful LSTM was read as a stateless one); scaling statistics of 1e308 and weights
// of 3e38 loaded and made every reconstruction infinite with exit 0: each is now one
// InputError line naming the setting or the weight.

const FIXTURE_DIR = fileURLToPath(new URL('../../test/fixtures/tfjs-model-seed-architecture', import.meta.url));
const fixtureText = readFileSync(join(FIXTURE_DIR, 'model.json'), 'utf8');
const fixtureBin = readFileSync(join(FIXTURE_DIR, 'weights.bin'));

const scratch = mkdtempSync(join(tmpdir(), 'lstm-ae-model-checks-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

type Json = Record<string, any>;
let count = 0;
/** A copy of the fixture (6 steps, 1 channel) changed by `edit`, its weights by `editWeights`; the path of its model.json. */
function variant(edit: (json: Json) => void, editWeights: (w: Float32Array, names: string[]) => void = () => {}): string {
  const dir = join(scratch, `m${count++}`);
  mkdirSync(dir);
  const json = JSON.parse(fixtureText) as Json;
  edit(json);
  writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
  const weights = new Float32Array(fixtureBin.buffer.slice(fixtureBin.byteOffset, fixtureBin.byteOffset + fixtureBin.byteLength));
  editWeights(weights, json.weightsManifest[0].weights.map((w: Json) => w.name));
  writeFileSync(join(dir, 'weights.bin'), new Uint8Array(weights.buffer));
  return join(dir, 'model.json');
}

function assertRefused(path: string, pattern: RegExp): void {
  assert.throws(() => readTfjsModel(path), (err: unknown) => {
    assert.ok(err instanceof InputError, `expected an InputError, got ${String(err)}`);
    assert.ok(!err.message.includes('\n'), err.message);
    assert.match(err.message, pattern);
    return true;
  });
}

const lstm = (json: Json, name: string): Json => json.modelTopology.config.layers.find((l: Json) => l.name === name).config;

test('the unchanged fixture loads: the checks refuse only what they name', () => {
  assert.equal(readTfjsModel(variant(() => {})).dims.timesteps, 6);
});

test('Keras LSTM features lstm-ae does not compute are refused by name: stateful, unroll, go_backwards', () => {
  for (const flag of ['stateful', 'unroll', 'go_backwards']) {
    for (const layer of ['encoder', 'decoder']) {
      const path = variant((json) => void (lstm(json, layer)[flag] = true));
      assertRefused(path, new RegExp(`LSTM layer '${layer}' has ${flag} true; lstm-ae computes only ${flag} false$`));
    }
  }
  assertRefused(variant((json) => void (lstm(json, 'encoder').activation = 'relu')), /LSTM layer 'encoder' has activation relu; supported: tanh/);
});

/** Our metadata with this scaling (the fixture has one channel). */
const withScaling = (scaling: unknown) => (json: Json) => void (json.userDefinedMetadata = { 'lstm-ae': { reverseTarget: false, scaling } });

test('scaling statistics must be finite and in the range fitScaling gives: 1e308, 1e39, a std of 0 or 1e-30 are refused naming the value', () => {
  const where = /userDefinedMetadata\["lstm-ae"\]\.scaling/;
  assert.deepEqual(readTfjsModel(variant(withScaling({ normalize: 'per-channel', mean: [3e38], std: [3e38] }))).scaling?.mean, [3e38]);
  for (const [mean, std, pattern] of [
    [1e308, 1, /\.mean\[0\] is 1e\+308; expected finite numbers within float32's range/],
    [-1e39, 1, /\.mean\[0\] is -1e\+39; expected finite numbers within float32's range/],
    [0, 1e308, /\.std\[0\] is 1e\+308; expected a number above 1e-12 .* and at most 3\.4028234663852886e\+38$/],
    [0, 0, /\.std\[0\] is 0; expected a number above 1e-12/],
    [1e6, 1e-30, /\.std\[0\] is 1e-30; expected a number above 0\.000001/],
  ] as const) {
    const path = variant(withScaling({ normalize: 'per-channel', mean: [mean], std: [std] }));
    assertRefused(path, where);
    assertRefused(path, pattern);
  }
});

test('weights must be finite and small enough for their layer to sum in float32: 3e38, NaN and Infinity are refused naming the weight and index', () => {
  for (const [value, shown] of [
    [3e38, '3\\.0000000\\d*e\\+38'],
    [NaN, 'NaN'],
    [-Infinity, '-Infinity'],
  ] as const) {
    const path = variant(
      () => {},
      (w) => void (w[5] = value),
    );
    assertRefused(path, new RegExp(`weight 'encoder/kernel' holds ${shown} at index 5; expected`));
  }
  // the bound is FLOAT32_MAX over the layer's inputs + 1: encoder/kernel has 1 input row (D = 1)
  const justUnder = variant(() => {}, (w) => void (w[0] = Math.fround(FLOAT32_MAX / 2.01)));
  assert.doesNotThrow(() => readTfjsModel(justUnder));
});
