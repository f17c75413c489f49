import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FuzzSettings, ReaderCounts } from './fuzz-readers-worker.js';

// Thousands of generated and mutated inputs for the .npy reader and the model loader
// (model.json + weights.bin): valid files, byte-wise mutations, truncations, extensions,
// hostile headers and weights paths, random JSON, nesting up to 20,000 deep. Each must end
// in a correct result or one InputError line, never another exception, a hang, or a file
// opened outside the model's folder (a canary beside it must stay unread and unmentioned).
// Seeded, so a failure names an input that can be replayed.

const SETTINGS: FuzzSettings = {
  seed: 16,
  root: mkdtempSync(join(tmpdir(), 'lstm-ae-fuzz-')),
  runs: { npyValid: 500, npyMutated: 3000, npyHeaders: 2000, npyFiles: 500, modelText: 1500, modelStructure: 1500, modelWeights: 500, modelRandom: 500 },
};
/** The readers are synchronous: only a worker that can be terminated turns a hang into a failure. */
const HANG_LIMIT_MS = 120_000;

interface Done {
  kind: 'done';
  counts: Record<'npy' | 'model', ReaderCounts>;
  failures: string[];
}

function runFuzz(): Promise<Done> {
  const worker = new Worker(new URL('./fuzz-readers-worker.js', import.meta.url), { workerData: SETTINGS });
  let last = 'none yet';
  return new Promise<Done>((resolve, reject) => {
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new Error(`the readers did not finish within ${HANG_LIMIT_MS / 1000} s (a hang?); last input: ${last}`));
    }, HANG_LIMIT_MS);
    worker.on('message', (m: { kind: 'case'; label: string } | Done) => {
      if (m.kind === 'case') last = m.label;
      else {
        clearTimeout(timer);
        resolve(m);
      }
    });
    worker.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`the fuzz worker crashed at ${last}: ${err.message}`));
    });
  });
}

test('fuzzed .npy files and model folders end in a result or one InputError line, and nothing outside the folder is read', async (t) => {
  t.after(() => rmSync(SETTINGS.root, { recursive: true, force: true }));
  const { counts, failures } = await runFuzz();
  for (const [reader, c] of Object.entries(counts)) {
    t.diagnostic(`${reader}: ${c.tried} inputs tried, ${c.accepted} accepted, ${c.rejected} rejected with one InputError line`);
  }
  assert.deepEqual(failures, []);
  const r = SETTINGS.runs;
  assert.equal(counts.npy.tried, r.npyValid + r.npyMutated + r.npyHeaders + r.npyFiles);
  assert.equal(counts.model.tried, r.modelText + r.modelStructure + r.modelWeights + r.modelRandom);
  for (const c of Object.values(counts)) {
    assert.equal(c.accepted + c.rejected, c.tried);
    // both outcomes occur, or the generators are not reaching the readers' checks
    assert.ok(c.accepted >= r.npyValid / 2 && c.rejected >= 1000, JSON.stringify(c));
  }
});
