import { ARTICLE_VARIANT } from '../src/models/autoencoder/config.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readNpy, writeNpy } from '../src/io/npy-file.js';
import { autoencoderLayout, WEIGHT_NAMES } from '../src/models/autoencoder/layout.js';
import { LstmAutoencoder } from '../src/models/autoencoder/lstm-autoencoder.js';
import { ReferenceStep } from '../src/models/autoencoder/reference-step.js';
import { loadModel, saveModel } from '../src/io/tfjs/format.js';

// The CLI as a user runs it: a child process, files in, files out, exit codes.
const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'lstm-ae-cli-model-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

const [N, T, D, L] = [12, 5, 2, 3];

function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Deterministic windows in (-1, 1). */
function windows(n: number, t: number, d: number, phase: number): Float64Array {
  const x = new Float64Array(n * t * d);
  for (let i = 0; i < x.length; i++) x[i] = 0.9 * Math.sin(0.37 * i + phase) * Math.cos(0.11 * i);
  return x;
}

const DATA = join(scratch, 'data');
const xTrain = windows(N, T, D, 0);
const xTest = Float32Array.from(windows(4, T, D, 1));
writeNpy(join(DATA, 'X_train.npy'), { dtype: 'float64', shape: [N, T, D], data: xTrain });
writeNpy(join(DATA, 'X_test.npy'), { dtype: 'float32', shape: [4, T, D], data: xTest });

const RUN = join(scratch, 'run');
/** The article's model and training, as the library's defaults make them: no scaling, tanh output, every epoch kept. */
const AS_LIBRARY = ['--normalize', 'none', '--output-activation', 'tanh', '--no-early-stopping'];
const WITH_TEST = ['--validation', join(DATA, 'X_test.npy')];
const trained = run('train', '--data', DATA, ...WITH_TEST, ...AS_LIBRARY, '--out', RUN, '--epochs', '3', '--batch-size', '5', '--latent', String(L), '--seed', '7', '--json');

/** The weights file a model.json names (a model set's generation: weights.G.bin). */
function weightsFileOf(dir: string): string {
  return join(dir, JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')).weightsManifest[0].paths[0]);
}

test('train writes model.json, its weights and a history of every epoch, and the library trains the same weights', async () => {
  assert.equal(trained.status, 0, trained.stderr);
  for (const f of ['model.json', 'history.json']) assert.ok(existsSync(join(RUN, f)), f);
  assert.ok(existsSync(weightsFileOf(RUN)));
  const history = JSON.parse(readFileSync(join(RUN, 'history.json'), 'utf8'));
  assert.deepEqual(history.epoch, [0, 1, 2]);
  for (const key of ['loss', 'val_loss', 'seconds']) {
    assert.equal(history[key].length, 3, key);
    assert.ok(history[key].every((v: number) => Number.isFinite(v) && v >= 0), key);
  }
  const lines = trained.stdout.trim().split('\n');
  assert.equal(lines.length, 1);
  const summary = JSON.parse(lines[0]!);
  assert.equal(summary.epochs, 3);
  assert.equal(summary.loss, history.loss[2]);
  assert.equal(summary.val_loss, history.val_loss[2]);

  // the same run through the library: the CLI must pass every option through unchanged
  const model = LstmAutoencoder.create({ ...ARTICLE_VARIANT, timesteps: T, inputDim: D, latentDim: L, seed: 7 });
  const h = await model.fit(
    { data: xTrain, shape: [N, T, D] },
    { epochs: 3, batchSize: 5, shuffle: true, validationData: { data: xTest, shape: [4, T, D] }, optimizer: { name: 'rmsprop', learningRate: 1e-3 } },
  );
  assert.deepEqual(history.loss, h.history.loss);
  assert.deepEqual(history.val_loss, h.history.val_loss);
  const saved = loadModel(join(RUN, 'model.json'));
  assert.deepEqual(saved.config.timesteps, T);
  assert.deepEqual(saved.config.latentDim, L);
  for (const name of WEIGHT_NAMES) assert.deepEqual(saved.getWeights()[name], model.getWeights()[name], name);
});

test('train --lstm-bias-pair passes the option through: the same weights as the library with lstmBiasPair, not those without', async () => {
  const out = join(scratch, 'run-pair');
  const r = run('train', '--data', DATA, ...WITH_TEST, ...AS_LIBRARY, '--out', out, '--epochs', '2', '--batch-size', '5', '--latent', String(L), '--seed', '7', '--lstm-bias-pair', '--json');
  assert.equal(r.status, 0, r.stderr);
  const saved = loadModel(join(out, 'model.json')).getWeights();
  const fitted = async (lstmBiasPair: boolean) => {
    const model = LstmAutoencoder.create({ ...ARTICLE_VARIANT, timesteps: T, inputDim: D, latentDim: L, seed: 7 });
    const validationData = { data: xTest, shape: [4, T, D] as [number, number, number] };
    await model.fit({ data: xTrain, shape: [N, T, D] }, { epochs: 2, batchSize: 5, validationData, lstmBiasPair });
    return model.getWeights();
  };
  const paired = await fitted(true);
  for (const name of WEIGHT_NAMES) assert.deepEqual(saved[name], paired[name], name);
  assert.notDeepEqual(saved['encoder/bias'], (await fitted(false))['encoder/bias']);
});

test('encode writes float32 (N, L) and reconstruct float32 (N, T, D), equal to the library, from float32 or float64 input', async () => {
  const model = loadModel(join(RUN, 'model.json'));
  const x64 = join(scratch, 'x64.npy');
  writeNpy(x64, { dtype: 'float64', shape: [N, T, D], data: xTrain });
  for (const [input, data, n] of [
    [join(DATA, 'X_test.npy'), xTest, 4],
    [x64, xTrain, N],
  ] as const) {
    const expectedCodes = ((await model.encode({ data, shape: [n, T, D] }, { engine: 'reference' })).data);
    const expectedRecon = ((await model.predict({ data, shape: [n, T, D] }, { engine: 'reference' })).data);
    // the reference engine gives the library's numbers bit for bit; the fast one within float32 rounding
    for (const [engine, tolerance] of [['reference', 0], ['fast', 1e-5]] as const) {
      const z = join(scratch, `z-${engine}.npy`);
      const xhat = join(scratch, `xhat-${engine}.npy`);
      const model = join(RUN, 'model.json');
      assert.equal(run('encode', '--model', model, '--input', input, '--out', z, '--engine', engine).status, 0);
      assert.equal(run('reconstruct', '--model', model, '--input', input, '--out', xhat, '--engine', engine).status, 0);
      const codes = readNpy(z);
      const recon = readNpy(xhat);
      assert.equal(codes.dtype, 'float32');
      assert.deepEqual(codes.shape, [n, L]);
      assert.equal(recon.dtype, 'float32');
      assert.deepEqual(recon.shape, [n, T, D]);
      for (const [got, expected] of [[codes.data, expectedCodes], [recon.data, expectedRecon]] as const) {
        if (tolerance === 0) assert.deepEqual(got, expected);
        else expected.forEach((v, i) => assert.ok(Math.abs(Number(got[i]) - v) <= tolerance, `${engine} [${i}]: ${got[i]} vs ${v}`));
      }
    }
  }
});

test('sgd, lr 1, one epoch, one batch of all the data, no shuffle: the saved weights are exactly the --init weights minus the gradient', () => {
  const initModel = LstmAutoencoder.create({ ...ARTICLE_VARIANT, timesteps: T, inputDim: D, latentDim: 4, seed: 5 });
  // nonzero biases, so that a bias gradient in the wrong place would show
  const biases = Object.fromEntries(
    WEIGHT_NAMES.filter((n) => n.endsWith('/bias')).map((n, k) => [n, Array.from(initModel.getWeights()[n], (_, i) => 0.3 * Math.sin(7 * i + k))]),
  );
  initModel.setWeights(biases);
  const initPath = saveModel(join(scratch, 'init'), initModel);
  const data = join(scratch, 'data-sgd');
  writeNpy(join(data, 'X_train.npy'), { dtype: 'float64', shape: [N, T, D], data: xTrain });
  const out = join(scratch, 'run-sgd');
  const sgd = ['--init', initPath, '--optimizer', 'sgd', '--lr', '1', '--epochs', '1', '--no-shuffle', '--batch-size', String(N), '--validation-split', '0'];
  const r = run('train', '--data', data, '--out', out, ...sgd, '--engine', 'reference');
  assert.equal(r.status, 0, r.stderr);
  // the fast engine's gradient is the same up to float32 rounding (its own test bounds it)
  const outFast = join(scratch, 'run-sgd-fast');
  const rFast = run('train', '--data', data, '--out', outFast, ...sgd, '--threads', '2');
  assert.equal(rFast.status, 0, rFast.stderr);

  const dims = { timesteps: T, inputDim: D, latentDim: 4 };
  const layout = autoencoderLayout(dims);
  const params = new Float32Array(layout.size);
  const views = layout.views(params);
  for (const name of WEIGHT_NAMES) views[name]!.set(initModel.getWeights()[name]);
  const grads = new Float32Array(layout.size);
  const step = new ReferenceStep(dims, N);
  step.lossAndGradient(params, grads, Float32Array.from(xTrain), N);
  step.dispose();
  assert.ok(grads.some((g) => Math.abs(g) > 1e-3), 'a gradient big enough to see');

  const after = loadModel(out).getWeights();
  for (const slot of layout.slots) {
    const got = after[slot.name as keyof typeof after];
    for (let i = 0; i < slot.size; i++) {
      assert.equal(got[i], Math.fround(params[slot.offset + i]! - grads[slot.offset + i]!), `${slot.name}[${i}]`);
    }
  }
  const fast = loadModel(outFast).getWeights();
  const largest = grads.reduce((m, g) => Math.max(m, Math.abs(g)), 0);
  for (const slot of layout.slots) {
    const got = fast[slot.name as keyof typeof fast];
    for (let i = 0; i < slot.size; i++) {
      const expected = params[slot.offset + i]! - grads[slot.offset + i]!;
      assert.ok(Math.abs(got[i]! - expected) <= 1e-5 * largest + 1e-7, `fast ${slot.name}[${i}]: ${got[i]} vs ${expected}`);
    }
  }
});

test('a run whose weights blow up stops with exit 2, names the epoch and batch, and leaves the model already in --out as it was', () => {
  const init = join(scratch, 'init', 'model.json'); // saved by the sgd test above
  const initWeights = loadModel(init).getWeights();
  const out = join(scratch, 'run-diverged');
  saveModel(out, loadModel(init), { history: { epoch: [0], history: { loss: [0.25], seconds: [1] } } });
  const historyBefore = readFileSync(join(out, 'history.json'), 'utf8');
  // 1e300 times any nonzero gradient is beyond float32: the first update is non-finite
  const r = run('train', '--data', DATA, '--out', out, '--force', '--init', init, '--optimizer', 'sgd', '--lr', '1e300', '--epochs', '2', '--batch-size', '5');
  assert.equal(r.status, 2);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /diverged at epoch 1, batch 1\b/);
  assert.match(lines[0]!, /nothing of this run was saved \(.*run-diverged is as it was\)/);
  const saved = loadModel(out).getWeights();
  for (const name of WEIGHT_NAMES) assert.deepEqual(saved[name], initWeights[name], name);
  assert.equal(readFileSync(join(out, 'history.json'), 'utf8'), historyBefore);
});

/** Exit 2, exactly one line on stderr matching every fragment, nothing on stdout, no new files. */
function assertRejected(args: string[], watched: string, ...fragments: RegExp[]): void {
  const existed = existsSync(watched);
  const before = existed ? readdirSync(watched).sort() : [];
  const r = run(...args);
  assert.equal(r.status, 2, `exit code for ${args.join(' ')}: ${r.stderr}`);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line: ${r.stderr}`);
  for (const f of fragments) assert.match(lines[0]!, f);
  assert.equal(r.stdout, '');
  assert.equal(existsSync(watched), existed, `${watched}: not created by a rejected command`);
  assert.deepEqual(existed ? readdirSync(watched).sort() : [], before, 'no output written');
}

test('bad input: exit 2, one line, nothing written', () => {
  const model = join(RUN, 'model.json');
  const bad = join(scratch, 'bad');
  mkdirSync(bad);
  const outDir = join(scratch, 'bad-out');
  const z = join(outDir, 'z.npy');

  // any length, but one per file for a model trained without masking (NaN past a series' end, as reconstruct writes it)
  const unequal = join(bad, 'unequal.npy');
  const unequalData = new Float32Array(2 * T * D);
  unequalData.fill(NaN, (2 * T - 1) * D);
  writeNpy(unequal, { dtype: 'float32', shape: [2, T, D], data: unequalData });
  assertRejected(['encode', '--model', model, '--input', unequal, '--out', z], outDir, /unequal\.npy: series 1 has 4 steps, series 0 has 5; the model .* was trained without masking, so it takes series of one length per file/);
  const wideD = join(bad, 'wide-d.npy');
  writeNpy(wideD, { dtype: 'float64', shape: [2, T, D + 1], data: new Float64Array(2 * T * (D + 1)) });
  assertRejected(['reconstruct', '--model', model, '--input', wideD, '--out', z], outDir, /wide-d\.npy: series of 3 channels; the model .* takes 2/);

  const withNaN = join(bad, 'nan.npy');
  const nanData = new Float64Array(2 * T * D);
  nanData[1 * T * D + 2 * D + 1] = NaN;
  // one NaN is a missing value the readers fill in; a series of nothing but NaN has no value at all
  const allMissing = join(bad, 'all-nan.npy');
  writeNpy(allMissing, { dtype: 'float64', shape: [2, T, D], data: nanData.map((v, i) => (i >= T * D ? NaN : v)) });
  assertRejected(['encode', '--model', model, '--input', allMissing, '--out', z], outDir, /all-nan\.npy/, /series 1/);
  const withInf = join(bad, 'inf.npy');
  writeNpy(withInf, { dtype: 'float32', shape: [1, T, D], data: Float32Array.from({ length: T * D }, (_, i) => (i === 3 ? -Infinity : 0)) });
  assertRejected(['reconstruct', '--model', model, '--input', withInf, '--out', z], outDir, /inf\.npy: value -Infinity at index \[0, 1, 1\]/);

  const ints = join(bad, 'ints.npy');
  writeNpy(ints, { dtype: 'int32', shape: [1, T, D], data: new Int32Array(T * D) });
  assertRejected(['encode', '--model', model, '--input', ints, '--out', z], outDir, /ints\.npy/, /int32/, /float32 or float64/);

  const json = JSON.parse(readFileSync(model, 'utf8'));
  const weights = readFileSync(weightsFileOf(RUN));
  const weightsName = JSON.parse(readFileSync(model, 'utf8')).weightsManifest[0].paths[0];
  const copy = (name: string, edit: (j: any) => void, bin: Uint8Array = weights): string => {
    const dir = join(bad, name);
    mkdirSync(dir);
    const j = structuredClone(json);
    edit(j);
    writeFileSync(join(dir, 'model.json'), JSON.stringify(j));
    writeFileSync(join(dir, weightsName), bin);
    return join(dir, 'model.json');
  };
  const unsupported = copy('gru', (j) => (j.modelTopology.config.layers[1].class_name = 'GRU'));
  assertRejected(['encode', '--model', unsupported, '--input', unequal, '--out', z], outDir, /gru\/model\.json/, /GRU/, /supported: InputLayer, LSTM, RepeatVector, Concatenate, Dense/);
  const short = copy('short', () => {}, weights.subarray(0, weights.length - 8));
  assertRejected(['reconstruct', '--model', short, '--input', join(DATA, 'X_test.npy'), '--out', z], outDir, /short\/model\.json/, new RegExp(`${weights.length - 8} bytes.*${weights.length} bytes`));

  assertRejected(['encode', '--model', join(bad, 'none.json'), '--input', unequal, '--out', z], outDir, /none\.json: file not found/);
  assertRejected(['encode', '--model', model, '--input', join(bad, 'none.npy'), '--out', z], outDir, /none\.npy: file not found; expected a \.npy file/);

  // an output that cannot be written is refused before any work, not after training
  const aFile = join(bad, 'a-file');
  writeFileSync(aFile, 'keep me');
  assertRejected(['train', '--data', DATA, '--out', aFile], bad, /--out .*a-file: exists and is not a folder/);
  assert.equal(readFileSync(aFile, 'utf8'), 'keep me');
  assertRejected(['encode', '--model', model, '--input', join(DATA, 'X_test.npy'), '--out', bad], bad, /--out .*bad: is a folder/);

  const runOut = join(scratch, 'bad-run');
  assertRejected(['train', '--data', join(bad, 'no-data'), '--out', runOut], runOut, /no-data: file not found/);
  assertRejected(['train', '--data', DATA, '--out', runOut, '--epochs', '0'], runOut, /--epochs/, /integer from 1/);
  assertRejected(['train', '--data', DATA, '--out', runOut, '--optimizer', 'adagrad'], runOut, /rmsprop, adam, sgd/);
  assertRejected(['train', '--data', DATA, '--out', runOut, '--lr', '-1'], runOut, /--lr/);
  assertRejected(['train', '--out', runOut], runOut, /--data/);

  // NaN is a missing value to the readers (interpolated inside a series); an infinity is not a value at all
  const infData = join(bad, 'inf-data');
  writeNpy(join(infData, 'X_train.npy'), { dtype: 'float64', shape: [2, T, D], data: nanData.map((v) => (Number.isNaN(v) ? Infinity : v)) });
  assertRejected(['train', '--data', infData, '--out', runOut], runOut, /X_train\.npy: value Infinity at index \[1, 2, 1\]/);
  const mismatchedTest = join(bad, 'mismatched-test');
  writeNpy(join(mismatchedTest, 'X_train.npy'), { dtype: 'float64', shape: [N, T, D], data: xTrain });
  writeNpy(join(mismatchedTest, 'X_test.npy'), { dtype: 'float32', shape: [2, T, D + 1], data: new Float32Array(2 * T * (D + 1)) });
  const otherChannels = join(mismatchedTest, 'X_test.npy');
  assertRejected(['train', '--data', mismatchedTest, '--validation', otherChannels, '--out', runOut], runOut, /X_test\.npy: series of 3 channels; the training data .*X_train\.npy has 2/);
  const otherT = join(bad, 'other-t');
  writeNpy(join(otherT, 'X_train.npy'), { dtype: 'float64', shape: [2, T + 1, D], data: new Float64Array(2 * (T + 1) * D) });
  assertRejected(['train', '--data', otherT, '--out', runOut, '--init', model], runOut, /X_train\.npy/, /T=6/, /--init model/);
  assertRejected(['train', '--data', DATA, '--out', runOut, '--init', model, '--latent', '9'], runOut, /--latent 9/, /latent size is 3/);
});
