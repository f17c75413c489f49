/**
 * detect's report.html: built from a real (tiny) run, every figure inline, the tables a reader
 * needs, and, where Chromium is installed, drawn in a browser with no errors and no requests.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { anomalySeriesCsv, makeAnomalySeries } from '../src/data/anomaly-series.js';
import { buildDetectReportHtml, INTERVALS_SHOWN } from '../src/tasks/detect/report.js';
import { checkReport, chromiumAvailable, DEFAULT_CHROMIUM, launchChromium } from './report-browser-check.js';
import { skipWhenMissing } from './optional-checker.js';
import { runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'lstm-ae-detect-report-'));
const out = join(dir, 'run');
let html = '';
before(async () => {
  const input = join(dir, 'series.csv');
  writeFileSync(input, anomalySeriesCsv(makeAnomalySeries({ rows: 1500, channels: 2, events: 4, seed: 2 })));
  const r = await runCli('detect', '--input', input, '--out', out, '--window', '8', '--epochs', '3', '--latent', '4', '--threads', '1', '--json');
  assert.equal(r.code, 0, r.stderr);
  html = readFileSync(join(out, 'report.html'), 'utf8');
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('the report holds its five figures inline and the tables a reader needs', () => {
  assert.equal(html.split('<figure ').length - 1, 5);
  assert.equal(html.split('<svg ').length - 1, 5);
  for (const title of ['The series', 'Anomaly score', 'Error distribution', 'Contributions', 'Reconstruction at the anomalies']) assert.ok(html.includes(`<strong>${title}.</strong>`), title);
  const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as { scored_rows: number; flagged_rows: number; intervals: number; evaluation: { event: { f1: number }; nab: Record<string, number> } };
  assert.match(html, new RegExp(`id="scored-rows">${metrics.scored_rows}<`));
  assert.match(html, new RegExp(`id="flagged-rows">${metrics.flagged_rows}<`));
  assert.match(html, new RegExp(`id="interval-count">${metrics.intervals}<`));
  assert.match(html, new RegExp(`id="event-f1">${metrics.evaluation.event.f1.toFixed(3)}<`));
  assert.match(html, /id="threshold-rule">A row is flagged when its anomaly_score is at least 0\.999 \(1 - 0\.001\)/);
  assert.match(html, /<table class="grid" id="label-metrics">[^]*by point[^]*by event/);
  assert.match(html, new RegExp(`<table class="grid" id="nab-scores">[^]*<td>${metrics.evaluation.nab.standard!.toFixed(2)}</td>`));
  assert.ok(!/<script/i.test(html), 'no scripts');
  assert.ok(!/https?:\/\/(?!www\.w3\.org)/.test(html), 'nothing fetched');
});

test('intervals: the most severe first, at most INTERVALS_SHOWN of them, text escaped', () => {
  const interval = (k: number) => ({ start: `<${k}>`, end: 'e', rows: 1, peakTime: 'p', severity: k });
  const page = buildDetectReportHtml({
    title: 't', rows: 10, scoredRows: 9, flaggedRows: 3, thresholdRule: 'r & r', intervals: Array.from({ length: 60 }, (_, k) => interval(k)),
    warnings: ['w <1>'], settings: {}, training: {}, timings: {}, figures: [],
  });
  const rows = Array.from(page.matchAll(/<tr><td>&lt;(\d+)&gt;<\/td>/g), (m) => Number(m[1]));
  assert.equal(rows.length, INTERVALS_SHOWN);
  assert.deepEqual(rows.slice(0, 3), [59, 58, 57]);
  assert.match(page, /the 50 most severe of 60/);
  assert.match(page, /<li>w &lt;1&gt;<\/li>/);
  assert.match(page, /r &amp; r/);
  assert.match(buildDetectReportHtml({ title: 't', rows: 1, scoredRows: 0, flaggedRows: 0, thresholdRule: '', intervals: [], warnings: [], settings: {}, training: {}, timings: {}, figures: [] }), /No row was flagged/);
});

const noChromium = skipWhenMissing(chromiumAvailable() ? false : `no Chromium at ${DEFAULT_CHROMIUM} (set CHROMIUM_PATH to check the report in a browser)`);
let browser: Browser | undefined;
before(async () => { if (!noChromium) browser = await launchChromium(); });
after(async () => { await browser?.close(); });

test('report.html renders in headless Chromium: no errors, no requests, every figure drawn', { skip: noChromium }, async () => {
  const result = await checkReport(browser!, join(out, 'report.html'), join(dir, 'report.png'));
  assert.deepEqual(result.problems, []);
  assert.equal(result.figures.length, 5);
  for (const f of result.figures) {
    assert.ok(f.width > 300 && f.height > 150, `${f.id}: ${f.width}x${f.height}`);
    assert.ok(f.marks > 0 && f.texts > 5, `${f.id}: ${f.marks} marks, ${f.texts} texts`);
  }
});
