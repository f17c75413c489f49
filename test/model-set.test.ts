import { ARTICLE_VARIANT } from '../src/models/autoencoder/config.js';
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../src/input-error.js';
import { Adam, Rmsprop, Sgd, type Optimizer } from '../src/ops/optimizers.js';
import { RandomState } from '../src/ops/random-state.js';
import { DivergenceGuard, LstmAutoencoder, TrainingDivergedError, createOptimizer, type Sequences } from '../src/models/autoencoder/lstm-autoencoder.js';
import { loadModel, saveModel } from '../src/io/tfjs/format.js';
import { commitModelSet, readModelSetInfo } from '../src/io/tfjs/model-set.js';
import { readTrainingRecord } from '../src/io/training-record.js';
import { lockFolder, LOCK_FILE } from '../src/io/folder-lock.js';
import { commitFileSet, finishFileSet, JOURNAL_FILE } from '../src/io/file-set.js';

function scratchFolder(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'lstm-ae-model-set-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const T = 8;
const config = { timesteps: T, inputDim: 1, latentDim: 3, seed: 5 };

function sineWindows(N: number): Sequences {
  const data = new Float32Array(N * T);
  for (let n = 0; n < N; n++) for (let t = 0; t < T; t++) data[n * T + t] = 0.8 * Math.sin((2 * Math.PI * (n + t)) / (n % 2 === 0 ? 4 : 12));
  return { data, shape: [N, T, 1] };
}

// ---- the states a checkpoint holds ----------------------------------------------------

const numpyState = JSON.parse(readFileSync(new URL('../../test/fixtures/numpy-random-state.json', import.meta.url), 'utf8')) as {
  state: { key: number[]; pos: number; has_gauss: boolean; cached_gaussian: number };
  next: { normal: number; sample: number[] };
};

test("RandomState.getState is numpy's get_state() after the same draws, and setState continues numpy's stream (fixture)", () => {
  const rng = new RandomState(42);
  rng.permutation(1000);
  for (let i = 0; i < 7; i++) rng.standardNormal();
  const state = rng.getState();
  assert.deepEqual(Array.from(state.key), numpyState.state.key);
  assert.equal(state.position, numpyState.state.pos);
  assert.equal(state.hasGauss, numpyState.state.has_gauss);
  assert.equal(state.gauss, numpyState.state.cached_gaussian);

  // numpy's own state put into a fresh generator: its next draws are numpy's
  const other = new RandomState(0);
  other.setState({ key: Uint32Array.from(numpyState.state.key), position: numpyState.state.pos, hasGauss: true, gauss: numpyState.state.cached_gaussian });
  assert.equal(other.standardNormal(), numpyState.next.normal);
  assert.deepEqual(Array.from({ length: 5 }, () => other.randomSample()), numpyState.next.sample);

  assert.throws(() => other.setState({ ...state, key: new Uint32Array(624) }), /all zeros/);
  assert.throws(() => other.setState({ ...state, position: 625 }), /position/);
  assert.throws(() => other.setState({ ...state, key: new Uint32Array(623).fill(1) }), /624/);
});

test('optimizers: a state taken with getState and put into a new optimizer continues bit for bit; a state of another kind is refused', () => {
  const grads = (k: number) => Float32Array.from({ length: 6 }, (_, i) => Math.sin(1.7 * k + i) * (i + 1));
  const makers: Array<() => Optimizer> = [
    () => new Rmsprop(6, { learningRate: 0.01 }),
    () => new Adam(6, { learningRate: 0.01 }),
    () => new Sgd(6, { learningRate: 0.01, momentum: 0.9 }),
    () => new Sgd(6, { learningRate: 0.01 }),
    () => new Rmsprop(6, {}, 'float64'),
  ];
  for (const make of makers) {
    const straight = make();
    const p = Float32Array.from([0.5, -0.25, 1, 2, -1, 0]);
    for (let k = 0; k < 7; k++) straight.step(p, grads(k));

    const first = make();
    const q = Float32Array.from([0.5, -0.25, 1, 2, -1, 0]);
    for (let k = 0; k < 3; k++) first.step(q, grads(k));
    const state = first.getState();
    first.step(q.slice(), grads(99)); // the state is a copy: later steps do not change it
    const second = make();
    second.setState(state);
    for (let k = 3; k < 7; k++) second.step(q, grads(k));
    assert.deepEqual(q, p, state.name);
    assert.equal(second.iterations, 7);
  }
  assert.throws(() => new Adam(6).setState(new Rmsprop(6).getState()), /rmsprop's, this optimizer is adam/);
  assert.throws(() => new Rmsprop(5).setState(new Rmsprop(6).getState()), /Float32Array of 6, expected a Float32Array of 5/);
  assert.throws(() => new Rmsprop(6).setState(new Rmsprop(6, {}, 'float64').getState()), /Float64Array/);
});

// ---- fit: resuming, stopping, diverging ---------------------------------------------------

/** A fit of `epochs` with its own optimizer and guard, from `model` as it is. */
async function fitFrom(model: LstmAutoencoder, optimizer: Optimizer, guard: DivergenceGuard, initialEpoch: number, epochs: number) {
  return model.fit(sineWindows(20), { epochs, initialEpoch, batchSize: 6, engine: 'reference', optimizer, divergence: guard });
}

test('fit: stopped by its signal in the middle of an epoch, then resumed from weights, optimizer and random state, it ends with the uninterrupted weights bit for bit', async () => {
  const straight = LstmAutoencoder.create({ ...ARTICLE_VARIANT, ...config });
  const straightGuard = new DivergenceGuard();
  const whole = await fitFrom(straight, createOptimizer('rmsprop', straight.params.length), straightGuard, 0, 5);
  assert.deepEqual(whole.epoch, [0, 1, 2, 3, 4]);

  // stopped in epoch 3 (index 2) after its second batch: fit rolls back to where that epoch began
  const first = LstmAutoencoder.create({ ...ARTICLE_VARIANT, ...config });
  const optimizer = createOptimizer('rmsprop', first.params.length);
  const guard = new DivergenceGuard();
  const controller = new AbortController();
  let afterEpoch2: Float32Array | undefined;
  let epochNow = -1;
  const partial = await first.fit(sineWindows(20), {
    epochs: 5,
    batchSize: 6,
    engine: 'reference',
    optimizer,
    divergence: guard,
    signal: controller.signal,
    callbacks: {
      onEpochEnd: (epoch) => void (epoch === 1 && (afterEpoch2 = Float32Array.from(first.params))),
      onBatchEnd: (batch) => void (epochNow === 2 && batch === 1 && controller.abort()),
      onEpochBegin: (epoch) => void (epochNow = epoch),
    },
  });
  assert.deepEqual(partial.epoch, [0, 1]);
  assert.deepEqual(first.params, afterEpoch2);
  assert.deepEqual(partial.history.loss, whole.history.loss.slice(0, 2));

  // what a checkpoint holds, carried into a new model and optimizer (as train --resume does)
  const resumed = LstmAutoencoder.fromWeights(config, first.getWeights());
  resumed.shuffleRng.setState(first.shuffleRng.getState());
  const optimizer2 = createOptimizer('rmsprop', resumed.params.length);
  optimizer2.setState(optimizer.getState());
  const rest = await fitFrom(resumed, optimizer2, new DivergenceGuard({ reference: guard.reference }), 2, 5);
  assert.deepEqual(rest.epoch, [2, 3, 4]); // numbered as the whole run's, as Keras's initial_epoch does
  assert.deepEqual(rest.history.loss, whole.history.loss.slice(2));
  assert.deepEqual(resumed.params, straight.params);
  assert.equal(guard.reference, straightGuard.reference);
});

test("fit: an epoch whose loss passes factor x the untrained loss stops with TrainingDivergedError, the model back at the epoch's start", async () => {
  const x = sineWindows(20);
  let meanSquare = 0;
  for (const v of x.data) meanSquare += v * v;
  meanSquare /= x.data.length;

  const model = LstmAutoencoder.create({ ...ARTICLE_VARIANT, ...config });
  const initial = Float32Array.from(model.params);
  const randomAtStart = model.shuffleRng.getState();
  const guard = new DivergenceGuard();
  let firstLoss = NaN;
  const error = await model
    .fit(x, {
      epochs: 3,
      batchSize: 6,
      engine: 'reference',
      optimizer: { name: 'rmsprop', learningRate: 1e6 },
      divergence: guard,
      callbacks: { onBatchEnd: (batch, logs) => void (batch === 0 && Number.isNaN(firstLoss) && (firstLoss = logs.loss)) },
    })
    .catch((e: unknown) => e);
  assert.ok(error instanceof TrainingDivergedError, String(error));
  assert.equal(error.epoch, 1);
  assert.equal(error.batch, undefined);
  // the reference is the larger of the first batch's loss and the data's mean square
  assert.equal(guard.reference, Math.max(firstLoss, meanSquare));
  assert.match(error.message, /^training diverged at epoch 1: the loss \d\.\d+ exceeds 2 times the untrained loss \d\.\d+; the weights are back where epoch 1 began/);
  assert.deepEqual(model.params, initial);
  assert.deepEqual(model.shuffleRng.getState(), randomAtStart);

  // the same run with the bound off goes on to its end, its loss well above the start (what --lr 1e6 did before)
  const unguarded = LstmAutoencoder.create({ ...ARTICLE_VARIANT, ...config });
  const h = await unguarded.fit(x, { epochs: 3, batchSize: 6, engine: 'reference', optimizer: { name: 'rmsprop', learningRate: 1e6 }, divergence: new DivergenceGuard({ factor: 0 }) });
  assert.ok(h.history.loss[2]! > 2 * guard.reference!, `losses ${h.history.loss.join(' ')} against ${guard.reference}`);
  assert.throws(() => new DivergenceGuard({ factor: 0.5 }), /0 \(off\) or a finite number from 1 up/);
});

// ---- model sets on disk ----------------------------------------------------------------------

test('saveModel commits generation after generation: model.json names the current weights and record, older files are gone, TF.js metadata says which', async (t) => {
  const dir = scratchFolder(t);
  const model = LstmAutoencoder.create({ ...ARTICLE_VARIANT, ...config });
  const history = { epoch: [0], history: { loss: [0.5], seconds: [0.1] } };
  saveModel(dir, model, { history });
  assert.deepEqual(readdirSync(dir).sort(), ['history.json', 'model.json', 'training.1.json', 'weights.1.bin']);
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  assert.deepEqual(json.weightsManifest[0].paths, ['weights.1.bin']);
  assert.deepEqual(json.userDefinedMetadata, { 'lstm-ae': { reverseTarget: false, generation: 1, training: 'training.1.json' } });
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'history.json'), 'utf8')), { epoch: [0], loss: [0.5], seconds: [0.1] });

  model.params[0] = 0.125;
  saveModel(dir, model); // no history: no record, no history.json update
  assert.deepEqual(readdirSync(dir).sort(), ['history.json', 'model.json', 'weights.2.bin']);
  assert.equal(readModelSetInfo(dir)?.generation, 2);
  assert.equal(loadModel(dir).params[0], 0.125);
  assert.equal(statSync(join(dir, 'weights.2.bin')).size, 4 * model.params.length);
});

test('a save clears what a killed writer left: an uncommitted generation, temps of dead processes, an old weights.bin; it keeps a live process\'s temp and a foreign model\'s shard', (t) => {
  const dir = scratchFolder(t);
  const model = LstmAutoencoder.create({ ...ARTICLE_VARIANT, ...config });
  // an older lstm-ae's folder: model.json naming weights.bin
  saveModel(dir, model);
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  json.weightsManifest[0].paths = ['weights.bin'];
  delete json.userDefinedMetadata;
  writeFileSync(join(dir, 'weights.bin'), readFileSync(join(dir, 'weights.1.bin')));
  rmSync(join(dir, 'weights.1.bin'));
  writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
  const dead = 2 ** 22 + 12345; // above Linux's largest pid
  for (const name of ['weights.7.bin', 'training.7.json', 'optimizer.7.bin', `.model.json.tmp-${dead}`, `.X_train.npy.tmp-${dead}`, `.lstm-ae.lock.${dead}`]) {
    writeFileSync(join(dir, name), 'left over');
  }
  writeFileSync(join(dir, `.codes.npy.tmp-${process.pid}`), 'a live write'); // say, an encode writing here now
  writeFileSync(join(dir, 'notes.txt'), 'mine');
  const path = saveModel(dir, model);
  assert.equal(path, join(dir, 'model.json'));
  // the uncommitted generation 7 is removed before numbering: this is generation 1 again
  assert.deepEqual(readdirSync(dir).sort(), [`.codes.npy.tmp-${process.pid}`, 'model.json', 'notes.txt', 'weights.1.bin']);
  assert.deepEqual(loadModel(dir).params, model.params);

  // a model.json of someone else that names weights.3.bin: that file is its, not a stale generation
  const foreign = join(dir, 'foreign');
  mkdirSync(foreign);
  saveModel(foreign, model);
  const j = JSON.parse(readFileSync(join(foreign, 'model.json'), 'utf8'));
  j.weightsManifest[0].paths = ['weights.3.bin'];
  delete j.userDefinedMetadata;
  writeFileSync(join(foreign, 'weights.3.bin'), readFileSync(join(foreign, 'weights.1.bin')));
  rmSync(join(foreign, 'weights.1.bin'));
  writeFileSync(join(foreign, 'model.json'), JSON.stringify(j));
  commitModelSet(foreign, { dims: model.dims, recurrentActivation: 'sigmoid', weights: model.getWeights() }, undefined, lockFolder(foreign, 'test'));
  assert.deepEqual(readdirSync(foreign).sort(), ['.lstm-ae.lock', 'model.json', 'weights.4.bin']);
  lockFolder(foreign, 'test').release(); // the second handle; the first is still held
  assert.ok(existsSync(join(foreign, LOCK_FILE)));
});

test('a set keeps the permission bits of the model it replaces', (t) => {
  const dir = scratchFolder(t);
  const model = LstmAutoencoder.create({ ...ARTICLE_VARIANT, ...config });
  saveModel(dir, model, { history: { epoch: [], history: { loss: [], seconds: [] } } });
  for (const f of readdirSync(dir)) chmodSync(join(dir, f), 0o600);
  saveModel(dir, model, { history: { epoch: [], history: { loss: [], seconds: [] } } });
  for (const f of readdirSync(dir)) assert.equal(statSync(join(dir, f)).mode & 0o777, 0o600, f);
});

test('a training record reads back what was saved, and refuses files of another generation or damaged ones', (t) => {
  const dir = scratchFolder(t);
  const model = LstmAutoencoder.create({ ...ARTICLE_VARIANT, ...config });
  const optimizer = new Adam(model.params.length);
  optimizer.step(model.params, Float32Array.from(model.params, (p) => p / 3));
  model.shuffleRng.standardNormal(); // a cached normal to carry
  const resume = { epochsDone: 4, settings: { lr: 0.5 }, divergenceReference: 0.25, random: model.shuffleRng.getState(), optimizer: optimizer.getState() };
  const history = { epoch: [0, 1, 2, 3], history: { loss: [4, 3, 2, 1], val_loss: [NaN, 3.5, 2.5, 1.5], seconds: [1, 1, 1, 1] } };
  const saved = commitModelSet(dir, { dims: model.dims, recurrentActivation: 'sigmoid', weights: model.getWeights() }, { history, resume });
  assert.equal(saved.generation, 1);
  const record = readTrainingRecord(dir, 1);
  assert.deepEqual(record.history, history);
  assert.deepEqual(record.resume, resume);
  // history.json has the NaN of an epoch without validation data as null
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'history.json'), 'utf8')).val_loss, [null, 3.5, 2.5, 1.5]);

  assert.throws(() => readTrainingRecord(dir, 2), (e: Error) => e instanceof InputError && /training\.2\.json: file not found/.test(e.message));
  const bin = readFileSync(join(dir, 'optimizer.1.bin'));
  bin[5] = bin[5]! ^ 1;
  writeFileSync(join(dir, 'optimizer.1.bin'), bin);
  assert.throws(() => readTrainingRecord(dir, 1), /optimizer\.1\.bin: its SHA-256 is not the one .*training\.1\.json records; the checkpoint is damaged/);
  writeFileSync(join(dir, 'optimizer.1.bin'), bin.subarray(1));
  assert.throws(() => readTrainingRecord(dir, 1), new RegExp(`optimizer\\.1\\.bin: is ${bin.length - 1} bytes, expected ${bin.length}`));
});

test('a training record carries early stopping\'s state (its best weights among the optimizer\'s buffers) and hands the optimizer only its own', (t) => {
  const dir = scratchFolder(t);
  const model = LstmAutoencoder.create({ ...ARTICLE_VARIANT, ...config });
  const optimizer = new Adam(model.params.length);
  const earlyStopping = { bestEpoch: 2, bestLoss: 0.125, stoppedEpoch: -1, wait: 1, bestWeights: Float32Array.from(model.params, (p) => p * 2) };
  const resume = { epochsDone: 4, settings: {}, random: model.shuffleRng.getState(), optimizer: optimizer.getState(), earlyStopping };
  const history = { epoch: [0, 1, 2, 3], history: { loss: [4, 3, 2, 1], seconds: [1, 1, 1, 1] } };
  commitModelSet(dir, { dims: model.dims, recurrentActivation: 'sigmoid', weights: model.getWeights() }, { history, resume });
  const record = readTrainingRecord(dir, 1);
  assert.deepEqual(record.resume?.earlyStopping, earlyStopping);
  assert.deepEqual(Object.keys(record.resume?.optimizer.buffers ?? {}).sort(), Object.keys(optimizer.getState().buffers).sort());
  // before any epoch has a validation loss, the best is Infinity, which JSON spells null
  commitModelSet(dir, { dims: model.dims, recurrentActivation: 'sigmoid', weights: model.getWeights() }, { history, resume: { ...resume, earlyStopping: { ...earlyStopping, bestEpoch: -1, bestLoss: Infinity } } });
  assert.equal(readTrainingRecord(dir, 2).resume?.earlyStopping?.bestLoss, Infinity);
});

// ---- the folder lock -----------------------------------------------------------------------------

test('lockFolder: one writer at a time; a live owner is named in one line, a dead one\'s lock is taken over', async (t) => {
  const dir = scratchFolder(t);
  const lock = lockFolder(dir, 'train');
  assert.equal(readFileSync(join(dir, LOCK_FILE), 'utf8'), `${process.pid} train\n`);
  const inner = lockFolder(dir, 'save'); // the same process: a save inside train
  inner.release();
  assert.ok(existsSync(join(dir, LOCK_FILE)));
  lock.release();
  assert.ok(!existsSync(join(dir, LOCK_FILE)));

  // a lock held by another live process
  const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  t.after(() => other.kill('SIGKILL'));
  writeFileSync(join(dir, LOCK_FILE), `${other.pid} data\n`);
  assert.throws(
    () => lockFolder(dir, 'train'),
    (e: Error) => e instanceof InputError && !e.message.includes('\n') && e.message === `${dir}: in use by another lstm-ae data (pid ${other.pid}); wait for it to end or give another folder (if no such process runs, remove ${join(dir, LOCK_FILE)})`,
  );
  // the same lock once its process is gone
  const exited = new Promise((resolve) => other.on('exit', resolve));
  other.kill('SIGKILL');
  await exited;
  const taken = lockFolder(dir, 'train');
  assert.equal(readFileSync(join(dir, LOCK_FILE), 'utf8'), `${process.pid} train\n`);
  taken.release();
  assert.deepEqual(readdirSync(dir), []);
});

// ---- fixed-name sets (data) -----------------------------------------------------------------------

test('commitFileSet replaces a set of fixed names whole; a journal left by a kill after its commit point is finished by the next writer', (t) => {
  const dir = scratchFolder(t);
  commitFileSet(dir, [
    { name: 'a.npy', data: 'old a' },
    { name: 'b.npy', data: 'old b' },
  ]);
  assert.deepEqual(readdirSync(dir).sort(), ['a.npy', 'b.npy']);

  // a kill after the journal's rename and the first of its renames
  const dead = 2 ** 22 + 777;
  writeFileSync(join(dir, `.b.npy.tmp-${dead}`), 'new b');
  writeFileSync(join(dir, 'a.npy'), 'new a');
  writeFileSync(join(dir, JOURNAL_FILE), JSON.stringify({ renames: [[`.a.npy.tmp-${dead}`, 'a.npy'], [`.b.npy.tmp-${dead}`, 'b.npy']] }));
  finishFileSet(dir);
  assert.deepEqual(readdirSync(dir).sort(), ['a.npy', 'b.npy']);
  assert.equal(readFileSync(join(dir, 'b.npy'), 'utf8'), 'new b');

  // a journal that would move anything but its own temps is refused, and nothing is moved
  writeFileSync(join(dir, JOURNAL_FILE), JSON.stringify({ renames: [['.a.npy.tmp-1', '../a.npy']] }));
  assert.throws(() => finishFileSet(dir), /not a journal of renames written by lstm-ae/);
  assert.throws(() => commitFileSet(dir, [{ name: 'a.npy', data: 'x' }]), /not a journal of renames/);
  assert.equal(readFileSync(join(dir, 'a.npy'), 'utf8'), 'new a');
});

test('a model set is not committed over a model.json that is a folder or a link: one line, the folder left as it was', async (t) => {
  const model = LstmAutoencoder.create({ ...config, ...ARTICLE_VARIANT });
  for (const make of ['folder', 'link'] as const) {
    const dir = scratchFolder(t);
    if (make === 'folder') mkdirSync(join(dir, 'model.json'));
    else symlinkSync(join(dir, 'elsewhere.json'), join(dir, 'model.json'));
    const before = readdirSync(dir).sort();
    assert.throws(() => saveModel(dir, model), (e: unknown) => e instanceof InputError && e.message === `${join(dir, 'model.json')}: is not a plain file; a model set replaces only plain files, move it away`);
    assert.deepEqual(readdirSync(dir).sort(), before, `${make}: nothing written`);
  }
  await model.dispose();
});
