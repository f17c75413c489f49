import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { writeReport } from '../src/report/html-report.js';
import { checkReport, chromiumAvailable, DEFAULT_CHROMIUM, launchChromium } from './report-browser-check.js';
import { skipWhenMissing } from './optional-checker.js';
import { sampleReportData } from './report-sample.js';

/**
 * The report as a reader sees it: opened in headless Chromium (Debian's `chromium`
 * package) with no console errors, no requests beyond the file, every figure drawn.
 * Skipped where Chromium is not installed; CHROMIUM_PATH points at another binary.
 */

const noChromium = skipWhenMissing(
  chromiumAvailable() ? false : `no Chromium at ${DEFAULT_CHROMIUM} (set CHROMIUM_PATH to check the report in a browser)`,
);
const dir = mkdtempSync(join(tmpdir(), 'lstm-ae-browser-'));
let browser: Browser | undefined;
before(async () => { if (!noChromium) browser = await launchChromium(); });
after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('report.html renders in headless Chromium: no errors, no requests, every figure drawn', { skip: noChromium }, async () => {
  const data = await sampleReportData();
  const report = join(dir, 'report.html');
  const screenshot = join(dir, 'report.png');
  writeReport(report, data);

  const result = await checkReport(browser!, report, screenshot);
  assert.deepEqual(result.problems, []);
  assert.equal(result.figures.length, 1 + data.figures.length);
  for (const figure of result.figures) {
    assert.ok(figure.width > 300 && figure.height > 150, `${figure.id}: ${figure.width}x${figure.height}`);
    assert.ok(figure.marks > 0 && figure.texts > 5, `${figure.id}: ${figure.marks} marks, ${figure.texts} texts`);
  }
  const png = readFileSync(screenshot);
  assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
  assert.ok(png.readUInt32BE(20) > 2000, 'the full page, not just the first screen');
});

test('the browser check reports console errors, failed requests and undrawn figures', { skip: noChromium }, async () => {
  const broken = join(dir, 'broken.html');
  writeFileSync(broken, `<!DOCTYPE html><html><body>
<script>console.error('boom')</script>
<figure id="empty"><svg width="0" height="0"></svg></figure>
<figure id="missing"><img src="missing.png" alt=""></figure>
</body></html>`);
  const result = await checkReport(browser!, broken);
  assert.deepEqual(result.consoleErrors.filter((e) => e === 'boom'), ['boom']);
  assert.equal(result.failedRequests.length, 1);
  assert.match(result.otherRequests[0] ?? '', /missing\.png$/);
  assert.deepEqual(result.figures.map((f) => f.marks), [0, 0]);
  assert.ok(result.problems.some((p) => p.startsWith('figure empty not drawn')));
  assert.ok(result.problems.some((p) => p.startsWith('figure missing not drawn')));
});
