import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeNpy, parseNpy, type NpyArray } from '../src/io/npy.js';
import { readNpy, writeNpy } from '../src/io/npy-file.js';
import { InputError } from '../src/input-error.js';
import { numpySkipReason, runPython } from './python.js';
import { skipWhenMissing } from './optional-checker.js';

const noNumpy = skipWhenMissing(numpySkipReason());

const samples: Record<string, NpyArray> = {
  float64: { dtype: 'float64', shape: [2, 3, 1], data: new Float64Array([0.1, -0, Number.NaN, Infinity, -1e-308, 5e-324]) },
  float32: { dtype: 'float32', shape: [4], data: new Float32Array([1.5, -2.25, 3.4028234663852886e38, 1e-45]) },
  int64: { dtype: 'int64', shape: [3, 1], data: new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n, 0n]) },
  int32: { dtype: 'int32', shape: [2, 2], data: new Int32Array([-(2 ** 31), 2 ** 31 - 1, 0, 7]) },
  scalar: { dtype: 'float64', shape: [], data: new Float64Array([3.25]) },
  empty: { dtype: 'int32', shape: [0, 4], data: new Int32Array(0) },
};

test('encode then parse gives back each dtype, shape and every bit of the data', () => {
  for (const [name, array] of Object.entries(samples)) {
    const bytes = encodeNpy(array);
    const dataOffset = bytes.length - array.data.byteLength;
    assert.equal(dataOffset % 64, 0, `${name}: data starts on a multiple of 64`);
    assert.equal(bytes[dataOffset - 1], 0x0a, `${name}: the header ends with a newline`);
    const back = parseNpy(bytes, `${name}.npy`);
    assert.equal(back.dtype, array.dtype, name);
    assert.deepEqual(back.shape, array.shape, name);
    assert.equal(back.data.constructor, array.data.constructor, name);
    assert.deepEqual(new Uint8Array(back.data.buffer, back.data.byteOffset, back.data.byteLength), new Uint8Array(array.data.buffer), name);
  }
});

test('the header is what np.save writes for a (17802, 100, 1) float64 array', () => {
  const bytes = encodeNpy({ dtype: 'float64', shape: [17802, 100, 1], data: new Float64Array(1780200) });
  const header = Buffer.from(bytes.subarray(0, 128)).toString('latin1');
  assert.equal(
    header,
    "\x93NUMPY\x01\x00v\x00{'descr': '<f8', 'fortran_order': False, 'shape': (17802, 100, 1), }" + ' '.repeat(49) + '\n',
  );
});

test('encodeNpy refuses data that does not match its dtype or shape', () => {
  assert.throws(() => encodeNpy({ dtype: 'float64', shape: [3], data: new Float64Array(2) }), /shape \(3,\) holds 3 values, data has 2/);
  assert.throws(() => encodeNpy({ dtype: 'int64', shape: [2], data: new Float64Array(2) }), /needs a BigInt64Array/);
});

/** Files numpy 1.24 wrote (fixtures/sources/make_numpy_npy_files.py). */
const numpyFile = (name: string) => new URL(`../../test/fixtures/numpy-npy/${name}.npy`, import.meta.url).pathname;

test('what we write is byte for byte what np.save writes, for every dtype and shape (fixture)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'npy-'));
  try {
    for (const [name, array] of Object.entries(samples)) {
      writeNpy(join(dir, `${name}.npy`), array);
      assert.deepEqual(readFileSync(join(dir, `${name}.npy`)), readFileSync(numpyFile(`save-${name}`)), name);
    }
    assert.deepEqual(readdirSync(dir).sort(), Object.keys(samples).map((n) => `${n}.npy`).sort(), 'no temp files left');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('we read what numpy writes: 0-d, 1-d, 3-d, int64 extremes, format 2.0 (fixture)', () => {
  assert.deepEqual(readNpy(numpyFile('read-scalar')), { dtype: 'float64', shape: [], data: new Float64Array([3.25]) });
  assert.deepEqual(readNpy(numpyFile('read-ints')), { dtype: 'int32', shape: [7], data: new Int32Array([-3, -2, -1, 0, 1, 2, 3]) });
  const cube = readNpy(numpyFile('read-cube'));
  assert.equal(cube.dtype, 'float32');
  assert.deepEqual(cube.shape, [2, 3, 4]);
  assert.deepEqual(cube.data, Float32Array.from({ length: 24 }, (_, i) => Math.fround(i / 7)));
  assert.deepEqual(readNpy(numpyFile('read-extremes')).data, new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n, 0n]));
  assert.deepEqual(readNpy(numpyFile('read-v2')).data, new Float64Array([0, 0.25, 0.5, 0.75, 1]));
});

test('numpy loads what we write with the right dtype, shape and values (live, with this machine\'s numpy)', { skip: noNumpy }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'npy-'));
  try {
    for (const [name, array] of Object.entries(samples)) writeNpy(join(dir, `${name}.npy`), array);
    const report = JSON.parse(
      runPython(
        `
import json, sys, os, numpy as np
out = {}
for name in sorted(os.listdir(sys.argv[1])):
    a = np.load(os.path.join(sys.argv[1], name))
    out[name[:-4]] = dict(dtype=a.dtype.str, shape=list(a.shape), c=bool(a.flags.c_contiguous), hex=a.tobytes().hex())
print(json.dumps(out))
`,
        undefined,
        [dir],
      ),
    ) as Record<string, { dtype: string; shape: number[]; c: boolean; hex: string }>;
    const descr = { float64: '<f8', float32: '<f4', int64: '<i8', int32: '<i4' };
    for (const [name, array] of Object.entries(samples)) {
      const seen = report[name]!;
      assert.equal(seen.dtype, descr[array.dtype], name);
      assert.deepEqual(seen.shape, array.shape, name);
      assert.ok(seen.c, `${name}: C order`);
      assert.equal(seen.hex, Buffer.from(array.data.buffer).toString('hex'), `${name}: values`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A .npy file with any header text, data bytes and version, as a broken writer might make it. */
function handMade(header: string, data: Uint8Array, version: [number, number] = [1, 0]): Uint8Array {
  const padded = header.padEnd(118, ' ') + '\n';
  const prefix = [0x93, ...Buffer.from('NUMPY'), version[0], version[1], padded.length & 0xff, padded.length >> 8];
  return new Uint8Array([...prefix, ...Buffer.from(padded, 'latin1'), ...data]);
}
const header = (descr: string, shape: string, fortran = 'False') => `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape}, }`;
const eightBytes = new Uint8Array(16);

test('every malformed file gives a one-line InputError that names the file and the problem', () => {
  const cases: Array<[string, Uint8Array, RegExp]> = [
    ['bad magic', new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]), /not a \.npy file/],
    ['empty file', new Uint8Array(0), /not a \.npy file/],
    ['version 4.0', handMade(header('<f8', '(2,)'), eightBytes, [4, 0]), /version 4\.0 is not supported: expected 1\.0/],
    ['Fortran order', handMade(header('<f8', '(2,)', 'True'), eightBytes), /Fortran-ordered arrays are not supported/],
    ['int16', handMade(header('<i2', '(8,)'), eightBytes), /dtype '<i2' is not supported; supported: <f8 \(float64\), <f4 \(float32\), <i8 \(int64\), <i4 \(int32\)/],
    ['structured', handMade("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (2,), }", eightBytes), /is not supported \(a structured dtype\?\)/],
    ['big-endian', handMade(header('>f8', '(2,)'), eightBytes), /big-endian dtype '>f8' is not supported: save it little-endian/],
    ['truncated data', handMade(header('<f8', '(3,)'), eightBytes), /data is 16 bytes but shape \(3,\) of <f8 needs 24 \(truncated\)/],
    ['too long', handMade(header('<f4', '(3,)'), eightBytes), /data is 16 bytes but shape \(3,\) of <f4 needs 12 \(extra bytes after the data\)/],
    ['unclosed tuple', handMade(header('<f8', '(2,'), eightBytes), /malformed \.npy header \(unexpected ',' at character 53\)/],
    ['missing key', handMade("{'descr': '<f8', 'shape': (2,), }", eightBytes), /expected the keys descr, fortran_order, shape, got descr, shape/],
    ['negative shape', handMade(header('<f8', '(-2,)'), eightBytes), /shape must be a tuple of non-negative integers/],
    ['header past the end', handMade(header('<f8', '(2,)'), eightBytes).subarray(0, 40), /truncated \.npy header/],
  ];
  for (const [what, bytes, message] of cases) {
    assert.throws(
      () => parseNpy(bytes, 'data/broken.npy'),
      (err: unknown) => err instanceof InputError && err.message.startsWith('data/broken.npy: ') && message.test(err.message) && !err.message.includes('\n'),
      what,
    );
  }
  // Python 2's long suffix in old files still reads
  assert.deepEqual(parseNpy(handMade(header('<f8', '(2L,)'), eightBytes), 'old.npy').shape, [2]);
});

test('readNpy: a missing file or a directory is an InputError naming the path', () => {
  const dir = mkdtempSync(join(tmpdir(), 'npy-'));
  try {
    const missing = join(dir, 'missing.npy');
    assert.throws(() => readNpy(missing), (err: unknown) => err instanceof InputError && err.message === `${missing}: file not found; expected a .npy file`);
    assert.throws(() => readNpy(dir), (err: unknown) => err instanceof InputError && err.message.startsWith(`${dir}: is a directory`));
    const broken = join(dir, 'broken.npy');
    writeFileSync(broken, 'hello');
    assert.throws(() => readNpy(broken), (err: unknown) => err instanceof InputError && err.message.startsWith(`${broken}: not a .npy file`));
    assert.deepEqual(readFileSync(broken, 'utf8'), 'hello');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
