/**
 * The body of test/fuzz-readers.test.ts, run in a worker thread so that the test can stop it:
 * the readers are synchronous, and a reader that hangs would otherwise hang the test process
 * with it. Posts `{ kind: 'case', label }` before each input (so a hang can be located),
 * then `{ kind: 'done', counts, failures }`. The .npy reader and the model loader are fuzzed
 * here, the series readers and the entry points the commands use in fuzz-series-readers.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { mkdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import type { InputError } from '../src/input-error.js';
import { encodeNpy, parseNpy, type NpyArray, type NpyDtype } from '../src/io/npy.js';
import { readNpy } from '../src/io/npy-file.js';
import { readTfjsModel, type TfjsModelRead } from '../src/io/tfjs/read.js';
import { announce, attempt, check, counts, failures, mutate, mutation, namesFile, tally, type Outcome } from './fuzz-support.js';
import { fuzzSeriesReaders, type SeriesRuns } from './fuzz-series-readers.js';
import { watchingOpens } from './watch-opens.js';
import { applyPathEdit } from './json-path-edit.js';

export type { ReaderCounts } from './fuzz-support.js';

export interface FuzzSettings {
  seed: number;
  /** an empty folder for the model folder and its canary; the test removes it, even after a hang */
  root: string;
  /** inputs per property; the test's defaults keep the whole file well under 30 s */
  runs: { npyValid: number; npyMutated: number; npyHeaders: number; npyFiles: number; modelText: number; modelStructure: number; modelWeights: number; modelRandom: number } & SeriesRuns;
}

const settings = workerData as FuzzSettings;

const FIXTURE_DIR = fileURLToPath(new URL('../../test/fixtures/tfjs-model-seed-architecture', import.meta.url));
const fixtureText = readFileSync(join(FIXTURE_DIR, 'model.json'), 'utf8');
const fixtureBin = readFileSync(join(FIXTURE_DIR, 'weights.bin'));

// ---------------------------------------------------------------- the folder and its canary

const root = realpathSync(settings.root);
const modelDir = join(root, 'model');
const canaryDir = join(root, 'canary');
mkdirSync(modelDir);
mkdirSync(canaryDir);
// SECRET.bin: the right size for the manifest, holding the fixture's weights plus 1000, so a
// model loaded from it would carry values no file inside the folder holds
const secret = Buffer.alloc(fixtureBin.length);
for (let i = 0; i < secret.length; i += 4) secret.writeFloatLE(fixtureBin.readFloatLE(i) + 1000, i);
writeFileSync(join(canaryDir, 'SECRET.bin'), secret);
// ODD.bin: a size and a content that no message may ever show
const CANARY_TEXT = 'CANARY-7e1f';
const CANARY_SIZE = 31_337;
writeFileSync(join(canaryDir, 'ODD.bin'), Buffer.from(CANARY_TEXT.repeat(3000).slice(0, CANARY_SIZE)));
// traps inside the model folder
symlinkSync('../canary/SECRET.bin', join(modelDir, 'link-out.bin'));
symlinkSync('../canary/ODD.bin', join(modelDir, 'link-odd.bin'));
symlinkSync('/dev/zero', join(modelDir, 'link-zero'));
symlinkSync('weights.bin', join(modelDir, 'link-in.bin'));
symlinkSync(canaryDir, join(modelDir, 'canary-folder'));
mkdirSync(join(modelDir, 'dir.bin'));
const haveFifo = spawnSync('mkfifo', [join(modelDir, 'fifo.bin')]).status === 0;

const HOSTILE_PATHS = [
  '../canary/SECRET.bin', '../../canary/SECRET.bin', `${canaryDir}/SECRET.bin`, 'link-out.bin', 'link-odd.bin', 'link-zero',
  'canary-folder/SECRET.bin', 'dir.bin', ...(haveFifo ? ['fifo.bin'] : []), '/dev/zero', `${'../'.repeat(12)}dev/zero`,
  '/etc/passwd', `${'../'.repeat(12)}etc/passwd`, 'sub/../../canary/SECRET.bin', '.', '..', '', './', 'weights.bin/',
  'weights.bin\u0000', 'C:\\canary\\SECRET.bin', '\\\\server\\share\\w.bin', '%2e%2e/canary/SECRET.bin', 'link-in.bin',
  'weights.bin', './weights.bin', 'missing.bin', 'weights.bin\n', 7, null, ['weights.bin'], { toString: 1 },
];

// ---------------------------------------------------------------- outcomes

/** A rejection of a model folder must tell nothing of the canary. */
function tellsNothingOfCanary(error: InputError): void {
  if (error.message.includes(CANARY_TEXT) || new RegExp(`\\b${CANARY_SIZE}\\b`).test(error.message)) throw new Error(`the message tells of the canary: ${error.message}`);
}

// ---------------------------------------------------------------- .npy

const DTYPES: NpyDtype[] = ['float64', 'float32', 'int64', 'int32'];

const npyArray: fc.Arbitrary<NpyArray> = fc
  .record({ dtype: fc.constantFrom(...DTYPES), shape: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 }), seed: fc.nat() })
  .map(({ dtype, shape, seed }) => {
    const n = shape.reduce((a, b) => a * b, 1);
    let s = seed;
    const next = (): number => (s = (Math.imul(s, 1103515245) + 12345) >>> 0); // a few bits of noise is enough
    if (dtype === 'int64') return { dtype, shape, data: BigInt64Array.from({ length: n }, () => BigInt.asIntN(64, (BigInt(next()) << 33n) - BigInt(next()))) };
    if (dtype === 'int32') return { dtype, shape, data: Int32Array.from({ length: n }, () => next() | 0) };
    const values = Array.from({ length: n }, () => (next() / 2 ** 31 - 1) * 10 ** ((next() % 20) - 10));
    return { dtype, shape, data: dtype === 'float64' ? Float64Array.from(values) : Float32Array.from(values) };
  });

function checkNpyResult(array: NpyArray): void {
  const n = array.shape.reduce((a, b) => a * b, 1);
  if (array.data.length !== n) throw new Error(`accepted a shape of ${n} values holding ${array.data.length}`);
}

function sameArray(a: NpyArray, b: NpyArray): boolean {
  if (a.dtype !== b.dtype || a.shape.join() !== b.shape.join() || a.data.length !== b.data.length) return false;
  const x = new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength);
  const y = new Uint8Array(b.data.buffer, b.data.byteOffset, b.data.byteLength);
  return x.every((v, i) => v === y[i]);
}

/** Header dicts as a hostile or careless writer might make them. */
const headerText: fc.Arbitrary<string> = fc.oneof(
  fc
    .record({
      descr: fc.constantFrom("'<f8'", "'<f4'", "'<i8'", "'<i4'", "'>f8'", "'|b1'", "'<U10'", "''", "[('a', '<f8')]", '7', "'<f8"),
      fortran: fc.constantFrom('False', 'True', '0', "'no'"),
      shape: fc.oneof(
        fc.array(fc.constantFrom('0', '1', '3', '100', '4294967296', '9007199254740993', '99999999999999999999999', '-1', '2L', '1.5', "'a'"), { maxLength: 5 }).map((xs) => `(${xs.join(', ')}${xs.length === 1 ? ',' : ''})`),
        fc.integer({ min: 1, max: 4000 }).map((depth) => '('.repeat(depth) + '1' + ')'.repeat(depth)),
        fc.integer({ min: 1, max: 4000 }).map((depth) => '['.repeat(depth)),
      ),
      extra: fc.constantFrom('', ", 'extra': 1", ", 'shape': ()", ', 3: 4'),
    })
    .map(({ descr, fortran, shape, extra }) => `{'descr': ${descr}, 'fortran_order': ${fortran}, 'shape': ${shape}${extra}, }`),
  fc.string({ maxLength: 120 }),
  fc.integer({ min: 1, max: 20_000 }).map((depth) => '{'.repeat(depth)),
);

const npyFromHeader = fc
  .record({ header: headerText, version: fc.constantFrom(1, 2, 3, 4), lengthDelta: fc.integer({ min: -8, max: 8 }), lie: fc.boolean(), data: fc.uint8Array({ maxLength: 200 }) })
  .map(({ header, version, lengthDelta, lie, data }) => {
    const text = Buffer.from(header + '\n', version === 3 ? 'utf8' : 'latin1');
    const field = version === 1 ? 2 : 4;
    const out = Buffer.alloc(8 + field + text.length);
    out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
    const length = Math.max(0, text.length + (lie ? lengthDelta : 0));
    if (field === 2) out.writeUInt16LE(Math.min(length, 0xffff), 8);
    else out.writeUInt32LE(length, 8);
    out.set(text, 8 + field);
    return Buffer.concat([out, data]);
  });

function fuzzNpy(): void {
  const { runs, seed } = settings;
  check(
    fc.property(npyArray, (array) => {
      announce('npy valid');
      tally('npy', attempt(() => parseNpy(encodeNpy(array), 'fuzz.npy')), (read) => {
        if (!sameArray(read, array)) throw new Error('a valid file read back different');
      }, namesFile('fuzz.npy'));
    }),
    { seed, numRuns: runs.npyValid, endOnFailure: true },
  );
  check(
    fc.property(npyArray, fc.array(mutation, { minLength: 1, maxLength: 6 }), (array, mutations) => {
      announce('npy mutated');
      tally('npy', attempt(() => parseNpy(mutate(encodeNpy(array), mutations), 'fuzz.npy')), checkNpyResult, namesFile('fuzz.npy'));
    }),
    { seed: seed + 1, numRuns: runs.npyMutated, endOnFailure: true },
  );
  check(
    fc.property(npyFromHeader, (bytes) => {
      announce('npy header');
      tally('npy', attempt(() => parseNpy(bytes, 'fuzz.npy')), checkNpyResult, namesFile('fuzz.npy'));
    }),
    { seed: seed + 2, numRuns: runs.npyHeaders, endOnFailure: true },
  );
  // through the file system too: readNpy's own checks before parsing
  const file = join(root, 'fuzz.npy');
  check(
    fc.property(npyArray, fc.array(mutation, { maxLength: 3 }), (array, mutations) => {
      announce('npy file');
      rmSync(file, { force: true });
      writeFileSync(file, mutate(encodeNpy(array), mutations));
      tally('npy', attempt(() => readNpy(file)), checkNpyResult, namesFile(file));
    }),
    { seed: seed + 3, numRuns: runs.npyFiles, endOnFailure: true },
  );
}

// ---------------------------------------------------------------- model.json + weights.bin

const modelJsonPath = join(modelDir, 'model.json');

/** Loads the folder as it now is, watching every file opened. */
function loadModelFolder(modelJson: string | Uint8Array, weights: Uint8Array, canaryValuesMeanRead: boolean): void {
  // a fresh file each time: overwriting (truncating) a file is many times slower on some file systems
  rmSync(modelJsonPath, { force: true });
  rmSync(join(modelDir, 'weights.bin'), { force: true });
  writeFileSync(modelJsonPath, modelJson);
  writeFileSync(join(modelDir, 'weights.bin'), weights);
  const watched = watchingOpens(() => attempt(() => readTfjsModel(modelJsonPath)));
  if ('error' in watched.outcome) throw watched.outcome.error; // attempt catches what the reader throws: this is a test bug
  const outcome: Outcome<TfjsModelRead> = watched.outcome.value;
  for (const path of watched.opened) {
    if (!path.startsWith(modelDir + sep)) throw new Error(`opened ${path}, outside the model's folder`);
  }
  tally('model', outcome, (model) => {
    for (const [name, values] of Object.entries(model.weights)) {
      if (!values.every(Number.isFinite)) throw new Error(`accepted non-finite weights in ${name}`);
      if (canaryValuesMeanRead && values.some((v) => Math.abs(v) >= 500)) throw new Error(`weights of ${name} came from the canary`);
    }
  }, tellsNothingOfCanary);
}

/** Every path to a value inside the fixture's JSON: where structural edits land. */
function allPaths(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => allPaths(v, [...prefix, i], out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) allPaths(v, [...prefix, k], out);
  return out;
}
const fixtureJson = JSON.parse(fixtureText) as unknown;
const PATHS = allPaths(fixtureJson).filter((p) => p.length > 0);
const DEEP = '@@DEEP@@';

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 2, arbitrary: fc.constantFrom(1e9, 2 ** 53, 100_000, -1, 0, 1.5, 1e308, '', 'LSTM', 'Dense', 'InputLayer', 'hard_sigmoid', { toString: 1 }, { valueOf: {} }, [null], 'a\nb', '\u001b[2J') },
  { weight: 1, arbitrary: fc.constant(DEEP) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom(...HOSTILE_PATHS), { minLength: 1, maxLength: 3 }) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom(0, 1, 6, 4, 1e6, 2 ** 31, 2 ** 40), { maxLength: 4 }) },
);

type Edit = { op: 'set'; path: number; value: unknown } | { op: 'delete'; path: number } | { op: 'paths'; value: unknown[] };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('set' as const), path: fc.nat({ max: PATHS.length - 1 }), value: hostileValue }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), path: fc.nat({ max: PATHS.length - 1 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('paths' as const), value: fc.array(fc.constantFrom(...HOSTILE_PATHS), { minLength: 1, maxLength: 3 }) }) },
);

function applyEdits(edits: readonly Edit[], depth: number): string {
  const json = structuredClone(fixtureJson) as Record<string, unknown>;
  for (const e of edits) {
    if (e.op === 'paths') {
      const group: unknown = Array.isArray(json.weightsManifest) ? json.weightsManifest[0] : undefined;
      if (group !== null && typeof group === 'object') (group as Record<string, unknown>).paths = e.value;
      continue;
    }
    applyPathEdit(json, PATHS[e.path]!, e);
  }
  // nesting as text: JSON.stringify would itself overflow at these depths
  return JSON.stringify(json).split(JSON.stringify(DEEP)).join('['.repeat(depth) + '{"config": {"keras_history": ["input_1", 0, 0]}}' + ']'.repeat(depth));
}

function fuzzModel(): void {
  const { runs, seed } = settings;
  const text = Buffer.from(fixtureText);
  check(
    fc.property(fc.array(mutation, { minLength: 1, maxLength: 6 }), (mutations) => {
      announce('model text mutated');
      loadModelFolder(mutate(text, mutations), fixtureBin, true);
    }),
    { seed: seed + 10, numRuns: runs.modelText, endOnFailure: true },
  );
  check(
    fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), fc.constantFrom(2, 30, 63, 64, 65, 1000, 10_000), (edits, depth) => {
      announce('model structure edited');
      loadModelFolder(applyEdits(edits, depth), fixtureBin, true);
    }),
    { seed: seed + 11, numRuns: runs.modelStructure, endOnFailure: true },
  );
  check(
    fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
      announce('model weights mutated');
      loadModelFolder(fixtureText, mutate(fixtureBin, mutations), false);
    }),
    { seed: seed + 12, numRuns: runs.modelWeights, endOnFailure: true },
  );
  check(
    fc.property(
      fc.oneof(
        fc.json({ maxDepth: 6 }),
        fc.integer({ min: 1, max: 20_000 }).map((d) => '['.repeat(d) + ']'.repeat(d)),
        fc.integer({ min: 1, max: 20_000 }).map((d) => '{"a":'.repeat(d)),
        fc.string({ maxLength: 200 }),
      ),
      (json) => {
        announce('model random JSON');
        loadModelFolder(json, fixtureBin, true);
      },
    ),
    { seed: seed + 13, numRuns: runs.modelRandom, endOnFailure: true },
  );
}

fuzzNpy();
fuzzModel();
fuzzSeriesReaders(settings.seed + 100, root, settings.runs);
parentPort?.postMessage({ kind: 'done', counts, failures });
