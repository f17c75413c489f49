import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startWebServer, WEB_ROOT } from '../src/cli/serve.js';
import { loadModel } from '../src/io/tfjs/format.js';
import { readNpy } from '../src/io/npy-file.js';
import { readSeries } from '../src/io/read-series.js';
import { chromiumAvailable, DEFAULT_CHROMIUM, launchChromium } from './report-browser-check.js';
import { skipWhenMissing } from './optional-checker.js';

/**
 * The page (web/, built into dist/web) in headless Chromium, served as `lstm-ae serve` serves
 * it: it loads cleanly, and what it computes is what the CLI computes on the same file with
 * the same seed and thread count. Screenshots of each result view go to $LSTM_AE_SCREENSHOTS
 * when set.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'dist/src/cli/main.js');
const FIXTURES = join(ROOT, 'test/fixtures/web');
const SHOTS = process.env['LSTM_AE_SCREENSHOTS'];
const noChromium = skipWhenMissing(chromiumAvailable() ? false : `no Chromium at ${DEFAULT_CHROMIUM} (set CHROMIUM_PATH)`);
const dir = mkdtempSync(join(tmpdir(), 'lstm-ae-web-'));
let browser: Browser | undefined;
let server: Server | undefined;
let url = '';
before(async () => {
  if (noChromium) return;
  browser = await launchChromium();
  ({ server, url } = await startWebServer(WEB_ROOT, { port: 0 }));
});
after(async () => {
  await browser?.close();
  server?.close();
  rmSync(dir, { recursive: true, force: true });
});

function cli(args: string[], cwd = ROOT): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface PageState {
  result?: Record<string, unknown>;
  errors: string[];
  longTasks: [number, number][];
  runSpan: [number, number];
  ready: boolean;
}

/** Opens the page and records its console errors and failed requests. */
async function openPage(): Promise<{ page: Page; problems: string[]; requests: string[] }> {
  const page = await browser!.newPage({ viewport: { width: 1100, height: 900 }, acceptDownloads: true });
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(url);
  await page.waitForFunction(() => (globalThis as unknown as { lstmAe: PageState }).lstmAe.ready, undefined, { timeout: 20_000 });
  return { page, problems, requests };
}

async function run(page: Page, file: string, settings: { task: 'train' | 'detect' | 'apply' | 'classify'; epochs?: number; threads: number; test?: string }): Promise<PageState> {
  await page.selectOption('#task', settings.task);
  await page.setInputFiles('#file', file);
  if (settings.test) {
    await page.setInputFiles('#test-file', settings.test);
    await page.waitForTimeout(200); // the file is read asynchronously
  }
  if (settings.epochs !== undefined) await page.fill('#epochs', String(settings.epochs));
  await page.fill('#threads', String(settings.threads));
  await page.waitForFunction(() => !(document.getElementById('run') as HTMLButtonElement).disabled);
  await page.evaluate(() => { const s = (globalThis as unknown as { lstmAe: PageState }).lstmAe; s.result = undefined; s.errors = []; s.longTasks = []; });
  await page.click('#run');
  await page.waitForFunction(() => { const s = (globalThis as unknown as { lstmAe: PageState }).lstmAe; return s.result !== undefined || s.errors.length > 0; }, undefined, { timeout: 60_000 });
  return page.evaluate(() => {
    const s = (globalThis as unknown as { lstmAe: PageState }).lstmAe;
    const plain = (v: unknown): unknown => (ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v);
    return { ...s, result: s.result && Object.fromEntries(Object.entries(s.result).map(([k, v]) => [k, plain(v)])) };
  });
}

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!, y = b[i]!;
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    worst = Math.max(worst, Math.abs(x - y));
  }
  return worst;
}

async function screenshot(page: Page, name: string): Promise<void> {
  if (SHOTS) await page.screenshot({ path: join(SHOTS, name), fullPage: true });
}

test('the page loads cross-origin isolated, with no console error, no failed request, nothing from elsewhere', { skip: noChromium }, async () => {
  const { page, problems, requests } = await openPage();
  try {
    assert.deepEqual(problems, []);
    assert.equal(await page.evaluate(() => globalThis.crossOriginIsolated), true);
    assert.deepEqual(requests.filter((r) => !r.startsWith(url) && !r.startsWith('blob:') && !r.startsWith('data:')), []);
    assert.match((await page.textContent('#platform')) ?? '', /cross-origin isolated/);
  } finally {
    await page.close();
  }
});

test("training in the page gives the CLI's losses and weights (2 epochs, 2 threads); the main thread never blocks; the downloaded model gives the CLI's codes", { skip: noChromium }, async (t) => {
  const data = join(dir, 'data');
  assert.equal(cli(['data', '--cycles', '40', '--timesteps', '40', '--out', data]).status, 0);
  const trained = cli(['train', '--data', join(data, 'X_train.npy'), '--out', join(dir, 'run'), '--epochs', '2', '--threads', '2', '--json']);
  assert.equal(trained.status, 0, trained.stderr);
  const history = JSON.parse(readFileSync(join(dir, 'run', 'history.json'), 'utf8')) as { loss: number[]; val_loss: number[] };
  const cliModel = loadModel(join(dir, 'run', 'model.json'));

  const { page, problems } = await openPage();
  try {
    const state = await run(page, join(data, 'X_train.npy'), { task: 'train', epochs: 2, threads: 2 });
    assert.deepEqual(state.errors, []);
    const r = state.result as { loss: number[]; valLoss: number[]; params: number[] };
    const lossDiff = Math.max(maxDifference(r.loss, history.loss), maxDifference(r.valLoss, history.val_loss));
    const weightDiff = maxDifference(r.params, cliModel.params);
    // long tasks while the worker trained: those that ended between Run and the result's arrival
    // (a task that blocked the page then would have held the result back); the task that takes
    // the result in and starts drawing it ends after
    const [from, to] = state.runSpan;
    const during = state.longTasks.filter(([start, ms]) => start + ms > from && start + ms <= to).map(([, ms]) => ms);
    const drawing = state.longTasks.filter(([start, ms]) => start + ms > to).map(([, ms]) => ms);
    t.diagnostic(`losses differ by at most ${lossDiff}, weights by at most ${weightDiff}; ${(to - from).toFixed(0)} ms of training; longest main-thread task during it ${Math.max(0, ...during)} ms (${during.length} over 50 ms); after it, drawing: ${drawing.map((ms) => ms.toFixed(0)).join(', ') || 'none over 50'} ms`);
    assert.ok(lossDiff <= 1e-6 && weightDiff <= 1e-6);
    assert.ok(during.every((ms) => ms <= 200), `long tasks during training: ${during.join(', ')} ms`);
    // the reconstruction of a series the user chooses, from the model the worker kept
    await page.fill('#inspect-at', '3');
    await page.click('#inspect');
    await page.waitForFunction(() => document.querySelector('#inspected canvas') !== null, undefined, { timeout: 20_000 });
    await screenshot(page, 'train.png');

    // the model as the page hands it out, loaded by the CLI
    const saved = join(dir, 'page-model');
    mkdirSync(saved);
    for (const name of ['model.json', 'weights.bin']) {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(`#downloads a[download="${name}"]`)]);
      await download.saveAs(join(saved, name));
    }
    for (const [model, out] of [[join(saved, 'model.json'), 'page.npy'], [join(dir, 'run', 'model.json'), 'cli.npy']] as const) {
      const encoded = cli(['encode', '--model', model, '--input', join(data, 'X_test.npy'), '--out', join(dir, out), '--threads', '2']);
      assert.equal(encoded.status, 0, encoded.stderr);
    }
    const codeDiff = maxDifference(readNpy(join(dir, "page.npy")).data as Float32Array, readNpy(join(dir, "cli.npy")).data as Float32Array);
    t.diagnostic(`codes of the downloaded model differ from the CLI model's by at most ${codeDiff}`);
    assert.ok(codeDiff <= 1e-6);

    // the CLI's model (model.json and the weights file it names) loaded into the page encodes as the CLI does
    const cliFiles = readdirSync(join(dir, 'run')).filter((f) => f === 'model.json' || /^weights\.\d+\.bin$/.test(f)).map((f) => join(dir, 'run', f));
    await page.setInputFiles('#model-files', cliFiles);
    await page.waitForFunction(() => !(document.getElementById('apply-option') as HTMLOptionElement).disabled);
    const applied = await run(page, join(data, 'X_test.npy'), { task: 'apply', threads: 2 });
    assert.deepEqual(applied.errors, []);
    const [codes] = await Promise.all([page.waitForEvent('download'), page.click('#downloads a[download="codes.npy"]')]);
    await codes.saveAs(join(dir, 'page-encoded.npy'));
    const appliedDiff = maxDifference(readNpy(join(dir, 'page-encoded.npy')).data as Float32Array, readNpy(join(dir, 'cli.npy')).data as Float32Array);
    t.diagnostic(`codes of the CLI's model encoded in the page differ from lstm-ae encode's by at most ${appliedDiff}`);
    assert.equal(appliedDiff, 0);
    await screenshot(page, 'encode.png');
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test("series of unequal lengths train in the page as with the CLI (masked; the page now gives them ragged, as the CLI does): the same losses and weights", { skip: noChromium }, async (t) => {
  // 48 series of 6 to 53 steps (a sktime .ts file): several batches of mixed lengths
  const rows = Array.from({ length: 48 }, (_, n) => Array.from({ length: 6 + ((n * 37) % 48) }, (_, k) => Math.sin(k / (2 + (n % 5)) + n).toFixed(4)).join(','));
  const file = join(dir, 'unequal.ts');
  writeFileSync(file, ['@problemName unequal', '@timeStamps false', '@univariate true', '@equalLength false', '@classLabel false', '@data', ...rows].join('\n') + '\n');
  const trained = cli(['train', '--data', file, '--out', join(dir, 'run-unequal'), '--epochs', '2', '--threads', '2', '--json']);
  assert.equal(trained.status, 0, trained.stderr);
  const history = JSON.parse(readFileSync(join(dir, 'run-unequal', 'history.json'), 'utf8')) as { loss: number[]; val_loss: number[] };
  const cliModel = loadModel(join(dir, 'run-unequal', 'model.json'));
  const { page } = await openPage();
  try {
    const state = await run(page, file, { task: 'train', epochs: 2, threads: 2 });
    assert.deepEqual(state.errors, []);
    const r = state.result as { loss: number[]; valLoss: number[]; params: number[] };
    const lossDiff = Math.max(maxDifference(r.loss, history.loss), maxDifference(r.valLoss, history.val_loss));
    const weightDiff = maxDifference(r.params, cliModel.params);
    t.diagnostic(`losses differ by at most ${lossDiff}, weights by at most ${weightDiff}`);
    assert.ok(lossDiff <= 1e-6 && weightDiff <= 1e-6);
  } finally {
    await page.close();
    await cliModel.dispose();
  }
});

test("detect in the page gives `lstm-ae detect`'s anomaly scores on the same file (2 threads)", { skip: noChromium }, async (t) => {
  const input = join(FIXTURES, 'anomalies.csv');
  const detected = cli(['detect', '--input', input, '--out', join(dir, 'detect'), '--threads', '2', '--no-report', '--json']);
  assert.equal(detected.status, 0, detected.stderr);
  const lines = readFileSync(join(dir, 'detect', 'scores.csv'), 'utf8').trim().split('\n');
  const column = lines[0]!.split(',').indexOf('anomaly_score');
  const expected = lines.slice(1).map((l) => { const cell = l.split(',')[column]!; return cell === '' ? NaN : Number(cell); });

  const { page, problems } = await openPage();
  try {
    const state = await run(page, input, { task: 'detect', threads: 2 });
    assert.deepEqual(state.errors, []);
    const scores = (state.result as { anomalyScore: number[] }).anomalyScore;
    const diff = maxDifference(scores, expected);
    t.diagnostic(`anomaly scores differ by at most ${diff} over ${scores.length} rows`);
    // the models' float32 arithmetic is the same bit for bit (the codes and weights above are);
    // the score's float64 tail probability goes through Math.exp and Math.log, whose last bit
    // may differ between Node's V8 and Chromium's
    assert.ok(diff <= 1e-12, `scores differ by up to ${diff}`);
    await screenshot(page, 'detect.png');

    // the CLI's detector (detector.json, model.json and the weights file it names) loaded into the page scores the file as the CLI did
    const saved = readdirSync(join(dir, 'detect')).filter((f) => f === 'detector.json' || f === 'model.json' || /^weights\.\d+\.bin$/.test(f)).map((f) => join(dir, 'detect', f));
    await page.setInputFiles('#model-files', saved);
    await page.waitForFunction(() => !(document.getElementById('apply-option') as HTMLOptionElement).disabled);
    const loaded = await run(page, input, { task: 'apply', threads: 2 });
    assert.deepEqual(loaded.errors, []);
    const loadedDiff = maxDifference((loaded.result as { anomalyScore: number[] }).anomalyScore, expected);
    t.diagnostic(`the CLI's detector.json loaded in the page: anomaly scores differ by at most ${loadedDiff}`);
    assert.ok(loadedDiff <= 1e-12, `scores differ by up to ${loadedDiff}`);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test("classify in the page gives `lstm-ae classify`'s predictions and baselines (3 epochs, 2 threads)", { skip: noChromium }, async (t) => {
  // the ArrowHead training fixture (UCR archive) cut in two: 24 series to train on, 12 to test
  const arrowHead = readSeries(join(ROOT, 'test/fixtures/ucr/ArrowHead_TRAIN.ts'));
  const tsv = (name: string, from: number, count: number) => {
    const path = join(dir, name);
    const rows = arrowHead.series.slice(from, from + count).map((x, i) => [arrowHead.labels![from + i]!, ...Array.from(x, String)].join('\t'));
    writeFileSync(path, rows.join('\n') + '\n');
    return path;
  };
  const [train, test] = [tsv('train.tsv', 0, 24), tsv('test.tsv', 24, 12)];
  const classified = cli(['classify', '--train', train, '--test', test, '--epochs', '3', '--threads', '2', '--out', join(dir, 'classify'), '--json']);
  assert.equal(classified.status, 0, classified.stderr);
  const metrics = JSON.parse(readFileSync(join(dir, 'classify', 'metrics.json'), 'utf8')) as Record<string, number>;
  const lines = readFileSync(join(dir, 'classify', 'predictions.csv'), 'utf8').trim().split('\n');
  const at = lines[0]!.split(',').indexOf('predicted');
  const expected = lines.slice(1).map((l) => l.split(',')[at]!);

  const { page, problems } = await openPage();
  try {
    const state = await run(page, train, { task: 'classify', epochs: 3, threads: 2, test });
    assert.deepEqual(state.errors, []);
    const r = state.result as { predicted: string[]; scores: { method: string; accuracy: number }[] };
    assert.deepEqual(r.predicted, expected);
    assert.deepEqual(r.scores.map((s) => s.accuracy), [metrics['test_accuracy'], metrics['baseline_1nn_euclidean'], metrics['baseline_1nn_dtw'], metrics['baseline_logistic_raw']]);
    t.diagnostic(`page and CLI: the same ${expected.length} labels; accuracies ${r.scores.map((s) => `${s.method} ${s.accuracy.toFixed(3)}`).join(', ')}`);
    await screenshot(page, 'classify.png');
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test("a malformed file shows the CLI's one-line message in the page", { skip: noChromium }, async () => {
  const expected = cli(['train', '--data', 'malformed.csv', '--out', join(dir, 'never')], FIXTURES);
  assert.equal(expected.status, 2);
  const { page } = await openPage();
  try {
    const state = await run(page, join(FIXTURES, 'malformed.csv'), { task: 'train', threads: 1 });
    assert.deepEqual(state.errors, [expected.stderr.trim()]);
    assert.equal((await page.textContent('#error'))?.trim(), expected.stderr.trim());
    await screenshot(page, 'error.png');
  } finally {
    await page.close();
  }
});
