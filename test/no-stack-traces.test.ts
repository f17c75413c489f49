import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, runCli } from './run-cli.js';
import { InputError } from '../src/input-error.js';
import { TEXT_LIMITS } from '../src/limits.js';
import { readLabelsFile, readSeries, readTimeSeriesCsv } from '../src/io/read-series.js';

// Issue 23: inputs and pipes that ended in a stack trace (exit 1) end in one line (exit 2) or,
// for a reader that closed stdout, quietly with exit 0. The big files are sparse (truncate
// extends them with zeros that take no disk), so they cost no space here.

const scratch = mkdtempSync(join(tmpdir(), 'lstm-ae-no-traces-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

/** Runs the CLI with its stdout closed before it writes: `lstm-ae ... | head -c 0`. */
function withStdoutClosed(args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

test('EPIPE: a reader that closes stdout ends the command quietly with exit 0 (data, data --anomalies)', async () => {
  for (const args of [
    ['data', '--out', join(scratch, 'sine'), '--cycles', '3', '--timesteps', '20', '--test-size', '0.4'],
    ['data', '--anomalies', '--out', join(scratch, 'anomalies'), '--rows', '5000'],
  ]) {
    const r = await withStdoutClosed(args);
    assert.deepEqual(r, { code: 0, signal: null, stderr: '' }, args.join(' '));
  }
});

/** A sparse file: `head`, then zero bytes up to `size`. */
function sparseFile(name: string, head: string, size: number): string {
  const path = join(scratch, name);
  writeFileSync(path, head);
  truncateSync(path, size);
  return path;
}

function assertRefused(read: () => unknown, pattern: RegExp): void {
  assert.throws(read, (err: unknown) => {
    assert.ok(err instanceof InputError, `expected an InputError, got ${String(err)}`);
    assert.ok(!err.message.includes('\n'), err.message);
    assert.match(err.message, pattern);
    return true;
  });
}

const MB600 = 600 * 10 ** 6;

test('a 600 MB text file is refused with one line naming it, by every text reader and by train, never ERR_STRING_TOO_LONG', async () => {
  const big = sparseFile('big.csv', '1,2,3\n', MB600);
  const refused = new RegExp(`big\\.csv: is ${MB600} bytes, more than the ${TEXT_LIMITS.fileBytes} this reader takes; expected a text file of at most 500 MiB`);
  for (const format of ['csv', 'ts', 'tsv'] as const) assertRefused(() => readSeries(big, { format }), refused);
  assertRefused(() => readTimeSeriesCsv(big), refused);
  // label files are held to the same bounds as series files
  const bigLabels = sparseFile('big-labels.txt', 'a\nb\n', MB600);
  assertRefused(() => readLabelsFile(bigLabels), new RegExp(`big-labels\\.txt: is ${MB600} bytes, more than the ${TEXT_LIMITS.fileBytes} this reader takes`));
  const r = await runCli('train', '--data', big, '--out', join(scratch, 'never'));
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, new RegExp(`^lstm-ae: .*${refused.source}.*\\n$`));
});

test('a line longer than TEXT_LIMITS.lineBytes is refused naming the file and the line, whatever the line ends (\\n, \\r\\n, lone \\r)', () => {
  const size = TEXT_LIMITS.lineBytes + 4096;
  for (const [name, head] of [
    ['lf.csv', '1,2\n3,4\n'],
    ['crlf.csv', '1,2\r\n3,4\r\n'],
    ['cr.csv', '1,2\r3,4\r'],
  ] as const) {
    const path = sparseFile(name, head, size);
    const long = size - head.length;
    const refused = new RegExp(`${name.replace('.', '\\.')}: line 3 is ${long} bytes long, more than the ${TEXT_LIMITS.lineBytes} a line may be`);
    for (const format of ['csv', 'ts', 'tsv'] as const) assertRefused(() => readSeries(path, { format }), refused);
    assertRefused(() => readTimeSeriesCsv(path), refused);
    assertRefused(() => readLabelsFile(path), refused);
  }
});

test('lines just within the limit and ordinary files still read: the bound refuses only what is over it', () => {
  const path = join(scratch, 'small.csv');
  writeFileSync(path, '1,2,3\r\n4,5,6\r\n');
  const set = readSeries(path);
  assert.deepEqual(set.series.map((s) => Array.from(s)), [[1, 2, 3], [4, 5, 6]]);
});
