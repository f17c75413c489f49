/**
 * The series readers and the entry points the commands use, fuzzed inside the worker of
 * test/fuzz-readers.test.ts: sktime .ts, UCR .tsv, CSV, .npy series, labels files,
 * readSeries, readTrainingData and readModelInput.
 *
 * Two kinds of input per reader. Valid sets generated with a known answer (missing values at
 * the ends and inside in every spelling, extreme finite values, CRLF, BOMs, spaces), which
 * must read back exactly: every real value as written, every filled gap between its real
 * neighbours. And the real fixtures (test/fixtures/ucr, test/fixtures/readers) and generated
 * files mutated line by line (hostile tokens, duplicated, dropped and cut lines, stray @
 * headers, tuples, wrong separators, unbalanced quotes, very long lines) and byte by byte
 * (non-UTF-8 bytes). Whatever is accepted must be a well-formed set (at least 2 steps per
 * series, whole steps of `channels` values, finite values, one label per series; float32 for
 * what the models take); whatever is rejected must be one InputError line naming the file.
 */
import { mkdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { LIMITS } from '../src/limits.js';
import { encodeNpy, parseNpy, type NpyArray, type NpyDtype } from '../src/io/npy.js';
import { readSeries, type ReadSeriesOptions, type SeriesFormat } from '../src/io/read-series.js';
import type { SeriesSet } from '../src/io/series-set.js';
import { MASK_VALUE, readModelInput, readTrainingData, type TrainingData } from '../src/io/training-data.js';
import { isRagged, type AnySequences } from '../src/train/sequences.js';
import { parseCsvSeries, type CsvSeriesOptions } from '../src/io/readers/csv.js';
import { readLabelsFile } from '../src/io/read-series.js';
import { seriesFromNpy } from '../src/io/readers/npy-series.js';
import { parseTs } from '../src/io/readers/sktime-ts.js';
import { parseUcrTsv } from '../src/io/readers/ucr-tsv.js';
import { announce, attempt, check, mutate, mutation, namesFile, tally, type Mutation } from './fuzz-support.js';

export interface SeriesRuns {
  tsValid: number;
  tsMutated: number;
  tsvValid: number;
  tsvMutated: number;
  csvValid: number;
  csvMutated: number;
  npySeriesValid: number;
  npySeriesMutated: number;
  labels: number;
  readSeries: number;
  trainingData: number;
  modelInput: number;
}

const FLOAT32_MAX = 3.4028234663852886e38;

const fixture = (path: string): Buffer => readFileSync(fileURLToPath(new URL(`../../test/fixtures/${path}`, import.meta.url)));

/** What readTextFile does to the bytes, so that the parse functions see what the file readers would. */
const decode = (bytes: Uint8Array): string => new TextDecoder('utf-8').decode(bytes);
const lineBreak = /\r\n|\n|\r/;

// ---------------------------------------------------------------- generated sets with a known answer

/** One generated series: per channel the values written (NaN where a missing value is written); every channel's last real value is at step steps - 1. */
interface GenSeries {
  steps: number;
  channels: number[][];
  label: string;
}
interface GenSet {
  channels: number;
  labelled: boolean;
  series: GenSeries[];
}

// labels every format can carry: no whitespace, ':' or '(' (.ts), no tab (.tsv)
const LABELS = ['a', 'b', 'up', 'Walking', '0', '1', '10', '-1', 'x_y', 'ünï', 'Ω'];
// labels only CSV can carry, quoted
const CSV_LABELS = [...LABELS, 'run, fast', 'say "hi"', 'two words'];

const finiteValue: fc.Arbitrary<number> = fc.oneof(
  { weight: 8, arbitrary: fc.double({ min: -1000, max: 1000, noNaN: true }) },
  { weight: 2, arbitrary: fc.integer({ min: -1e6, max: 1e6 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -0, 1e-300, 5e-324, -5e-324, FLOAT32_MAX, -FLOAT32_MAX, 1e39, -1e39, Number.MAX_VALUE, -Number.MAX_VALUE) },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
);

/** A channel of `steps` steps, about one value in five missing (never the last), then up to 3 missing values of tail. */
function genChannel(steps: number): fc.Arbitrary<number[]> {
  return fc
    .tuple(fc.array(fc.tuple(finiteValue, fc.nat({ max: 9 })), { minLength: steps, maxLength: steps }), fc.nat({ max: 3 }))
    .map(([cells, tail]) => [...cells.map(([v, m], t) => (m < 2 && t < steps - 1 ? Number.NaN : v)), ...Array<number>(tail).fill(Number.NaN)]);
}

function genSet(maxChannels: number, labels: readonly string[], labelled?: boolean): fc.Arbitrary<GenSet> {
  return fc
    .record({ channels: fc.integer({ min: 1, max: maxChannels }), n: fc.integer({ min: 1, max: 5 }), labelled: labelled === undefined ? fc.boolean() : fc.constant(labelled) })
    .chain(({ channels, n, labelled }) =>
      fc
        .array(
          fc.integer({ min: 2, max: 12 }).chain((steps) =>
            fc.record({ steps: fc.constant(steps), channels: fc.array(genChannel(steps), { minLength: channels, maxLength: channels }), label: fc.constantFrom(...labels) }),
          ),
          { minLength: n, maxLength: n },
        )
        .map((series) => ({ channels, labelled, series })),
    );
}

/** The set as float32 holds it: rounded, and clamped where float32 would overflow. */
function asFloat32(set: GenSet): GenSet {
  const f32 = (v: number) => (Number.isNaN(v) ? v : Math.max(-FLOAT32_MAX, Math.min(FLOAT32_MAX, Math.fround(v))));
  return { ...set, series: set.series.map((s) => ({ ...s, channels: s.channels.map((ch) => ch.map(f32)) })) };
}

/** Throws unless `set` is what `gen` wrote: every real value exact, every missing one between its real neighbours. */
function checkAgainst(set: SeriesSet, gen: GenSet): void {
  const D = gen.channels;
  if (set.channels !== D) throw new Error(`read ${set.channels} channels, wrote ${D}`);
  if (set.series.length !== gen.series.length) throw new Error(`read ${set.series.length} series, wrote ${gen.series.length}`);
  if (gen.labelled ? JSON.stringify(set.labels) !== JSON.stringify(gen.series.map((s) => s.label)) : set.labels !== undefined) {
    throw new Error(`read labels ${JSON.stringify(set.labels)}, wrote ${gen.labelled ? JSON.stringify(gen.series.map((s) => s.label)) : 'none'}`);
  }
  gen.series.forEach((g, n) => {
    const s = set.series[n]!;
    if (s.length !== g.steps * D) throw new Error(`series ${n}: read ${s.length / D} steps, wrote ${g.steps} real ones`);
    g.channels.forEach((written, c) => {
      for (let t = 0; t < g.steps; t++) {
        const read = s[t * D + c]!;
        const w = written[t]!;
        if (!Number.isNaN(w)) {
          if (read !== w) throw new Error(`series ${n} [${t}, ${c}]: read ${read}, wrote ${w}`);
          continue;
        }
        let before = t - 1;
        while (before >= 0 && Number.isNaN(written[before])) before--;
        let after = t + 1;
        while (Number.isNaN(written[after])) after++;
        const next = written[after]!;
        const prev = before >= 0 ? written[before]! : next;
        if (!(read >= Math.min(prev, next) && read <= Math.max(prev, next))) {
          throw new Error(`series ${n} [${t}, ${c}]: a gap between ${prev} and ${next} filled with ${read}`);
        }
      }
    });
  });
}

// ---------------------------------------------------------------- writing a generated set

/** How a file spells what the format leaves open. */
interface Style {
  eol: string;
  bom: boolean;
  /** the spelling of a missing value */
  missing: string;
  /** spaces around values */
  spaces: boolean;
  /** .ts: the optional header lines, and the case of header names */
  comment: boolean;
  univariate: boolean;
  dimensions: boolean;
  equalLength: boolean;
  classLabelFalse: boolean;
  tagCase: 'as' | 'lower' | 'upper';
  /** CSV: where the label column goes, and whether a short row stands for a missing tail */
  labelAt: number;
  shortRows: boolean;
  /** CSV header names: words (detected) or step numbers (need header: true); and whether to pass `header` when it is not needed */
  header: 'none' | 'words' | 'numbers';
  sayHeader: boolean;
  labelByName: boolean;
  quoteValues: boolean;
}

const style: fc.Arbitrary<Style> = fc.record({
  eol: fc.constantFrom('\n', '\r\n', '\r'),
  bom: fc.boolean(),
  missing: fc.constantFrom('?', 'NaN', 'nan', '', ' '),
  spaces: fc.boolean(),
  comment: fc.boolean(),
  univariate: fc.boolean(),
  dimensions: fc.boolean(),
  equalLength: fc.boolean(),
  classLabelFalse: fc.boolean(),
  tagCase: fc.constantFrom('as' as const, 'lower' as const, 'upper' as const),
  labelAt: fc.integer({ min: 0, max: 2 }),
  shortRows: fc.boolean(),
  header: fc.constantFrom('none' as const, 'words' as const, 'numbers' as const),
  sayHeader: fc.boolean(),
  labelByName: fc.boolean(),
  quoteValues: fc.boolean(),
});

function textFile(lines: string[], st: Style): Buffer {
  return Buffer.from((st.bom ? '\uFEFF' : '') + lines.join(st.eol) + st.eol);
}

function spell(v: number, st: Style, missing = st.missing): string {
  const text = Number.isNaN(v) ? missing : String(v);
  return st.spaces ? ` ${text} ` : text;
}

function tsFile(g: GenSet, st: Style): Buffer {
  const tag = (name: string) => (st.tagCase === 'lower' ? name.toLowerCase() : st.tagCase === 'upper' ? name.toUpperCase() : name);
  const head = [...(st.comment ? ['# generated by test/fuzz-series-readers.ts'] : []), `${tag('@problemName')} Fuzz`, `${tag('@timeStamps')} false`, `${tag('@missing')} true`];
  if (st.univariate) head.push(`${tag('@univariate')} ${g.channels === 1 ? 'true' : 'false'}`);
  if (st.dimensions) head.push(`${tag('@dimensions')} ${g.channels}`);
  const counts = new Set(g.series.flatMap((s) => s.channels.map((ch) => ch.length)));
  const [only] = counts;
  if (counts.size === 1 && st.equalLength) head.push(`${tag('@equalLength')} true`, `${tag('@seriesLength')} ${only}`);
  else if (counts.size > 1) head.push(`${tag('@equalLength')} false`);
  if (g.labelled) head.push(`${tag('@classLabel')} true ${[...new Set(g.series.map((s) => s.label))].join(' ')}`);
  else if (st.classLabelFalse) head.push(`${tag('@classLabel')} false`);
  head.push(tag('@data'));
  const lines = g.series.map((s) => [...s.channels.map((ch) => ch.map((v) => spell(v, st)).join(',')), ...(g.labelled ? [s.label] : [])].join(':'));
  return textFile([...head, ...lines], st);
}

function tsvFile(g: GenSet, st: Style): Buffer {
  const missing = st.missing === '?' ? 'NaN' : st.missing; // the UCR files write NaN or nothing
  return textFile(g.series.map((s) => [s.label, ...s.channels[0]!.map((v) => spell(v, st, missing))].join('\t')), st);
}

function csvCell(text: string): string {
  return /[",]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A CSV file of a univariate set and the options that read it. */
function csvFile(g: GenSet, st: Style): { bytes: Buffer; options: CsvSeriesOptions } {
  const labelAt = g.labelled ? st.labelAt : -1;
  const rows = g.series.map((s) => {
    let values = s.channels[0]!;
    if (st.shortRows) values = values.slice(0, s.steps);
    const cells = values.map((v) => (st.quoteValues && !Number.isNaN(v) ? `"${v}"` : spell(v, st)));
    if (labelAt >= 0) cells.splice(labelAt, 0, csvCell(s.label));
    return cells.join(',');
  });
  const width = Math.max(...g.series.map((s) => s.channels[0]!.length)) + (labelAt >= 0 ? 1 : 0);
  const names = Array.from({ length: width }, (_, k) => (st.header === 'numbers' ? String(k) : `t${k}`));
  if (labelAt >= 0) names[labelAt] = st.header === 'numbers' ? '-1' : 'kind';
  const options: CsvSeriesOptions = {};
  if (labelAt >= 0) options.labelColumn = st.labelByName && st.header !== 'none' ? names[labelAt]! : labelAt;
  if (st.header === 'numbers' || (st.header === 'words' && st.sayHeader)) options.header = true;
  if (st.header === 'none' && st.sayHeader) options.header = false;
  const lines = st.header === 'none' ? rows : [names.join(','), ...rows];
  return { bytes: textFile(lines, st), options };
}

function npyFile(g: GenSet, dtype: 'float32' | 'float64', flat: boolean): Buffer {
  const N = g.series.length;
  const D = g.channels;
  const T = Math.max(...g.series.flatMap((s) => s.channels.map((ch) => ch.length)));
  const data = (dtype === 'float32' ? new Float32Array(N * T * D) : new Float64Array(N * T * D)).fill(Number.NaN);
  g.series.forEach((s, n) => s.channels.forEach((ch, c) => ch.forEach((v, t) => (data[(n * T + t) * D + c] = v))));
  return Buffer.from(encodeNpy({ dtype, shape: flat && D === 1 ? [N, T] : [N, T, D], data }));
}

/** A file, the options that read it, and what it holds when it is valid. */
interface Input {
  format: SeriesFormat;
  bytes: Uint8Array;
  options: CsvSeriesOptions;
  gen?: GenSet;
  [fc.toStringMethod]?: () => string;
}

/** An Input that a failure report shows as text, not as a Buffer of bytes. */
function makeInput(format: SeriesFormat, bytes: Uint8Array, options: CsvSeriesOptions = {}, gen?: GenSet): Input {
  const shown = () => (format === 'npy' ? `${bytes.length} bytes ${Buffer.from(bytes.subarray(0, 450)).toString('base64')}` : JSON.stringify(decode(bytes.subarray(0, 600))));
  return { format, bytes, options, ...(gen ? { gen } : {}), [fc.toStringMethod]: () => `${format} file ${JSON.stringify(options)} ${shown()}` };
}

function validInput(format: SeriesFormat): fc.Arbitrary<Input> {
  if (format === 'ts') return fc.tuple(genSet(4, LABELS), style).map(([gen, st]) => makeInput(format, tsFile(gen, st), {}, gen));
  if (format === 'tsv') return fc.tuple(genSet(1, LABELS, true), style).map(([gen, st]) => makeInput(format, tsvFile(gen, st), {}, gen));
  if (format === 'csv') return fc.tuple(genSet(1, CSV_LABELS), style).map(([gen, st]) => {
    const { bytes, options } = csvFile(gen, st);
    return makeInput(format, bytes, options, gen);
  });
  return fc.tuple(genSet(3, LABELS, false), fc.constantFrom('float32' as const, 'float64' as const), fc.boolean()).map(([gen, dtype, flat]) => {
    const held = dtype === 'float32' ? asFloat32(gen) : gen;
    return makeInput(format, npyFile(held, dtype, flat), {}, held);
  });
}

// ---------------------------------------------------------------- mutating text

/** Values as a careless or hostile writer spells them. */
const HOSTILE_TOKENS = [
  '?', 'NaN', 'nan', 'NAN', '', ' ', 'Infinity', '-Infinity', 'inf', '1e39', '-1e39', '3.5e38', '1e308', '-1e308', '1.7976931348623157e308',
  '1e309', '-1e309', '1e-400', '99999999999999999999999999', '-0', '+1', '+.5', '.', '-', 'e5', '1e', '0x10', '1_000', '1,5', '١', 'a', '"', '""', "'",
  '(', ')', '(1,2)', ':', ',', '\t', ';', '@data', '@timeStamps true', '\u0000', '\uFFFD', '\uFEFF', '9'.repeat(400), `1.${'0'.repeat(400)}1`,
];

/** Whole lines that do not belong where they land. */
const HOSTILE_LINES = [
  '@timeStamps true', '@timeStamps false', '@univariate true', '@univariate false', '@dimensions 2', '@dimensions 0', '@dimensions 99999999999999999999',
  '@dimension 6', '@seriesLength 3', '@seriesLength 1e3', '@equalLength true', '@equalLength maybe', '@classLabel true 0 1 2', '@classLabel true',
  '@classLabel false', '@classLabel false a', '@targetLabel true', '@targetLabel false', '@missing true', '@problemName', '@', '@@', '@data', '@data extra',
  '@DATA', '@foo bar', '# comment', '#', '', ' ', '\t', ':', '::', ',', '?', 'NaN', '(0,1),(1,2):0', '(0,1):(1,2)', '1,2,3:0', '1,2:3,4:0', '1,2,3',
  '1\t2\t3', 'a\t1\t2', '\t1\t2', 'a\t', '"a",1,2', '"unclosed,1,2', 'a,"b""c",1,2', ',,,', '1e39,2,3:0', 'Infinity,1,2:0', '1,2,3:up', '?,?,?:0',
  `${'1,'.repeat(5000)}1:0`, `0\t${'1\t'.repeat(5000)}1`,
];

type TextEdit =
  | { op: 'token'; line: number; at: number; token: string }
  | { op: 'duplicate' | 'drop' | 'cut'; line: number; at: number }
  | { op: 'insert'; line: number; text: string }
  | { op: 'separator'; line: number; from: string; to: string }
  | { op: 'long'; line: number; times: number }
  | { op: 'char'; line: number; at: number; text: string }
  | { op: 'ending'; eol: string }
  | { op: 'bom' };

const textEdit: fc.Arbitrary<TextEdit> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('token' as const), line: fc.nat(), at: fc.nat(), token: fc.constantFrom(...HOSTILE_TOKENS) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constantFrom('duplicate' as const, 'drop' as const, 'cut' as const), line: fc.nat(), at: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('insert' as const), line: fc.nat(), text: fc.constantFrom(...HOSTILE_LINES) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('separator' as const), line: fc.nat(), from: fc.constantFrom(',', '\t', ':'), to: fc.constantFrom(';', ' ', '\t', ',', ':', '|', '') }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('long' as const),
      line: fc.nat(),
      // mostly longer lines, sometimes around the 10,000 steps a model takes
      times: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 1, max: 300 }) }, { weight: 1, arbitrary: fc.constantFrom(9_998, 9_999, 10_000, 12_000) }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('char' as const), line: fc.nat(), at: fc.nat(), text: fc.constantFrom('"', ':', ',', '\t', '(', '@', '?', '\u0000', '\uFEFF', ' ', '#', '\u2028') }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('ending' as const), eol: fc.constantFrom('\n', '\r\n', '\r') }) },
  { weight: 1, arbitrary: fc.constant({ op: 'bom' as const }) },
);

// bytes that are not UTF-8: a lone continuation, a lead byte without its continuation, an encoded surrogate, an overlong form
const nonUtf8: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constant('insert' as const),
  at: fc.nat(),
  bytes: fc.constantFrom(Uint8Array.of(0xff), Uint8Array.of(0x80), Uint8Array.of(0xc3), Uint8Array.of(0xed, 0xa0, 0x80), Uint8Array.of(0xc0, 0xaf), Uint8Array.of(0xfe, 0xff)),
});
const byteEdits: fc.Arbitrary<Mutation[]> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<Mutation[]>([]) },
  { weight: 1, arbitrary: fc.array(fc.oneof(mutation, nonUtf8), { minLength: 1, maxLength: 3 }) },
);

function editText(text: string, edits: readonly TextEdit[]): string {
  const lines = text.split(lineBreak);
  let eol = '\n';
  let bom = false;
  for (const e of edits) {
    if (e.op === 'ending') eol = e.eol;
    else if (e.op === 'bom') bom = true;
    else if (e.op === 'insert') lines.splice(e.line % (lines.length + 1), 0, e.text);
    else if (lines.length > 0) {
      const i = e.line % lines.length;
      const line = lines[i]!;
      if (e.op === 'duplicate') lines.splice(i, 0, line);
      else if (e.op === 'drop') lines.splice(i, 1);
      else if (e.op === 'cut') lines[i] = line.slice(0, e.at % (line.length + 1));
      else if (e.op === 'char') {
        const at = e.at % (line.length + 1);
        lines[i] = line.slice(0, at) + e.text + line.slice(at);
      } else if (e.op === 'separator') lines[i] = line.replaceAll(e.from, e.to);
      else if (e.op === 'token') {
        const parts = line.split(/([,:\t])/); // tokens at even indices, separators between
        parts[2 * (e.at % Math.ceil(parts.length / 2))] = e.token;
        lines[i] = parts.join('');
      } else if (e.op === 'long') {
        // the first value repeated inside the first field: one very long series (or channel)
        const sep = line.includes('\t') ? '\t' : ',';
        const k = line.indexOf(sep);
        const at = k < 0 ? line.length : k;
        const value = line.slice(0, at).split(':')[0]!.trim().slice(0, 24) || '1.5';
        lines[i] = line.slice(0, at) + `${sep}${value}`.repeat(e.times) + line.slice(at);
      }
    }
  }
  return (bom ? '\uFEFF' : '') + lines.join(eol);
}

// ---------------------------------------------------------------- seeds from the fixtures

/** A fixture split into its header (through @data, or a CSV header row) and its data lines. */
interface TextSeed {
  head: string[];
  data: string[];
}

function tsSeed(path: string): TextSeed {
  const lines = decode(fixture(path)).split(lineBreak);
  const at = lines.findIndex((line) => line.trim().toLowerCase() === '@data') + 1;
  return { head: lines.slice(0, at), data: lines.slice(at).filter((line) => line.trim() !== '') };
}

const arrowHeadTsv = decode(fixture('ucr/ArrowHead_TRAIN.tsv')).split(lineBreak).filter((line) => line !== '');
const csvFixture = decode(fixture('readers/series.csv')).split(lineBreak).filter((line) => line !== '');
const TEXT_SEEDS: Record<'ts' | 'tsv' | 'csv', TextSeed[]> = {
  ts: ['ucr/ArrowHead_TRAIN.ts', 'ucr/BasicMotions_TRAIN.ts', 'ucr/PLAID_TRAIN.ts', 'readers/unequal-multivariate.ts'].map(tsSeed),
  tsv: [{ head: [], data: arrowHeadTsv }, { head: [], data: decode(fixture('readers/unequal.tsv')).split(lineBreak).filter((line) => line !== '') }],
  // the CSV fixture, and ArrowHead's rows as CSV (label first) as pandas would write them
  csv: [{ head: csvFixture.slice(0, 1), data: csvFixture.slice(1) }, { head: [], data: arrowHeadTsv.map((line) => line.replaceAll('\t', ',')) }],
};
const CSV_SEED_OPTIONS: CsvSeriesOptions[] = [{ labelColumn: 'kind' }, { labelColumn: 0 }];

/** A few data lines of a fixture under its header. */
function fixtureSlice(format: 'ts' | 'tsv' | 'csv'): fc.Arbitrary<Input> {
  const seeds = TEXT_SEEDS[format];
  return fc.record({ seed: fc.nat({ max: seeds.length - 1 }), lines: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }) }).map(({ seed, lines }) => {
    const { head, data } = seeds[seed]!;
    const text = [...head, ...lines.map((i) => data[i % data.length]!)].join('\n') + '\n';
    return makeInput(format, Buffer.from(text), format === 'csv' ? CSV_SEED_OPTIONS[seed]! : {});
  });
}

/** CSV options as a user might get them wrong. */
const csvOptions: fc.Arbitrary<CsvSeriesOptions> = fc.record(
  { labelColumn: fc.constantFrom<string | number>(0, 1, 2, 50, -1, 1.5, 'kind', 't0', 'nope', '', ' '), header: fc.boolean() },
  { requiredKeys: [] },
);

function mutatedInput(format: SeriesFormat): fc.Arbitrary<Input> {
  if (format === 'npy') return npyMutated;
  const source = fc.oneof(fixtureSlice(format), validInput(format));
  return fc
    .tuple(source, fc.array(textEdit, { minLength: 1, maxLength: 6 }), byteEdits, format === 'csv' ? fc.option(csvOptions, { freq: 4 }) : fc.constant(null))
    .map(([input, edits, bytes, options]) => makeInput(format, mutate(Buffer.from(editText(decode(input.bytes), edits)), bytes), options ?? input.options));
}

// ---------------------------------------------------------------- mutating .npy

const NPY_FIXTURES = ['readers/unequal-3d.npy', 'readers/univariate-2d.npy', 'readers/unequal-3d-labels.npy'].map((path) => parseNpy(fixture(path), path));

/** A value written into a .npy where a series value was. */
const hostileNumber = fc.constantFrom(Number.NaN, Infinity, -Infinity, 1e39, -1e39, Number.MAX_VALUE, -0, 5e-324, FLOAT32_MAX);

const npyMutated: fc.Arbitrary<Input> = fc.oneof(
  // a fixture or a valid file, bytes mutated
  fc
    .tuple(fc.oneof(fc.constantFrom(...NPY_FIXTURES).map((a) => Buffer.from(encodeNpy(a))), validInput('npy').map((i) => i.bytes)), fc.array(mutation, { minLength: 1, maxLength: 4 }))
    .map(([bytes, edits]) => makeInput('npy', mutate(bytes, edits))),
  // values replaced: NaN where a series ends or all through it, infinities, values beyond float32
  fc
    .tuple(fc.oneof(fc.constantFrom(...NPY_FIXTURES), validInput('npy').map((i) => parseNpy(i.bytes, 'gen.npy'))), fc.array(fc.tuple(fc.nat(), hostileNumber, fc.nat({ max: 20 })), { minLength: 1, maxLength: 4 }))
    .map(([array, pokes]) => {
      const data = array.data.slice();
      if (data instanceof Float64Array || data instanceof Float32Array) {
        for (const [at, value, run] of pokes) for (let k = 0; k < run + 1 && data.length > 0; k++) data[(at + k) % data.length] = value;
      }
      return makeInput('npy', Buffer.from(encodeNpy({ ...array, data } as NpyArray)));
    }),
  // shapes and dtypes a series file must not have
  fc
    .record({ dtype: fc.constantFrom<NpyDtype>('float32', 'float64', 'int32', 'int64'), shape: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 }), value: fc.double({ min: -10, max: 10 }) })
    .map(({ dtype, shape, value }) => {
      const n = shape.reduce((a, b) => a * b, 1);
      const data =
        dtype === 'int64' ? new BigInt64Array(n).fill(BigInt(Math.round(value)))
        : dtype === 'int32' ? new Int32Array(n).fill(Math.round(value))
        : (dtype === 'float32' ? new Float32Array(n) : new Float64Array(n)).map((_, i) => value + i);
      return makeInput('npy', Buffer.from(encodeNpy({ dtype, shape, data } as NpyArray)));
    }),
);

// ---------------------------------------------------------------- checks

/** The parse function behind each format's reader, on the bytes its file would hold. */
function parseAs(format: SeriesFormat, bytes: Uint8Array, source: string, options: CsvSeriesOptions = {}): SeriesSet {
  if (format === 'npy') return seriesFromNpy(parseNpy(bytes, source), source);
  const text = decode(bytes);
  return format === 'ts' ? parseTs(text, source) : format === 'tsv' ? parseUcrTsv(text, source) : parseCsvSeries(text, source, options);
}

/** Throws unless `set` is a well-formed set read from `source`. */
function checkSet(set: SeriesSet, source: string): void {
  if (set.source !== source) throw new Error(`source ${set.source}, expected ${source}`);
  if (!Number.isSafeInteger(set.channels) || set.channels < 1) throw new Error(`${set.channels} channels`);
  if (set.series.length === 0) throw new Error('accepted a set of no series');
  set.series.forEach((s, n) => {
    if (!(s instanceof Float64Array)) throw new Error(`series ${n} is not a Float64Array`);
    if (s.length % set.channels !== 0) throw new Error(`series ${n}: ${s.length} values is not whole steps of ${set.channels} channels`);
    if (s.length / set.channels < 2) throw new Error(`series ${n}: ${s.length / set.channels} steps`);
    const bad = s.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new Error(`series ${n}: value ${s[bad]} at ${bad}`);
  });
  if (set.labels !== undefined) {
    if (set.labels.length !== set.series.length) throw new Error(`${set.labels.length} labels for ${set.series.length} series`);
    if (!set.labels.every((l) => typeof l === 'string' && l !== '')) throw new Error(`labels ${JSON.stringify(set.labels).slice(0, 200)}`);
  }
}

function sameSet(a: SeriesSet, b: SeriesSet): boolean {
  return (
    a.channels === b.channels &&
    JSON.stringify(a.labels) === JSON.stringify(b.labels) &&
    a.series.length === b.series.length &&
    a.series.every((s, n) => {
      const t = b.series[n]!;
      return s.length === t.length && s.every((v, i) => Object.is(v, t[i]));
    })
  );
}

/** Throws unless `x` is `set` as the model takes it: float32, post-padded to T with `pad`. */
function checkSequences(x: AnySequences, set: SeriesSet, T: number, pad: number): void {
  const D = set.channels;
  const N = set.series.length;
  if (isRagged(x)) {
    // unequal lengths (in this file or the other): the series as they are, end to end
    if (x.features !== D || x.lengths.length !== N || !(x.data instanceof Float32Array)) throw new Error('ragged series of the wrong features, count or type');
    let at = 0;
    set.series.forEach((s, n) => {
      if (x.lengths[n] !== s.length / D) throw new Error(`lengths[${n}] ${x.lengths[n]}, the series has ${s.length / D} steps`);
      if (s.length / D > T) throw new Error(`series ${n} of ${s.length / D} steps beyond ${T}`);
      for (let i = 0; i < s.length; i++) {
        if (!Object.is(x.data[at + i], Math.fround(s[i]!))) throw new Error(`series ${n} value ${i}: ${x.data[at + i]}, expected ${Math.fround(s[i]!)}`);
      }
      at += s.length;
    });
    if (at !== x.data.length) throw new Error(`${x.data.length} values, the series have ${at}`);
    return;
  }
  if (x.shape.join() !== [N, T, D].join()) throw new Error(`shape (${x.shape.join(', ')}), expected (${N}, ${T}, ${D})`);
  if (!(x.data instanceof Float32Array) || x.data.length !== N * T * D) throw new Error('data is not N*T*D float32 values');
  const bad = x.data.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new Error(`value ${x.data[bad]} at ${bad} is not a finite float32`);
  let unequal = false;
  set.series.forEach((s, n) => {
    const steps = s.length / D;
    if (steps > T) throw new Error(`series ${n} of ${steps} steps in windows of ${T}`);
    if (steps !== T) unequal = true;
    if (x.lengths && x.lengths[n] !== steps) throw new Error(`lengths[${n}] ${x.lengths[n]}, the series has ${steps} steps`);
    for (let i = 0; i < T * D; i++) {
      const want = i < s.length ? Math.fround(s[i]!) : pad;
      if (!Object.is(x.data[n * T * D + i], want)) throw new Error(`series ${n} value ${i}: ${x.data[n * T * D + i]}, expected ${want}`);
    }
  });
  if (unequal !== (x.lengths !== undefined)) throw new Error(`lengths ${x.lengths ? 'given' : 'missing'} for series ${unequal ? 'of unequal' : 'all of'} length`);
}

// ---------------------------------------------------------------- files

let dir = '';
let fileNumber = 0;
/** A new file each time: overwriting (truncating) one is many times slower on some file systems. */
function writeInput(name: string, bytes: Uint8Array): string {
  const path = join(dir, `${fileNumber++}-${name}`);
  writeFileSync(path, bytes);
  return path;
}
function clearFiles(): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
}

const EXTENSION: Record<SeriesFormat, string> = { ts: '.ts', tsv: '.tsv', csv: '.csv', npy: '.npy' };
const FORMATS: SeriesFormat[] = ['ts', 'tsv', 'csv', 'npy'];

const anyInput: fc.Arbitrary<Input> = fc.constantFrom(...FORMATS).chain((format) => fc.oneof(validInput(format), mutatedInput(format)));

/** A labels file: a list of labels as text or as a 1-D .npy, or something that is not one. */
type LabelsInput = { name: string; bytes: Uint8Array; expected?: string[] };

function labelsInput(count: fc.Arbitrary<number>): fc.Arbitrary<LabelsInput> {
  const ints = count.chain((n) => fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: n, maxLength: n }));
  return fc.oneof(
    // text, one label per line, with spaces, blank lines at the end, any line ending
    fc
      .tuple(count.chain((n) => fc.array(fc.constantFrom(...CSV_LABELS), { minLength: n, maxLength: n })), fc.constantFrom('\n', '\r\n', '\r'), fc.boolean(), fc.nat({ max: 2 }), fc.constantFrom('labels.txt', 'labels', 'y.TXT', 'y.csv'))
      .map(([labels, eol, bom, blanks, name]) => ({
        name,
        bytes: Buffer.from((bom ? '\uFEFF' : '') + labels.map((l) => ` ${l} `).join(eol) + eol.repeat(blanks)),
        expected: labels,
      })),
    // a 1-D .npy of whole numbers in any of the dtypes np.save gives
    fc.tuple(ints, fc.constantFrom<NpyDtype>('int64', 'int32', 'float64', 'float32'), fc.constantFrom('y.npy', 'Y.NPY')).map(([values, dtype, name]) => {
      const data =
        dtype === 'int64' ? BigInt64Array.from(values, BigInt)
        : dtype === 'int32' ? Int32Array.from(values)
        : dtype === 'float64' ? Float64Array.from(values)
        : Float32Array.from(values);
      return { name, bytes: Buffer.from(encodeNpy({ dtype, shape: [values.length], data } as NpyArray)), expected: values.map(String) };
    }),
    // labels that are not whole numbers, or not 1-D
    fc
      .tuple(fc.array(fc.oneof(fc.double(), fc.constantFrom(0.5, Number.NaN, Infinity, -0, 2 ** 60)), { minLength: 1, maxLength: 6 }), fc.constantFrom([-1], [1, -1], [-1, 1], []))
      .map(([values, shape]) => {
        const n = values.length;
        const dims = shape.length === 0 ? (n === 1 ? [] : [n]) : shape.map((d) => (d < 0 ? n : 1));
        return { name: 'y.npy', bytes: Buffer.from(encodeNpy({ dtype: 'float64', shape: dims, data: Float64Array.from(values) })) };
      }),
    // the fixtures and generated files, mutated
    fc
      .tuple(fc.constantFrom(...['readers/unequal-3d-labels.npy', 'readers/unequal-3d-labels.txt'].map((p) => ({ name: p.replace('readers/', ''), bytes: fixture(p) }))), fc.array(fc.oneof(mutation, nonUtf8), { minLength: 1, maxLength: 4 }))
      .map(([file, edits]) => ({ name: file.name, bytes: mutate(file.bytes, edits) })),
    fc.tuple(fc.constantFrom('y.txt', 'y.npy'), fc.uint8Array({ maxLength: 64 })).map(([name, bytes]) => ({ name, bytes })),
  );
}

// ---------------------------------------------------------------- the properties

function checkLabels(labels: string[], file: LabelsInput): void {
  if (!Array.isArray(labels) || !labels.every((l) => typeof l === 'string' && l !== '' && l === l.trim() && !lineBreak.test(l))) {
    throw new Error(`labels ${JSON.stringify(labels).slice(0, 200)}`);
  }
  if (file.expected && JSON.stringify(labels) !== JSON.stringify(file.expected)) throw new Error(`read ${JSON.stringify(labels)}, wrote ${JSON.stringify(file.expected)}`);
}

export function fuzzSeriesReaders(seed: number, root: string, runs: SeriesRuns): void {
  dir = join(root, 'series');
  mkdirSync(dir);
  const SOURCE: Record<SeriesFormat, string> = { ts: 'fuzz.ts', tsv: 'fuzz.tsv', csv: 'fuzz.csv', npy: 'fuzz.npy' };
  const readerName: Record<SeriesFormat, string> = { ts: 'ts', tsv: 'tsv', csv: 'csv', npy: 'npy series' };
  const valid = { ts: runs.tsValid, tsv: runs.tsvValid, csv: runs.csvValid, npy: runs.npySeriesValid };
  const mutated = { ts: runs.tsMutated, tsv: runs.tsvMutated, csv: runs.csvMutated, npy: runs.npySeriesMutated };

  FORMATS.forEach((format, k) => {
    const source = SOURCE[format];
    // generated valid files must read back as written
    check(
      fc.property(validInput(format), (input) => {
        announce(`${format} valid`);
        tally(readerName[format], attempt(() => parseAs(format, input.bytes, source, input.options)), (set) => {
          checkSet(set, source);
          if (!input.gen) throw new Error('a valid input without its answer');
          checkAgainst(set, input.gen);
        }, (error) => {
          throw new Error(`a valid file was rejected: ${error.message}`);
        });
      }),
      { seed: seed + 2 * k, numRuns: valid[format], endOnFailure: true },
    );
    check(
      fc.property(mutatedInput(format), (input) => {
        announce(`${format} mutated`);
        tally(readerName[format], attempt(() => parseAs(format, input.bytes, source, input.options)), (set) => checkSet(set, source), namesFile(source));
      }),
      { seed: seed + 2 * k + 1, numRuns: mutated[format], endOnFailure: true },
    );
  });

  check(
    fc.property(labelsInput(fc.integer({ min: 0, max: 6 })), (file) => {
      announce('labels file');
      const path = writeInput(file.name, file.bytes);
      tally('labels', attempt(() => readLabelsFile(path)), (labels) => checkLabels(labels, file), namesFile(path));
    }),
    { seed: seed + 10, numRuns: runs.labels, endOnFailure: true },
  );
  clearFiles();

  // readSeries: any file under any name, with the options and labels files a user may give
  const naming = fc.constantFrom('right', 'right', 'upper', 'format option', 'other extension', 'no extension');
  check(
    fc.property(
      anyInput,
      naming,
      fc.constantFrom(...FORMATS),
      fc.option(fc.record({ delta: fc.constantFrom(0, 0, 0, 1, -1), file: labelsInput(fc.constant(0)) }), { freq: 3 }),
      fc.boolean(),
      (input, name, other, labelsChoice, csvOptionsAnyway) => {
        announce('readSeries');
        const ext = name === 'upper' ? EXTENSION[input.format].toUpperCase() : name === 'other extension' ? EXTENSION[other] : name === 'format option' || name === 'no extension' ? '' : EXTENSION[input.format];
        const path = writeInput(`series${ext}`, input.bytes);
        const readAs = name === 'other extension' ? other : input.format;
        const options: ReadSeriesOptions = { ...(name === 'format option' ? { format: input.format } : {}), ...(readAs === 'csv' || csvOptionsAnyway ? input.options : {}) };
        const paths = [path];
        if (labelsChoice) {
          // as many labels as the file has series, give or take one
          const probe = attempt(() => parseAs(readAs, input.bytes, path, input.options));
          const count = Math.max(0, ('value' in probe ? probe.value.series.length : 3) + labelsChoice.delta);
          const labels = labelsChoice.file.expected ? Array.from({ length: count }, (_, i) => `L${i}`) : undefined;
          const file = labels ? { name: 'labels.txt', bytes: Buffer.from(labels.join('\n')) } : labelsChoice.file;
          options.labelsPath = writeInput(file.name, file.bytes);
          paths.push(options.labelsPath);
        }
        tally('readSeries', attempt(() => readSeries(path, options)), (set) => {
          checkSet(set, path);
          if (options.labelsPath !== undefined && set.labels === undefined) throw new Error('a labels file was given but the set has no labels');
          const direct = parseAs(readAs, input.bytes, path, options);
          if (!sameSet(options.labelsPath === undefined ? set : { ...set, labels: direct.labels }, direct)) throw new Error(`readSeries read differently from the ${readAs} reader`);
          if (input.gen && readAs === input.format && options.labelsPath === undefined) checkAgainst(set, input.gen);
        }, namesFile(...paths));
      },
    ),
    { seed: seed + 11, numRuns: runs.readSeries, endOnFailure: true },
  );
  clearFiles();

  // readTrainingData: a file or a folder from `lstm-ae data`, and maybe a validation file
  check(
    fc.property(anyInput, fc.option(anyInput, { freq: 2 }), fc.boolean(), (train, validation, asFolder) => {
      announce('readTrainingData');
      let data: string;
      let trainPath: string;
      if (asFolder && train.format === 'npy') {
        data = join(dir, `${fileNumber++}-data`);
        mkdirSync(data);
        trainPath = join(data, 'X_train.npy');
        writeFileSync(trainPath, train.bytes);
      } else {
        data = trainPath = writeInput(`train${EXTENSION[train.format]}`, train.bytes);
      }
      const validationPath = validation ? writeInput(`validation${EXTENSION[validation.format]}`, validation.bytes) : undefined;
      // CSV options apply to both files: give them only when every file is CSV
      const options = train.format === 'csv' && (!validation || validation.format === 'csv') ? train.options : {};
      tally('readTrainingData', attempt(() => readTrainingData(data, validationPath, options)), (got: TrainingData) => {
        const set = readSeries(trainPath, options);
        const vset = validationPath === undefined ? undefined : readSeries(validationPath, options);
        const longest = (s: SeriesSet) => Math.max(...s.series.map((x) => x.length / s.channels));
        const T = Math.max(longest(set), vset ? longest(vset) : 0);
        if (got.timesteps !== T || got.channels !== set.channels || got.trainPath !== trainPath) throw new Error(`timesteps ${got.timesteps}, channels ${got.channels}, expected ${T}, ${set.channels}`);
        if (T > LIMITS.timesteps.max) throw new Error(`accepted series of ${T} steps`);
        checkSequences(got.x, set, T, MASK_VALUE);
        if (vset) {
          if (!got.validation) throw new Error('no validation data');
          checkSequences(got.validation, vset, T, MASK_VALUE);
        }
        if (got.masked !== (got.x.lengths !== undefined || got.validation?.lengths !== undefined)) throw new Error('masked does not follow the lengths');
        if (!got.masked && (isRagged(got.x) || (got.validation && isRagged(got.validation)))) throw new Error('series of one length came ragged');
      }, namesFile(trainPath, data, ...(validationPath ? [validationPath] : [])));
    }),
    { seed: seed + 12, numRuns: runs.trainingData, endOnFailure: true },
  );
  clearFiles();

  // readModelInput: series for a trained model, which may or may not fit it (channels; one length without masking)
  check(
    fc.property(
      anyInput,
      fc.constantFrom<number | 'limit'>(0, 0, 0, 1, -1, 500, 'limit'),
      fc.constantFrom(0, 0, 0, 1, -1),
      fc.constantFrom(undefined, null, MASK_VALUE, 0),
      (input, stepsDelta, channelsDelta, maskValue) => {
        announce('readModelInput');
        const path = writeInput(`input${EXTENSION[input.format]}`, input.bytes);
        const options = input.format === 'csv' ? input.options : {};
        // a model near the file's own shape, so that both outcomes occur
        const probe = attempt(() => parseAs(input.format, input.bytes, path, options));
        const longest = 'value' in probe ? Math.max(...probe.value.series.map((s) => s.length / probe.value.channels)) : 10;
        const timesteps = stepsDelta === 'limit' ? LIMITS.timesteps.max : Math.max(1, longest + stepsDelta);
        const inputDim = Math.max(1, ('value' in probe ? probe.value.channels : 1) + channelsDelta);
        const model = { timesteps, inputDim, ...(maskValue === undefined ? {} : { maskValue }) };
        tally('readModelInput', attempt(() => readModelInput(path, model, 'encode', options)), (x) => {
          const set = readSeries(path, options);
          const masked = maskValue !== undefined && maskValue !== null;
          if (set.channels !== inputDim) throw new Error(`accepted ${set.channels} channels for a model of ${inputDim}`);
          // any length (the model's timesteps is only its pad length), but one per file without masking
          const steps = set.series.map((s) => s.length / inputDim);
          if (!masked && steps.some((n) => n !== steps[0])) throw new Error('accepted series of unequal lengths for a model without masking');
          checkSequences(x, set, Math.max(1, ...steps), masked ? maskValue : 0);
        }, namesFile(path));
      },
    ),
    { seed: seed + 13, numRuns: runs.modelInput, endOnFailure: true },
  );
  clearFiles();
}
