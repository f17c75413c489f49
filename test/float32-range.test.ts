import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../src/input-error.js';
import { writeNpy } from '../src/io/npy-file.js';
import { readTrainingData } from '../src/io/training-data.js';
import { checkSequences } from '../src/train/sequences.js';
import { FLOAT32_MAX } from '../src/train/non-finite.js';
import { runCli } from './run-cli.js';

// The model computes in float32: a float64 input of 1e39 is finite, but becomes Infinity
// there (issue 16). It is refused like NaN, with its position.

const scratch = mkdtempSync(join(tmpdir(), 'lstm-ae-float32-range-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));
const MODEL = new URL('../../test/fixtures/tfjs-model-seed-architecture/model.json', import.meta.url).pathname; // T=6, D=1

const RANGE = "expected finite numbers within float32's range (|x| <= 3.4028234663852886e+38)";

test('FLOAT32_MAX is the largest float32: it survives Math.fround, and the next float32 up would be 2^128', () => {
  assert.equal(FLOAT32_MAX, (2 - 2 ** -23) * 2 ** 127);
  assert.equal(Math.fround(FLOAT32_MAX), FLOAT32_MAX);
  assert.equal(Math.fround(1e39), Infinity);
});

/** (2, 6, 1) float64 windows, zeros except `value` at window 1, step 2. */
function fileWith(name: string, value: number): string {
  const data = new Float64Array(12);
  data[6 + 2] = value;
  const path = join(scratch, name);
  writeNpy(path, { dtype: 'float64', shape: [2, 6, 1], data });
  return path;
}

test('1e39 and -1e39 in float64 are refused with their position; ±FLOAT32_MAX are taken', () => {
  for (const value of [1e39, -1e39, 2 * FLOAT32_MAX]) {
    const path = fileWith(`big${value}.npy`, value);
    assert.throws(
      () => readTrainingData(path, undefined),
      (err: unknown) => err instanceof InputError && err.message === `${path}: series 1, step 2, channel 0 holds ${value}; ${RANGE}`,
    );
  }
  for (const value of [FLOAT32_MAX, -FLOAT32_MAX]) assert.equal(readTrainingData(fileWith(`max${value}.npy`, value), undefined).x.data[8], value);
});

test('the library refuses 1e39 as well (fit, predict, encode go through checkSequences)', () => {
  const data = new Float64Array(12);
  data[11] = 1e39;
  assert.throws(
    () => checkSequences({ data, shape: [2, 6, 1] }, { timesteps: 6, inputDim: 1 }, 'x'),
    (err: unknown) => err instanceof InputError && err.message === `x holds 1e+39 at window 1, step 5, feature 0 (flat index 11); ${RANGE}`,
  );
});

test('encode --input with 1e39: exit 2, one line, nothing written', async () => {
  const input = fileWith('encode-big.npy', 1e39);
  const out = join(scratch, 'codes.npy');
  const r = await runCli('encode', '--model', MODEL, '--input', input, '--out', out);
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stderr, `lstm-ae: ${input}: series 1, step 2, channel 0 holds 1e+39; ${RANGE}\n`);
  assert.equal(existsSync(out), false);
});
