import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LstmAutoencoder, lstmFinalHidden, type AutoencoderConfigInput, type Sequences } from '../src/index.js';
import { readNpy } from '../src/io/npy-file.js';
import { maxAbsDifference } from '../src/analysis/metrics.js';
import { runCli } from './run-cli.js';

/**
 * A model's timesteps is only the pad length it was trained at: encode and reconstruct take
 * windows of any length, on both paths and for every variant. Two independent checks: the
 * same weights in a model made with a longer pad give the same codes and reconstructions
 * (masking makes the pad length irrelevant), and the codes equal the float64 feed-forward
 * of the encoder over each series' own steps.
 */

const dir = mkdtempSync(join(tmpdir(), 'any-length-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const T_TRAIN = 6;
const D = 2;
const LENGTHS = [11, 9, 4]; // two longer than the model's 6 steps, one shorter
const W = Math.max(...LENGTHS);

/** Series of LENGTHS steps, post-padded to `pad` steps with `fill`. */
function windows(pad: number, fill: number, withLengths: boolean): Sequences {
  const data = new Float32Array(LENGTHS.length * pad * D).fill(fill);
  LENGTHS.forEach((len, n) => {
    for (let t = 0; t < len; t++) for (let d = 0; d < D; d++) data[(n * pad + t) * D + d] = Math.sin(0.7 * t + n + 1.3 * d) * (1 + 0.2 * d);
  });
  return { data, shape: [LENGTHS.length, pad, D], ...(withLengths ? { lengths: Int32Array.from(LENGTHS) } : {}) };
}

const VARIANTS: [string, Partial<AutoencoderConfigInput>][] = [
  ['conditional, masked', { decoder: 'conditional', normalize: 'none' }],
  ['unconditional, masked', { decoder: 'unconditional', normalize: 'none' }],
  ['conditional, masked, reverse target, tanh', { decoder: 'conditional', reverseTarget: true, outputActivation: 'tanh', normalize: 'none' }],
];

for (const [name, variant] of VARIANTS) {
  for (const engine of ['fast', 'reference'] as const) {
    test(`${name}, ${engine} path: series longer and shorter than T encode and reconstruct as with a longer pad, and as the float64 encoder`, async () => {
      const base = { inputDim: D, latentDim: 5, maskValue: -1e9, seed: 3, ...variant };
      const trained = LstmAutoencoder.create({ ...base, timesteps: T_TRAIN });
      const longPad = LstmAutoencoder.fromWeights({ ...trained.config, timesteps: 2 * W }, trained.getWeights());
      const run = { engine, threads: 1 };
      const x = windows(W, -1e9, true);
      const xLong = windows(2 * W, -1e9, true);
      const code = await trained.encode(x, run);
      const codeLong = await longPad.encode(xLong, run);
      assert.deepEqual(code.shape, [3, 5]);
      assert.ok(maxAbsDifference(code.data, codeLong.data) <= 1e-6, `codes differ by ${maxAbsDifference(code.data, codeLong.data)}`);
      const w = trained.getWeights();
      const reference = lstmFinalHidden({ kernel: w['encoder/kernel'], recurrentKernel: w['encoder/recurrent_kernel'], bias: w['encoder/bias'] }, x);
      assert.ok(maxAbsDifference(code.data, reference) <= 1e-5, `against float64: ${maxAbsDifference(code.data, reference)}`);

      const y = await trained.reconstruct(x, run);
      const yLong = await longPad.reconstruct(xLong, run);
      assert.deepEqual(y.shape, [3, W, D]);
      let largest = 0;
      LENGTHS.forEach((len, n) => {
        for (let i = 0; i < len * D; i++) largest = Math.max(largest, Math.abs(y.data[n * W * D + i]! - yLong.data[n * 2 * W * D + i]!));
      });
      assert.ok(largest <= 1e-6, `reconstructions differ by ${largest}`);
      await Promise.all([trained.dispose(), longPad.dispose()]);
    });
  }
}

test('an unmasked model encodes series of one length other than T, on both paths, as the float64 encoder', async () => {
  const model = LstmAutoencoder.create({ timesteps: T_TRAIN, inputDim: D, latentDim: 4, maskValue: null, normalize: 'none', seed: 1 });
  const longer: Sequences = { data: windows(W, 0, false).data.slice(0, W * D), shape: [1, W, D] };
  const w = model.getWeights();
  const reference = lstmFinalHidden({ kernel: w['encoder/kernel'], recurrentKernel: w['encoder/recurrent_kernel'], bias: w['encoder/bias'] }, longer);
  for (const engine of ['fast', 'reference'] as const) {
    const code = await model.encode(longer, { engine, threads: 1 });
    assert.ok(maxAbsDifference(code.data, reference) <= 1e-5, `${engine}: ${maxAbsDifference(code.data, reference)}`);
  }
  await model.dispose();
});

test('lstm-ae encode and reconstruct read a CSV with a label column (--label-column, --format) of series longer than the model was trained on', async () => {
  const model = LstmAutoencoder.create({ timesteps: T_TRAIN, inputDim: 1, latentDim: 3, seed: 2, normalize: 'none' });
  const saved = await model.save(join(dir, 'model'));
  // unequal lengths, all but one longer than the model's 6 steps, with a label first; a .txt, so the format is given
  const rows = [[1, 2, 3, 4, 5, 6, 7, 8, 9], [0.5, -1, 2, 0, 1, 3, 2, 1], [3, 2, 1]];
  const input = join(dir, 'series.txt');
  writeFileSync(input, 'label,' + Array.from({ length: 9 }, (_, i) => `t${i}`).join(',') + '\n' + rows.map((r, n) => [`c${n}`, ...r].join(',')).join('\n') + '\n');
  const codes = join(dir, 'codes.npy');
  const recon = join(dir, 'recon.npy');
  const common = ['--model', saved, '--input', input, '--format', 'csv', '--label-column', 'label', '--threads', '1'];
  const [e, r] = await Promise.all([runCli('encode', ...common, '--out', codes), runCli('reconstruct', ...common, '--out', recon)]);
  assert.equal(e.code, 0, e.stderr);
  assert.equal(r.code, 0, r.stderr);
  const x: Sequences = { data: new Float32Array(3 * 9).fill(-1e9), shape: [3, 9, 1], lengths: Int32Array.from(rows, (s) => s.length) };
  rows.forEach((s, n) => x.data.set(s, n * 9));
  const expected = await model.encode(x);
  const got = readNpy(codes);
  assert.deepEqual(got.shape, [3, 3]);
  assert.deepEqual(Array.from(got.data as Float32Array), Array.from(expected.data));
  const y = readNpy(recon);
  assert.deepEqual(y.shape, [3, 9, 1]);
  const expectedY = await model.reconstruct(x);
  rows.forEach((s, n) => {
    for (let t = 0; t < 9; t++) {
      const value = (y.data as Float32Array)[n * 9 + t]!;
      if (t < s.length) assert.equal(value, expectedY.data[n * 9 + t]);
      else assert.ok(Number.isNaN(value), 'NaN past a series\' end');
    }
  });
  await model.dispose();
});
