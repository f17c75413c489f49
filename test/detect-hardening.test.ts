/**
 * `detect` against hostile detector.json files, kills and concurrent writers (issue 23): the
 * model path confined to the detector's folder and nothing from a named file quoted; every
 * number of detector.json checked against src/limits.ts; a value that makes training diverge
 * is one line; a second writer refuses; a kill during --force never leaves a detector beside
 * a model it was not fitted with; a run never overwrites its own input. Each bad case: exit 2
 * and one line on stderr. Tiny models: windows of 8, a code of 4, 3 epochs, 1 thread.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { anomalySeriesCsv, makeAnomalySeries } from '../src/data/anomaly-series.js';
import { lockFolder } from '../src/io/folder-lock.js';
import { stampedEvery } from './series-stamps.js';
import { CLI, runCli, type CliResult } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'lstm-ae-detect-hard-'));
const TINY = ['--window', '8', '--epochs', '3', '--latent', '4', '--threads', '1', '--no-report'];
const input = join(dir, 'input.csv');
const run = join(dir, 'run');
let detectorText: string;

before(async () => {
  // rows 15 minutes apart: the 120 training rows span 30 hours, so the detector has its time-of-day model
  writeFileSync(input, anomalySeriesCsv(stampedEvery(makeAnomalySeries({ rows: 400, channels: 2, events: 1, seed: 4 }), 15)));
  const r = await runCli('detect', '--input', input, '--out', run, ...TINY);
  assert.equal(r.code, 0, r.stderr);
  detectorText = readFileSync(join(run, 'detector.json'), 'utf8');
});
after(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[], env: Record<string, string> = {}, stdin = ''): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env } }, (error, stdout, stderr) =>
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : error.signal === 'SIGKILL' ? 137 : -1, stdout, stderr }),
    );
    child.stdin!.end(stdin);
  });
}

/** --follow on a copy of the run's detector.json changed by `change`, in a folder that holds the model files; the one-line refusal. */
async function refused(name: string, change: (j: Record<string, any>) => void): Promise<string> {
  const json = JSON.parse(detectorText) as Record<string, any>;
  change(json);
  const path = join(run, `${name}.json`);
  writeFileSync(path, JSON.stringify(json));
  const r = await cli(['detect', '--model', path, '--follow'], {}, readFileSync(input, 'utf8'));
  assert.equal(r.code, 2, `${name}: ${r.stderr}`);
  assert.equal(r.stderr.split('\n').length, 2, `${name}: one line: ${r.stderr}`);
  assert.equal(r.stdout, '');
  return r.stderr;
}

test("detector.json's model path is confined to its folder, and nothing read from a named file is quoted", async () => {
  writeFileSync(join(dir, 'SECRET.txt'), 'root:x:0:0:secret\n');
  mkdirSync(join(dir, 'other'));
  writeFileSync(join(dir, 'other', 'model.json'), readFileSync(join(run, 'model.json')));
  symlinkSync(join(dir, 'SECRET.txt'), join(run, 'link.json'));
  const cases: [string, string, RegExp][] = [
    ['up', '../SECRET.txt', /model "\.\.\/SECRET\.txt" climbs out with '\.\.'/],
    ['deep', '../../../../../../etc/passwd', /climbs out with '\.\.'/],
    ['absolute', join(dir, 'SECRET.txt'), /is absolute/],
    ['foreign', '../other/model.json', /climbs out with '\.\.'/],
    ['link', 'link.json', /leads outside .* through a symbolic link/],
    ['missing', 'nothing.json', /nothing\.json: file not found/],
  ];
  for (const [name, model, message] of cases) {
    const stderr = await refused(name, (j) => { j.model = model; });
    assert.match(stderr, message, name);
    assert.doesNotMatch(stderr, /root:x|secret/, name);
  }
});

test('every number in detector.json is checked: each bad one is one line naming the field', async () => {
  const cases: [string, (j: Record<string, any>) => void, RegExp][] = [
    ['negative-precision', (j) => { j.errorModel.precision[0] = -1; }, /errorModel\.precision\[0\].* is -1; expected a number above 0/],
    ['zero-variance', (j) => { j.errorModel.covariance[0] = 0; }, /errorModel\.covariance\[0\]/],
    ['constant-scale', (j) => { j.scaling.constant = [0]; j.scaling.half[0] = 1e-300; }, /scaling\.half\[0\] is 1e-300 for a constant channel; expected 1/],
    ['constant-channel', (j) => { j.scaling.constant = [7]; }, /scaling\.constant names channel 7/],
    ['negative-held-out', (j) => { j.heldOutSmoothed[3] = -0.5; }, /heldOutSmoothed\.3: /],
    ['history', (j) => { j.calibration = { kind: 'running', history: 2e9, every: 50 }; }, /calibration\.history: /],
    ['dynamic-window', (j) => { j.threshold = { rule: 'dynamic', window: 1e12, every: 70, errorBuffer: 100, sdLimit: 12 }; }, /threshold\.window: /],
    ['sd-limit', (j) => { j.threshold = { rule: 'dynamic', window: 2100, every: 70, errorBuffer: 100, sdLimit: 1e300 }; }, /threshold\.sdLimit: /],
    ['window', (j) => { j.window = 9007199254740991; }, /window: /],
    ['steps', (j) => { j.steps = 9; }, /errorModel\.dim has 2 values; expected 18/],
    ['steps-limit', (j) => { j.steps = 1e9; }, /steps: /],
    ['context-precision', (j) => { j.context.errorModel.precision[0] = -1; }, /context\.errorModel\.precision\[0\].* is -1; expected a number above 0/],
    ['context-scaling', (j) => { j.context.scaling.centre.pop(); }, /context\.scaling\.centre has 3 values; expected 4 for 4 channel\(s\)/],
    ['context-held-out', (j) => { j.context.heldOutSmoothed.pop(); }, /context\.heldOutSmoothed has \d+ values; expected \d+, one per held-out row/],
    ['context-weights', (j) => { j.context.model.weights = 'AAAA'; }, /context\.model/],
    ['alerts-damped', (j) => { j.alerts.damped = 5; }, /alerts\.damped 5 is not below alerts\.red 3/],
    ['alerts-escalation', (j) => { j.alerts.escalation = -1; }, /alerts\.escalation: /],
  ];
  for (const [name, change, message] of cases) assert.match(await refused(name, change), message, name);
  const history = await runCli('detect', '--input', input, '--history', '1e12', '--out', join(dir, 'h'), ...TINY);
  assert.equal(history.code, 2);
  assert.match(history.stderr, /--history/);
  assert.equal(existsSync(join(dir, 'h')), false);
});

test('a value of 3e38 in the training span: one line, exit 2', async () => {
  const rows = readFileSync(input, 'utf8').split('\n');
  const cells = rows[50]!.split(',');
  cells[1] = '3e38';
  rows[50] = cells.join(',');
  const big = join(dir, 'big.csv');
  writeFileSync(big, rows.join('\n'));
  const r = await runCli('detect', '--input', big, '--out', join(dir, 'big'), ...TINY);
  assert.equal(r.code, 2);
  const last = r.stderr.trimEnd().split('\n').at(-1)!;
  assert.match(last, /^lstm-ae: .*big\.csv: training diverged \(the loss became .*\); the training span's largest value, 3e\+38 \(row 49, channel 1\)/);
  assert.doesNotMatch(r.stderr, /at .*\.js:\d+/);
});

test('a second writer to a folder refuses while the first holds it', async () => {
  const out = join(dir, 'busy');
  mkdirSync(out);
  const lock = lockFolder(out, 'detect');
  try {
    const r = await runCli('detect', '--input', input, '--out', out, '--force', ...TINY);
    assert.equal(r.code, 2);
    assert.match(r.stderr, new RegExp(`in use by another lstm-ae detect \\(pid ${process.pid}\\)`));
    assert.equal(existsSync(join(out, 'scores.csv')), false);
  } finally {
    lock.release();
  }
});

test('detect --force killed while saving never leaves a detector beside a model it was not fitted with', async () => {
  const out = join(dir, 'kill');
  assert.equal((await runCli('detect', '--input', input, '--out', out, ...TINY)).code, 0);
  const first = JSON.parse(readFileSync(join(out, 'detector.json'), 'utf8')) as { modelGeneration: number };
  assert.equal(first.modelGeneration, 1);
  for (const point of ['set-files', 'before-rename', 'after-rename']) {
    const r = await cli(['detect', '--input', input, '--out', out, '--force', '--seed', '7', ...TINY], { LSTM_AE_TEST_CRASH_AT: point });
    assert.equal(r.code, 137, `${point}: killed`);
    // the detector is gone (it went first) or names the model beside it; either way --follow runs or refuses in one line
    if (existsSync(join(out, 'detector.json'))) assert.fail(`${point}: a detector.json survived the kill`);
    const f = await cli(['detect', '--model', join(out, 'detector.json'), '--follow'], {}, readFileSync(input, 'utf8'));
    assert.equal(f.code, 2, point);
    assert.match(f.stderr, /detector\.json: file not found/, point);
  }
  // a whole run again, then the old detector.json put back beside the new model: refused by generation
  assert.equal((await runCli('detect', '--input', input, '--out', out, '--force', ...TINY)).code, 0);
  const now = JSON.parse(readFileSync(join(out, 'detector.json'), 'utf8')) as { modelGeneration: number };
  assert.ok(now.modelGeneration > 1);
  writeFileSync(join(out, 'detector.json'), JSON.stringify({ ...now, modelGeneration: 1 }));
  const f = await cli(['detect', '--model', join(out, 'detector.json'), '--follow'], {}, readFileSync(input, 'utf8'));
  assert.equal(f.code, 2);
  assert.match(f.stderr, new RegExp(`names model generation 1, but .*model\\.json is generation ${now.modelGeneration}`));
});

test('detect --input X/scores.csv --out X --force refuses to overwrite its own input', async () => {
  // a series kept under the name a run writes, in the folder the run is sent to
  const out = join(dir, 'own');
  mkdirSync(out);
  const scores = join(out, 'scores.csv');
  writeFileSync(scores, readFileSync(input));
  const r = await runCli('detect', '--input', scores, '--out', out, '--force', ...TINY);
  assert.equal(r.code, 2);
  assert.equal(r.stderr, `lstm-ae: --out ${scores}: is the input ${scores}; give another path, the input is still being read\n`);
  assert.deepEqual(readFileSync(scores), readFileSync(input));
  assert.equal(existsSync(join(out, 'detector.json')), false);
});
