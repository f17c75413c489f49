import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI } from './run-cli.js';
import { loadModel } from '../src/io/tfjs/format.js';
import { readModelSetInfo } from '../src/io/tfjs/model-set.js';
import { readTrainingRecord } from '../src/io/training-record.js';
import { JOURNAL_FILE } from '../src/io/file-set.js';
import { readNpy } from '../src/io/npy-file.js';
import { readLabelsFile, readSeries } from '../src/io/read-series.js';

// `lstm-ae train` killed (SIGKILL at exact points through the fault hooks of
// src/io/test-faults.ts, and at points of the OS's choosing), interrupted (SIGINT, SIGTERM),
// run twice at once, run into a full disk and run off to infinity: after each, the run
// folder holds one whole set, and `train --resume` ends with the uninterrupted run's
// weights, byte for byte. A tiny model (latent 3, T 20, 142 windows) on one thread.

const scratch = mkdtempSync(join(tmpdir(), 'lstm-ae-checkpoint-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string> = {}): Promise<Result> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ code, signal: error?.signal ?? null, stdout, stderr });
    });
  });
}

/** One line on stderr, exit 2: how every refusal and failure here must end. */
function assertOneLine(r: Result, code: number, pattern: RegExp): void {
  assert.equal(r.code, code, r.stderr);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, pattern);
}

const DATA = join(scratch, 'data');
const made = await cli(['data', '--out', DATA, '--cycles', '3', '--timesteps', '20', '--test-size', '0.4']);
assert.equal(made.code, 0, made.stderr);
const EPOCHS = 4;
// 142 windows in batches of 48: 3 batches an epoch, 12 in all
const trainArgs = (out: string, epochs = EPOCHS, ...more: string[]) =>
  ['train', '--data', DATA, '--out', out, '--epochs', String(epochs), '--batch-size', '48', '--latent', '3', '--threads', '1', '--seed', '3', '--json', ...more];

function weightsBytes(run: string): Buffer {
  const json = JSON.parse(readFileSync(join(run, 'model.json'), 'utf8'));
  return readFileSync(join(run, json.weightsManifest[0].paths[0]));
}

function lossesOf(run: string): number[] {
  return JSON.parse(readFileSync(join(run, 'history.json'), 'utf8')).loss;
}

const REFERENCE = join(scratch, 'reference');
const referenceRun = await cli(trainArgs(REFERENCE));
assert.equal(referenceRun.code, 0, referenceRun.stderr);
const referenceWeights = weightsBytes(REFERENCE);
const referenceLosses = lossesOf(REFERENCE);

/**
 * What a killed run must leave: no model yet, or exactly one whole set, whose checkpoint
 * (hashes checked) holds the history of the epochs in its weights, the uninterrupted run's.
 */
function assertOneWholeSet(run: string, what: string): number {
  if (!existsSync(join(run, 'model.json'))) return 0;
  loadModel(run);
  const info = readModelSetInfo(run)!;
  const record = readTrainingRecord(run, info.generation);
  const done = record.resume!.epochsDone;
  assert.deepEqual(record.history.epoch, [...Array(done).keys()], what);
  assert.deepEqual(record.history.history.loss, referenceLosses.slice(0, done), what);
  return done;
}

/** Resumes (or, with no model yet, starts again) a killed run and checks it ends as the uninterrupted one. */
async function finishAndCompare(run: string, what: string): Promise<void> {
  const r = existsSync(join(run, 'model.json')) ? await cli(['train', '--resume', run, '--json']) : await cli(trainArgs(run));
  assert.equal(r.code, 0, `${what}: ${r.stderr}`);
  assert.deepEqual(weightsBytes(run), referenceWeights, `${what}: weights`);
  assert.deepEqual(lossesOf(run), referenceLosses, `${what}: history.json`);
  // nothing left of the kill: no temps, no lock, no stray generation
  const files = readdirSync(run).map((f) => f.replace(/\.\d+\./, '.G.')).sort();
  assert.deepEqual(files, ['history.json', 'model.json', 'optimizer.G.bin', 'training.G.json', 'weights.G.bin'], `${what}: ${readdirSync(run).join(' ')}`);
}

async function killAt(point: string): Promise<void> {
  const run = join(scratch, `killed-${point.replace('@', '-')}`);
  const r = await cli(trainArgs(run), { LSTM_AE_TEST_CRASH_AT: point });
  assert.equal(r.signal, 'SIGKILL', `${point}: ${r.code} ${r.stderr}`);
  assertOneWholeSet(run, point);
  await finishAndCompare(run, point);
}

// writes per save: weights, optimizer, record, model.json's temp, history.json's temp
test('killed inside the batches of epochs 1, 2 and 4: the folder holds no model or one whole set, and resuming gives the uninterrupted weights', async () => {
  await Promise.all(['batch@2', 'batch@5', 'batch@12'].map(killAt));
});

test('killed inside a save before its commit (set files half written, all written, model.json not yet renamed): the previous set is whole, resuming gives the same weights', async () => {
  await Promise.all(['write@1', 'write@7', 'set-files@2', 'before-rename@3'].map(killAt));
});

test('killed inside a save after its commit (history.json or the old generation not yet updated): the new set is whole, history.json is repaired, resuming gives the same weights', async () => {
  await Promise.all(['after-rename@2', 'write@10', 'after-rename@4', 'after-history@4'].map(killAt));
});

// Early stopping on (the default) with a learning rate at which val_loss rises after epoch 7 of
// 12 (patience 20, so the run goes on): a stop while the best epoch is not the last must keep
// the last finished epoch's weights, not early stopping's best (issue 23: 3 of 6 Ctrl-C or TERM
// stops then resumed ended elsewhere). Signals arrive at exact batches through the fault hooks,
// in a first run and in resumes of it; SIGKILL in between.
const STOPPING = join(scratch, 'stopping-reference');
const stoppingArgs = (out: string) => trainArgs(out, 12, '--lr', '0.03', '--patience', '20');
const stoppingRun = await cli(stoppingArgs(STOPPING));
assert.equal(stoppingRun.code, 0, stoppingRun.stderr);

/** history.json but its timings */
function withoutSeconds(run: string): unknown {
  const { seconds: _, ...rest } = JSON.parse(readFileSync(join(run, 'history.json'), 'utf8'));
  return rest;
}

async function stopAt(run: string, signal: 'SIGINT' | 'SIGTERM' | 'SIGKILL', point: string): Promise<void> {
  const args = existsSync(join(run, 'model.json')) ? ['train', '--resume', run, '--json'] : stoppingArgs(run);
  const r = await cli(args, { LSTM_AE_TEST_CRASH_AT: point, LSTM_AE_TEST_SIGNAL: signal });
  if (signal === 'SIGKILL') assert.equal(r.signal, 'SIGKILL', `${point}: ${r.code} ${r.stderr}`);
  else assert.equal(r.code, signal === 'SIGINT' ? 130 : 143, `${point}: ${r.stderr}`);
}

test('SIGINT, SIGTERM and SIGKILL at exact batches, in a run with early stopping on and in its resumes: each resume ends byte for byte as the uninterrupted run', async () => {
  const history = JSON.parse(readFileSync(join(STOPPING, 'history.json'), 'utf8'));
  const val: number[] = history.val_loss;
  const best = val.indexOf(Math.min(...val.slice(0, 8)));
  assert.ok(best < 7 && val[7]! > val[best]!, `the reference's val_loss must rise after its best epoch: ${val.join(' ')}`);
  // 3 batches an epoch: batch@26 is inside epoch 9 (epochs 1-8 done, the best among them not the last)
  const chains: Array<Array<['SIGINT' | 'SIGTERM' | 'SIGKILL', string]>> = [
    [['SIGINT', 'batch@26']],
    [['SIGTERM', 'batch@28']],
    [['SIGINT', 'batch@24'], ['SIGTERM', 'batch@2']],
    [['SIGTERM', 'batch@23'], ['SIGKILL', 'batch@5'], ['SIGINT', 'batch@3']],
    [['SIGKILL', 'batch@22'], ['SIGINT', 'batch@4']],
  ];
  await Promise.all(
    chains.map(async (chain, n) => {
      const run = join(scratch, `stopped-${n}`);
      for (const [signal, point] of chain) await stopAt(run, signal, point);
      const what = chain.map((c) => c.join(' at ')).join(', then ');
      const r = await cli(['train', '--resume', run, '--json']);
      assert.equal(r.code, 0, `${what}: ${r.stderr}`);
      assert.deepEqual(weightsBytes(run), weightsBytes(STOPPING), `${what}: weights`);
      assert.deepEqual(withoutSeconds(run), withoutSeconds(STOPPING), `${what}: history`);
    }),
  );
});

/** Runs `args` and resolves once stderr has shown `line`, handing back the process. */
function startAndWaitFor(args: string[], line: RegExp) {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal, stderr }));
  });
  const seen = new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (line.test(stderr)) resolve();
    });
    void ended.then(() => reject(new Error(`ended before ${line}: ${stderr}`)));
  });
  return { child, seen, ended };
}

const LONG = 100000; // epochs that never finish here: the runs below are stopped
// a run that lasts until it is stopped: early stopping would end it on its own
const longArgs = (out: string) => [...trainArgs(out, LONG).filter((a) => a !== '--json'), '--no-early-stopping'];

test('killed with SIGKILL wherever the OS stops it, three times: each time one whole set; resumed, the uninterrupted weights', async () => {
  const epochs = 9;
  const straight = join(scratch, 'straight-9');
  assert.equal((await cli(trainArgs(straight, epochs))).code, 0);
  const run = join(scratch, 'killed-anywhere');
  for (const after of [1, 3, 6]) {
    const args = existsSync(join(run, 'model.json')) ? ['train', '--resume', run] : trainArgs(run, epochs).filter((a) => a !== '--json');
    const { child, seen, ended } = startAndWaitFor(args, new RegExp(`epoch ${after}/${epochs} `));
    await seen;
    child.kill('SIGKILL');
    const r = await ended;
    if (r.signal !== 'SIGKILL') assert.equal(r.code, 0, r.stderr); // it may have finished first
    const done = existsSync(join(run, 'model.json')) ? readTrainingRecord(run, readModelSetInfo(run)!.generation).resume!.epochsDone : 0;
    assert.ok(done >= after - 1, `after epoch ${after}: the set holds ${done} epochs`);
  }
  const r = await cli(['train', '--resume', run, '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(weightsBytes(run), weightsBytes(straight));
  assert.deepEqual(lossesOf(run), lossesOf(straight));
});

test('SIGINT stops after the batch with exit 130, keeps the last finished epoch and says how to go on; the resumed run ends as an uninterrupted one', async () => {
  const run = join(scratch, 'interrupted');
  const { child, seen, ended } = startAndWaitFor(longArgs(run), /epoch 3\/100000 /);
  await seen;
  child.kill('SIGINT');
  const r = await ended;
  assert.equal(r.code, 130, r.stderr);
  const last = r.stderr.trimEnd().split('\n').at(-1)!;
  const m = new RegExp(`^lstm-ae: stopped by SIGINT after epoch (\\d+) of ${LONG}; .*interrupted/model\\.json holds epoch \\1; go on with: lstm-ae train --resume .*interrupted$`).exec(last);
  assert.ok(m, last);
  const done = Number(m[1]);
  assert.ok(done >= 3);
  assert.equal(readTrainingRecord(run, readModelSetInfo(run)!.generation).resume!.epochsDone, done);
  assert.ok(!existsSync(join(run, '.lstm-ae.lock')));

  const resumed = await cli(['train', '--resume', run, '--epochs', String(done + 2), '--json']);
  assert.equal(resumed.code, 0, resumed.stderr);
  const straight = join(scratch, `straight-${done + 2}`);
  assert.equal((await cli(trainArgs(straight, done + 2))).code, 0);
  assert.deepEqual(weightsBytes(run), weightsBytes(straight));
  assert.deepEqual(lossesOf(run), lossesOf(straight));
});

test('SIGTERM stops the same way with exit 143', async () => {
  const run = join(scratch, 'terminated');
  const { child, seen, ended } = startAndWaitFor(longArgs(run), /epoch 2\/100000 /);
  await seen;
  child.kill('SIGTERM');
  const r = await ended;
  assert.equal(r.code, 143, r.stderr);
  assert.match(r.stderr.trimEnd().split('\n').at(-1)!, /^lstm-ae: stopped by SIGTERM after epoch \d+ of 100000; .*go on with: lstm-ae train --resume /);
  assert.doesNotThrow(() => loadModel(run));
});

test('a second writer of a run folder gets exit 2 and one line naming the first; a lock left by a killed run is taken over', async () => {
  const run = join(scratch, 'locked');
  const first = startAndWaitFor(longArgs(run), /epoch 1\/100000 /);
  await first.seen;
  const second = await cli(trainArgs(run));
  assertOneLine(second, 2, new RegExp(`locked: in use by another lstm-ae train \\(pid ${first.child.pid}\\); wait for it to end or give another folder`));
  const resume = await cli(['train', '--resume', run]);
  assertOneLine(resume, 2, /in use by another lstm-ae train/);
  first.child.kill('SIGINT');
  assert.equal((await first.ended).code, 130);

  // a lock whose process is gone (kill -9 leaves one) does not stop the next run
  writeFileSync(join(run, '.lstm-ae.lock'), `${2 ** 22 + 99} train\n`);
  const after = await cli(['train', '--resume', run, '--epochs', '1']);
  assertOneLine(after, 2, /--epochs 1: the run in .* has done \d+ epochs already/);
  const again = await cli(trainArgs(run, 2, '--force'));
  assert.equal(again.code, 0, again.stderr);
  assert.ok(!existsSync(join(run, '.lstm-ae.lock')));
});

test('--lr 1e6 stops at epoch 1 with exit 2 and one line, and the good model already in --out stays, byte for byte', async () => {
  const run = join(scratch, 'good-then-diverged');
  cpSync(REFERENCE, run, { recursive: true });
  const before = new Map(readdirSync(run).map((f) => [f, readFileSync(join(run, f))]));
  const r = await cli(trainArgs(run, EPOCHS, '--lr', '1e6', '--force'));
  // exit 2, as for every error the user can fix by changing the command: here the learning rate
  assertOneLine(r, 2, /^lstm-ae: training diverged at epoch 1 \(the loss [\d.e+]+ exceeds 2 times the untrained loss \d\.\d+\); nothing of this run was saved \(.*good-then-diverged is as it was\); try a smaller --lr$/);
  assert.deepEqual(new Map(readdirSync(run).map((f) => [f, readFileSync(join(run, f))])), before);
});

test('a full disk at the final save: exit 2, one line, the model already there intact and nothing left behind', async () => {
  for (const nth of [1, 3, 4]) {
    // --checkpoint-every 0: the final save is the only one, its writes the first five
    const run = join(scratch, `full-${nth}`);
    cpSync(REFERENCE, run, { recursive: true });
    const before = new Map(readdirSync(run).map((f) => [f, readFileSync(join(run, f))]));
    const r = await cli(trainArgs(run, 2, '--seed', '9', '--checkpoint-every', '0', '--force'), { LSTM_AE_TEST_ENOSPC_AT: `write@${nth}` });
    assertOneLine(r, 2, /^lstm-ae: .*full-\d: cannot save the model \(ENOSPC: no space left on the device\); the model already there \(.*model\.json\) is unchanged$/);
    assert.deepEqual(new Map(readdirSync(run).map((f) => [f, readFileSync(join(run, f))])), before, `write ${nth}`);
  }
});

test('a full disk at an epoch\'s checkpoint stops with exit 2 saying how to go on, and the resumed run gives the uninterrupted weights', async () => {
  const run = join(scratch, 'full-at-epoch-3');
  const r = await cli(trainArgs(run), { LSTM_AE_TEST_ENOSPC_AT: 'write@11' }); // the first write of the third save
  assertOneLine(r, 2, /cannot save the model \(ENOSPC: no space left on the device\); the model already there \(.*model\.json\) is unchanged: it holds epoch 2; free some space, then go on with: lstm-ae train --resume .*full-at-epoch-3$/);
  assert.equal(assertOneWholeSet(run, 'full disk'), 2);
  await finishAndCompare(run, 'full disk');

  // full after the commit: the model is saved, history.json is not, and the next run in the folder repairs it
  const late = join(scratch, 'full-at-history');
  const h = await cli(trainArgs(late, EPOCHS, '--checkpoint-every', '0'), { LSTM_AE_TEST_ENOSPC_AT: 'write@5' });
  assertOneLine(h, 2, /history\.json: cannot be written \(ENOSPC: no space left on the device\); the model is saved in .*model\.json with its history$/);
  assert.equal(existsSync(join(late, 'history.json')), false);
  assert.deepEqual(weightsBytes(late), referenceWeights);
  const done = await cli(['train', '--resume', late, '--json']);
  assert.equal(done.code, 0, done.stderr);
  assert.deepEqual(lossesOf(late), referenceLosses);
});

test('--init continues the model\'s history, numbering its epochs on, with a note that the optimizer starts afresh', async () => {
  const run = join(scratch, 'continued');
  assert.equal((await cli(trainArgs(run, 2))).code, 0);
  const r = await cli(['train', '--data', DATA, '--init', join(run, 'model.json'), '--out', run, '--epochs', '2', '--batch-size', '48', '--threads', '1', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /its history of 2 epochs goes on \(this run's are 3 to 4\); the optimizer starts afresh/);
  const history = JSON.parse(readFileSync(join(run, 'history.json'), 'utf8'));
  assert.deepEqual(history.epoch, [0, 1, 2, 3]);
  assert.deepEqual(history.loss.slice(0, 2), referenceLosses.slice(0, 2));
  assert.equal(JSON.parse(r.stdout).epochs, 4);
});

test('data killed inside its set: before the commit the old arrays stay; after it, the next reader finishes the switch', async () => {
  const clean = join(scratch, 'data-seed-2');
  const dataArgs = (out: string, seed: number) => ['data', '--out', out, '--cycles', '3', '--timesteps', '20', '--test-size', '0.4', '--seed', String(seed)];
  assert.equal((await cli(dataArgs(clean, 2))).code, 0);
  const names = ['X_test.npy', 'X_train.npy', 'y_test.npy', 'y_train.npy'];

  const early = join(scratch, 'data-early');
  cpSync(DATA, early, { recursive: true });
  const killedEarly = await cli(dataArgs(early, 2), { LSTM_AE_TEST_CRASH_AT: 'data-before-commit' });
  assert.equal(killedEarly.signal, 'SIGKILL');
  for (const f of names) assert.deepEqual(readFileSync(join(early, f)), readFileSync(join(DATA, f)), f);

  const late = join(scratch, 'data-late');
  cpSync(DATA, late, { recursive: true });
  const killedLate = await cli(dataArgs(late, 2), { LSTM_AE_TEST_CRASH_AT: 'data-mid-renames' });
  assert.equal(killedLate.signal, 'SIGKILL');
  assert.ok(existsSync(join(late, JOURNAL_FILE)));
  // train reading the folder finishes the interrupted switch before it reads
  const r = await cli(trainArgs(join(scratch, 'on-late-data'), 1).map((a) => (a === DATA ? late : a)));
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(readdirSync(late).sort(), names);
  for (const f of names) assert.deepEqual(readFileSync(join(late, f)), readFileSync(join(clean, f)), f);
  // and `data` again into the early one removes the dead run's temps
  assert.equal((await cli(dataArgs(early, 2))).code, 0);
  assert.deepEqual(readdirSync(early).sort(), names);
});

test('data killed between its renames (two arrays new, two old): a reader of any one of them finishes the set first, so the folder is the new set whole', async () => {
  const dataArgs = (out: string) => ['data', '--out', out, '--cycles', '3', '--timesteps', '20', '--test-size', '0.4', '--seed', '2'];
  const clean = join(scratch, 'mixed-clean');
  assert.equal((await cli(dataArgs(clean))).code, 0);
  const names = ['X_test.npy', 'X_train.npy', 'y_test.npy', 'y_train.npy'];
  const readers: Array<[string, (dir: string) => Promise<void> | void]> = [
    ['train --data DIR/X_train.npy', async (dir) => {
      const r = await cli(trainArgs(join(scratch, `on-${dir.split('/').at(-1)}`), 1).map((a) => (a === DATA ? join(dir, 'X_train.npy') : a)));
      assert.equal(r.code, 0, r.stderr);
    }],
    ['encode --input DIR/X_test.npy', async (dir) => {
      const r = await cli(['encode', '--model', join(REFERENCE, 'model.json'), '--input', join(dir, 'X_test.npy'), '--out', join(dir, '..', `codes-${dir.split('/').at(-1)}.npy`)]);
      assert.equal(r.code, 0, r.stderr);
    }],
    ['readNpy(DIR/y_test.npy)', (dir) => void readNpy(join(dir, 'y_test.npy'))],
    ['readSeries(DIR/X_test.npy)', (dir) => void readSeries(join(dir, 'X_test.npy'))],
    ['readLabelsFile(DIR/y_train.npy)', (dir) => void readLabelsFile(join(dir, 'y_train.npy'))],
  ];
  await Promise.all(
    readers.map(async ([what, read], n) => {
      const dir = join(scratch, `mixed-${n}`);
      cpSync(DATA, dir, { recursive: true });
      const killed = await cli(dataArgs(dir), { LSTM_AE_TEST_CRASH_AT: 'data-mid-renames@2' });
      assert.equal(killed.signal, 'SIGKILL', what);
      assert.ok(existsSync(join(dir, JOURNAL_FILE)), what);
      assert.deepEqual(readFileSync(join(dir, 'X_train.npy')), readFileSync(join(clean, 'X_train.npy')), `${what}: the first rename was done`);
      assert.deepEqual(readFileSync(join(dir, 'X_test.npy')), readFileSync(join(DATA, 'X_test.npy')), `${what}: the third was not`);
      await read(dir);
      assert.deepEqual(readdirSync(dir).sort(), names, what);
      for (const f of names) assert.deepEqual(readFileSync(join(dir, f)), readFileSync(join(clean, f)), `${what}: ${f}`);
    }),
  );
});
