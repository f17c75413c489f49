import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../src/input-error.js';
import { encodeNpy } from '../src/io/npy.js';
import { formatOfPath, readSeries } from '../src/io/read-series.js';
import { seriesLength, type SeriesSet } from '../src/io/series-set.js';
import { MASK_VALUE, readModelInput, readTrainingData } from '../src/io/training-data.js';
import { isRagged } from '../src/train/sequences.js';
import { parseCsvSeries } from '../src/io/readers/csv.js';
import { finishSeries } from '../src/io/readers/missing-values.js';
import { seriesFromNpy } from '../src/io/readers/npy-series.js';
import { parseTs } from '../src/io/readers/sktime-ts.js';
import { parseUcrTsv } from '../src/io/readers/ucr-tsv.js';

const fixture = (path: string) => new URL(`../../test/fixtures/${path}`, import.meta.url).pathname;

/** What plain Python read from the UCR fixtures (fixtures/sources/make_ucr_reference.py). */
interface Reference {
  count: number;
  channels: number;
  labels: string[];
  lengths: number[];
  sum: number;
  values: { at: [number, number, number]; value: number }[];
}
const reference = JSON.parse(readFileSync(fixture('ucr-reference.json'), 'utf8')) as Record<string, Reference>;

/** Checks `set` against Python's figures: counts, labels, every length, the float64 sum in row-major order, probed values. */
function assertMatchesReference(set: SeriesSet, name: string): void {
  const ref = reference[name];
  assert.ok(ref, `no reference for ${name}`);
  assert.equal(set.series.length, ref.count, `${name}: series`);
  assert.equal(set.channels, ref.channels, `${name}: channels`);
  assert.deepEqual(set.labels, ref.labels, `${name}: labels`);
  assert.deepEqual(set.series.map((_, i) => seriesLength(set, i)), ref.lengths, `${name}: lengths`);
  let sum = 0;
  for (const s of set.series) for (const v of s) sum += v;
  assert.equal(sum, ref.sum, `${name}: sum of every value`);
  for (const { at, value } of ref.values) {
    const [n, t, c] = at;
    assert.equal(set.series[n]?.[t * set.channels + c], value, `${name}: value at [${at.join(', ')}]`);
  }
}

/** `body` throws an InputError of one line that starts with `source` and matches `pattern`. */
function assertInputError(body: () => unknown, source: string, pattern: RegExp): void {
  assert.throws(body, (err: unknown) => {
    assert.ok(err instanceof InputError, `expected an InputError, got ${String(err)}`);
    assert.ok(!err.message.includes('\n'), `one line: ${err.message}`);
    assert.ok(err.message.startsWith(`${source}: `), `names ${source}: ${err.message}`);
    assert.match(err.message, pattern);
    return true;
  });
}

function withTempDir(body: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'readers-'));
  try {
    body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- the UCR/UEA archive's files (fixtures/ucr, copied from shared/data) ----

test('ArrowHead: the .ts and the .tsv give the same 36 series of 251 steps and the same 3 classes, as Python reads them', () => {
  const ts = readSeries(fixture('ucr/ArrowHead_TRAIN.ts'));
  const tsv = readSeries(fixture('ucr/ArrowHead_TRAIN.tsv'));
  assertMatchesReference(ts, 'ArrowHead_TRAIN.ts');
  assertMatchesReference(tsv, 'ArrowHead_TRAIN.tsv');
  assert.deepEqual(tsv.series, ts.series);
  assert.deepEqual(tsv.labels, ts.labels);
  assert.equal(ts.series.length, 36);
  assert.ok(ts.series.every((_, i) => seriesLength(ts, i) === 251));
  assert.deepEqual([...new Set(ts.labels)].sort(), ['0', '1', '2']);
  assert.equal(ts.series[0]?.[0], -1.9630089);
});

test('BasicMotions: 40 series of 100 steps, 6 channels interleaved row-major, the 4 class names as spelled', () => {
  const set = readSeries(fixture('ucr/BasicMotions_TRAIN.ts'));
  assertMatchesReference(set, 'BasicMotions_TRAIN.ts');
  assert.equal(set.channels, 6);
  assert.equal(set.series.length, 40);
  assert.ok(set.series.every((s) => s.length === 600));
  assert.deepEqual([...new Set(set.labels)].sort(), ['Badminton', 'Running', 'Standing', 'Walking']);
  // line 14 of the file: channel 0 starts 0.079106, channel 5 (the sixth ':' field) starts 0.633883
  assert.equal(set.series[0]?.[0], 0.079106);
  assert.equal(set.series[0]?.[5], 0.633883);
});

test('PLAID: 537 unequal-length series from 100 to 1344 steps, every length and value as Python reads them', () => {
  const set = readSeries(fixture('ucr/PLAID_TRAIN.ts'));
  assertMatchesReference(set, 'PLAID_TRAIN.ts');
  const lengths = set.series.map((_, i) => seriesLength(set, i));
  assert.equal(Math.min(...lengths), 100);
  assert.equal(Math.max(...lengths), 1344);
  assert.equal(lengths.reduce((a, b) => a + b, 0), 173858);
  assert.equal(set.labels?.filter((l) => l === '10').length, 13);
});

// ---- the missing-value rules ----

test('missing values: trailing ones shorten the series, interior ones are interpolated, leading ones take the first real value', () => {
  const place = { where: 'x', channel: (c: number) => `channel ${c}` };
  const NaN = Number.NaN;
  assert.deepEqual(finishSeries([[NaN, NaN, 3, NaN, NaN, 9, NaN, NaN]], place), new Float64Array([3, 3, 3, 5, 7, 9]));
  assert.deepEqual(finishSeries([[1, NaN, 2]], place), new Float64Array([1, 1.5, 2]));
  // two channels, different raw counts, same real end; row-major (t, c)
  assert.deepEqual(finishSeries([[1, 2, NaN], [NaN, 4]], place), new Float64Array([1, 4, 2, 4]));
  assertInputError(() => finishSeries([[1, 2, 3], [1, 2, NaN]], place), 'x', /channel 0 ends after 3 steps but channel 1 after 2 .*same step/);
  assertInputError(() => finishSeries([[NaN, NaN]], place), 'x', /every value of the series is missing/);
  assertInputError(() => finishSeries([[1, 2], [NaN, NaN]], place), 'x', /every value of channel 1 is missing/);
  assertInputError(() => finishSeries([[5, NaN, NaN]], place), 'x', /only 1 step .*expected at least 2/);
});

test('hand-made .ts: 2 channels, unequal lengths, ? tails dropped and ? gaps filled, blank line skipped', () => {
  const set = readSeries(fixture('readers/unequal-multivariate.ts'));
  assert.equal(set.channels, 2);
  assert.deepEqual(set.labels, ['up', 'down', 'up']);
  assert.deepEqual(set.series, [
    new Float64Array([1, 10, 2, 20, 3, 30, 4, 40]),
    new Float64Array([1, 5, 2, 6, 3, 7, 7, 8]), // 1,?,3,7 -> 1,2,3,7 and 5,6,?,8 -> 5,6,7,8
    new Float64Array([2, 1, 2, 2, 2, 3, 4, 4]), // ?,?,2,4 -> 2,2,2,4
  ]);
});

test('hand-made .tsv: NaN and empty tails make shorter series, a NaN gap is interpolated', () => {
  const set = readSeries(fixture('readers/unequal.tsv'));
  assert.equal(set.channels, 1);
  assert.deepEqual(set.labels, ['a', 'b', 'a']);
  assert.deepEqual(set.series, [new Float64Array([1, 2, 3]), new Float64Array([0.5, 1, 1.5]), new Float64Array([4, 5, 6, 7, 8])]);
  // the same series written as a .ts file read the same
  const ts = parseTs('@classLabel true a b\n@data\n1,2,3,?,?:a\n0.5,?,1.5:b\n4,5,6,7,8:a\n', 'same.ts');
  assert.deepEqual(ts.series, set.series);
  assert.deepEqual(ts.labels, set.labels);
});

test('hand-made .csv: label column by name, a quoted label with a comma, empty cells and NaN at the end, short rows', () => {
  const set = readSeries(fixture('readers/series.csv'), { labelColumn: 'kind' });
  assert.deepEqual(set.labels, ['walk', 'run, fast', 'walk', 'stand']);
  assert.deepEqual(set.series, [
    new Float64Array([0.5, 1, 1.5, 2, 2.5]),
    new Float64Array([1, 2, 3]),
    new Float64Array([-1, -2, -3]),
    new Float64Array([7, 7, 8]),
  ]);
  // the same by index; without a label column the header is still found and the set has no labels
  assert.deepEqual(readSeries(fixture('readers/series.csv'), { labelColumn: 0 }).labels, set.labels);
  assertInputError(() => readSeries(fixture('readers/series.csv')), fixture('readers/series.csv'), /line 2: 'walk' in column 0 \('kind'\) is not a number/);
});

test('CSV header detection: a numeric first row is data, words are a header, `header` overrides', () => {
  const noHeader = parseCsvSeries('1,2,3\n4,5,6\n', 'a.csv');
  assert.deepEqual(noHeader.series, [new Float64Array([1, 2, 3]), new Float64Array([4, 5, 6])]);
  assert.equal(noHeader.labels, undefined);
  assert.deepEqual(parseCsvSeries('t0,t1,t2\n4,5,6\n', 'b.csv').series, [new Float64Array([4, 5, 6])]);
  // pandas writes step indices as column names: numbers, so only `header: true` says it is a header
  assert.deepEqual(parseCsvSeries('y,0,1,2\na,4,5,6\n', 'c.csv', { labelColumn: 0, header: true }).labels, ['a']);
  assert.deepEqual(parseCsvSeries('0,1,2\n4,5,6\n', 'd.csv', { header: true }).series, [new Float64Array([4, 5, 6])]);
  // labels given as numbers stay strings, as spelled
  assert.deepEqual(parseCsvSeries('1,2,3\n-1,5,6\n', 'e.csv', { labelColumn: 0 }).labels, ['1', '-1']);
  // CRLF line ends and a byte-order mark
  assert.deepEqual(parseCsvSeries('\ufefflabel,a,b\r\nx,1,2\r\n', 'f.csv', { labelColumn: 'label' }).series, [new Float64Array([1, 2])]);
});

test('hand-made .npy (numpy-written): (N, T, D) float32 with NaN tails and gaps, (N, T) float64, labels from .npy or text', () => {
  const cube = readSeries(fixture('readers/unequal-3d.npy'));
  assert.equal(cube.channels, 2);
  assert.equal(cube.labels, undefined);
  assert.deepEqual(cube.series, [
    new Float64Array([0.5, -1, 1, -2, 1.5, -3, 2, -4, 2.5, -5]),
    new Float64Array([1, 4, 1.5, 5, 2, 6]),
    new Float64Array([0.25, 8, 0.25, 9, 0.75, 10, 1.25, 11]),
  ]);
  assert.deepEqual(readSeries(fixture('readers/unequal-3d.npy'), { labelsPath: fixture('readers/unequal-3d-labels.npy') }).labels, ['3', '1', '3']);
  assert.deepEqual(readSeries(fixture('readers/unequal-3d.npy'), { labelsPath: fixture('readers/unequal-3d-labels.txt') }).labels, ['walk', 'run', 'walk']);
  const flat = readSeries(fixture('readers/univariate-2d.npy'));
  assert.equal(flat.channels, 1);
  assert.deepEqual(flat.series, [new Float64Array([0.1, 0.2, 0.3, 0.4]), new Float64Array([5, 6])]);
});

// ---- dispatch ----

test('readSeries picks the reader by extension, in any case; `format` overrides it', () => {
  assert.deepEqual(['a.ts', 'b.TSV', 'c.Csv', 'd.npy', 'e.txt', 'f'].map(formatOfPath), ['ts', 'tsv', 'csv', 'npy', undefined, undefined]);
  withTempDir((dir) => {
    const renamed = join(dir, 'arrowhead.txt');
    copyFileSync(fixture('ucr/ArrowHead_TRAIN.ts'), renamed);
    assertInputError(() => readSeries(renamed), renamed, /cannot tell the format from the extension '\.txt'; expected \.ts, \.tsv, \.csv or \.npy/);
    const set = readSeries(renamed, { format: 'ts' });
    assert.deepEqual(set.series, readSeries(fixture('ucr/ArrowHead_TRAIN.ts')).series);
    assert.equal(set.source, renamed);
    // the .ts file read as a .tsv stops at its first line that is not label<TAB>values
    assertInputError(() => readSeries(renamed, { format: 'tsv' }), renamed, /line 1: no tab after/);
  });
});

test('readSeries: option and labels-file errors are InputErrors naming the file', () => {
  const ts = fixture('ucr/ArrowHead_TRAIN.ts');
  const npy = fixture('readers/unequal-3d.npy');
  assertInputError(() => readSeries(ts, { labelColumn: 0 }), ts, /a label column applies to CSV files only; this file is read as ts/);
  assertInputError(() => readSeries(npy, { header: true }), npy, /a header option applies to CSV files only/);
  assertInputError(() => readSeries(ts, { labelsPath: fixture('readers/unequal-3d-labels.txt') }), ts, /has labels of its own/);
  assertInputError(() => readSeries(fixture('readers/univariate-2d.npy'), { labelsPath: fixture('readers/unequal-3d-labels.txt') }), fixture('readers/unequal-3d-labels.txt'), /3 labels for the 2 series of .*univariate-2d\.npy; expected one label per series/);
  assertInputError(() => readSeries(npy, { labelsPath: '/nonexistent/labels.txt' }), '/nonexistent/labels.txt', /file not found; expected a labels file/);
  assertInputError(() => readSeries('/nonexistent/x.ts'), '/nonexistent/x.ts', /file not found; expected a \.ts time-series file/);
  assertInputError(() => readSeries('/nonexistent/x.csv'), '/nonexistent/x.csv', /file not found/);
  withTempDir((dir) => {
    const blank = join(dir, 'labels.txt');
    writeFileSync(blank, 'a\n\nb\nc\n\n');
    assertInputError(() => readSeries(npy, { labelsPath: blank }), blank, /line 2 is blank; expected one label per line/);
    const floats = join(dir, 'labels.npy');
    writeFileSync(floats, encodeNpy({ dtype: 'float64', shape: [3], data: new Float64Array([1, 2.5, 3]) }));
    assertInputError(() => readSeries(npy, { labelsPath: floats }), floats, /label 2\.5 at index \[1\] is not a whole number/);
    writeFileSync(floats, encodeNpy({ dtype: 'float64', shape: [3], data: new Float64Array([1, 2, 1]) }));
    assert.deepEqual(readSeries(npy, { labelsPath: floats }).labels, ['1', '2', '1']);
  });
});

// ---- bad input, format by format: one InputError line naming the file, the line or series, and what was expected ----

const TS_HEAD = '@problemName t\n@univariate true\n@classLabel true a b\n@data\n';

test('.ts errors name the line', () => {
  const cases: [string, RegExp][] = [
    [TS_HEAD, /no series after @data \(line 4\)/],
    ['@problemName t\n1,2,3\n', /line 2: expected a # comment, an @ header or @data/],
    ['@problemName t\n', /no @data line/],
    ['# c\n@timeStamps true\n@data\n', /line 2: @timeStamps true \(time-stamped values\) is not supported; expected @timeStamps false/],
    ['@targetLabel true\n@data\n', /line 1: @targetLabel true \(regression targets\) is not supported/],
    ['@problemName t\n@frequency 3\n@data\n', /line 2: header @frequency is not supported; expected one of @problemName/],
    ['@univariate maybe\n@data\n', /line 1: @univariate takes true or false, got 'maybe'/],
    ['@seriesLength -3\n@data\n', /line 1: @seriesLength takes a whole number of at least 1/],
    ['@classLabel true\n@data\n', /line 1: @classLabel true needs the class names/],
    ['@univariate true\n@dimensions 3\n@data\n', /line 2: @dimensions 3 contradicts @univariate true \(line 1\)/],
    ['@data\n(0,1),(1,2)\n', /line 2: \(timestamp,value\) tuples are not supported/],
    [TS_HEAD + '1,2,3:a\n1,2,3:c\n', /line 6: class label 'c' is not one of the @classLabel names \(a, b\)/],
    [TS_HEAD + '1,2,3\n', /line 5: no ':' before the class label/],
    [TS_HEAD + '1,2,3:4,5,6:a\n', /line 5: 2 channels; expected 1 \(as @univariate true says\)/],
    ['@dimensions 2\n@classLabel true a\n@data\n1,2:3,4:a\n1,2:a\n', /line 5: 1 channel; expected 2 \(@dimensions says\)/],
    ['@classLabel false\n@data\n1,2:3,4\n1,2:3,4:5,6\n', /line 4: 3 channels; expected 2 \(as line 3 has\)/],
    [TS_HEAD + '1,x,3:a\n', /line 5: 'x' at value index 1 is not a number; expected a number, or \? for a missing value/],
    ['@dimensions 2\n@classLabel false\n@data\n1,2:3,Infinity\n', /line 4: 'Infinity' at value index 1, channel 1 is not a number/],
    [TS_HEAD + '1,2:a\n?,?,?:b\n', /line 6: every value of the series is missing/],
    [TS_HEAD + '1,?,?:a\n', /line 5: only 1 step after dropping trailing missing values; expected at least 2/],
    ['@dimensions 2\n@classLabel false\n@data\n1,2,3:4,5,?\n', /line 4: channel 0 ends after 3 steps but channel 1 after 2/],
    ['@seriesLength 3\n@classLabel false\n@data\n1,2,3\n1,2\n', /line 5: 2 values; expected 3 \(@seriesLength says\)/],
    ['@equalLength true\n@classLabel false\n@data\n1,2,3\n1,2,3,4\n', /line 5: 4 values; expected 3 \(@equalLength true and line 4 has that many\)/],
  ];
  for (const [text, pattern] of cases) assertInputError(() => parseTs(text, 'bad.ts'), 'bad.ts', pattern);
  // headers in any case, labels given as numbers, no labels at all
  const set = parseTs('@UNIVARIATE true\r\n@ClassLabel true 1 -1\r\n@DATA\r\n1,2:-1\r\n', 'ok.ts');
  assert.deepEqual([set.labels, set.series], [['-1'], [new Float64Array([1, 2])]]);
  assert.equal(parseTs('@data\n1,2\n', 'ok.ts').labels, undefined);
});

test('.tsv errors name the line', () => {
  const cases: [string, RegExp][] = [
    ['', /no series; expected one line per series/],
    ['\n\n', /no series/],
    ['1\t2\t3\n\t1\t2\n', /line 2: empty class label/],
    ['1,2,3\n', /line 1: no tab after '1,2,3'/],
    ['1\t2\tabc\n', /line 1: 'abc' in column 2 is not a number; expected a number, or NaN or nothing/],
    ['1\tNaN\t\t\n', /line 1: every value of the series is missing/],
    ['1\t2\t3\n2\t5\tNaN\n', /line 2: only 1 step/],
  ];
  for (const [text, pattern] of cases) assertInputError(() => parseUcrTsv(text, 'bad.tsv'), 'bad.tsv', pattern);
});

test('CSV errors name the line', () => {
  const cases: [string, Parameters<typeof parseCsvSeries>[2], RegExp][] = [
    ['', {}, /no rows; expected one series per row/],
    ['a,b,c\n', {}, /no rows after the header \(line 1\)/],
    ['kind,t0,t1\nx,1,2\n', { labelColumn: 'label' }, /line 1: no column named 'label' in the header; its columns are 'kind', 't0', 't1'/],
    ['1,2\n3,4\n', { labelColumn: 5 }, /line 1: no label column 5 \(0-based\): the row has 2 columns/],
    ['1,2\n3,4\n', { labelColumn: -1 }, /label column -1; expected a column name or a 0-based column index/],
    ['1,2\n3,4\n', { labelColumn: 'kind', header: false }, /label column 'kind' is a name, but the first row is not a header/],
    ['y,a,b,c\n1,x,2,3\nz\n', { labelColumn: 1 }, /line 3: no label: the row has 1 columns, the label is column 1 \('a'\)/],
    ['y,a,b\nx,1,2\n,3,4\n', { labelColumn: 'y' }, /line 3: empty label in column 0 \('y'\); expected a class label/],
    ['t0,t1,t2\n1,2,3\n4,five,6\n', {}, /line 3: 'five' in column 1 \('t1'\) is not a number; expected a number, or an empty cell or NaN/],
    ['1,2,3\n4,5,1e999\n', {}, /line 2: '1e999' in column 2 is not a number/],
    ['1,2,3\n4,"5,6\n7,8\n', {}, /line 3: Quote Not Closed.*expected CSV with one series per row/],
    ['1,2,3\n,,\n', {}, /line 2: every value of the series is missing/],
    ['1,2,3\n\n4,NaN,\n', {}, /line 3: only 1 step after dropping trailing missing values/],
  ];
  for (const [text, options, pattern] of cases) {
    assertInputError(() => parseCsvSeries(text, 'bad.csv', options), 'bad.csv', pattern);
  }
  // blank lines are skipped and do not shift the line numbers
  assertInputError(() => parseCsvSeries('1,2\n\n\n3,x\n', 'bad.csv'), 'bad.csv', /line 4: 'x' in column 1/);
});

test('.npy errors name the series or index', () => {
  const npy = (shape: number[], values: number[]) => ({ dtype: 'float64' as const, shape, data: new Float64Array(values) });
  const NaN = Number.NaN;
  const cases: [Parameters<typeof seriesFromNpy>[0], RegExp][] = [
    [{ dtype: 'int32', shape: [2, 2], data: new Int32Array(4) }, /dtype int32; expected float32 or float64 series/],
    [npy([4], [1, 2, 3, 4]), /shape \(4,\); expected \(N, T\) univariate or \(N, T, D\) multivariate series/],
    [npy([2, 2, 2, 1], new Array<number>(8).fill(1)), /shape \(2, 2, 2, 1\)/],
    [npy([0, 5], []), /shape \(0, 5\) holds no series/],
    [npy([2, 0, 3], []), /holds no values/],
    [npy([2, 3], [1, 2, 3, 4, Infinity, 6]), /value Infinity at index \[1, 1\]; expected finite numbers, or NaN/],
    [npy([2, 3], [1, 2, 3, NaN, NaN, NaN]), /series 1: every value of the series is missing/],
    [npy([1, 3, 2], [1, 1, 2, 2, 3, NaN]), /series 0: channel 0 ends after 3 steps but channel 1 after 2/],
    [npy([1, 3, 2], [1, NaN, 2, NaN, 3, NaN]), /series 0: every value of channel 1 is missing/],
    [npy([2, 3], [1, 2, 3, 4, NaN, NaN]), /series 1: only 1 step/],
  ];
  for (const [array, pattern] of cases) assertInputError(() => seriesFromNpy(array, 'bad.npy'), 'bad.npy', pattern);
  withTempDir((dir) => {
    const path = join(dir, 'garbage.npy');
    writeFileSync(path, 'not numpy');
    assertInputError(() => readSeries(path), path, /not a \.npy file/);
  });
});

// ---- found by test/fuzz-readers.test.ts ----

test('a gap between values near ±1.8e308 is filled with finite values between them (their difference overflows)', () => {
  const place = { where: 'x', channel: (c: number) => `channel ${c}` };
  const NaN = Number.NaN;
  const MAX = Number.MAX_VALUE;
  // the midpoint of -MAX and MAX is 0; before the fix the gap held Infinity
  assert.deepEqual(finishSeries([[-MAX, NaN, MAX]], place), new Float64Array([-MAX, 0, MAX]));
  // 0 to 1.5e308 over 3 steps: 0.5e308 and 1e308 (2 * 1.5e308 overflowed before the division)
  const [a, b, c, d] = parseUcrTsv('x\t0\tNaN\tNaN\t1.5e308\n', 'big.tsv').series[0]!;
  assert.deepEqual([a, d], [0, 1.5e308]);
  assert.ok(Math.abs(b! - 0.5e308) <= 1e293 && Math.abs(c! - 1e308) <= 1e293, `${b}, ${c}`);
  // every reader fills the same way: .ts, CSV and .npy too
  assert.deepEqual(parseTs('@data\n-1.7976931348623157e308,?,1.7976931348623157e308\n', 'big.ts').series, [new Float64Array([-MAX, 0, MAX])]);
  assert.deepEqual(parseCsvSeries('-1.7976931348623157e308,,1.7976931348623157e308\n', 'big.csv').series, [new Float64Array([-MAX, 0, MAX])]);
  assert.deepEqual(seriesFromNpy({ dtype: 'float64', shape: [1, 3], data: new Float64Array([-MAX, NaN, MAX]) }, 'big.npy').series, [new Float64Array([-MAX, 0, MAX])]);
});

test('many short series beside one of 10,000 steps stay ragged: their real steps, not 4.3 billion padded values', () => {
  withTempDir((dir) => {
    // 430,001 series padded to 10,000 steps would make 4,300,010,000 values, more than a Float32Array holds (2^32)
    const path = join(dir, 'many.tsv');
    writeFileSync(path, 'a\t1\t2\n'.repeat(430_000) + `b${'\t1'.repeat(10_000)}\n`);
    const data = readTrainingData(path, undefined);
    assert.deepEqual([data.timesteps, data.channels, data.masked], [10_000, 1, true]);
    // and a model of 10,000 steps takes them the same way
    for (const x of [data.x, readModelInput(path, { timesteps: 10_000, inputDim: 1, maskValue: MASK_VALUE }, 'the model')]) {
      assert.ok(isRagged(x));
      assert.equal(x.data.length, 430_000 * 2 + 10_000);
      assert.deepEqual([x.lengths.length, x.lengths[0], x.lengths[430_000]], [430_001, 2, 10_000]);
    }
  });
});

test('a message quoting a huge line keeps its start (the file and line) and end, and stays short', () => {
  const long = new InputError(`data.ts: line 7: ${'x'.repeat(200_000)}; expected a number`);
  assert.ok(long.message.length <= 1000, `${long.message.length} characters`);
  assert.match(long.message, /^data\.ts: line 7: x+ … \(\d+ characters left out\) … x+; expected a number$/);
  assert.equal(new InputError('short').message, 'short');
});
