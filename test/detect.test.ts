/**
 * `lstm-ae detect` as a user runs it: the outputs, causality (a row's score does not change
 * when later rows are cut off), --follow printing what scores.csv holds row for row and as soon
 * as each row is in, and bad input. Tiny models: windows of 8, a code of 4, 3 epochs, 1 thread.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { anomalySeriesCsv, makeAnomalySeries } from '../src/data/anomaly-series.js';
import { followCli, runCli, thenRest } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'lstm-ae-detect-'));
const TINY = ['--window', '8', '--epochs', '3', '--latent', '4', '--threads', '1', '--no-report'];
const input = join(dir, 'input.csv');
const train = join(dir, 'train.csv');
const ROWS = 1200;
const lines = (path: string) => readFileSync(path, 'utf8').trimEnd().split('\n');

before(() => {
  writeFileSync(input, anomalySeriesCsv(makeAnomalySeries({ rows: ROWS, channels: 2, events: 4, seed: 3 })));
  writeFileSync(train, anomalySeriesCsv(makeAnomalySeries({ rows: 600, channels: 2, events: 0, seed: 8 })));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('detect writes scores.csv, anomalies.json, the detector and metrics.json last', async () => {
  const out = join(dir, 'run');
  const r = await runCli('detect', '--input', input, '--label-column', 'label', '--out', out, ...TINY, '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const summary = JSON.parse(r.stdout) as { rows: number; scored_rows: number; flagged_rows: number; evaluation: { nab: Record<string, number> } };
  assert.equal(summary.rows, ROWS);
  assert.equal(summary.scored_rows, ROWS - 7);
  const scores = lines(join(out, 'scores.csv'));
  assert.equal(scores[0], 'timestamp,x1,x2,label,anomaly_score,surprise,is_anomaly,alert,contribution_x1,contribution_x2');
  assert.equal(scores.length, ROWS + 1);
  // rows before the first full window have no score; then every row has one, in [0, 1]
  assert.match(scores[7]!, /^2024-01-01 00:06:00,[^,]+,[^,]+,0,,,,,,$/);
  const cells = scores.slice(8).map((l) => l.split(','));
  // anomaly_score in [0, 1], its surprise -log10(1 - anomaly_score) where that has the digits, the flag 0 or 1
  assert.ok(cells.every((c) => Number(c[4]) >= 0 && Number(c[4]) <= 1 && (c[6] === '0' || c[6] === '1')));
  for (const c of cells) if (Number(c[5]) < 12) assert.ok(Math.abs(-Math.log10(1 - Number(c[4])) - Number(c[5])) < 1e-3 * Math.max(1, Number(c[5])), c.join(','));
  assert.equal(cells.filter((c) => c[6] === '1').length, summary.flagged_rows);
  // every flagged row lies in one of the intervals, and every interval starts and ends on a flag
  const anomalies = JSON.parse(readFileSync(join(out, 'anomalies.json'), 'utf8')) as { threshold: { rule: string; score: number }; intervals: { startRow: number; endRow: number; peakScore: number }[] };
  assert.deepEqual(anomalies.threshold, { rule: 'fpr', fpr: 0.001, score: 0.999 });
  const flagged = new Set(cells.flatMap((c, k) => (c[6] === '1' ? [k + 7] : [])));
  for (const row of flagged) assert.ok(anomalies.intervals.some((i) => row >= i.startRow && row <= i.endRow), `row ${row}`);
  for (const i of anomalies.intervals) assert.ok(flagged.has(i.startRow) && flagged.has(i.endRow));
  const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as { training: { rows: number }; settings: { window: number } };
  assert.equal(metrics.training.rows, 360); // --train-fraction 0.3
  assert.equal(metrics.settings.window, 8);
  assert.ok(summary.evaluation.nab.standard !== undefined);
  // metrics.json is written last
  const last = statSync(join(out, 'metrics.json')).mtimeMs;
  const files = ['scores.csv', 'anomalies.json', 'detector.json', 'model.json', ...readdirSync(out).filter((f) => /^weights.*\.bin$/.test(f))];
  assert.equal(files.length, 5);
  for (const f of files) assert.ok(statSync(join(out, f)).mtimeMs <= last, f);
});

test('causal: the scores of the first rows are the same whether the file ends after them or not', async () => {
  const k = 700;
  const cut = join(dir, 'cut.csv');
  writeFileSync(cut, lines(input).slice(0, k + 1).join('\n') + '\n');
  for (const rule of ['fpr', 'dynamic']) {
    const full = join(dir, `full-${rule}`);
    const part = join(dir, `part-${rule}`);
    const runs = await Promise.all([full, part].map((out, n) => runCli('detect', '--input', n === 0 ? input : cut, '--train', train, '--threshold', rule, '--out', out, ...TINY)));
    for (const r of runs) assert.equal(r.code, 0, r.stderr);
    const a = lines(join(full, 'scores.csv'));
    const b = lines(join(part, 'scores.csv'));
    assert.equal(b.length, k + 1);
    assert.deepEqual(b, a.slice(0, k + 1), rule);
    assert.equal(a.length, ROWS + 1);
    // the rows compared hold scores and flags, not only empty cells
    assert.ok(b.slice(9).every((l) => l.split(',')[4] !== ''), rule);
    if (rule === 'fpr') assert.ok(b.slice(9).some((l) => l.split(',')[6] === '1'), 'some compared rows are flagged');
  }
});

/** `detect --model ... --follow` with stdin from `feed`; resolves to stdout once it exits. */

test('--follow prints exactly what scores.csv holds, row for row, for every threshold rule', async () => {
  for (const rule of ['fpr', 'sigma', 'fbeta', 'dynamic']) {
    const out = join(dir, `batch-${rule}`);
    const r = await runCli('detect', '--input', input, '--label-column', 'label', '--threshold', rule, '--out', out, ...TINY);
    assert.equal(r.code, 0, r.stderr);
    const text = readFileSync(input, 'utf8');
    const live = await followCli(join(out, 'detector.json'), (stdin) => stdin.end(text));
    assert.equal(live.code, 0, live.stderr);
    assert.equal(live.stdout, readFileSync(join(out, 'scores.csv'), 'utf8'), rule);
  }
});

test('--follow answers each row as soon as it is in, before the input ends', async () => {
  const model = join(dir, 'batch-fpr', 'detector.json');
  const rows = lines(input);
  // the header and 12 rows, then wait for their 13 lines before sending the rest
  const live = await followCli(model, thenRest(rows.slice(0, 13).join('\n') + '\n', 13, rows.slice(13, 40).join('\n') + '\n'));
  assert.equal(live.code, 0, live.stderr);
  assert.equal(live.stdout.trimEnd().split('\n').length, 40);
  // --json: one object per row
  const json = await followCli(model, (stdin) => stdin.end(rows.slice(0, 11).join('\n') + '\n'), '--json');
  const objects = json.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { anomaly_score: number | null; contributions: Record<string, number | null> });
  assert.equal(objects.length, 10);
  assert.equal(objects[6]!.anomaly_score, null);
  assert.equal(typeof objects[7]!.anomaly_score, 'number');
  assert.deepEqual(Object.keys(objects[7]!.contributions), ['x1', 'x2']);
});

test('the F-beta threshold is chosen on the labelled validation rows and evaluated on the rest', async () => {
  const out = join(dir, 'fbeta');
  const r = await runCli('detect', '--input', input, '--label-column', 'label', '--threshold', 'fbeta', '--fbeta', '2', '--out', out, ...TINY, '--json');
  assert.equal(r.code, 0, r.stderr);
  const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as { threshold: { rule: string; beta: number; surprise: number }; evaluation: { rows: [number, number] } };
  assert.equal(metrics.threshold.rule, 'fbeta');
  assert.equal(metrics.threshold.beta, 2);
  assert.ok(metrics.threshold.surprise > 0 && Number.isFinite(metrics.threshold.surprise));
  // chosen on the first half of the rows after training (360 .. 779); evaluated on the rest
  assert.deepEqual(metrics.evaluation.rows, [360 + Math.floor(0.5 * (ROWS - 360)), ROWS]);
  const noLabels = await runCli('detect', '--input', train, '--label-column', 'none', '--threshold', 'fbeta', '--out', join(dir, 'nolabels'), ...TINY);
  assert.equal(noLabels.code, 2);
  assert.match(noLabels.stderr, /needs labels; name the label column with --label-column/);
  // labels without any anomaly in the validation rows
  const noAnomalies = await runCli('detect', '--input', train, '--threshold', 'fbeta', '--out', join(dir, 'noanomalies'), ...TINY);
  assert.equal(noAnomalies.code, 2);
  assert.match(noAnomalies.stderr, /train\.csv: the F-beta threshold needs labelled anomalies in its span \(rows 180 to 389\), and there are none/);
});

test('bad input is one line and exit code 2: a bad cell, a short training span, --follow without a model', async () => {
  const bad = join(dir, 'bad.csv');
  writeFileSync(bad, 'timestamp,value\n2020-01-01 00:00:00,1\n2020-01-01 00:01:00,oops\n');
  const cell = await runCli('detect', '--input', bad, '--out', join(dir, 'bad'), ...TINY);
  assert.equal(cell.code, 2);
  // the inputs are read before anything is said or made: the error is the only line, and no folder is left
  assert.equal(cell.stderr, `lstm-ae: ${bad}: line 3: 'oops' in column 'value' is not a number; expected a number, or an empty cell or NaN for a missing value\n`);
  assert.equal(existsSync(join(dir, 'bad')), false);
  const short = await runCli('detect', '--input', input, '--train-fraction', '0.02', '--out', join(dir, 'short'), ...TINY);
  assert.equal(short.code, 2);
  assert.match(short.stderr, /^lstm-ae: .*input\.csv: 24 training rows give 17 windows of 8 rows; expected at least 31 rows .*smaller --window\n$/);
  assert.equal(existsSync(join(dir, 'short')), false);
  const noModel = await runCli('detect', '--follow');
  assert.equal(noModel.code, 2);
  assert.match(noModel.stderr, /--follow needs --model/);
  const both = await runCli('detect', '--model', join(dir, 'run', 'detector.json'), '--follow', '--input', input);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /leave out --input/);
  const notDetector = await runCli('detect', '--model', join(dir, 'run', 'metrics.json'), '--follow');
  assert.equal(notDetector.code, 2);
  assert.match(notDetector.stderr, /metrics\.json: format: .*expected a detector\.json written by lstm-ae detect/);
});

test('a constant series is scored, not refused: the constant channel is named and nothing is flagged', async () => {
  const flat = join(dir, 'flat.csv');
  const stamp = (t: number) => new Date(Date.UTC(2024, 0, 1) + t * 300_000).toISOString().slice(0, 19).replace('T', ' ');
  writeFileSync(flat, 'timestamp,value\n' + Array.from({ length: 400 }, (_, t) => `${stamp(t)},45`).join('\n') + '\n');
  const r = await runCli('detect', '--input', flat, '--out', join(dir, 'flat'), ...TINY, '--json');
  assert.equal(r.code, 0, r.stderr);
  const summary = JSON.parse(r.stdout) as { flagged_rows: number; warnings: string[] };
  assert.equal(summary.flagged_rows, 0);
  assert.deepEqual(summary.warnings, ["'value' is constant over the training span (45): it is scaled by 1 unit, so any change in it stands out"]);
  // the same file with one row repeated: taken in file order with one warning, refused with --time-order strict
  const repeated = join(dir, 'repeated.csv');
  const text = readFileSync(flat, 'utf8').split('\n');
  text.splice(200, 0, text[199]!);
  writeFileSync(repeated, text.join('\n'));
  const strict = await runCli('detect', '--input', repeated, '--time-order', 'strict', '--out', join(dir, 'repeated'), ...TINY);
  assert.equal(strict.code, 2);
  assert.match(strict.stderr, /repeated\.csv: line 201: time stamp '2024-01-01 16:30:00' repeats the previous row's/);
  const rows = await runCli('detect', '--input', repeated, '--out', join(dir, 'repeated-rows'), ...TINY);
  assert.equal(rows.code, 0, rows.stderr);
  const warnings = rows.stderr.split('\n').filter((l) => l.startsWith('warning:'));
  assert.deepEqual(warnings.filter((l) => /time stamp/.test(l)), [
    `warning: ${repeated}: 1 row(s) with a time stamp that repeats or comes before the previous row's, the first on line 201; taken in file order (--time-order strict refuses them)`,
  ]);
});

test('alert once per event: scores.csv alerts at the first flagged row of each interval, and no flag within the window after a flag alerts again', () => {
  const out = join(dir, 'run');
  const cells = lines(join(out, 'scores.csv')).slice(1).map((l) => l.split(','));
  const flags = cells.map((c) => c[6] === '1');
  const alerts = cells.map((c) => c[7] === '1');
  const anomalies = JSON.parse(readFileSync(join(out, 'anomalies.json'), 'utf8')) as { refractoryRows: number; alertRows: number[]; intervals: { startRow: number }[] };
  assert.equal(anomalies.refractoryRows, 8);
  const alertRows = alerts.flatMap((a, k) => (a ? [k] : []));
  assert.ok(alertRows.length > 0);
  assert.deepEqual(anomalies.alertRows, alertRows);
  assert.deepEqual(alertRows, anomalies.intervals.map((i) => i.startRow));
  // the rule, checked independently: a flag alerts exactly when none of the 8 rows before it is flagged
  flags.forEach((f, t) => assert.equal(alerts[t], f && !flags.slice(Math.max(0, t - 8), t).some(Boolean), `row ${t}`));
  assert.ok(flags.filter(Boolean).length > alertRows.length, 'some flags are inside an event and raise no alert');
});
