import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeFolder } from '../src/io/make-folder.js';

test('makeFolder makes every missing level, and accepts a folder that is there', () => {
  const dir = mkdtempSync(join(tmpdir(), 'make-folder-'));
  try {
    const deep = join(dir, 'a', 'b', 'c');
    makeFolder(deep);
    assert.ok(statSync(deep).isDirectory());
    makeFolder(deep);
    makeFolder(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('makeFolder refuses a path through a file with ENOTDIR', () => {
  const dir = mkdtempSync(join(tmpdir(), 'make-folder-'));
  try {
    writeFileSync(join(dir, 'file'), 'x');
    assert.throws(() => makeFolder(join(dir, 'file', 'sub')), { code: 'ENOTDIR' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('makeFolder fails at once under /proc, where Node\'s recursive mkdir spins forever', { skip: existsSync('/proc/self') ? undefined : 'no /proc here' }, () => {
  // in a child process with a time limit: a spinning mkdir would block this test's own event loop
  const url = new URL('../src/io/make-folder.js', import.meta.url).href;
  const code = `import(${JSON.stringify(url)}).then(({ makeFolder }) => { try { makeFolder('/proc/lstm-ae-nowhere/x'); } catch (e) { console.log(e.code); } });`;
  const run = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(run.signal, null, 'it returned instead of spinning');
  assert.equal(run.stdout.trim(), 'ENOENT');
});
