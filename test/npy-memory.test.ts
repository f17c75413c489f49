import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeNpy } from '../src/io/npy-file.js';
import { LstmAutoencoder } from '../src/models/autoencoder/lstm-autoencoder.js';

// `lstm-ae encode` on a large .npy needs little more memory than the file's float32 values:
// the file goes straight into the model's windows and the scaling is done block by block.
// Before, a 150 MB float32 file peaked at 980 MB (the file's bytes, a copy, a Float64Array
// per series, the padded windows and a scaled copy of them). Measured as peak RSS of a child
// process, against the same command on a small file: the process, the model and its worker
// threads, which do not grow with the file.
const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const PEAK_ON_EXIT = fileURLToPath(new URL('../bench/peak-memory-on-exit.js', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'lstm-ae-npy-memory-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

const T = 100;

function seriesFile(N: number): string {
  const path = join(scratch, `x${N}.npy`);
  const data = new Float32Array(N * T);
  for (let i = 0; i < data.length; i++) data[i] = Math.sin(0.01 * i);
  writeNpy(path, { dtype: 'float32', shape: [N, T], data });
  return path;
}

/** Peak resident memory in bytes of `lstm-ae encode` on `input`. */
function encodePeakBytes(model: string, input: string): number {
  const r = spawnSync(process.execPath, ['--import', PEAK_ON_EXIT, CLI, 'encode', '--model', model, '--input', input, '--out', `${input}.codes.npy`, '--threads', '2'], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  const peak = /^PEAK_RSS_KB (\d+)$/m.exec(r.stdout);
  assert.ok(peak, `no PEAK_RSS_KB line in ${JSON.stringify(r.stdout)}`);
  return Number(peak[1]) * 1024;
}

test('encoding a 100 MB float32 .npy peaks at most 1.5 times its size above the same command on a small file', async () => {
  const model = LstmAutoencoder.create({ timesteps: T, inputDim: 1, latentDim: 4, seed: 1 });
  model.setScaling({ normalize: 'per-channel', mean: [0.1], std: [2] }); // the default scaling, so encode scales
  const modelJson = await model.save(join(scratch, 'model'));
  const N = 250_000;
  const float32Bytes = N * T * 4;
  const baseline = encodePeakBytes(modelJson, seriesFile(1000));
  const peak = encodePeakBytes(modelJson, seriesFile(N));
  const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
  assert.ok(
    peak <= baseline + 1.5 * float32Bytes,
    `peak ${mb(peak)} is more than the small file's ${mb(baseline)} + 1.5 x ${mb(float32Bytes)}`,
  );
});
