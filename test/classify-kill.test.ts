/**
 * The kill matrix for `classify --out`, whose classifier folder (RUN/classifier) is one set
 * committed by one rename (classifier-folder.ts): a run with other seeds over a saved one,
 * SIGKILLed before each file of the new set, before the commit and after it (the fault points
 * of src/io/test-faults.ts), or stopped by a full disk. After each, `classify --model RUN
 * --input X` labels X exactly as the old classifier did (killed before the commit) or as the
 * new one does (after it), byte for byte, never with a mixture of the two; a folder that never
 * held a classifier refuses in one line; and the next run clears what the killed one left.
 * Data: 18 ArrowHead series to fit, 8 to test, 8 to label (test/fixtures/ucr), tiny models.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCliWith, type CliResult } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'lstm-ae-classify-kill-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const rows = readFileSync(fileURLToPath(new URL('../../test/fixtures/ucr/ArrowHead_TRAIN.tsv', import.meta.url)), 'utf8').trimEnd().split('\n');
const trainFile = join(dir, 'train.tsv');
const testFile = join(dir, 'test.tsv');
const unlabelled = join(dir, 'input.csv');
writeFileSync(trainFile, rows.slice(0, 18).join('\n') + '\n');
writeFileSync(testFile, rows.slice(18, 26).join('\n') + '\n');
writeFileSync(unlabelled, rows.slice(26, 34).map((r) => r.split('\t').slice(1).join(',')).join('\n') + '\n');

const TINY = ['--latent', '4', '--length', '16', '--epochs', '2', '--threads', '1'];
const OLD = ['--seeds', '0,1'];
const NEW = ['--seeds', '2,3'];
const base = join(dir, 'base');
const fresh = join(dir, 'fresh');

function fit(out: string, seeds: string[], env: Record<string, string> = {}, force = false): Promise<CliResult> {
  return runCliWith(['classify', '--train', trainFile, '--test', testFile, ...TINY, ...seeds, '--out', out, ...(force ? ['--force'] : [])], { env });
}

let labelCount = 0;
/** `classify --model RUN --input X`: predictions.csv's text, or the refusal. */
async function labels(run: string): Promise<{ code: number; predictions?: string; stderr: string }> {
  const out = join(dir, `labels-${labelCount++}`);
  const r = await runCliWith(['classify', '--model', run, '--input', unlabelled, '--threads', '1', '--out', out]);
  return { code: r.code, stderr: r.stderr, ...(r.code === 0 ? { predictions: readFileSync(join(out, 'predictions.csv'), 'utf8') } : {}) };
}

/** Runs `work` over `items`, two at a time (the machine's two cores). */
async function twoAtATime<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const k = next++;
      results[k] = await work(items[k]!);
    }
  };
  await Promise.all([lane(), lane()]);
  return results;
}

const set = (run: string) => readdirSync(join(run, 'classifier')).sort();
let oldLabels: string;
let newLabels: string;

before(async () => {
  const [a, b] = await Promise.all([fit(base, OLD), fit(fresh, NEW)]);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 0, b.stderr);
  const [la, lb] = await Promise.all([labels(base), labels(fresh)]);
  assert.equal(la.code, 0, la.stderr);
  assert.equal(lb.code, 0, lb.stderr);
  oldLabels = la.predictions!;
  newLabels = lb.predictions!;
  // else the matrix could not tell the old classifier from the new one
  assert.notEqual(oldLabels, newLabels);
});

test('classify --out killed at each step of saving its classifier: --model labels as the old classifier (before the commit) or the new one (after it), never a mixture', async () => {
  assert.deepEqual(set(base), ['autoencoder-0.1.bin', 'autoencoder-0.1.json', 'autoencoder-1.1.bin', 'autoencoder-1.1.json', 'classifier.json']);
  // two autoencoders of two files each, then classifier.json's temp: five writes (the first, one between, the last)
  const points: [string, 'old' | 'new'][] = [
    ...[1, 3, 5].map((k): [string, 'old'] => [`classifier-write@${k}`, 'old']),
    ['classifier-before-rename', 'old'],
    ['classifier-after-rename', 'new'],
  ];
  const outcomes = await twoAtATime(points, async ([point, expected]) => {
    const run = join(dir, `kill-${point.replace('@', '-')}`);
    cpSync(base, run, { recursive: true });
    const killed = await fit(run, NEW, { LSTM_AE_TEST_CRASH_AT: point }, true);
    const labelled = await labels(run);
    return { point, expected, run, killed, labelled };
  });
  for (const { point, expected, killed, labelled } of outcomes) {
    assert.equal(killed.code, 137, `${point}: killed (${killed.stderr.slice(-300)})`);
    assert.equal(labelled.code, 0, `${point}: ${labelled.stderr}`);
    assert.equal(labelled.predictions, expected === 'old' ? oldLabels : newLabels, `${point}: the ${expected} classifier's labels`);
  }
  // the next run over a killed one clears what it left (a new generation's files, classifier.json's temp) and commits whole
  const { run } = outcomes.find((o) => o.point === 'classifier-before-rename')!;
  assert.ok(set(run).some((name) => name.startsWith('autoencoder-0.2.')), 'the killed run left its new files');
  const again = await fit(run, NEW, {}, true);
  assert.equal(again.code, 0, again.stderr);
  // the leftovers of generation 2 go first, so the new set is generation 2 again
  assert.deepEqual(set(run), ['autoencoder-0.2.bin', 'autoencoder-0.2.json', 'autoencoder-1.2.bin', 'autoencoder-1.2.json', 'classifier.json']);
  assert.equal((await labels(run)).predictions, newLabels);
});

test('a classify killed before its first classifier was committed leaves a folder --model refuses in one line; a full disk while saving leaves the old one whole', async () => {
  const never = join(dir, 'never');
  const full = join(dir, 'full');
  cpSync(base, full, { recursive: true });
  const [killed, stopped] = await Promise.all([
    fit(never, NEW, { LSTM_AE_TEST_CRASH_AT: 'classifier-before-rename' }),
    fit(full, NEW, { LSTM_AE_TEST_ENOSPC_AT: 'classifier-write@3' }, true),
  ]);
  assert.equal(killed.code, 137, killed.stderr.slice(-300));
  assert.equal(existsSync(join(never, 'classifier', 'classifier.json')), false);
  const refused = await labels(never);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /^lstm-ae: [^\n]*holds no classifier\.json[^\n]*\n$/);

  assert.equal(stopped.code, 2, stopped.stderr);
  assert.match(stopped.stderr.trimEnd().split('\n').at(-1)!, /^lstm-ae: .*cannot save the classifier \(.*\); the classifier already there \(.*classifier\.json\) is unchanged$/);
  assert.deepEqual(set(full), set(base), 'the new files written before the full disk are removed');
  assert.equal((await labels(full)).predictions, oldLabels);
});

test('Ctrl-C or a TERM at the commit of classify --out ends the run as a kill there does: the old classifier before the rename, the new one after', async () => {
  const cases: Array<[signal: 'SIGINT' | 'SIGTERM', point: string, expected: 'old' | 'new']> = [
    ['SIGINT', 'classifier-before-rename', 'old'],
    ['SIGINT', 'classifier-after-rename', 'new'],
    ['SIGTERM', 'classifier-before-rename', 'old'],
    ['SIGTERM', 'classifier-after-rename', 'new'],
  ];
  const outcomes = await twoAtATime(cases, async ([signal, point, expected]) => {
    const run = join(dir, `${signal}-${point}`);
    cpSync(base, run, { recursive: true });
    const stopped = await fit(run, NEW, { LSTM_AE_TEST_CRASH_AT: point, LSTM_AE_TEST_SIGNAL: signal }, true);
    return { signal, point, expected, stopped, labelled: await labels(run) };
  });
  for (const { signal, point, expected, stopped, labelled } of outcomes) {
    assert.equal(stopped.code, signal === 'SIGINT' ? 130 : 143, `${signal} at ${point}: stopped by it (${stopped.stderr.slice(-300)})`);
    assert.equal(labelled.code, 0, `${signal} at ${point}: ${labelled.stderr}`);
    assert.equal(labelled.predictions, expected === 'old' ? oldLabels : newLabels, `${signal} at ${point}: the ${expected} classifier's labels`);
  }
});
