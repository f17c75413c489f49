/**
 * The detector's ensemble (tasks/detect/detector.ts: two detectors by default, of seeds seed
 * and seed + 1000): a row's raw surprise is exactly the mean of what the members score alone,
 * the alert gate runs on that mean, detector.json keeps the members so that a copy and the
 * live path score byte for byte as the batch run, and a broken member is one line. Tiny
 * models: windows of 8, a code of 4, 3 epochs, 1 thread.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { anomalySeriesCsv, makeAnomalySeries } from '../src/data/anomaly-series.js';
import { DEFAULT_DETECTOR_SETTINGS, disposeDetector, fitDetector, memberSeed, scoreSeries, type DetectorSettings } from '../src/tasks/detect/detector.js';
import { AlertGate } from '../src/analysis/anomaly/alerts.js';
import { AnomalyDetector, parseTimeSeriesCsv } from '../src/index.js';
import { InputError } from '../src/input-error.js';
import { followCli, runCli } from './run-cli.js';
import { loadDetector } from '../src/tasks/detect/detector-file.js';
import { assertClose } from './assert-close.js';
import { runOnnx } from './onnx-runtime.js';
import { stampedEvery } from './series-stamps.js';

const dir = mkdtempSync(join(tmpdir(), 'lstm-ae-ensemble-'));
after(() => rmSync(dir, { recursive: true, force: true }));
// rows 10 minutes apart, so each member has its time-of-day model too
const series = stampedEvery(makeAnomalySeries({ rows: 600, channels: 2, events: 2, seed: 7 }), 10);
const tiny: DetectorSettings = { ...DEFAULT_DETECTOR_SETTINGS, window: 8, latentDim: 4, epochs: 3, threads: 1, seed: 4 };

test('an ensemble of two scores each row with the mean of its members raw surprises, alone, and gates that mean', async () => {
  const ensemble = await fitDetector(series.values, 2, 180, { ...tiny, ensemble: 2 }, 'the series', series.times);
  assert.equal(ensemble.members?.length, 1);
  assert.ok(ensemble.context !== undefined && ensemble.members![0]!.context !== undefined);
  // each member as a detector of its own seed, without the ensemble and without the gate
  const alone: Float64Array[] = [];
  for (const k of [0, 1]) {
    const one = await fitDetector(series.values, 2, 180, { ...tiny, seed: memberSeed(tiny.seed, k), ensemble: 1, alerts: null }, 'the series', series.times);
    assert.equal(one.members, undefined);
    alone.push((await scoreSeries(one, series.values, 1, series.times)).rawSurprise);
    await disposeDetector(one);
  }
  const scored = await scoreSeries(ensemble, series.values, 1, series.times);
  // the members do not agree row for row, so the mean is not either one's
  assert.ok(alone[0]!.some((s, t) => Math.abs(s - alone[1]![t]!) > 0.1));
  const gate = new AlertGate(ensemble.scorer.alerts!);
  let alerts = 0;
  for (let t = 0; t < series.times.length; t++) {
    const mean = (alone[0]![t]! + alone[1]![t]!) / 2;
    assert.ok(Object.is(scored.rawSurprise[t], mean), `row ${t}: ${scored.rawSurprise[t]} vs ${mean}`);
    if (Number.isNaN(mean)) continue;
    const gated = gate.push(mean);
    assert.ok(Object.is(scored.surprise[t], gated.surprise), `row ${t}: gated ${scored.surprise[t]} vs ${gated.surprise}`);
    assert.equal(scored.alert[t], gated.alert ? 1 : 0);
    alerts += gated.alert ? 1 : 0;
  }
  assert.ok(alerts > 0, 'the series has events: the gate alerts');
  await disposeDetector(ensemble);
});

test('detector.json keeps the members: a copy scores the same, update equals score row for row, and one detector has no members', async () => {
  const table = parseTimeSeriesCsv(anomalySeriesCsv(series), 'series.csv');
  const detector = new AnomalyDetector({ window: 8, latentDim: 4, epochs: 3, threads: 1, seed: 2 });
  assert.equal(detector.settings.ensemble ?? 2, 2);
  await detector.fit(table, { rows: 180 });
  const json = detector.toJSON();
  assert.equal(json.members?.length, 1);
  assert.equal(json.members![0]!.heldOutSmoothed.length, json.heldOutSmoothed.length);
  assert.notEqual(json.members![0]!.model.weights, json.context!.model.weights);
  assert.equal(json.training.settings && (json.training.settings as Record<string, unknown>).ensemble, 2);
  const batch = await detector.score(table);
  const copy = AnomalyDetector.fromJSON(JSON.stringify(json), detector.model);
  assert.deepEqual((await copy.score(table)).surprise, batch.surprise);
  for (let t = 0; t < table.times.length; t++) {
    const r = await copy.update(table.values.subarray(t * 2, t * 2 + 2), table.times[t]);
    if (r.scored) assert.ok(Object.is(r.surprise, batch.surprise[t]), `row ${t}: ${r.surprise} vs ${batch.surprise[t]}`);
  }
  const single = new AnomalyDetector({ window: 8, latentDim: 4, epochs: 3, threads: 1, seed: 2, ensemble: 1 });
  await single.fit(table, { rows: 180 });
  assert.equal(single.toJSON().members, undefined);
  // the ensemble's first member is the single detector of its seed: same model, other scores
  assert.deepEqual(single.model.getWeights(), detector.model.getWeights());
  assert.notDeepEqual((await single.score(table)).surprise, batch.surprise);
  for (const d of [detector, copy, single]) await d.dispose();
});

test('a broken member in detector.json is one line naming it; --ensemble out of range is refused', async () => {
  const input = join(dir, 'input.csv');
  writeFileSync(input, anomalySeriesCsv(series));
  const run = join(dir, 'run');
  const r = await runCli('detect', '--input', input, '--out', run, '--window', '8', '--epochs', '2', '--latent', '4', '--threads', '1', '--no-report');
  assert.equal(r.code, 0, r.stderr);
  const path = join(run, 'detector.json');
  const json = JSON.parse(readFileSync(path, 'utf8')) as { members: { heldOutSmoothed: number[]; model: { weights: string } }[] };
  assert.equal(json.members.length, 1);
  // --follow with the members prints scores.csv byte for byte
  const followed = await followCli(path, (stdin) => stdin.end(readFileSync(input)));
  assert.equal(followed.code, 0, followed.stderr);
  assert.equal(followed.stdout, readFileSync(join(run, 'scores.csv'), 'utf8'));

  json.members[0]!.heldOutSmoothed.pop();
  const shorter = join(dir, 'shorter.json');
  writeFileSync(shorter, JSON.stringify(json));
  assert.throws(
    () => AnomalyDetector.fromJSON(readFileSync(shorter, 'utf8'), (undefined as never), shorter),
    (e: unknown) => e instanceof InputError && /members\[0\]\.heldOutSmoothed has \d+ values; expected \d+, one per held-out row/.test(e.message),
  );
  const refused = await runCli('detect', '--input', input, '--out', join(dir, 'none'), '--ensemble', '0');
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /--ensemble <k>' argument '0' is invalid\. expected an integer from 1 to 16/);

  // export --member 1 (--context): the other member's models as ONNX, which ONNX Runtime runs to their codes
  const { detector } = loadDetector(path);
  const other = detector.members![0]!;
  for (const [context, model, channels] of [[false, other.model, 2], [true, other.context!.model, 4]] as const) {
    const out = join(dir, `member-${context}.onnx`);
    const exported = await runCli('export', '--model', path, '--member', '1', ...(context ? ['--context'] : []), '--out', out);
    assert.equal(exported.code, 0, exported.stderr);
    const x = { data: new Float32Array(3 * 8 * channels).map((_, i) => Math.sin(i / 3)), shape: [3, 8, channels] as [number, number, number] };
    assertClose((await runOnnx(readFileSync(out), x)).code, (await model.encode(x, { threads: 1 })).data, 1e-5, `member 1${context ? "'s time-of-day model" : ''}: code`);
  }
  await disposeDetector(detector);
  const missing = await runCli('export', '--model', path, '--member', '2', '--out', join(dir, 'none.onnx'));
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^lstm-ae: .*detector\.json: --member 2, but this detector has 2 member\(s\); expected 0 to 1\n$/);
});
