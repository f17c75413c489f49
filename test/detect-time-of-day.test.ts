/**
 * The detector's second model, which sees the time of day (tasks/detect/detector.ts; on by
 * default when the training rows' dates and times span a day): `detect` writes it into
 * detector.json, `--follow` and the library's update score byte for byte as the batch run,
 * scores stay causal with it, a row without a time stamp is one line, and --no-time-of-day
 * leaves it out. Tiny models: windows of 8, a code of 4, 3 epochs, 1 thread.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { anomalySeriesCsv, makeAnomalySeries } from '../src/data/anomaly-series.js';
import { DEFAULT_DETECTOR_SETTINGS, disposeDetector, fitDetector, scoreSeries, type DetectorSettings } from '../src/tasks/detect/detector.js';
import { AnomalyDetector, parseTimeSeriesCsv } from '../src/index.js';
import { InputError } from '../src/input-error.js';
import { followCli, runCli } from './run-cli.js';
import { loadDetector } from '../src/tasks/detect/detector-file.js';
import { assertClose } from './assert-close.js';
import { runOnnx } from './onnx-runtime.js';
import { stampedEvery } from './series-stamps.js';

const dir = mkdtempSync(join(tmpdir(), 'lstm-ae-time-of-day-'));
const TINY = ['--window', '8', '--epochs', '3', '--latent', '4', '--threads', '1', '--no-report'];
// rows 10 minutes apart: the 180 training rows (30%) span 30 hours
const series = stampedEvery(makeAnomalySeries({ rows: 600, channels: 2, events: 2, seed: 5 }), 10);
const input = join(dir, 'input.csv');
const run = join(dir, 'run');
const plain = join(dir, 'plain');
// one detector: the tests below take its second model away and compare
const settings: DetectorSettings = { ...DEFAULT_DETECTOR_SETTINGS, window: 8, latentDim: 4, epochs: 3, threads: 1, seed: 3, ensemble: 1 };

before(async () => {
  writeFileSync(input, anomalySeriesCsv(series));
  for (const [out, extra] of [[run, []], [plain, ['--no-time-of-day']]] as const) {
    const r = await runCli('detect', '--input', input, '--out', out, ...TINY, ...extra);
    assert.equal(r.code, 0, r.stderr);
  }
});
after(() => rmSync(dir, { recursive: true, force: true }));

const csvScores = (folder: string) => readFileSync(join(folder, 'scores.csv'), 'utf8');

test('detect keeps the time-of-day model in detector.json, and --follow prints scores.csv byte for byte', async () => {
  const json = JSON.parse(readFileSync(join(run, 'detector.json'), 'utf8')) as Record<string, any>;
  // its input: the 2 values and the time of day's sin and cos; its errors: the 2 values'
  assert.equal(json.context.scaling.centre.length, 4);
  assert.equal(json.context.errorModel.dim, 2);
  assert.equal(json.context.heldOutSmoothed.length, json.heldOutSmoothed.length);
  assert.deepEqual(json.alerts, { red: 3, damped: 2, refractory: 200, escalation: 2 });
  assert.equal(json.training.settings.time_of_day, true);
  const out = await followCli(join(run, 'detector.json'), (stdin) => stdin.end(readFileSync(input)));
  assert.equal(out.code, 0, out.stderr);
  assert.equal(out.stdout, csvScores(run));
  // --no-time-of-day: no second model, and the scores are not the same
  const without = JSON.parse(readFileSync(join(plain, 'detector.json'), 'utf8')) as Record<string, any>;
  assert.equal(without.context, null);
  assert.equal(without.training.settings.time_of_day, false);
  assert.notEqual(csvScores(plain), csvScores(run));
});

test('the library: update equals score row for row, a copy from toJSON scores the same, and a row without its time stamp is one line', async () => {
  const table = parseTimeSeriesCsv(readFileSync(input, 'utf8'), input);
  const detector = new AnomalyDetector({ window: 8, latentDim: 4, epochs: 3, threads: 1, seed: 2 });
  await detector.fit(table, { rows: 180 });
  assert.ok(detector.detector.context !== undefined);
  const batch = await detector.score(table);
  const copy = AnomalyDetector.fromJSON(JSON.stringify(detector.toJSON()), detector.model);
  assert.deepEqual((await copy.score(table)).anomalyScore, batch.anomalyScore);
  await assert.rejects(copy.update(table.values.subarray(0, 2)), (e: unknown) => e instanceof InputError && /time stamp/.test(e.message));
  copy.resetStream();
  for (let t = 0; t < table.times.length; t++) {
    const r = await copy.update(table.values.subarray(t * 2, t * 2 + 2), table.times[t]);
    if (r.scored) assert.ok(Object.is(r.surprise, batch.surprise[t]), `row ${t}: ${r.surprise} vs ${batch.surprise[t]}`);
  }
  await detector.dispose();
  await copy.dispose();
});

test('scores with the time-of-day model are causal: a file cut after row K gives its first K rows the same scores', async () => {
  const detector = await fitDetector(series.values, 2, 180, settings, 'the series', series.times);
  assert.ok(detector.context !== undefined);
  const full = await scoreSeries(detector, series.values, 1, series.times);
  // the time-of-day model is not idle: without it some rows' raw surprise is lower
  const alone = await scoreSeries({ ...detector, context: undefined, scorer: { ...detector.scorer, heldOutContext: undefined } }, series.values, 1);
  assert.ok(full.rawSurprise.some((s, t) => s > alone.rawSurprise[t]!));
  for (const K of [150, 333]) {
    const cut = await scoreSeries(detector, series.values.subarray(0, K * 2), 1, series.times.slice(0, K));
    for (let t = 0; t < K; t++) assert.ok(Object.is(cut.surprise[t], full.surprise[t]), `K ${K}, row ${t}: ${cut.surprise[t]} vs ${full.surprise[t]}`);
  }
  await assert.rejects(scoreSeries(detector, series.values, 1), InputError);
  await disposeDetector(detector);
});

test('no time-of-day model when the training rows span less than a day, or have no dates', async () => {
  const minutes = makeAnomalySeries({ rows: 600, channels: 2, events: 2, seed: 5 });
  const short = await fitDetector(minutes.values, 2, 180, settings, 'a minute apart', minutes.times);
  assert.equal(short.context, undefined);
  const numbered = await fitDetector(series.values, 2, 180, settings, 'numbered', series.times.map((_, t) => String(t)));
  assert.equal(numbered.context, undefined);
  for (const d of [short, numbered]) await d.model.dispose();
});

test('export --context writes the time-of-day model as ONNX (input: the values, then sin and cos) that ONNX Runtime runs to its codes; a detector without one is one line', async () => {
  const out = join(dir, 'context.onnx');
  const r = await runCli('export', '--model', join(run, 'detector.json'), '--context', '--out', out);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /inputs x \(batch, time, 4\) float32/);
  const { detector } = loadDetector(join(run, 'detector.json'));
  const x = { data: new Float32Array(3 * 8 * 4).map((_, i) => Math.sin(i / 3)), shape: [3, 8, 4] as [number, number, number] };
  const ours = await detector.context!.model.encode(x, { threads: 1 });
  assertClose((await runOnnx(readFileSync(out), x)).code, ours.data, 1e-5, 'the time-of-day model: code');
  await disposeDetector(detector);

  const refused = await runCli('export', '--model', join(plain, 'detector.json'), '--context', '--out', join(dir, 'none.onnx'));
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /^lstm-ae: .*detector\.json: this detector has no time-of-day model \(its "context" is null\); export its model with --model .*model\.json\n$/);
});
