/**
 * detector.json fuzzed, for test/fuzz-detect.test.ts (run in its worker): a real detector.json
 * (from a tiny `lstm-ae detect` run) mutated byte by byte and edited as JSON (numbers made
 * NaN, infinite, huge, negative or strings; keys removed; wrong types; deep nesting; huge
 * arrays; hostile paths in "model"), each read two ways: as a file by loadDetector (what
 * `detect --model` and AnomalyDetector.load use), watching every file opened, and in memory by
 * AnomalyDetector.fromJSON with the run's model. Each must end in a detector whose numbers
 * fit each other or one InputError line, never another exception, and (as a file) nothing
 * opened outside the detector's folder and nothing of the canary told.
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, sep } from 'node:path';
import fc from 'fast-check';
import type { InputError } from '../src/input-error.js';
import { LIMITS } from '../src/limits.js';
import { loadModel } from '../src/io/tfjs/format.js';
import { loadDetector } from '../src/tasks/detect/detector-file.js';
import { AnomalyDetector } from '../src/tasks/detect/anomaly-detector.js';
import type { Detector } from '../src/tasks/detect/detector.js';
import { announce, attempt, check, counts, mutate, mutation, tally } from './fuzz-support.js';
import { watchingOpens } from './watch-opens.js';
import { applyPathEdit } from './json-path-edit.js';

export interface DetectorJsonRuns {
  /** detector.json byte-mutated, read as a file */
  detectorText: number;
  /** detector.json edited as JSON, read as a file */
  detectorFile: number;
  /** detector.json edited as JSON, read in memory with the run's model */
  detectorMemory: number;
}

const CANARY_TEXT = 'root:x:0:0:CANARY-d3t';

/** Every path to a value inside `value`: where edits land. */
function allPaths(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => allPaths(v, [...prefix, i], out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) allPaths(v, [...prefix, k], out);
  return out;
}

/** Stand-ins for what JSON.stringify cannot write: replaced in the text afterwards. */
const TOKENS = { NaN: '@@NaN@@', Infinity: '@@Inf@@', huge: '@@1e999@@', deep: '@@DEEP@@', bigArray: '@@BIG@@' } as const;

type Edit = { op: 'set'; path: number; value: unknown } | { op: 'delete'; path: number } | { op: 'model'; value: unknown };

/** A detector.json's checks on a result: the numbers the scorer uses fit each other and the limits. */
function checkDetector(d: Detector): void {
  const dim = d.steps * d.channels;
  const g = d.scorer.gaussian;
  if (g.dim !== dim || g.mean.length !== dim || g.covariance.length !== dim * dim || g.precision.length !== dim * dim) throw new Error('accepted an error model of the wrong size');
  if (d.scaling.centre.length !== d.channels || d.scaling.half.length !== d.channels) throw new Error('accepted a scaling of the wrong size');
  if (d.window > LIMITS.detectWindow.max || d.steps > d.window) throw new Error(`accepted a window of ${d.window} and ${d.steps} steps`);
  if (d.model.config.timesteps !== d.window || d.model.config.inputDim !== d.channels) throw new Error('accepted a model of another shape');
  const all = [...g.mean, ...g.covariance, ...g.precision, ...d.scaling.centre, ...d.scaling.half, ...Array.from(d.scorer.heldOutSmoothed), d.scorer.smoothingSpan];
  if (!all.every(Number.isFinite)) throw new Error('accepted a number that is not finite');
  for (let i = 0; i < dim; i++) if (!(g.precision[i * dim + i]! > 0 && g.covariance[i * dim + i]! > 0)) throw new Error('accepted a diagonal that is not positive');
  if (d.scaling.half.some((h) => !(h > 0))) throw new Error('accepted a scale that is not positive');
  if (Array.from(d.scorer.heldOutSmoothed).some((x) => x < 0)) throw new Error('accepted a negative held-out statistic');
  const c = d.scorer.calibration;
  if (c.kind === 'running' && !(c.history <= LIMITS.history.max && c.every <= c.history)) throw new Error(`accepted a calibration of ${JSON.stringify(c)}`);
}

/**
 * Fuzzes detector.json. `runDir`: a `detect --out` folder (detector.json, model.json,
 * weights.G.bin); `root`: an empty folder for the detector's folder, its traps and a canary.
 */
export function fuzzDetectorJson(seed: number, runDir: string, root: string, runs: DetectorJsonRuns): void {
  const realRoot = realpathSync(root);
  const dir = join(realRoot, 'detector');
  const canary = join(realRoot, 'detector-canary');
  mkdirSync(dir);
  mkdirSync(canary);
  for (const name of readdirSync(runDir)) {
    if (name === 'detector.json') continue;
    copyFileSync(join(runDir, name), join(dir, name));
    // a whole foreign model outside the folder: loaded through an escape, it would load
    copyFileSync(join(runDir, name), join(canary, name));
  }
  writeFileSync(join(canary, 'SECRET.txt'), `${CANARY_TEXT}\n`);
  symlinkSync('../detector-canary/model.json', join(dir, 'link-out.json'));
  symlinkSync('../detector-canary/SECRET.txt', join(dir, 'link-secret.json'));
  symlinkSync(canary, join(dir, 'canary-folder'));
  mkdirSync(join(dir, 'folder.json'));
  const haveFifo = spawnSync('mkfifo', [join(dir, 'fifo.json')]).status === 0;
  const hostilePaths: unknown[] = [
    '../detector-canary/model.json', `${canary}/model.json`, '../detector-canary/SECRET.txt', `${'../'.repeat(12)}etc/passwd`, '/etc/passwd',
    'link-out.json', 'link-secret.json', 'canary-folder/model.json', 'folder.json', ...(haveFifo ? ['fifo.json'] : []), '/dev/zero',
    'sub/../../detector-canary/model.json', '.', '..', '', './', 'model.json/', 'model.json\u0000', 'C:\\x\\model.json', '%2e%2e/detector-canary/model.json',
    'detector.json', 'weights.1.bin', 'scores.csv', 'missing.json', './model.json', 'model.json', 'x'.repeat(5000), 7, null, ['model.json'], { toString: 1 },
  ];

  const original = readFileSync(join(runDir, 'detector.json'), 'utf8');
  const json = JSON.parse(original) as unknown;
  const paths = allPaths(json).filter((p) => p.length > 0);
  const model = loadModel(join(runDir, 'model.json'));

  const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(TOKENS.NaN, TOKENS.Infinity, TOKENS.huge, -1, 0, -0.5, 1e-300, 1e308, -1e308, 1e12, 2 ** 53, 9007199254740991, 2e9, 1.5, 3e38) },
    { weight: 2, arbitrary: fc.constantFrom('', '1', 'NaN', 'strict', 'fpr', 'dynamic', 'running', null, true, [], {}, [null], { toString: 1 }, 'a\nb', '\u001b[2J') },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    { weight: 1, arbitrary: fc.constantFrom(TOKENS.deep, TOKENS.bigArray) },
    { weight: 1, arbitrary: fc.constantFrom(...hostilePaths) },
  );
  const edit: fc.Arbitrary<Edit> = fc.oneof(
    { weight: 5, arbitrary: fc.record({ op: fc.constant('set' as const), path: fc.nat({ max: paths.length - 1 }), value: hostileValue }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), path: fc.nat({ max: paths.length - 1 }) }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('model' as const), value: fc.constantFrom(...hostilePaths) }) },
  );
  const edited = fc.tuple(fc.array(edit, { minLength: 1, maxLength: 4 }), fc.constantFrom(2, 64, 1000, 20_000), fc.constantFrom(10, 1000, 300_000)).map(([edits, depth, size]) => {
    const j = structuredClone(json) as Record<string, unknown>;
    for (const e of edits) {
      if (e.op === 'model') {
        j.model = e.value;
        continue;
      }
      applyPathEdit(j, paths[e.path]!, e);
    }
    // as text: JSON has no NaN and JSON.stringify would itself overflow at these depths
    const q = (token: string) => JSON.stringify(token);
    return JSON.stringify(j, null, 1)
      .split(q(TOKENS.NaN)).join('NaN')
      .split(q(TOKENS.Infinity)).join('Infinity')
      .split(q(TOKENS.huge)).join('1e999')
      .split(q(TOKENS.deep)).join('['.repeat(depth) + '0.5' + ']'.repeat(depth))
      .split(q(TOKENS.bigArray)).join(`[${new Array(size).fill('0.25').join(',')}]`);
  });

  // the original, untouched, is read as it was written: else every accepted case below would be suspect
  const path = join(dir, 'detector.json');
  const tellsNothing = (error: InputError) => {
    if (error.message.includes('CANARY') || error.message.includes('root:x')) throw new Error(`the message tells of the canary: ${error.message.slice(0, 300)}`);
    if (!error.message.startsWith(`${dir}${sep}`) && !error.message.startsWith(`${path}: `)) throw new Error(`the message names no file of the folder: ${error.message.slice(0, 300)}`);
  };
  const fromFile = (text: string | Uint8Array, reader: string) => {
    rmSync(path, { force: true });
    writeFileSync(path, text);
    const watched = watchingOpens(() => attempt(() => loadDetector(path)));
    if ('error' in watched.outcome) throw watched.outcome.error; // attempt catches what the reader throws: a test bug
    for (const opened of watched.opened) {
      if (!opened.startsWith(dir + sep)) throw new Error(`opened ${opened}, outside the detector's folder`);
      if (!realpathSync(opened).startsWith(dir + sep)) throw new Error(`opened ${opened}, which leads outside the detector's folder`);
    }
    tally(reader, watched.outcome.value, (loaded) => checkDetector(loaded.detector), tellsNothing);
  };
  announce('detector.json as written');
  fromFile(original, 'detector.json (file)');
  if (counts['detector.json (file)']?.accepted !== 1) throw new Error('the untouched detector.json was refused');

  check(
    fc.property(fc.array(mutation, { minLength: 1, maxLength: 6 }), (mutations) => {
      announce('detector.json bytes mutated');
      fromFile(mutate(Buffer.from(original), mutations), 'detector.json (file)');
    }),
    { seed, numRuns: runs.detectorText, endOnFailure: true },
  );
  check(
    fc.property(edited, (text) => {
      announce('detector.json edited');
      fromFile(text, 'detector.json (file)');
    }),
    { seed: seed + 1, numRuns: runs.detectorFile, endOnFailure: true },
  );
  check(
    fc.property(fc.oneof({ weight: 4, arbitrary: edited }, { weight: 1, arbitrary: fc.json({ maxDepth: 4 }) }, { weight: 1, arbitrary: fc.string({ maxLength: 100 }) }), fc.boolean(), (text, parsed) => {
      announce('detector.json in memory');
      let input: unknown = text;
      if (parsed) {
        // the library also takes parsed JSON (a detector kept in a database, say)
        try {
          input = JSON.parse(text);
        } catch {
          input = text;
        }
      }
      tally('detector.json (library)', attempt(() => AnomalyDetector.fromJSON(input, model, 'detector.json')), (detector) => {
        const j = detector.toJSON();
        if (j.window !== model.config.timesteps) throw new Error('accepted a window other than the model\'s');
      }, (error) => {
        if (!error.message.startsWith('detector.json: ') && !error.message.startsWith('the model: ')) throw new Error(`the message names neither the file nor the model: ${error.message.slice(0, 300)}`);
      });
    }),
    { seed: seed + 2, numRuns: runs.detectorMemory, endOnFailure: true },
  );
}
