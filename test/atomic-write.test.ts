import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic, writeFilesAtomic } from '../src/io/atomic-write.js';

/** a fresh folder for one test, removed when the test ends */
function scratchFolder(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'atomic-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('writeFilesAtomic replaces a set of files and leaves no temp files', (t) => {
  const dir = scratchFolder(t);
  writeFileSync(join(dir, 'a.txt'), 'old a');
  writeFilesAtomic([
    { path: join(dir, 'a.txt'), data: 'new a' },
    { path: join(dir, 'sub', 'b.bin'), data: new Uint8Array([1, 2, 3]) },
  ]);
  assert.equal(readFileSync(join(dir, 'a.txt'), 'utf8'), 'new a');
  assert.deepEqual([...readFileSync(join(dir, 'sub', 'b.bin'))], [1, 2, 3]);
  assert.deepEqual(readdirSync(dir).sort(), ['a.txt', 'sub']);
});

test('writeFilesAtomic replaces nothing when a later file of the set cannot be written', (t) => {
  const dir = scratchFolder(t);
  writeFileSync(join(dir, 'a.txt'), 'old a');
  writeFileSync(join(dir, 'b.txt'), 'old b');
  writeFileSync(join(dir, 'not-a-folder'), 'a file');
  assert.throws(
    () =>
      writeFilesAtomic([
        { path: join(dir, 'a.txt'), data: 'new a' },
        { path: join(dir, 'b.txt'), data: 'new b' },
        // its folder cannot be made: a file is in the way
        { path: join(dir, 'not-a-folder', 'c.txt'), data: 'new c' },
      ]),
    /ENOTDIR|EEXIST/,
  );
  assert.equal(readFileSync(join(dir, 'a.txt'), 'utf8'), 'old a');
  assert.equal(readFileSync(join(dir, 'b.txt'), 'utf8'), 'old b');
  assert.deepEqual(readdirSync(dir).sort(), ['a.txt', 'b.txt', 'not-a-folder']);
});

test('writeFileAtomic writes one file through the same path', (t) => {
  const dir = scratchFolder(t);
  writeFileAtomic(join(dir, 'x.json'), '{}\n');
  assert.equal(readFileSync(join(dir, 'x.json'), 'utf8'), '{}\n');
  assert.deepEqual(readdirSync(dir), ['x.json']);
});
