import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { anomalySeriesCsv, makeAnomalySeries } from '../src/data/anomaly-series.js';
import type { DetectFuzzSettings } from './fuzz-detect-worker.js';
import { runFuzzWorker } from './fuzz-runner.js';
import type { ReaderCounts } from './fuzz-support.js';
import { runCli, runCliWith, type CliResult } from './run-cli.js';

// Issue 23's fuzz round for what `detect` and `classify` read: thousands of mutated and edited
// detector.json files (as files, watching every file opened, and in memory), fuzzed
// --follow streams (malformed lines among good rows, chunks cut anywhere) and hostile labels
// files, in a worker that a hang cannot take down with the test (fuzz-detect-worker.ts);
// then a few of each through the CLI. Each input ends in a correct result or one InputError
// line naming the file: no other exception, no hang, no file opened outside the detector's
// folder. Seeded, so a failure names an input that can be replayed.

const root = mkdtempSync(join(tmpdir(), 'lstm-ae-fuzz-detect-'));
const TINY = ['--window', '8', '--epochs', '3', '--latent', '4', '--threads', '1', '--no-report'];
const input = join(root, 'input.csv');
const run = join(root, 'run');
const RUNS: DetectFuzzSettings['runs'] = { detectorText: 400, detectorFile: 600, detectorMemory: 500, follow: 100, labelText: 300, labelNpy: 300 };
/** Each input is small (the largest: a 1 MiB line, a 128 MiB labels line once): one that takes this long is a hang. */
const LIMITS = { totalMs: 180_000, caseMs: 20_000 };

const TARGETS = ['detector.json (file)', 'detector.json (library)', 'follow stream', 'labels file', 'labels bytes'] as const;
let fuzzed: Promise<{ kind: 'done'; counts: Record<string, ReaderCounts>; failures: string[] }>;

before(async () => {
  writeFileSync(input, anomalySeriesCsv(makeAnomalySeries({ rows: 400, channels: 2, events: 1, seed: 4 })));
  const r = await runCli('detect', '--input', input, '--out', run, ...TINY);
  assert.equal(r.code, 0, r.stderr);
  const work = join(root, 'fuzz');
  mkdirSync(work);
  const settings: DetectFuzzSettings = { seed: 23, root: work, run, rows: readFileSync(input, 'utf8').trimEnd().split('\n'), runs: RUNS };
  fuzzed = runFuzzWorker(new URL('./fuzz-detect-worker.js', import.meta.url), settings, LIMITS);
  fuzzed.catch(() => {}); // reported by the test that awaits it
});
after(() => rmSync(root, { recursive: true, force: true }));

test('fuzzed detector.json files, --follow streams and labels files end in a result or one InputError line: no crash, no hang, nothing read outside', async (t) => {
  const { counts, failures } = await fuzzed;
  for (const target of TARGETS) {
    const c = counts[target] ?? { tried: 0, accepted: 0, rejected: 0 };
    t.diagnostic(`${target}: ${c.tried} inputs tried, ${c.accepted} accepted, ${c.rejected} rejected with one InputError line; 0 crashes, 0 hangs, 0 escapes`);
  }
  assert.deepEqual(failures, []);
  const expected: Record<(typeof TARGETS)[number], { tried: number; accepted: number; rejected: number }> = {
    // the least of each outcome: both occur, or the generators are not reaching the readers' checks
    'detector.json (file)': { tried: 1 + RUNS.detectorText + RUNS.detectorFile, accepted: 30, rejected: 500 },
    'detector.json (library)': { tried: RUNS.detectorMemory, accepted: 40, rejected: 300 },
    // a feed with a good header is always followed to its end: there is nothing to reject
    'follow stream': { tried: RUNS.follow, accepted: RUNS.follow, rejected: 0 },
    'labels file': { tried: 1 + RUNS.labelText + RUNS.labelNpy, accepted: 100, rejected: 200 },
    'labels bytes': { tried: 1 + RUNS.labelText + RUNS.labelNpy, accepted: 100, rejected: 200 },
  };
  for (const target of TARGETS) {
    const c = counts[target]!;
    const want = expected[target];
    assert.equal(c.tried, want.tried, target);
    assert.equal(c.accepted + c.rejected, c.tried, target);
    assert.ok(c.accepted >= want.accepted && c.rejected >= want.rejected, `${target}: ${JSON.stringify(c)}`);
  }
});

/** `detect --model PATH --follow` fed `stdin`. */
function follow(path: string, stdin: string): Promise<CliResult> {
  return runCliWith(['detect', '--model', path, '--follow'], { stdin });
}

test('through the CLI: hostile detector.json files are one line and exit 2; a fuzzed feed is followed to its end, one warning per bad line', async () => {
  const text = readFileSync(join(run, 'detector.json'), 'utf8');
  const rows = readFileSync(input, 'utf8').trimEnd().split('\n');
  const cases: [string, string, RegExp][] = [
    ['nan', text.replace(/"smoothingSpan": [^,]+/, '"smoothingSpan": NaN'), /not JSON/],
    ['huge', text.replace(/"smoothingSpan": [^,]+/, '"smoothingSpan": 1e999'), /smoothingSpan/],
    ['deep', text.replace(/"window": \d+/, `"window": ${'['.repeat(20_000)}8${']'.repeat(20_000)}`), /window/],
    ['big-array', text.replace(/"heldOutSmoothed": \[/, `"heldOutSmoothed": [${'-1,'.repeat(300_000)}`), /heldOutSmoothed/],
    ['escape', text.replace(/"model": "model.json"/, '"model": "../../../../../../etc/passwd"'), /climbs out with '\.\.'/],
    ['no-error-model', JSON.stringify({ ...JSON.parse(text), errorModel: undefined }), /errorModel/],
    ['generation', text.replace(/"modelGeneration": 1/, '"modelGeneration": "1"'), /modelGeneration/],
  ];
  const results = await Promise.all(cases.map(([name, content]) => {
    const path = join(run, `${name}.json`);
    writeFileSync(path, content);
    return follow(path, rows.slice(0, 20).join('\n') + '\n');
  }));
  cases.forEach(([name, , message], k) => {
    const r = results[k]!;
    assert.equal(r.code, 2, `${name}: ${r.stderr.slice(0, 300)}`);
    assert.equal(r.stdout, '', name);
    assert.match(r.stderr, /^lstm-ae: [^\n]*\n$/, name);
    assert.match(r.stderr, message, name);
    assert.doesNotMatch(r.stderr, /root:x/, name);
  });
  // a feed: good rows, and after every fifth a bad line of another kind
  const bad = ['2024-01-01 09:00:00,abc,1,0', '2024-01-01 09:00:00,"1.0,2.0,0', `${rows[3]},5`, 'x,1', `2024-01-01 09:00:00,1\u0000,2,0`, '\u0000\u0001junk', '9'.repeat((1 << 20) + 5)];
  const fed = [rows[0]!];
  const good = rows.slice(1, 61);
  good.forEach((row, k) => {
    fed.push(row);
    if (k % 5 === 4) fed.push(bad[(k / 5) % bad.length | 0]!);
  });
  const r = await follow(join(run, 'detector.json'), fed.join('\r\n') + '\r\n');
  assert.equal(r.code, 0, r.stderr.slice(0, 300));
  const warnings = r.stderr.trimEnd().split('\n');
  assert.equal(warnings.length, 12 + 1, r.stderr.slice(0, 2000));
  assert.ok(warnings.slice(0, 12).every((w, k) => w.startsWith(`warning: stdin: line ${7 + 6 * k}: `)), warnings.join('\n').slice(0, 2000));
  assert.equal(warnings[12], `followed ${good.length} row(s); skipped 12 bad row(s)`);
  assert.equal(r.stdout.trimEnd().split('\n').length, 1 + good.length);
});
