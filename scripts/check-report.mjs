#!/usr/bin/env node
// Open a run's report.html in headless Chromium and take a full-page screenshot:
//   node scripts/check-report.mjs runs/<run>/report.html report.png
// Exit 0: no console errors, no requests beyond the file, every figure drawn.
// Exit 1: problems (listed). Exit 2: bad arguments or no Chromium (CHROMIUM_PATH).
// Needs `npm run build` first (the check lives in test/, beside its test).
import { existsSync } from 'node:fs';
import { checkReportInChromium, chromiumAvailable, DEFAULT_CHROMIUM } from '../dist/test/report-browser-check.js';

const [report, screenshot] = process.argv.slice(2);
if (!report || !screenshot) {
  console.error('usage: node scripts/check-report.mjs REPORT.html SCREENSHOT.png');
  process.exit(2);
}
if (!existsSync(report)) {
  console.error(`check-report: no such file: ${report}`);
  process.exit(2);
}
if (!chromiumAvailable()) {
  console.error(`check-report: no Chromium at ${DEFAULT_CHROMIUM}; install Debian's chromium or set CHROMIUM_PATH`);
  process.exit(2);
}

const result = await checkReportInChromium(report, screenshot);
for (const f of result.figures) {
  console.log(`${f.id}: ${Math.round(f.width)}x${Math.round(f.height)} px, ${f.marks} marks, ${f.texts} texts`);
}
console.log(`console errors: ${result.consoleErrors.length}, failed requests: ${result.failedRequests.length}, ` +
  `other requests: ${result.otherRequests.length}`);
console.log(`screenshot: ${screenshot}`);
if (result.problems.length > 0) {
  for (const p of result.problems) console.error(`problem: ${p}`);
  process.exit(1);
}
console.log('report OK');
