import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliResult } from './run-cli.js';
import { readModelSetInfo } from '../src/io/tfjs/model-set.js';

// Issue 23: a training record names files (its data) and holds settings; `train --resume`
// must treat both as input. A record that names another file is refused on the data's
// fingerprint (size, SHA-256) before anything parses it, and nothing of that file is quoted;
// a record that is a link to a file outside is refused unread; its numeric settings are held
// to src/limits.ts as the options are.

const scratch = mkdtempSync(join(tmpdir(), 'lstm-ae-resume-record-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

// a "secret" whose every line parses as a CSV row of numbers would be trained on; one that does
// not would be quoted in the reader's error: neither may happen
const SECRET_LINE = 'root:x:0:0:root:/root:/bin/bash';
const SECRET = join(scratch, 'secret.csv');
writeFileSync(SECRET, `${SECRET_LINE}\n`.repeat(40));

const DATA = join(scratch, 'data');
assert.equal((await runCli('data', '--out', DATA, '--cycles', '3', '--timesteps', '20', '--test-size', '0.4')).code, 0);
const RUN = join(scratch, 'run');
const trained = await runCli('train', '--data', DATA, '--out', RUN, '--epochs', '2', '--batch-size', '48', '--latent', '3', '--threads', '1', '--json');
assert.equal(trained.code, 0, trained.stderr);
const RECORD_NAME = readModelSetInfo(RUN)!.training!;

let copies = 0;
/** A copy of RUN whose training record's settings are changed by `edit`. */
function runWithSettings(edit: (settings: Record<string, unknown>) => void): string {
  const run = join(scratch, `copy-${copies++}`);
  cpSync(RUN, run, { recursive: true });
  const path = join(run, RECORD_NAME);
  const record = JSON.parse(readFileSync(path, 'utf8'));
  edit(record.resume.settings);
  writeFileSync(path, JSON.stringify(record));
  return run;
}

function assertOneLine(r: CliResult, pattern: RegExp): string {
  assert.equal(r.code, 2, r.stderr);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, pattern);
  assert.ok(!lines[0]!.includes('root:') && !lines[0]!.includes('/bin/bash'), `nothing of the file is quoted: ${lines[0]}`);
  return lines[0]!;
}

test('a record whose data path names another text file is refused on its size before it is read, quoting none of it', async () => {
  const run = runWithSettings((s) => {
    s.data = SECRET;
    s.format = 'csv';
  });
  const r = await runCli('train', '--resume', run, '--epochs', '3');
  assertOneLine(r, new RegExp(`secret\\.csv: is ${statSync(SECRET).size} bytes, not the \\d+ the run in .* was trained on; resume needs the same files$`));
});

test('a file of the very size the record gives but other content is refused on its SHA-256 before it is parsed', async () => {
  const size = JSON.parse(readFileSync(join(RUN, RECORD_NAME), 'utf8')).resume.settings.trainBytes as number;
  assert.ok(size > SECRET_LINE.length, 'the record holds the size of its data');
  const same = join(scratch, 'same-size.csv');
  const line = `${SECRET_LINE}\n`;
  writeFileSync(same, line.repeat(Math.floor(size / line.length)) + 'x'.repeat(size % line.length));
  const run = runWithSettings((s) => {
    s.data = same;
    s.format = 'csv';
  });
  const r = await runCli('train', '--resume', run, '--epochs', '3');
  assertOneLine(r, /same-size\.csv: its SHA-256 is not the one the run in .* was trained on; resume needs the same files$/);
});

test('training.G.json that is a symbolic link to a file outside the run is refused without reading it', async () => {
  const run = join(scratch, 'linked-record');
  cpSync(RUN, run, { recursive: true });
  const outside = join(scratch, 'outside.json');
  writeFileSync(outside, `${SECRET_LINE}\n`);
  rmSync(join(run, RECORD_NAME));
  symlinkSync(outside, join(run, RECORD_NAME));
  const r = await runCli('train', '--resume', run, '--epochs', '3');
  assertOneLine(r, new RegExp(`${RECORD_NAME.replace(/\./g, '\\.')}: is a symbolic link; expected a training record`));
});

test("a record's numeric settings are held to src/limits.ts like the options: threads 1000, epochs 1e9, latent 0 are refused by name", async () => {
  for (const [key, value, expected] of [
    ['threads', 1000, 'an integer from 1 to 256'],
    ['epochs', 1e9, 'an integer from 1 to 100000'],
    ['latent', 0, 'an integer from 1 to 1024'],
    ['lr', 1e400, 'a finite number above 0'],
  ] as const) {
    const run = runWithSettings((s) => {
      s[key] = value;
    });
    const r = await runCli('train', '--resume', run);
    assertOneLine(r, new RegExp(`setting ${key} (${value}|null) is invalid: expected ${expected}$`));
  }
});

test('the untouched record still resumes (the checks refuse only what differs)', async () => {
  const run = join(scratch, 'untouched');
  cpSync(RUN, run, { recursive: true });
  const r = await runCli('train', '--resume', run, '--epochs', '3', '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).epochs, 3);
});
