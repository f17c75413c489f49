import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../src/input-error.js';
import { watchingOpens } from './watch-opens.js';
import { WEIGHT_NAMES } from '../src/models/autoencoder/layout.js';
import { readTfjsModel } from '../src/io/tfjs/read.js';
import { readAutoencoderTopology } from '../src/io/tfjs/topology-read.js';

// A model.json decides which files the loader opens: these are the cases from issue 16 where
// it opened files outside its folder, hung on a FIFO or read /dev/zero until the process died,
// and crashed on deep nesting. Each must now be one InputError line, with nothing outside the
// folder opened (watched through node:fs) and nothing about such a file in the message.

const FIXTURE_DIR = fileURLToPath(new URL('../../test/fixtures/tfjs-model-seed-architecture', import.meta.url));
const fixtureText = readFileSync(join(FIXTURE_DIR, 'model.json'), 'utf8');
const fixtureBin = readFileSync(join(FIXTURE_DIR, 'weights.bin'));
const fixtureModel = readTfjsModel(join(FIXTURE_DIR, 'model.json'));

const scratch = mkdtempSync(join(tmpdir(), 'lstm-ae-confinement-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

// Beside the model folders (scratch/mN/a/b/): files a hostile model.json might point at.
// SECRET.bin holds valid weights of the right size, so reading it would load silently.
const SECRET = join(scratch, 'SECRET.bin');
writeFileSync(SECRET, fixtureBin);
// ODD.bin has a size that appears nowhere else, so a message that echoes it is caught
const ODD = join(scratch, 'ODD.bin');
writeFileSync(ODD, Buffer.alloc(7777, 0x41));

let count = 0;
/** scratch/mN/a/b/model.json with the fixture's topology and the given weights paths. */
function modelWithPaths(paths: unknown[], files: Record<string, Uint8Array> = {}): { json: string; dir: string } {
  const dir = join(scratch, `m${count++}`, 'a', 'b');
  mkdirSync(dir, { recursive: true });
  const json = JSON.parse(fixtureText) as { weightsManifest: { paths: unknown[] }[] };
  json.weightsManifest[0]!.paths = paths;
  writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
  return { json: join(dir, 'model.json'), dir };
}

/** readTfjsModel(path) must fail with one InputError line matching every fragment, opening only model.json. */
function assertRefused(path: string, ...fragments: RegExp[]): string {
  const { opened, outcome } = watchingOpens(() => readTfjsModel(path));
  assert.ok('error' in outcome, `expected a refusal, but ${path} loaded`);
  const err = outcome.error;
  assert.ok(err instanceof InputError, `expected an InputError, got ${String(err)}`);
  assert.ok(!err.message.includes('\n'), `one line: ${err.message}`);
  for (const f of fragments) assert.match(err.message, f);
  assert.deepEqual(opened, [path], 'only model.json itself was opened');
  return err.message;
}

test("a weights path '../../SECRET.bin' is refused without opening it, though the file there would load", () => {
  const { json } = modelWithPaths(['../../SECRET.bin']);
  const message = assertRefused(json, /model\.json: weights path "\.\.\/\.\.\/SECRET\.bin" climbs out with '\.\.'/, /expected a file name inside the model's folder/);
  assert.doesNotMatch(message, /bytes/);
});

test("'../../../../../../etc/passwd' and '/etc/passwd' are refused, and passwd's size appears nowhere", () => {
  const passwdSize = statSync('/etc/passwd', { throwIfNoEntry: false })?.size;
  const climbing = assertRefused(modelWithPaths(['../../../../../../etc/passwd']).json, /climbs out with '\.\.'/);
  const absolute = assertRefused(modelWithPaths(['/etc/passwd']).json, /weights path "\/etc\/passwd" is absolute/);
  const windows = assertRefused(modelWithPaths(['C:\\Windows\\win.ini']).json, /is absolute/);
  for (const message of [climbing, absolute, windows]) {
    if (passwdSize !== undefined) assert.ok(!message.includes(String(passwdSize)), message);
    assert.doesNotMatch(message, /bytes/);
  }
});

test('a link inside the folder that leads out is refused; its target is not opened and its size not told', () => {
  const out = modelWithPaths(['weights.bin']);
  symlinkSync(SECRET, join(out.dir, 'weights.bin'));
  assertRefused(out.json, /weights path "weights\.bin" leads outside the model's folder through a symbolic link/);

  const odd = modelWithPaths(['weights.bin']);
  symlinkSync(ODD, join(odd.dir, 'weights.bin'));
  const message = assertRefused(odd.json, /leads outside/);
  assert.ok(!message.includes('7777'), message);

  // a folder link that leads out, then a name inside it
  const viaFolder = modelWithPaths(['sub/SECRET.bin']);
  symlinkSync(scratch, join(viaFolder.dir, 'sub'));
  assertRefused(viaFolder.json, /leads outside/);
});

test('links that stay inside the folder, and shards in a subfolder, still load', () => {
  const linked = modelWithPaths(['weights.bin'], { 'real-weights.data': fixtureBin });
  symlinkSync('real-weights.data', join(linked.dir, 'weights.bin'));
  const sub = modelWithPaths(['shards/part-1.bin', 'shards/part-2.bin']);
  mkdirSync(join(sub.dir, 'shards'));
  writeFileSync(join(sub.dir, 'shards', 'part-1.bin'), fixtureBin.subarray(0, 500));
  writeFileSync(join(sub.dir, 'shards', 'part-2.bin'), fixtureBin.subarray(500));
  for (const json of [linked.json, sub.json]) {
    const m = readTfjsModel(json);
    for (const name of WEIGHT_NAMES) assert.deepEqual(m.weights[name], fixtureModel.weights[name], name);
  }
});

test('a directory named as the weights file is refused as such', () => {
  const out = modelWithPaths(['weights.bin']);
  mkdirSync(join(out.dir, 'weights.bin'));
  assertRefused(out.json, /weights\.bin: is a directory; expected a weights file named in .*model\.json/);
});

test('a weights file of the wrong size is refused from its size alone, before it is opened', () => {
  // 64 MiB, sparse: the old loader read all of it before comparing
  const out = modelWithPaths(['weights.bin'], { 'weights.bin': new Uint8Array(0) });
  truncateSync(join(out.dir, 'weights.bin'), 64 * 1024 * 1024);
  assertRefused(out.json, /model\.json: weights\.bin is 67108864 bytes but the weightsManifest describes 1124 bytes/);
});

test('a weights path that is not a string, empty, or holds a NUL is one line', () => {
  assertRefused(modelWithPaths([7]).json, /weightsManifest group 0 path 0 is 7; expected a file name inside/);
  assertRefused(modelWithPaths(['']).json, /path 0 is ""/);
  assertRefused(modelWithPaths(['weights.bin\u0000.txt']).json, /path 0 is "weights\.bin\\u0000\.txt"/);
});

test('model.json nested 10,000 deep (valid, unclosed, or as objects) is refused before parsing', () => {
  const texts = ['['.repeat(10_000) + ']'.repeat(10_000), '['.repeat(10_000), '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000)];
  for (const text of texts) {
    const dir = join(scratch, `deep${count++}`);
    mkdirSync(dir);
    writeFileSync(join(dir, 'model.json'), text);
    const column = text.startsWith('[') ? 65 : 5 * 64 + 1;
    assertRefused(join(dir, 'model.json'), new RegExp(`JSON nested more than 64 deep at line 1, column ${column}; expected at most 64 levels`));
  }
});

test('inbound_nodes nested 10,000 deep: refused in a file; walked without recursion when given as an object', () => {
  // Keras 3 writes inbound nodes as {args: [...]} with the keras_history tensors somewhere inside
  const json = JSON.parse(fixtureText) as { modelTopology: { config: { layers: { name: string; inbound_nodes: unknown }[] } } };
  let deep: unknown = { class_name: '__keras_tensor__', config: { keras_history: ['input_1', 0, 0] } };
  for (let k = 0; k < 10_000; k++) deep = [deep];
  const encoder = json.modelTopology.config.layers.find((l) => l.name === 'encoder')!;
  encoder.inbound_nodes = [{ args: [deep], kwargs: {} }];

  const topology = readAutoencoderTopology(json.modelTopology, 'deep.json');
  assert.deepEqual(topology.dims, { timesteps: 6, inputDim: 1, latentDim: 4 });

  // as text by hand: JSON.stringify itself recurses, and overflows at this depth
  encoder.inbound_nodes = [{ args: ['DEEP'], kwargs: {} }];
  const tensor = '{"class_name": "__keras_tensor__", "config": {"keras_history": ["input_1", 0, 0]}}';
  const text = JSON.stringify(json).replace('"DEEP"', '['.repeat(10_000) + tensor + ']'.repeat(10_000));
  const dir = join(scratch, `deep-inbound${count++}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'model.json'), text);
  assertRefused(join(dir, 'model.json'), /JSON nested more than 64 deep/);
});

test('a model.json over 16 MiB is refused from its size', () => {
  const dir = join(scratch, `big${count++}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'model.json'), fixtureText + ' '.repeat(16 * 1024 * 1024));
  const path = join(dir, 'model.json');
  const { outcome } = watchingOpens(() => readTfjsModel(path));
  assert.ok('error' in outcome && outcome.error instanceof InputError);
  assert.match(outcome.error.message, new RegExp(`model\\.json: is ${16 * 1024 * 1024 + fixtureText.length} bytes, more than the 16777216 this reader takes; expected a TF\\.js model\\.json of at most 16 MiB`));
});

test('a model whose LSTM has 100000 units is refused naming the layer and the range', () => {
  const json = JSON.parse(fixtureText) as { modelTopology: { config: { layers: { name: string; config: { units?: number } }[] } } };
  for (const layer of json.modelTopology.config.layers) if (layer.config.units === 4) layer.config.units = 100_000;
  const dir = join(scratch, `units${count++}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
  assertRefused(join(dir, 'model.json'), /LSTM layer 'encoder' units is 100000; expected an integer from 1 to 1024/);
});

/**
 * Reads in a child process with a time limit: on the old code these cases hung (a FIFO) or
 * read until memory ran out (/dev/zero), which would stop this whole test file.
 */
function readInChild(reader: 'readTfjsModel' | 'readNpy', path: string): { name?: string; message?: string; loaded?: boolean } {
  const module = reader === 'readNpy' ? '../src/io/npy-file.js' : '../src/io/tfjs/read.js';
  const url = new URL(module, import.meta.url).href;
  const code =
    `const m = await import(${JSON.stringify(url)});` +
    `try { m.${reader}(${JSON.stringify(path)}); console.log(JSON.stringify({ loaded: true })); }` +
    `catch (e) { console.log(JSON.stringify({ name: e.name, message: e.message })); }`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(run.signal, null, `${reader}(${path}) returned instead of hanging`);
  return JSON.parse(run.stdout) as { name?: string; message?: string; loaded?: boolean };
}

test('a FIFO as the weights file, as model.json or as a .npy is refused at once, not waited on', () => {
  const out = modelWithPaths(['weights.bin']);
  const fifo = join(out.dir, 'weights.bin');
  const made = spawnSync('mkfifo', [fifo]);
  assert.equal(made.status, 0, 'mkfifo made the FIFO');
  const r = readInChild('readTfjsModel', out.json);
  assert.equal(r.name, 'InputError');
  assert.match(r.message ?? '', /weights\.bin: is a FIFO; expected a weights file named in .*model\.json/);
  assert.match(readInChild('readTfjsModel', fifo).message ?? '', /weights\.bin: is a FIFO; expected a TF\.js model\.json/);
  assert.match(readInChild('readNpy', fifo).message ?? '', /weights\.bin: is a FIFO; expected a \.npy file/);
});

test("'../../../../../../../dev/zero', a link to it, /dev/zero itself and a device in the folder are refused without reading", () => {
  const climbing = readInChild('readTfjsModel', modelWithPaths(['../../../../../../../dev/zero']).json);
  assert.match(climbing.message ?? '', /climbs out with '\.\.'/);
  const linked = modelWithPaths(['weights.bin']);
  symlinkSync('/dev/zero', join(linked.dir, 'weights.bin'));
  assert.match(readInChild('readTfjsModel', linked.json).message ?? '', /leads outside the model's folder/);
  assert.match(readInChild('readNpy', '/dev/zero').message ?? '', /^\/dev\/zero: is a character device; expected a \.npy file$/);
  assert.match(readInChild('readTfjsModel', '/dev/zero').message ?? '', /^\/dev\/zero: is a character device; expected a TF\.js model\.json$/);
});

test('a character device made inside the model folder is refused as one', (t) => {
  const out = modelWithPaths(['weights.bin']);
  const made = spawnSync('mknod', [join(out.dir, 'weights.bin'), 'c', '1', '5']); // /dev/zero's numbers
  if (made.status !== 0) {
    t.skip('mknod needs root (CAP_MKNOD); the link to /dev/zero above covers the reading side');
    return;
  }
  const r = readInChild('readTfjsModel', out.json);
  assert.match(r.message ?? '', /weights\.bin: is a character device; expected a weights file named in/);
});
