import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startWebServer, WEB_ROOT } from '../src/cli/serve.js';
import { chromiumAvailable, DEFAULT_CHROMIUM, launchChromium } from '../test/report-browser-check.js';
import type { TaskTiming } from './child-protocol.js';

/**
 * A bench child (bench/run.ts; also `npm run bench:browser`): `lstm-ae train` on the article's
 * data (17,802 windows of 100 steps, the CLI's defaults, EPOCHS epochs without early stopping)
 * in the page in Chromium, cross-origin isolated with 2 threads (the task worker and one
 * fast-path worker), against the CLI on Node with 2 threads in the same run: the same
 * computation (the page's weights equal the CLI's bit for bit, test/web-page.test.ts). Each
 * side's epoch time is the median of its epochs after the first (the first also starts
 * threads and compiles). Also: the page's load to interactive and its transferred bytes.
 */
const EPOCHS = 4;
const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

if (!chromiumAvailable()) {
  process.stderr.write(`browser: skipped, no Chromium at ${DEFAULT_CHROMIUM} (set CHROMIUM_PATH)\n`);
  process.exit(0);
}
const dir = mkdtempSync(join(tmpdir(), 'lstm-ae-bench-web-'));
try {
  const data = join(dir, 'data');
  spawnSync(process.execPath, [cli, 'data', '--out', data], { stdio: 'ignore' });
  const trained = spawnSync(process.execPath, [cli, 'train', '--data', join(data, 'X_train.npy'), '--out', join(dir, 'run'), '--epochs', String(EPOCHS), '--no-early-stopping', '--threads', '2', '--json'], { encoding: 'utf8' });
  if (trained.status !== 0) throw new Error(trained.stderr);
  const nodeEpochs = (JSON.parse(readFileSync(join(dir, 'run', 'history.json'), 'utf8')) as { seconds: number[] }).seconds;

  const { server, url } = await startWebServer(WEB_ROOT, { port: 0 });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    let bytes = 0;
    page.on('response', (r) => { void r.body().then((b) => { bytes += b.length; }, () => {}); });
    await page.goto(url);
    await page.waitForFunction(() => (globalThis as unknown as { lstmAe: { ready: boolean } }).lstmAe.ready);
    const interactive = await page.evaluate(() => (globalThis as unknown as { lstmAe: { readyAt: number } }).lstmAe.readyAt);
    await page.setInputFiles('#file', join(data, 'X_train.npy'));
    await page.fill('#epochs', String(EPOCHS));
    await page.fill('#threads', '2');
    await page.waitForFunction(() => !(document.getElementById('run') as HTMLButtonElement).disabled);
    await page.click('#run');
    await page.waitForFunction(() => (globalThis as unknown as { lstmAe: { result?: unknown } }).lstmAe.result !== undefined, undefined, { timeout: 600_000 });
    const pageEpochs = await page.evaluate(() => (globalThis as unknown as { lstmAe: { result: { epochSeconds: number[] } } }).lstmAe.result.epochSeconds);
    const [b, n] = [median(pageEpochs.slice(1)), median(nodeEpochs.slice(1))];
    const timing: TaskTiming = {
      task: `one epoch of train's defaults on the article's data, 2 threads (median of epochs 2-${EPOCHS}); page load to interactive ${interactive.toFixed(0)} ms, ${(bytes / 1024).toFixed(0)} KiB transferred`,
      ours: { label: 'in Chromium (the page, cross-origin isolated, 2 workers)', seconds: b },
      yardstick: { label: 'the CLI on Node (2 threads)', seconds: n },
      ratio: b / n,
      bar: 1.3,
      details: { pageEpochSeconds: pageEpochs, nodeEpochSeconds: nodeEpochs, interactiveMs: interactive, transferredBytes: bytes },
    };
    process.stderr.write(`browser: Chromium ${b.toFixed(3)} s, Node ${n.toFixed(3)} s an epoch, ratio ${timing.ratio.toFixed(2)} (bar 1.3); load to interactive ${interactive.toFixed(0)} ms; ${(bytes / 1024).toFixed(0)} KiB\n`);
    process.stdout.write(JSON.stringify(timing) + '\n');
  } finally {
    await browser.close();
    server.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
