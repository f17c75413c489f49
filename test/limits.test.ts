import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../src/input-error.js';
import { LIMITS } from '../src/limits.js';
import { writeNpy } from '../src/io/npy-file.js';
import { readTrainingData } from '../src/io/training-data.js';
import { parseAutoencoderConfig } from '../src/models/autoencoder/config.js';
import { runCli } from './run-cli.js';

// One range per setting (src/limits.ts), the same in every command and in the model config.
// Issue 16: `demo` stopped --latent at 1024 while `train` took 1e6 and then died with
// "Invalid typed array length".

const scratch = mkdtempSync(join(tmpdir(), 'lstm-ae-limits-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));
const DATA = join(scratch, 'data');
writeNpy(join(DATA, 'X_train.npy'), { dtype: 'float64', shape: [4, 5, 1], data: new Float64Array(20) });
const X = join(DATA, 'X_train.npy');
const MODEL = new URL('../../test/fixtures/tfjs-model-seed-architecture/model.json', import.meta.url).pathname;

test('the ranges are the ones documented', () => {
  assert.deepEqual(LIMITS, {
    latentDim: { min: 1, max: 1024 },
    timesteps: { min: 1, max: 10_000 },
    inputDim: { min: 1, max: 10_000 },
    epochs: { min: 1, max: 100_000 },
    batchSize: { min: 1, max: 1_000_000 },
    threads: { min: 1, max: 256 },
    seed: { min: 0, max: 4294967295 },
    detectWindow: { min: 2, max: 4096 },
    history: { min: 2, max: 10_000_000 },
  });
});

test('train --latent 100000: exit 2 and one line naming the option and the range, as demo says it', async () => {
  const out = join(scratch, 'run');
  const cases: [string[], string][] = [
    [['train', '--data', DATA, '--out', out, '--latent', '100000'], "option '--latent <n>' argument '100000' is invalid. expected an integer from 1 to 1024."],
    [['demo', '--out', out, '--latent', '100000'], "option '--latent <n>' argument '100000' is invalid. expected an integer from 1 to 1024."],
    [['train', '--data', DATA, '--out', out, '--epochs', '100001'], "option '--epochs <n>' argument '100001' is invalid. expected an integer from 1 to 100000."],
    [['demo', '--out', out, '--epochs', '100001'], "option '--epochs <n>' argument '100001' is invalid. expected an integer from 1 to 100000."],
    [['train', '--data', DATA, '--out', out, '--batch-size', '1000001'], "option '--batch-size <n>' argument '1000001' is invalid. expected an integer from 1 to 1000000."],
    [['train', '--data', DATA, '--out', out, '--threads', '257'], "option '--threads <n>' argument '257' is invalid. expected an integer from 1 to 256."],
    [['demo', '--out', out, '--threads', '0'], "option '--threads <n>' argument '0' is invalid. expected an integer from 1 to 256."],
    [['encode', '--model', MODEL, '--input', X, '--out', join(out, 'c.npy'), '--threads', '257'], "option '--threads <n>' argument '257' is invalid. expected an integer from 1 to 256."],
    [['reconstruct', '--model', MODEL, '--input', X, '--out', join(out, 'r.npy'), '--threads', '257'], "option '--threads <n>' argument '257' is invalid. expected an integer from 1 to 256."],
    [['data', '--out', out, '--timesteps', '10001'], "option '--timesteps <n>' argument '10001' is invalid. expected an integer from 1 to 10000."],
    [['train', '--data', DATA, '--out', out, '--seed', '4294967296'], "option '--seed <n>' argument '4294967296' is invalid. expected an integer from 0 to 4294967295."],
  ];
  const runs = await Promise.all(cases.map(([args]) => runCli(...args)));
  runs.forEach((r, k) => {
    const [args, message] = cases[k]!;
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stderr, `error: ${message}\n`, args.join(' '));
  });
});

test('the model config takes the same ranges: latent 1024 yes, 1025 no, timesteps 10000 yes, 10001 no', () => {
  assert.equal(parseAutoencoderConfig({ timesteps: 10_000, inputDim: 1, latentDim: 1024 }).latentDim, 1024);
  assert.throws(
    () => parseAutoencoderConfig({ timesteps: 5, inputDim: 1, latentDim: 1025 }),
    (err: unknown) => err instanceof InputError && err.message === 'model setting latentDim 1025 is invalid: expected an integer from 1 to 1024',
  );
  assert.throws(
    () => parseAutoencoderConfig({ timesteps: 10_001, inputDim: 1 }),
    (err: unknown) => err instanceof InputError && err.message === 'model setting timesteps 10001 is invalid: expected an integer from 1 to 10000',
  );
});

test('windows longer or wider than the limits are refused by the reader, naming the file', () => {
  const long = join(scratch, 'long.npy');
  writeNpy(long, { dtype: 'float32', shape: [1, 10_001, 1], data: new Float32Array(10_001) });
  assert.throws(
    () => readTrainingData(long, undefined),
    (err: unknown) => err instanceof InputError && err.message === `${long}: series 0 has 10001 steps; expected an integer from 1 to 10000`,
  );
  const wide = join(scratch, 'wide.npy');
  writeNpy(wide, { dtype: 'float32', shape: [1, 2, 10_001], data: new Float32Array(20_002) });
  assert.throws(() => readTrainingData(wide, undefined), (err: unknown) => err instanceof InputError && err.message === `${wide}: 10001 channels; expected an integer from 1 to 10000`);
});
