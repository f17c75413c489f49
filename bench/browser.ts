import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startWebServer, WEB_ROOT } from '../src/cli/serve.js';
import { launchChromium } from '../test/report-browser-check.js';

/**
 * `npm run bench:browser`: one epoch of `lstm-ae train` on the article's data (17,802 windows
 * of 100 steps, the CLI's defaults) in the page in Chromium, cross-origin isolated with 2
 * threads (the task worker and one fast-path worker), against the CLI on Node with 2 threads
 * in the same run; the same computation (the page's weights equal the CLI's bit for bit).
 * Also: the page's load to interactive (the task worker ready) and its transferred bytes.
 */
const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'lstm-ae-bench-web-'));
const epochs = Number(process.argv[2] ?? 3);
try {
  const data = join(dir, 'data');
  spawnSync(process.execPath, [cli, 'data', '--out', data], { stdio: 'ignore' });
  const nodeSeconds: number[] = [];
  for (let i = 0; i < epochs; i++) {
    const r = spawnSync(process.execPath, [cli, 'train', '--data', join(data, 'X_train.npy'), '--out', join(dir, `run${i}`), '--epochs', '1', '--threads', '2', '--json'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    nodeSeconds.push((JSON.parse(readFileSync(join(dir, `run${i}`, 'history.json'), 'utf8')) as { seconds: number[] }).seconds[0]!);
  }

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
    const browserSeconds: number[] = [];
    for (let i = 0; i < epochs; i++) {
      await page.fill('#epochs', '1');
      await page.fill('#threads', '2');
      await page.waitForFunction(() => !(document.getElementById('run') as HTMLButtonElement).disabled);
      await page.evaluate(() => { (globalThis as unknown as { lstmAe: { result?: unknown } }).lstmAe.result = undefined; });
      await page.click('#run');
      await page.waitForFunction(() => (globalThis as unknown as { lstmAe: { result?: unknown } }).lstmAe.result !== undefined, undefined, { timeout: 300_000 });
      browserSeconds.push(await page.evaluate(() => (globalThis as unknown as { lstmAe: { result: { epochSeconds: number[] } } }).lstmAe.result.epochSeconds[0]!));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const [b, n] = [median(browserSeconds), median(nodeSeconds)];
    console.log(`browser: one epoch of the article's data (train defaults, 2 threads), median of ${epochs}: Chromium ${b.toFixed(3)} s, Node ${n.toFixed(3)} s, ratio ${(b / n).toFixed(2)} (target <= 1.3)`);
    console.log(`browser: page load to interactive ${interactive.toFixed(0)} ms; transferred ${(bytes / 1024).toFixed(0)} KiB (uncompressed)`);
  } finally {
    await browser.close();
    server.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
