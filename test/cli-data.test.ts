import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNpy } from '../src/io/npy-file.js';
import { makeSineData } from '../src/data/sine-data.js';
import { runCli } from './run-cli.js';

async function withTempDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cli-data-'));
  try {
    await body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('data with the seed defaults writes the four arrays and prints their shapes as numpy does', async () => {
  await withTempDir(async (dir) => {
    const out = join(dir, 'seed');
    const run = await runCli('data', '--out', out);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'X_train (17802, 100, 1)\ny_train (17802,)\nX_test (1800, 100, 1)\ny_test (1800,)\n');
    assert.deepEqual(readdirSync(out).sort(), ['X_test.npy', 'X_train.npy', 'y_test.npy', 'y_train.npy']);
    const xTrain = readNpy(join(out, 'X_train.npy'));
    const yTrain = readNpy(join(out, 'y_train.npy'));
    const xTest = readNpy(join(out, 'X_test.npy'));
    const yTest = readNpy(join(out, 'y_test.npy'));
    assert.deepEqual([xTrain.dtype, xTrain.shape], ['float64', [17802, 100, 1]]);
    assert.deepEqual([yTrain.dtype, yTrain.shape], ['int64', [17802]]);
    assert.deepEqual([xTest.dtype, xTest.shape], ['float64', [1800, 100, 1]]);
    assert.deepEqual([yTest.dtype, yTest.shape], ['int64', [1800]]);
    // the files hold the library's data (itself checked against numpy in sine-data.test)
    const data = makeSineData();
    assert.deepEqual(xTrain.data, data.xTrain);
    assert.deepEqual(xTest.data, data.xTest);
    assert.deepEqual(yTest.data, BigInt64Array.from(data.yTest, BigInt));
    const labels = yTrain.data as BigInt64Array;
    assert.deepEqual([labels[0], labels[3500], labels[3501], labels[17801]], [0n, 0n, 1n, 1n]);
  });
});

test('data with every option set uses them all', async () => {
  await withTempDir(async (dir) => {
    const run = await runCli('data', '--out', dir, '--seed', '7', '--random-factor', '0.3', '--cycles', '13', '--timesteps', '17', '--sampling', '9,31', '--test-size', '0.25');
    assert.equal(run.code, 0, run.stderr);
    // 118 and 404 values split at 88 (88.5 rounds to even) and 303: (88-17)+(303-17) train windows, (30-17)+(101-17) test
    assert.equal(run.stdout, 'X_train (357, 17, 1)\ny_train (357,)\nX_test (97, 17, 1)\ny_test (97,)\n');
    const expected = makeSineData({ seed: 7, randomFactor: 0.3, numberOfCycles: 13, timesteps: 17, samplingNumPair: [9, 31], testSize: 0.25 });
    assert.deepEqual(readNpy(join(dir, 'X_test.npy')).data, expected.xTest);
  });
});

test('every invalid option exits 2 with one line naming the option, the value and what works, and writes nothing', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['--seed', 'abc'], /--seed <n>' argument 'abc' is invalid\. expected an integer from 0 to 4294967295/],
    [['--seed', '-1'], /--seed <n>' argument '-1' is invalid\. expected an integer from 0 to 4294967295/],
    [['--random-factor', '-0.5'], /--random-factor <f>' argument '-0\.5' is invalid\. expected a number from 0/],
    [['--cycles', '0'], /--cycles <n>' argument '0' is invalid\. expected an integer from 1 up/],
    [['--sampling', '1,80'], /--sampling <a,b>' argument '1,80' is invalid\. expected two integers of at least 2 separated by a comma, e\.g\. 20,80/],
    [['--test-size', '1'], /^lstm-ae: --test-size 1 is invalid: expected a number above 0 and below 1$/],
    [['--test-size', '0.01'], /^lstm-ae: --test-size 0\.01 leaves the test split of class 0 \(--sampling 20, --cycles 200: 4001 values\) 40 values, fewer than --timesteps 100 \+ 1 = 101; use --cycles 503 or more/],
    [['--test-size', '0.99'], /^lstm-ae: --test-size 0\.99 leaves the train split of class 0 .* 40 values, fewer than --timesteps 100 \+ 1 = 101/],
    [['--unknown', '3'], /unknown option '--unknown'/],
  ];
  await withTempDir(async (dir) => {
    await Promise.all(
      cases.map(async ([args, message], k) => {
        const out = join(dir, `out-${k}`);
        const run = await runCli('data', '--out', out, ...args);
        const what = args.join(' ');
        assert.equal(run.code, 2, `${what}: exit code`);
        assert.equal(run.stdout, '', `${what}: stdout`);
        const lines = run.stderr.trimEnd().split('\n');
        assert.equal(lines.length, 1, `${what}: one line, got ${JSON.stringify(run.stderr)}`);
        assert.match(lines[0]!, message, what);
        assert.ok(!existsSync(out), `${what}: nothing written`);
      }),
    );
  });
});

test('a missing --out, or an --out that is a file, exits 2 with one line', async () => {
  await withTempDir(async (dir) => {
    const missing = await runCli('data');
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^error: required option '--out <dir>' not specified\n$/);

    const file = join(dir, 'a-file');
    writeFileSync(file, 'keep me');
    const run = await runCli('data', '--out', file);
    assert.equal(run.code, 2);
    assert.equal(run.stderr, `lstm-ae: --out ${file}: exists and is not a folder; give a folder path\n`);
    assert.deepEqual(readdirSync(dir), ['a-file']);
  });
});

test('data --help describes every option', async () => {
  const run = await runCli('data', '--help');
  assert.equal(run.code, 0);
  for (const flag of ['--out <dir>', '--seed <n>', '--random-factor <f>', '--cycles <n>', '--timesteps <n>', '--sampling <a,b>', '--test-size <f>']) {
    assert.ok(run.stdout.includes(flag), flag);
  }
  assert.match(run.stdout, /\(default:\s+20,80\)/);
});
