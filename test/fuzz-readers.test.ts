import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FuzzSettings, ReaderCounts } from './fuzz-readers-worker.js';
import { runFuzzWorker } from './fuzz-runner.js';

// Thousands of generated and mutated inputs for every reader of the user's files: the .npy
// reader and the model loader (model.json + weights.bin: valid files, byte-wise mutations,
// truncations, extensions, hostile headers and weights paths, random JSON, nesting up to
// 20,000 deep), and the series readers (.ts, .tsv, CSV, .npy series, labels files) with the
// entry points the commands use (readSeries, readTrainingData, readModelInput): valid sets
// with a known answer, and the real fixtures mutated line by line and byte by byte
// (fuzz-series-readers.ts). Each must end in a correct result or one InputError line naming
// the file, never another exception, a hang, or (for a model) a file opened outside the
// model's folder (a canary beside it must stay unread and unmentioned).
// Seeded, so a failure names an input that can be replayed.

const SETTINGS: FuzzSettings = {
  seed: 16,
  root: mkdtempSync(join(tmpdir(), 'lstm-ae-fuzz-')),
  runs: {
    npyValid: 500, npyMutated: 3000, npyHeaders: 2000, npyFiles: 500, modelText: 1500, modelStructure: 1500, modelWeights: 500, modelRandom: 500,
    tsValid: 500, tsMutated: 2500, tsvValid: 500, tsvMutated: 2000, csvValid: 500, csvMutated: 2500, npySeriesValid: 500, npySeriesMutated: 2000,
    labels: 2000, readSeries: 2000, trainingData: 1500, modelInput: 1500,
  },
};
/** The readers are synchronous: only a worker that can be terminated turns a hang into a failure. */
const HANG_LIMIT_MS = 120_000;
/** Each input is small (a very long line is 12,000 values): one that takes this long is a hang. */
const CASE_LIMIT_MS = 15_000;

const READERS = ['npy', 'model', 'ts', 'tsv', 'csv', 'npy series', 'labels', 'readSeries', 'readTrainingData', 'readModelInput'] as const;

interface Done {
  kind: 'done';
  counts: Record<(typeof READERS)[number], ReaderCounts>;
  failures: string[];
}

function runFuzz(): Promise<Done> {
  return runFuzzWorker<Done>(new URL('./fuzz-readers-worker.js', import.meta.url), SETTINGS, { totalMs: HANG_LIMIT_MS, caseMs: CASE_LIMIT_MS });
}

test('fuzzed .npy files, model folders and series files end in a result or one InputError line, and nothing outside the folder is read', async (t) => {
  t.after(() => rmSync(SETTINGS.root, { recursive: true, force: true }));
  const { counts, failures } = await runFuzz();
  for (const reader of READERS) {
    const c = counts[reader];
    t.diagnostic(`${reader}: ${c.tried} inputs tried, ${c.accepted} accepted, ${c.rejected} rejected with one InputError line`);
  }
  assert.deepEqual(failures, []);
  const r = SETTINGS.runs;
  const expected: Record<(typeof READERS)[number], { tried: number; accepted: number; rejected: number }> = {
    // the least of each outcome: both occur, or the generators are not reaching the readers' checks
    npy: { tried: r.npyValid + r.npyMutated + r.npyHeaders + r.npyFiles, accepted: r.npyValid / 2, rejected: 1000 },
    model: { tried: r.modelText + r.modelStructure + r.modelWeights + r.modelRandom, accepted: r.npyValid / 2, rejected: 1000 },
    ts: { tried: r.tsValid + r.tsMutated, accepted: r.tsValid, rejected: 1000 },
    tsv: { tried: r.tsvValid + r.tsvMutated, accepted: r.tsvValid, rejected: 1000 },
    csv: { tried: r.csvValid + r.csvMutated, accepted: r.csvValid, rejected: 1000 },
    'npy series': { tried: r.npySeriesValid + r.npySeriesMutated, accepted: r.npySeriesValid, rejected: 1000 },
    labels: { tried: r.labels, accepted: r.labels / 4, rejected: r.labels / 4 },
    readSeries: { tried: r.readSeries, accepted: r.readSeries / 20, rejected: r.readSeries / 4 },
    readTrainingData: { tried: r.trainingData, accepted: r.trainingData / 20, rejected: r.trainingData / 4 },
    readModelInput: { tried: r.modelInput, accepted: r.modelInput / 20, rejected: r.modelInput / 4 },
  };
  for (const reader of READERS) {
    const c = counts[reader];
    const want = expected[reader];
    assert.equal(c.tried, want.tried, reader);
    assert.equal(c.accepted + c.rejected, c.tried, reader);
    assert.ok(c.accepted >= want.accepted && c.rejected >= want.rejected, `${reader}: ${JSON.stringify(c)}`);
  }
});
