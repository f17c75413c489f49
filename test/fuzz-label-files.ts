/**
 * Labels files fuzzed harder than fuzz-series-readers.ts does, for test/fuzz-detect.test.ts
 * (run in its worker): NUL bytes in labels, labels past MAX_LABEL_CHARS, lines past the line
 * limit, a hundred thousand lines, binary junk, and .npy labels of every dtype a writer might
 * use (bool, unsigned, big-endian, float16, strings, objects, NaN and infinite floats, 0-D
 * and 2-D). Read by readLabelsFile (what classify and readSeries use) and by parseLabels on
 * the bytes (the core, as a browser upload is read). Each ends in labels that are names
 * (non-empty, trimmed, one line; from readLabelsFile also no NUL and at most MAX_LABEL_CHARS)
 * or one InputError line naming the file.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { MAX_LABEL_CHARS, TEXT_LIMITS } from '../src/limits.js';
import { encodeNpy } from '../src/io/npy.js';
import { readLabelsFile } from '../src/io/read-series.js';
import { parseLabels } from '../src/io/readers/labels-file.js';
import { announce, attempt, check, mutate, mutation, namesFile, tally } from './fuzz-support.js';

export interface LabelRuns {
  labelText: number;
  labelNpy: number;
}

/** A .npy of any header: `descr`, shape and raw data as a writer of another library might give. */
function npyBytes(descr: string, shape: string, data: Uint8Array): Uint8Array {
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const out = Buffer.alloc(10 + header.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  out.writeUInt16LE(header.length, 8);
  out.write(header, 10, 'latin1');
  return Buffer.concat([out, data]);
}

const labelText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('a', 'cat', '1', ' 2 ', 'ŝ', '😀', '-1', 'class 3'),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom('a\u0000b', '\u0000', 'x\u0000', '\u0000\u0000\u0000'), // NUL bytes
  fc.integer({ min: MAX_LABEL_CHARS - 2, max: MAX_LABEL_CHARS + 2 }).map((n) => 'L'.repeat(n)), // about the label limit
  fc.constantFrom(100_000, 400_000).map((n) => 'h'.repeat(n)), // huge labels
);

const textFile: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.array(labelText, { minLength: 1, maxLength: 20 }), fc.constantFrom('\n', '\r\n', '\r')).map(([labels, eol]) => Buffer.from(labels.join(eol) + eol)) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 50_000, max: 100_000 }), fc.constantFrom('a', 'b\u0000')).map(([n, l]) => Buffer.from(`${l}\n`.repeat(n))) }, // many lines
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 2000 }) }, // binary junk
  { weight: 1, arbitrary: fc.tuple(fc.array(labelText, { minLength: 1, maxLength: 6 }), fc.array(mutation, { minLength: 1, maxLength: 4 })).map(([labels, m]) => mutate(Buffer.from(labels.join('\n')), m)) },
);

const DESCRS = ['<f8', '<f4', '<f2', '<i8', '<i4', '<i2', '|i1', '<u8', '<u4', '|u1', '|b1', '>i4', '>f8', '<U3', '|S3', '|O', '<c16', '<M8[D]', 'V8'];
const npyFile: fc.Arbitrary<Uint8Array> = fc.oneof(
  // a valid header of a dtype a writer might use, with data of about the right size
  fc.tuple(fc.constantFrom(...DESCRS), fc.constantFrom('(4,)', '()', '(2, 2)', '(0,)', '(1,)', '(3000000000,)'), fc.uint8Array({ maxLength: 80 })).map(([d, s, data]) => npyBytes(d, s, data)),
  // floats a writer might save as labels: NaN, infinities, fractions, huge whole numbers
  fc.array(fc.constantFrom(NaN, Infinity, -Infinity, 0.5, -0, 1e300, 2 ** 53 + 2, 3, -7), { minLength: 1, maxLength: 6 }).map((values) => encodeNpy({ dtype: 'float64', shape: [values.length], data: Float64Array.from(values) })),
  fc.array(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), { maxLength: 6 }).map((values) => encodeNpy({ dtype: 'int64', shape: [values.length], data: BigInt64Array.from(values) })),
  // the valid ones mutated
  fc.tuple(fc.array(fc.integer(), { minLength: 1, maxLength: 6 }), fc.array(mutation, { minLength: 1, maxLength: 4 })).map(([values, m]) => mutate(encodeNpy({ dtype: 'int32', shape: [values.length], data: Int32Array.from(values) }), m)),
);

const lineBreak = /[\n\r\u2028\u2029]/;
function checkNames(labels: string[], strict: boolean): void {
  if (!Array.isArray(labels)) throw new Error('not a list of labels');
  for (const l of labels) {
    if (typeof l !== 'string' || l === '' || l !== l.trim() || lineBreak.test(l)) throw new Error(`a label that is no name: ${JSON.stringify(l).slice(0, 80)}`);
    if (strict && (l.includes('\0') || l.length > MAX_LABEL_CHARS)) throw new Error(`accepted a label with a NUL or of ${l.length} characters`);
  }
}

/** Fuzzes labels files in `root` (an empty folder). */
export function fuzzLabelFiles(seed: number, root: string, runs: LabelRuns): void {
  const read = (name: string, bytes: Uint8Array) => {
    const path = join(root, name);
    rmSync(path, { force: true });
    writeFileSync(path, bytes);
    tally('labels file', attempt(() => readLabelsFile(path)), (labels) => checkNames(labels, true), namesFile(path));
    tally('labels bytes', attempt(() => parseLabels(bytes, name)), (labels) => checkNames(labels, false), namesFile(name));
  };
  // one line past the line limit (128 MiB): once, not per property run
  announce('labels line past the limit');
  read('labels.txt', Buffer.alloc(TEXT_LIMITS.lineBytes + 1, 'x'));
  check(
    fc.property(textFile, fc.constantFrom('labels.txt', 'y.csv', 'labels'), (bytes, name) => {
      announce('labels text');
      read(name, bytes);
    }),
    { seed, numRuns: runs.labelText, endOnFailure: true },
  );
  check(
    fc.property(npyFile, (bytes) => {
      announce('labels .npy');
      read('y.npy', bytes);
    }),
    { seed: seed + 1, numRuns: runs.labelNpy, endOnFailure: true },
  );
}
