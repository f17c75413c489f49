import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { startWebServer, WEB_ROOT } from '../src/cli/serve.js';
import { chromiumAvailable, DEFAULT_CHROMIUM, launchChromium } from './report-browser-check.js';
import { skipWhenMissing } from './optional-checker.js';
import { runExperiment, type ExperimentResult } from './browser-bundle/experiment.js';

/**
 * A program that uses only the library (create, fit 2 epochs, encode), bundled by esbuild
 * for the browser as a user would, runs in Chromium on the browser's fast platform and gives
 * Node's codes for the same seed, data and thread count. Both import `lstm-ae` by name: the
 * bundler takes the ES modules (the `browser` condition, dist/src), Node the package's bundle
 * (dist/lib), so the two builds a user gets are compared.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const noChromium = skipWhenMissing(chromiumAvailable() ? false : `no Chromium at ${DEFAULT_CHROMIUM} (set CHROMIUM_PATH)`);
const dir = mkdtempSync(join(tmpdir(), 'lstm-ae-bundle-'));
let browser: Browser | undefined;
const servers: Server[] = [];
before(async () => { if (!noChromium) browser = await launchChromium(); });
after(async () => {
  await browser?.close();
  for (const s of servers) s.close();
  rmSync(dir, { recursive: true, force: true });
});

async function bundleProgram(): Promise<void> {
  const result = await build({
    entryPoints: [join(ROOT, 'test/browser-bundle/program.ts')],
    bundle: true, format: 'esm', platform: 'browser', outfile: join(dir, 'program.js'), logLevel: 'silent',
  });
  assert.deepEqual(result.errors, []);
  // the browser kit, served beside the program: kernels, fast-path worker, job runner
  for (const file of ['autoencoder.wasm', 'browser-worker.js', 'fast-chunks.js']) copyFileSync(join(WEB_ROOT, file), join(dir, file));
  writeFileSync(join(dir, 'index.html'), '<!DOCTYPE html><meta charset="utf-8"><title>bundle</title><link rel="icon" href="data:,"><script type="module" src="program.js"></script>\n');
}

async function runInChromium(isolated: boolean, threads: number): Promise<{ result: ExperimentResult; errors: string[]; isolated: boolean }> {
  const { server, url } = await startWebServer(dir, { port: 0, isolated });
  servers.push(server);
  const page = await browser!.newPage();
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('requestfailed', (r) => errors.push(`${r.url()}: ${r.failure()?.errorText}`));
  try {
    await page.goto(`${url}?threads=${threads}`);
    await page.waitForFunction(() => (globalThis as { experiment?: unknown }).experiment !== undefined, undefined, { timeout: 60_000 });
    const out = await page.evaluate(() => ({ result: (globalThis as { experiment?: unknown }).experiment, isolated: globalThis.crossOriginIsolated }));
    const result = out.result as ExperimentResult | { error: string };
    if ('error' in result) assert.fail(`in Chromium: ${result.error}`);
    return { result, errors, isolated: out.isolated };
  } finally {
    await page.close();
  }
}

function assertClose(actual: number[], expected: number[], tolerance: number, what: string): number {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  assert.ok(worst <= tolerance, `${what}: differs by up to ${worst} from Node's`);
  return worst;
}

test('an esbuild bundle of a library program runs in Chromium and gives Node\'s codes (2 workers, cross-origin isolated; 1 without isolation)', { skip: noChromium }, async (t) => {
  await bundleProgram();
  const node2 = await runExperiment(2);
  const isolated = await runInChromium(true, 2);
  assert.equal(isolated.isolated, true);
  assert.deepEqual(isolated.errors, []);
  assert.ok(node2.codes.some((c) => c !== 0));
  t.diagnostic(`2 threads: codes differ by at most ${assertClose(isolated.result.codes, node2.codes, 1e-6, 'codes, 2 threads')}`);
  assertClose(isolated.result.losses, node2.losses, 1e-6, 'losses, 2 threads');

  // served without the isolation headers the page has no shared memory: the fast path runs on one thread
  const node1 = await runExperiment(1);
  const plain = await runInChromium(false, 1);
  assert.equal(plain.isolated, false);
  assert.deepEqual(plain.errors, []);
  t.diagnostic(`1 thread: codes differ by at most ${assertClose(plain.result.codes, node1.codes, 1e-6, 'codes, 1 thread')}`);
});
