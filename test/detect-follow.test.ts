/**
 * `lstm-ae detect` as a live monitor: --follow goes on past bad rows (one warning each naming
 * the line, every other row scored, exit 0, output byte for byte the batch run's scores.csv
 * for the good rows), answers the rows after a stray quote at once, bounds a line's length,
 * ends quietly when its reader closes the pipe; and --json gives the intervals themselves in
 * snake_case. Tiny models: windows of 8, a code of 4, 3 epochs, 1 thread.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { anomalySeriesCsv, makeAnomalySeries } from '../src/data/anomaly-series.js';
import { CLI, followCli, runCli, thenRest } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'lstm-ae-follow-'));
const TINY = ['--window', '8', '--epochs', '3', '--latent', '4', '--threads', '1', '--no-report'];
const input = join(dir, 'input.csv');
const run = join(dir, 'run');
const model = join(run, 'detector.json');
let rows: string[];

before(async () => {
  writeFileSync(input, anomalySeriesCsv(makeAnomalySeries({ rows: 600, channels: 2, events: 2, seed: 5 })));
  rows = readFileSync(input, 'utf8').trimEnd().split('\n');
  const r = await runCli('detect', '--input', input, '--out', run, ...TINY);
  assert.equal(r.code, 0, r.stderr);
});
after(() => rmSync(dir, { recursive: true, force: true }));

interface Live {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `detect --model M --follow` fed by `feed`; resolves once it exits. */
function follow(feed: (stdin: NodeJS.WritableStream, stdout: NodeJS.ReadableStream) => void, path = model): Promise<Live> {
  return followCli(path, feed);
}

test('a repeated time stamp and a malformed row mid-stream: one warning each naming the line, every other row scored, exit 0, scores.csv byte for byte', async () => {
  // line 101 repeats line 100's stamp (taken, as the batch run takes it); line 201 has a cell that is not a number (skipped)
  const fed = [...rows];
  fed.splice(100, 0, fed[99]!);
  fed.splice(200, 0, '2024-01-01 03:20:30,1.5,oops,0');
  const good = fed.filter((_, k) => k !== 200);
  const clean = join(dir, 'clean.csv');
  writeFileSync(clean, good.join('\n') + '\n');
  const batch = join(dir, 'batch');
  const b = await runCli('detect', '--input', clean, '--out', batch, ...TINY);
  assert.equal(b.code, 0, b.stderr);
  const live = await follow((stdin) => stdin.end(fed.join('\n') + '\n'), join(batch, 'detector.json'));
  assert.equal(live.code, 0, live.stderr);
  assert.deepEqual(live.stderr.trimEnd().split('\n'), [
    `warning: stdin: line 101: time stamp '${fed[99]!.split(',')[0]}' repeats or comes before the previous row's; taken in stream order`,
    "warning: stdin: line 201: 'oops' in column 'x2' is not a number; expected a number, or an empty cell or NaN for a missing value; row skipped",
    `followed ${good.length - 1} row(s), 1 with a repeated or out-of-order time stamp; skipped 1 bad row(s)`,
  ]);
  assert.equal(live.stdout, readFileSync(join(batch, 'scores.csv'), 'utf8'));
  assert.equal(live.stdout.split('\n').length - 2, fed.length - 2);
});

test('after a stray quote the next good rows are scored at once, while the stream stays open', async () => {
  const head = [...rows.slice(0, 101), '2024-01-02 00:00:00,"1.0,2.0,0', ...rows.slice(101, 113)];
  // the header and 112 rows, the last 12 after the bad line: only then is the rest sent
  const live = await follow(thenRest(head.join('\n') + '\n', 113, rows.slice(113, 150).join('\n') + '\n'));
  assert.equal(live.code, 0, live.stderr);
  assert.equal(live.stdout.trimEnd().split('\n').length, 150);
  assert.match(live.stderr, /^warning: stdin: line 102: .*row skipped\n/);
  assert.match(live.stderr, /skipped 1 bad row\(s\)\n$/);
});

test('a line longer than the stream takes is one warning naming it; the rows after it are scored', async () => {
  const long = `2024-01-01 00:10:00,${'1'.repeat(1 << 21)},0,0`;
  const live = await follow((stdin) => stdin.end([...rows.slice(0, 21), long, ...rows.slice(21, 40)].join('\n') + '\n'));
  assert.equal(live.code, 0, live.stderr);
  assert.equal(live.stdout.trimEnd().split('\n').length, 40);
  assert.match(live.stderr, /^warning: stdin: line 22: longer than 1048576 characters; expected one row per line; row skipped\n/);
});

test('--follow | head -c 100 ends quietly with exit 0', async () => {
  const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile('bash', ['-c', `"${process.execPath}" "${CLI}" detect --model "${model}" --follow < "${input}" | head -c 100 >/dev/null; exit \${PIPESTATUS[0]}`], { encoding: 'utf8' }, (error, stdout, stderr) =>
      resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr }),
    );
  });
  assert.equal(r.stderr, '');
  assert.equal(r.code, 0);
});

test('--json gives the intervals themselves, every key in snake_case', async () => {
  const r = await runCli('detect', '--input', input, '--out', join(dir, 'json'), ...TINY, '--json');
  assert.equal(r.code, 0, r.stderr);
  const summary = JSON.parse(r.stdout) as { interval_count: number; intervals: Record<string, unknown>[] };
  const anomalies = JSON.parse(readFileSync(join(dir, 'json', 'anomalies.json'), 'utf8')) as { intervals: { startRow: number; endRow: number; start: string; peakScore: number }[] };
  assert.ok(summary.interval_count > 0);
  assert.equal(summary.intervals.length, summary.interval_count);
  assert.deepEqual(summary.intervals.map((i) => [i.start_row, i.end_row, i.start, i.peak_score]), anomalies.intervals.map((i) => [i.startRow, i.endRow, i.start, i.peakScore]));
  const keys = (v: unknown): string[] => (Array.isArray(v) ? v.flatMap(keys) : v && typeof v === 'object' ? Object.entries(v).flatMap(([k, x]) => [k, ...keys(x)]) : []);
  // no camelCase (NAB's profile names, reward_low_FP_rate, stay NAB's)
  assert.deepEqual(keys(summary).filter((k) => /[a-z][A-Z]/.test(k)), []);
  assert.ok(keys(summary).includes('peak_tail_probability'));
});

test('on a terminal the progress bar ends its line before the stage lines (no "1s lefttraining: 0.43 s")', { skip: !existsSync('/usr/bin/script') && 'needs script(1) for a terminal' }, async () => {
  const command = `"${process.execPath}" "${CLI}" detect --input "${input}" --out "${join(dir, 'tty')}" ${TINY.join(' ')}`;
  const out = await new Promise<string>((resolve) => execFile('/usr/bin/script', ['-qec', command, '/dev/null'], { encoding: 'utf8' }, (_e, stdout) => resolve(stdout)));
  const text = out.replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1b[78]/g, '').replace(/\r/g, '');
  assert.match(text, /epoch 3\/3 \|/); // the bar was drawn
  assert.match(text, /\ntraining: [\d.]+ s\n/);
  assert.doesNotMatch(text, /left[^\n]*training:/);
});
