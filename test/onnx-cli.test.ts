import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModel } from '../src/io/tfjs/load-model.js';
import { LstmAutoencoder } from '../src/models/autoencoder/lstm-autoencoder.js';
import { assertClose } from './assert-close.js';
import { runOnnx } from './onnx-runtime.js';
import { CLI } from './run-cli.js';

// `lstm-ae export --format onnx`: a saved model becomes an ONNX file that ONNX Runtime runs to
// the loaded model's answers; bad input is one line and exit 2, and --out follows the rules of
// every other command's output file (never over an input, never through a link, atomic).

const FIXTURE = fileURLToPath(new URL('../../test/fixtures/tfjs-model-seed-architecture/model.json', import.meta.url)); // written by TF.js: T=6, D=1, L=4
const scratch = mkdtempSync(join(tmpdir(), 'lstm-ae-onnx-cli-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
}

function assertOneLineExit2(r: { status: number | null; stderr: string }, pattern: RegExp): void {
  assert.equal(r.status, 2, r.stderr);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, pattern);
}

/** A trained-looking default model (masked, scaled per channel) saved as `lstm-ae train` saves one. */
async function savedDefaultModel(): Promise<string> {
  const model = LstmAutoencoder.create({ timesteps: 8, inputDim: 2, latentDim: 3, seed: 4 });
  model.setScaling({ normalize: 'per-channel', mean: [10, -3], std: [2, 0.5] });
  const path = await model.save(join(scratch, 'default-model'));
  await model.dispose();
  return path;
}

test('export writes an ONNX file of each part that ONNX Runtime runs to the saved model\'s codes and reconstructions', async () => {
  const modelPath = await savedDefaultModel();
  const model = await loadModel(modelPath);
  const lengths = Int32Array.from([8, 3, 6]);
  const data = new Float32Array(3 * 8 * 2).map((_, i) => (i % 2 === 0 ? 10 + Math.sin(i) : -3 + 0.4 * Math.cos(i)));
  const x = { data, shape: [3, 8, 2] as [number, number, number], lengths };
  for (const part of ['autoencoder', 'encoder'] as const) {
    const out = join(scratch, `${part}.onnx`);
    const r = run('export', '--model', modelPath, '--format', 'onnx', '--part', part, '--out', out);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^wrote .*${part}\\.onnx \\(${part}, \\d+ bytes\\): inputs x \\(batch, time, 2\\) float32, lengths \\(batch\\) int64; outputs code \\(batch, 3\\)`));
    const answer = await runOnnx(readFileSync(out), x);
    assertClose(answer.code, (await model.encode(x)).data, 1e-5, `${part}: code`);
    if (part === 'autoencoder') assertClose(answer.reconstruction!, (await model.reconstruct(x)).data, 1e-5, 'reconstruction');
    else assert.equal(answer.reconstruction, undefined);
  }
  assert.deepEqual(readdirSync(scratch).filter((f) => f.includes('.tmp-')), [], 'no temp file is left');
  await model.dispose();
});

test('a model written by TF.js (the article\'s layout, unmasked) exports, part autoencoder by default, and runs to our answers', async () => {
  const out = join(scratch, 'tfjs.onnx');
  const r = run('export', '--model', FIXTURE, '--out', out);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /\(autoencoder, \d+ bytes\): inputs x \(batch, time, 1\) float32; outputs code \(batch, 4\), states \(batch, time, 4\), reconstruction \(batch, time, 1\)/);
  const model = await loadModel(FIXTURE);
  const x = { data: Float32Array.from({ length: 5 * 6 }, (_, i) => Math.sin(0.4 * i)), shape: [5, 6, 1] as [number, number, number] };
  const answer = await runOnnx(readFileSync(out), x);
  assertClose(answer.code, (await model.encode(x)).data, 1e-5, 'code');
  assertClose(answer.reconstruction!, (await model.reconstruct(x)).data, 1e-5, 'reconstruction');
  await model.dispose();
});

test('bad input is one line and exit 2, and writes nothing: not a model, a part a model lacks, an unknown format, a bad --out', async () => {
  const modelPath = await savedDefaultModel();
  const out = join(scratch, 'never.onnx');
  const csv = join(scratch, 'series.csv');
  writeFileSync(csv, '1,2,3\n4,5,6\n');
  assertOneLineExit2(run('export', '--model', csv, '--out', out), /^lstm-ae: .*series\.csv: /);
  const notModel = join(scratch, 'not-a-model.json');
  writeFileSync(notModel, JSON.stringify({ format: 'layers-model', modelTopology: { class_name: 'Sequential' } }));
  assertOneLineExit2(run('export', '--model', notModel, '--out', out), /^lstm-ae: .*not-a-model\.json/);
  assertOneLineExit2(run('export', '--model', join(scratch, 'missing.json'), '--out', out), /^lstm-ae: .*missing\.json: file not found/);
  assertOneLineExit2(run('export', '--model', modelPath, '--out', out, '--part', 'decoder'), /--part .*'decoder' is invalid\. expected one of encoder, autoencoder/);
  assertOneLineExit2(run('export', '--model', modelPath, '--out', out, '--format', 'tflite'), /--format .*'tflite' is invalid\. expected one of onnx/);
  assertOneLineExit2(run('export', '--model', modelPath), /required option '--out <file\.onnx>' not specified/);
  assert.equal(existsSync(out), false);

  // --out: never the model's own files, never a folder, never through a link
  const modelBefore = readFileSync(modelPath);
  assertOneLineExit2(run('export', '--model', modelPath, '--out', modelPath), /--out .*model\.json: is the input .*model\.json/);
  const folder = join(scratch, 'a-folder');
  mkdirSync(folder);
  assertOneLineExit2(run('export', '--model', modelPath, '--out', folder), /--out .*a-folder: is a folder/);
  const link = join(scratch, 'link.onnx');
  symlinkSync(join(scratch, 'elsewhere.onnx'), link);
  assertOneLineExit2(run('export', '--model', modelPath, '--out', link), /--out .*link\.onnx: is a symbolic link/);
  assertOneLineExit2(run('export', '--model', modelPath, '--out', '/proc/model.onnx'), /--out \/proc\/model\.onnx: the folder \/proc: cannot be used/);
  assert.deepEqual(readFileSync(modelPath), modelBefore);
  assert.equal(existsSync(join(scratch, 'elsewhere.onnx')), false);
});
