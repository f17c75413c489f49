/**
 * AnomalyDetector, the library's detect, against `lstm-ae detect` on the same file and
 * settings: the same anomaly_score bit for bit, update row by row equal to the batch,
 * toJSON → fromJSON scoring identically, and a detector saved by the library followed by
 * `detect --model DIR/detector.json --follow`. Tiny models (windows of 8, a code of 4, 3
 * epochs) on 1 thread.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnomalyDetector, parseTimeSeriesCsv, type Detection } from '../src/index.js';
import { followCli, runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'lstm-ae-estimator-'));
const series = join(dir, 'data', 'series.csv');
const run = join(dir, 'run');
const TINY = { window: 8, epochs: 3, latentDim: 4, threads: 1 };
const lines = (path: string) => readFileSync(path, 'utf8').trimEnd().split('\n');
let detector: AnomalyDetector;
let detection: Detection;
let trainRows: number;

before(async () => {
  const data = await runCli('data', '--anomalies', '--out', join(dir, 'data'));
  assert.equal(data.code, 0, data.stderr);
  const r = await runCli('detect', '--input', series, '--out', run, '--window', '8', '--epochs', '3', '--latent', '4', '--threads', '1', '--no-report');
  assert.equal(r.code, 0, r.stderr);
  const table = parseTimeSeriesCsv(readFileSync(series, 'utf8'), series);
  trainRows = Math.floor(0.3 * table.times.length);
  detector = new AnomalyDetector(TINY);
  await detector.fit(table, { rows: trainRows, describe: `first ${trainRows} rows of the input (--train-fraction 0.3)` });
  detection = await detector.score(table, { from: trainRows });
});
after(async () => {
  await detector?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

test("the library's scores are scores.csv's anomaly_score, surprise and is_anomaly, bit for bit", () => {
  const csv = lines(join(run, 'scores.csv'));
  const header = csv[0]!.split(',');
  const score = header.indexOf('anomaly_score');
  const surprise = header.indexOf('surprise');
  const flag = header.indexOf('is_anomaly');
  assert.deepEqual([score, surprise, flag], [4, 5, 6]);
  // the surprise keeps the tail's digits where anomaly_score has run out of them (1 - 10^-17 is 1): this series has such a row
  assert.ok([...detection.surprise].some((s) => s > 17 && Number.isFinite(s)), 'a row past a surprise of 17');
  for (let t = 0; t < detection.rows; t++) {
    const lib = detection.surprise[t]!;
    assert.equal(csv[t + 1]!.split(',')[surprise], Number.isNaN(lib) ? '' : String(lib), `row ${t}`);
    if (lib > 17) assert.equal(detection.anomalyScore[t], 1, `row ${t}: anomaly_score saturates`);
  }
  assert.equal(csv.length - 1, detection.rows);
  assert.equal(detection.rows, 4000);
  for (let t = 0; t < detection.rows; t++) {
    const cells = csv[t + 1]!.split(',');
    const lib = detection.anomalyScore[t]!;
    assert.equal(cells[score], Number.isNaN(lib) ? '' : String(lib), `row ${t}`);
    assert.equal(cells[flag], detection.scored[t] ? String(detection.flags[t]) : '', `row ${t}`);
  }
  // rows before the first full window are marked, not silent NaN
  assert.equal(detection.firstScoredRow, 7);
  assert.deepEqual([...detection.scored.subarray(0, 9)], [0, 0, 0, 0, 0, 0, 0, 1, 1]);
  assert.ok(Number.isNaN(detection.anomalyScore[6]!) && detection.anomalyScore[7]! >= 0);
  // the comparison is not vacuous: scores vary and some rows are flagged, in the CLI's intervals
  assert.ok(detection.flags.reduce((a, b) => a + b, 0) > 0);
  const anomalies = JSON.parse(readFileSync(join(run, 'anomalies.json'), 'utf8')) as { intervals: unknown[] };
  assert.deepEqual(JSON.parse(JSON.stringify(detection.intervals)), anomalies.intervals);
});

test("toJSON is the CLI's detector.json (but the timing), and fromJSON scores identically", async () => {
  const cli = JSON.parse(readFileSync(join(run, 'detector.json'), 'utf8')) as Record<string, unknown> & { training: Record<string, unknown>; modelGeneration: number };
  const mine = JSON.parse(JSON.stringify(detector.toJSON(cli.modelGeneration))) as typeof cli;
  for (const j of [cli, mine]) delete j.training.seconds;
  assert.deepEqual(mine, cli);
  const copy = AnomalyDetector.fromJSON(JSON.stringify(detector.toJSON()), detector.model);
  const again = await copy.score(parseTimeSeriesCsv(readFileSync(series, 'utf8'), series));
  assert.deepEqual(again.anomalyScore, detection.anomalyScore);
  assert.deepEqual(again.flags, detection.flags);
});

test('the fit summary is typed for a detector fitted here, absent for one loaded; the loss curves come from either, [] where the file holds none', () => {
  const fit = detector.fitSummary!;
  assert.ok(fit.loss.length >= 1 && fit.loss.length === fit.epochs && fit.val_loss.length === fit.epochs);
  assert.deepEqual(detector.lossCurves, { loss: fit.loss, valLoss: fit.val_loss });
  const json = JSON.parse(JSON.stringify(detector.toJSON())) as { training: Record<string, unknown> };
  const loaded = AnomalyDetector.fromJSON(JSON.stringify(json), detector.model);
  assert.equal(loaded.fitSummary, undefined);
  assert.deepEqual(loaded.lossCurves, { loss: fit.loss, valLoss: fit.val_loss });
  delete json.training.loss;
  json.training.val_loss = ['not', 'numbers'];
  assert.deepEqual(AnomalyDetector.fromJSON(JSON.stringify(json), detector.model).lossCurves, { loss: [], valLoss: [] });
});

test('a detector.json written before the escalation existed (its alerts without one) scores as escalation 0: every new high keeps its surprise', async () => {
  const table = parseTimeSeriesCsv(readFileSync(series, 'utf8'), series);
  const withEscalation = (escalation: number | undefined) => {
    const j = JSON.parse(JSON.stringify(detector.toJSON())) as { alerts: Record<string, unknown> };
    if (escalation === undefined) delete j.alerts.escalation;
    else j.alerts.escalation = escalation;
    return AnomalyDetector.fromJSON(JSON.stringify(j), detector.model);
  };
  const old = await withEscalation(undefined).score(table);
  const zero = await withEscalation(0).score(table);
  const high = await withEscalation(1e6).score(table);
  assert.deepEqual(old.surprise, zero.surprise);
  // on this series some event climbs to new highs: escalation 0 keeps them, an escalation no row reaches damps them
  assert.ok(zero.surprise.some((s, t) => s > high.surprise[t]!), 'escalation 0 keeps a new high that a larger escalation damps');
  assert.deepEqual(high.rawSurprise, zero.rawSurprise);
});

test('update, row by row, equals the batch exactly (the alert gate included; the time-of-day model: detect-time-of-day.test.ts)', async () => {
  const table = parseTimeSeriesCsv(readFileSync(series, 'utf8'), series);
  const live = AnomalyDetector.fromJSON(detector.toJSON(), detector.model);
  // the gate damps some rows; the training rows (a minute apart) span less than a day: no time-of-day model
  assert.ok(live.detector.context === undefined && live.detector.scorer.alerts?.damped === 2);
  assert.ok(detection.rawSurprise.some((raw, t) => raw > detection.surprise[t]!), 'the gate damped some rows');
  for (let t = 0; t < table.times.length; t++) {
    const r = await live.update(table.values.subarray(t * 2, t * 2 + 2), table.times[t]);
    assert.equal(r.row, t);
    assert.equal(r.scored, t >= 7);
    if (!r.scored) continue;
    assert.ok(Object.is(r.anomalyScore, detection.anomalyScore[t]), `row ${t}: ${r.anomalyScore} vs ${detection.anomalyScore[t]}`);
    assert.equal(r.flag, detection.flags[t] === 1, `row ${t}`);
    assert.deepEqual(r.contributions, detection.contributions.subarray(t * 2, t * 2 + 2));
  }
});

test('a detector saved by the library runs in `detect --model DIR/detector.json --follow`, printing scores.csv', async () => {
  const saved = join(dir, 'saved');
  const path = await detector.save(saved);
  assert.equal(path, join(saved, 'detector.json'));
  const loaded = await AnomalyDetector.load(path);
  assert.deepEqual((await loaded.score(parseTimeSeriesCsv(readFileSync(series, 'utf8'), series))).anomalyScore, detection.anomalyScore);
  await loaded.dispose();
  const out = await followCli(path, (stdin) => stdin.end(readFileSync(series)));
  assert.equal(out.code, 0, out.stderr);
  assert.equal(out.stdout, readFileSync(join(run, 'scores.csv'), 'utf8'));
});
