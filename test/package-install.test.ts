import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The package as a user installs it: `npm pack`, then `npm install ./lstm-ae-X.tgz` into an
// empty ESM TypeScript project (dependencies from npm's cache, as `npm ci` left them), a
// strict program compiled against the published types and run, and `npx lstm-ae` there.
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const scratch = mkdtempSync(join(tmpdir(), 'lstm-ae-package-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

/** npm with no audit, no funding notes, and the registry only where the cache lacks a package. */
function npm(args: string[], cwd: string): string {
  return execFileSync('npm', [...args, '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd, encoding: 'utf8', timeout: 240_000 });
}

const PROGRAM = `
import { AnomalyDetector, LstmAutoencoder, SeriesClassifier, makeAnomalySeries, parseSeries, toSequences, AUTOENCODER_DEFAULTS, type ShapedArray } from 'lstm-ae';
import { loadModel } from 'lstm-ae/node';

// two channels in their own units, of unequal lengths: the defaults scale, pad and mask them
const text = ['1,2,3,4,5,6,7,8', '2,3,4,5,6,7', '8,7,6,5,4,3,2,1'].join('\\n');
const set = parseSeries(text, 'mine.csv', { header: false });
const x = toSequences(set);
const model = LstmAutoencoder.create({ timesteps: x.shape[1], inputDim: x.shape[2], latentDim: 3, seed: 1 });
const history = await model.fit(x, { epochs: 2, batchSize: 3 });
const codes: ShapedArray<[number, number]> = await model.encode(x);
const path = await model.save('saved-model');
const again = await loadModel('saved-model');
const same = (await again.encode(x)).data.every((v, i) => v === codes.data[i]);
// the folders the estimators save go through modules the core loads only on Node
const metric = makeAnomalySeries({ rows: 400, events: 1 });
const rows = Array.from(metric.times, (_, r) => Array.from(metric.values.subarray(r * 2, r * 2 + 2)));
const detector = await new AnomalyDetector({ epochs: 1 }).fit(rows.slice(0, 200));
const loadedDetector = await AnomalyDetector.load(await detector.save('saved-detector'));
const scoresBefore = (await detector.score(rows)).surprise, scoresAfter = (await loadedDetector.score(rows)).surprise;
const scoresKept = scoresBefore.length === 400 && scoresBefore.every((v, i) => Object.is(v, scoresAfter[i]));
const classifier = await new SeriesClassifier({ seeds: [0], epochs: 1 }).fit(parseSeries('a,1,2,3,4\\nb,4,3,2,1\\na,1,2,3,5\\nb,5,3,2,1', 'c.csv', { header: false, labelColumn: 0 }));
await classifier.save('saved-classifier');
const loadedClassifier = await SeriesClassifier.load('saved-classifier');
const fresh = parseSeries('1,2,3,4\\n4,3,2,2', 'new.csv', { header: false });
const labelsKept = JSON.stringify(await classifier.predictProba(fresh)) === JSON.stringify(await loadedClassifier.predictProba(fresh));
console.log(JSON.stringify({ shape: codes.shape, epochs: history.epoch.length, latent: AUTOENCODER_DEFAULTS.latentDim, same, saved: path.endsWith('model.json'), scoresKept, labelsKept }));
await Promise.all([model.dispose(), again.dispose(), detector.dispose(), loadedDetector.dispose(), classifier.dispose(), loadedClassifier.dispose()]);
`;

/** The README's library example: the first TypeScript block under "## The library". */
function readmeExample(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## The library'));
  const block = /```ts\n([\s\S]*?)```/.exec(section);
  assert.ok(block, 'README.md has a ts block under ## The library');
  return block[1]!;
}

test('npm pack gives a package with its licence, no install-time script and source maps that carry their sources', () => {
  const packed = JSON.parse(execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', scratch], { cwd: ROOT, encoding: 'utf8' })) as Array<{ filename: string; files: Array<{ path: string }> }>;
  const files = packed[0]!.files.map((f) => f.path);
  for (const needed of ['LICENSE', 'README.md', 'package.json', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/node.js', 'dist/src/report.js', 'dist/src/cli/main.js', 'dist/src/fast/autoencoder.wasm', 'dist/lib/index.js', 'dist/lib/node.js', 'dist/lib/report.js', 'dist/lib/node-worker.js', 'dist/lib/autoencoder.wasm']) {
    assert.ok(files.includes(needed), `${needed} is in the tarball`);
  }
  assert.ok(!files.some((f) => f.startsWith('dist/test/') || f.startsWith('src/')), 'tests and TypeScript sources stay out');
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  for (const hook of ['preinstall', 'install', 'postinstall', 'prepare']) assert.equal(pkg.scripts[hook], undefined, `no ${hook} script runs on a user's install`);
  const map = JSON.parse(readFileSync(join(ROOT, 'dist/src/index.js.map'), 'utf8')) as { sourcesContent?: string[] };
  assert.ok(map.sourcesContent?.[0]?.includes('LstmAutoencoder'), 'a map holds the TypeScript it maps to');
});

test('installed into an empty ESM TypeScript project: a strict program compiles against the types and runs; npx lstm-ae answers', () => {
  const tarball = readdirSync(scratch).find((f) => f.endsWith('.tgz')) ?? (JSON.parse(execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', scratch], { cwd: ROOT, encoding: 'utf8' }))[0].filename as string);
  const project = join(scratch, 'user-project');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-project', private: true, type: 'module' }));
  npm(['install', join(scratch, tarball)], project);

  writeFileSync(join(project, 'main.ts'), PROGRAM);
  writeFileSync(join(project, 'readme-example.ts'), readmeExample());
  // strict, and the package's own declarations checked too (no @types/node: the core needs none)
  const compilerOptions = {
    strict: true, noUncheckedIndexedAccess: true, target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext',
    lib: ['es2022', 'dom'], types: [], skipLibCheck: false,
  };
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['main.ts', 'readme-example.ts'] }));
  const compile = spawnSync(process.execPath, [TSC, '-p', 'tsconfig.json'], { cwd: project, encoding: 'utf8' });
  assert.equal(compile.status, 0, compile.stdout + compile.stderr);
  const run = spawnSync(process.execPath, ['main.js'], { cwd: project, encoding: 'utf8', timeout: 60_000 });
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout), { shape: [3, 3], epochs: 2, latent: 10, same: true, saved: true, scoresKept: true, labelsKept: true });
  const example = spawnSync(process.execPath, ['readme-example.js'], { cwd: project, encoding: 'utf8', timeout: 120_000 });
  assert.equal(example.status, 0, `the README's library example: ${example.stderr}`);
  assert.notEqual(example.stdout.trim(), '', "the README's library example prints its results");

  const env = { ...process.env, npm_config_ignore_scripts: 'true' };
  const help = spawnSync('npx', ['--no', '--', 'lstm-ae', '--help'], { cwd: project, encoding: 'utf8', timeout: 60_000, env });
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /^Usage: lstm-ae \[options\] \[command\]/);
  const version = spawnSync('npx', ['--no', '--', 'lstm-ae', '--version'], { cwd: project, encoding: 'utf8', timeout: 60_000, env });
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  assert.equal(version.stdout.trim(), pkg.version);
});
