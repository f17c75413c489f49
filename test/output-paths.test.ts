import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs, {
  chmodSync, copyFileSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../src/input-error.js';
import { writeFileAtomic, writeFilesAtomic } from '../src/io/atomic-write.js';
import { encodeNpy } from '../src/io/npy.js';
import { readNpy, writeNpy } from '../src/io/npy-file.js';
import { ensureOutputFile } from '../src/io/output-location.js';

// Where results go: issue 16 found --out replacing devices, FIFOs, links and the command's
// own input with a plain file, a 600 file coming back 644, and a full disk ending a finished
// run with a stack trace. Each case below exits 2 with one line and leaves what was there.

const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const FIXTURE_DIR = fileURLToPath(new URL('../../test/fixtures/tfjs-model-seed-architecture', import.meta.url));
const MODEL = join(FIXTURE_DIR, 'model.json'); // T=6, D=1, L=4

const scratch = mkdtempSync(join(tmpdir(), 'lstm-ae-output-paths-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

function run(...args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
}

function assertOneLineExit2(r: { status: number | null; stderr: string }, pattern: RegExp): void {
  assert.equal(r.status, 2, r.stderr);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, pattern);
}

const X = join(scratch, 'X.npy');
const xValues = Float64Array.from({ length: 3 * 6 }, (_, i) => Math.sin(i));
writeNpy(X, { dtype: 'float64', shape: [3, 6, 1], data: xValues });
const xBytes = readFileSync(X);

test('encode --input X.npy --out X.npy (or the model\'s own files) is refused and X.npy is left as it was', () => {
  assertOneLineExit2(run('encode', '--model', MODEL, '--input', X, '--out', X), /^lstm-ae: --out .*X\.npy: is the input .*X\.npy; give another path/);
  // another spelling of the same file
  const spelled = join(scratch, '.', 'sub-that-is-not-there', '..', 'X.npy');
  assertOneLineExit2(run('reconstruct', '--model', MODEL, '--input', X, '--out', spelled), /is the input/);
  assert.deepEqual(readFileSync(X), xBytes);

  const modelCopy = join(scratch, 'model-copy');
  mkdirSync(modelCopy);
  copyFileSync(MODEL, join(modelCopy, 'model.json'));
  copyFileSync(join(FIXTURE_DIR, 'weights.bin'), join(modelCopy, 'weights.bin'));
  const weightsBefore = readFileSync(join(modelCopy, 'weights.bin'));
  assertOneLineExit2(run('encode', '--model', modelCopy, '--input', X, '--out', join(modelCopy, 'weights.bin')), /weights\.bin: is the input .*weights\.bin/);
  assert.deepEqual(readFileSync(join(modelCopy, 'weights.bin')), weightsBefore);
});

test('--out a symbolic link (to a file, or dangling) is refused; the link and its target stay', () => {
  const target = join(scratch, 'target.npy');
  writeFileSync(target, 'keep me');
  const link = join(scratch, 'link.npy');
  symlinkSync(target, link);
  assertOneLineExit2(run('encode', '--model', MODEL, '--input', X, '--out', link), /^lstm-ae: --out .*link\.npy: is a symbolic link; give a plain file path/);
  assert.ok(lstatSync(link).isSymbolicLink());
  assert.equal(readlinkSync(link), target);
  assert.equal(readFileSync(target, 'utf8'), 'keep me');

  const dangling = join(scratch, 'dangling.npy');
  symlinkSync(join(scratch, 'nowhere.npy'), dangling);
  assertOneLineExit2(run('encode', '--model', MODEL, '--input', X, '--out', dangling), /dangling\.npy: is a symbolic link/);
  assert.ok(lstatSync(dangling).isSymbolicLink());
});

test('--out a FIFO is refused and stays a FIFO', () => {
  const fifo = join(scratch, 'out.fifo');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0, 'mkfifo made the FIFO');
  assertOneLineExit2(run('reconstruct', '--model', MODEL, '--input', X, '--out', fifo), /^lstm-ae: --out .*out\.fifo: is a FIFO; give a plain file path/);
  assert.ok(lstatSync(fifo).isFIFO());
});

test('--out a device is refused and stays a device', (t) => {
  const device = join(scratch, 'null-device');
  // a private copy of /dev/null (1, 3): the old code would have replaced it with a plain file
  if (spawnSync('mknod', [device, 'c', '1', '3']).status !== 0) {
    t.skip('mknod needs root (CAP_MKNOD)');
    return;
  }
  assertOneLineExit2(run('encode', '--model', MODEL, '--input', X, '--out', device), /^lstm-ae: --out .*null-device: is a character device; give a plain file path/);
  assert.ok(lstatSync(device).isCharacterDevice());
});

test('--out whose folder cannot hold it is refused before any work', () => {
  assertOneLineExit2(run('encode', '--model', MODEL, '--input', X, '--out', '/proc/lstm-ae-codes.npy'), /--out \/proc\/lstm-ae-codes\.npy: the folder \/proc: cannot be used as the output folder/);
  const longName = join(scratch, `${'x'.repeat(250)}.npy`);
  assertOneLineExit2(run('encode', '--model', MODEL, '--input', X, '--out', longName), /a file of that name cannot be made there \(ENAMETOOLONG\)/);
  // the same check for the library's callers, also as root, for whom access() says yes to /proc
  assert.throws(() => ensureOutputFile('/proc/lstm-ae-codes.npy'), (err: unknown) => err instanceof InputError && /cannot be used as the output folder/.test(err.message));
});

test("an overwritten output keeps its mode: 600 stays 600, 664 stays 664", () => {
  for (const mode of [0o600, 0o664]) {
    const out = join(scratch, `codes-${mode.toString(8)}.npy`);
    writeFileSync(out, 'old');
    chmodSync(out, mode);
    const r = run('encode', '--model', MODEL, '--input', X, '--out', out);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(readNpy(out).shape, [3, 4]);
    assert.equal(statSync(out).mode & 0o777, mode, `mode ${mode.toString(8)}`);
  }
  // and through the library: writeFileAtomic keeps it too
  const lib = join(scratch, 'lib.json');
  writeFileSync(lib, '{}');
  chmodSync(lib, 0o640);
  writeFileAtomic(lib, new TextEncoder().encode('{"a": 1}'));
  assert.equal(statSync(lib).mode & 0o777, 0o640);
});

test('the writer refuses to replace a link or a FIFO with a plain file', () => {
  const dir = join(scratch, 'writer');
  mkdirSync(dir);
  writeFileSync(join(dir, 'real.txt'), 'keep');
  symlinkSync('real.txt', join(dir, 'link.txt'));
  assert.throws(() => writeFileAtomic(join(dir, 'link.txt'), 'new'), (err: unknown) => err instanceof InputError && /link\.txt: is a symbolic link/.test(err.message));
  assert.equal(readFileSync(join(dir, 'real.txt'), 'utf8'), 'keep');
  assert.ok(lstatSync(join(dir, 'link.txt')).isSymbolicLink());
});

/** Runs `work` with every fs.writeSync failing as a full disk does (no path on the error, as Node gives it). */
function withFullDisk<T>(work: () => T): T {
  const { writeSync } = fs;
  fs.writeSync = (() => {
    throw Object.assign(new Error('ENOSPC: no space left on device, write'), { errno: -28, code: 'ENOSPC', syscall: 'write' });
  }) as typeof fs.writeSync;
  syncBuiltinESMExports();
  try {
    return work();
  } finally {
    fs.writeSync = writeSync;
    syncBuiltinESMExports();
  }
}

test('a full disk (ENOSPC, injected into fs.writeSync) is one InputError line and leaves the previous files and no temp files', () => {
  const dir = join(scratch, 'full');
  mkdirSync(dir);
  writeFileSync(join(dir, 'a.npy'), 'old a');
  writeFileSync(join(dir, 'b.npy'), 'old b');
  const npy = encodeNpy({ dtype: 'float32', shape: [2], data: new Float32Array([1, 2]) });
  assert.throws(
    () => withFullDisk(() => writeFilesAtomic([{ path: join(dir, 'a.npy'), data: npy }, { path: join(dir, 'b.npy'), data: npy }])),
    (err: unknown) =>
      err instanceof InputError &&
      err.message === `${join(dir, 'a.npy')}: cannot be written (ENOSPC: no space left on the device); files already there are unchanged`,
  );
  assert.equal(readFileSync(join(dir, 'a.npy'), 'utf8'), 'old a');
  assert.equal(readFileSync(join(dir, 'b.npy'), 'utf8'), 'old b');
  assert.deepEqual(readdirSync(dir).sort(), ['a.npy', 'b.npy']);
});

test('train into a full disk (a 64 KiB tmpfs): exit 2, one line, the previous model intact, no temp files', (t) => {
  const mount = join(scratch, 'tmpfs');
  mkdirSync(mount);
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mount]).status !== 0) {
    t.skip('mounting a tmpfs needs root; the injected ENOSPC above covers the writer');
    return;
  }
  t.after(() => spawnSync('umount', [mount]));
  const data = join(scratch, 'tiny-data');
  writeNpy(join(data, 'X_train.npy'), { dtype: 'float64', shape: [4, 5, 1], data: Float64Array.from({ length: 20 }, (_, i) => Math.cos(i)) });
  const out = join(mount, 'run');
  const common = ['train', '--data', data, '--out', out, '--epochs', '1', '--threads', '1', '--json'];
  const first = run(...common, '--latent', '2');
  assert.equal(first.status, 0, first.stderr);
  const before = new Map(readdirSync(out).map((f) => [f, readFileSync(join(out, f))]));

  // latent 64: its weights file alone is about 217 KB
  const full = run(...common, '--latent', '64', '--force');
  assertOneLineExit2(full, /^lstm-ae: .*run: cannot save the model \(ENOSPC: no space left on the device\); the model already there \(.*run\/model\.json\) is unchanged$/);
  // the set in the folder, file for file and byte for byte, and nothing else (model-set.ts)
  assert.deepEqual(new Map(readdirSync(out).map((f) => [f, readFileSync(join(out, f))])), before);
});

test('train with a dangling --validation link reports it instead of training without validation', () => {
  const data = join(scratch, 'dangling-test');
  writeNpy(join(data, 'X_train.npy'), { dtype: 'float64', shape: [4, 5, 1], data: new Float64Array(20) });
  symlinkSync(join(data, 'gone.npy'), join(data, 'X_test.npy'));
  const validation = ['--validation', join(data, 'X_test.npy')];
  assertOneLineExit2(run('train', '--data', data, ...validation, '--out', join(scratch, 'dangling-run'), '--epochs', '1'), /X_test\.npy: file not found/);
});
