import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { makeSineData, type SineData } from '../src/data/sine-data.js';
import { parseSineDataConfig, DEFAULT_SINE_DATA_CONFIG } from '../src/data/sine-data-config.js';
import { roundHalfToEven } from '../src/data/windows.js';
import { InputError } from '../src/input-error.js';
import { assertClose } from './assert-close.js';
import { numpySkipReason, runPython } from './python.js';
import { skipWhenMissing } from './optional-checker.js';

const fixture = JSON.parse(
  readFileSync(new URL('../../test/fixtures/seed-sine-numpy.json', import.meta.url), 'utf8'),
) as { series_class0: number[]; series_class1: number[] };

const noNumpy = skipWhenMissing(numpySkipReason());

// numpy's sin (SIMD on some CPUs) and Math.sin differ in the last bit for many arguments
const SIN_TOLERANCE = 1e-15;

/** Every value within SIN_TOLERANCE of numpy's (the bound itself passes), lengths equal. */
const assertCloseToNumpy = (actual: ArrayLike<number>, numpy: ArrayLike<number>, what: string): void =>
  assertClose(actual, numpy, SIN_TOLERANCE, `${what} vs numpy`);

/** Every window must be the exact slice of its series that the seed's loop takes. */
function assertWindowsAreSlices(data: SineData): void {
  const T = data.config.timesteps;
  const counts = { train: 0, test: 0 };
  data.series.forEach((series, label) => {
    const split = roundHalfToEven(series.length * (1 - data.config.testSize));
    const parts = [
      { x: data.xTrain, y: data.yTrain, start: 0, end: split, key: 'train' as const },
      { x: data.xTest, y: data.yTest, start: split, end: series.length, key: 'test' as const },
    ];
    for (const part of parts) {
      for (let i = 0; i < part.end - part.start - T; i++) {
        const row = counts[part.key]++;
        assert.equal(part.y[row], label, `${part.key} label of row ${row}`);
        const window = part.x.subarray(row * T, (row + 1) * T);
        assert.deepEqual(window, series.subarray(part.start + i, part.start + i + T), `${part.key} row ${row}`);
      }
    }
  });
  assert.equal(counts.train, data.trainShape[0]);
  assert.equal(counts.test, data.testShape[0]);
}

function classCounts(labels: Int32Array): [number, number] {
  let ones = 0;
  for (const label of labels) ones += label;
  return [labels.length - ones, ones];
}

const seedData = makeSineData();

test('default data: both series within 1e-15 of numpy (fixture)', () => {
  assertCloseToNumpy(seedData.series[0], fixture.series_class0, 'class 0 series');
  assertCloseToNumpy(seedData.series[1], fixture.series_class1, 'class 1 series');
});

test('default data: shapes (17802,100,1)/(1800,100,1), class counts 3501/14301 and 300/1500', () => {
  assert.deepEqual(seedData.trainShape, [17802, 100, 1]);
  assert.deepEqual(seedData.testShape, [1800, 100, 1]);
  assert.equal(seedData.xTrain.length, 17802 * 100);
  assert.equal(seedData.xTest.length, 1800 * 100);
  assert.deepEqual(classCounts(seedData.yTrain), [3501, 14301]);
  assert.deepEqual(classCounts(seedData.yTest), [300, 1500]);
  assert.deepEqual(seedData.config, { ...DEFAULT_SINE_DATA_CONFIG, samplingNumPair: [20, 80] });
});

test('default data: every window is the seed slice; the last test window stops one short of the end', () => {
  assertWindowsAreSlices(seedData);
  const lastTestWindow = seedData.xTest.subarray(1799 * 100);
  assert.deepEqual(lastTestWindow, seedData.series[1].subarray(15900, 16000));
});

test('roundHalfToEven is Python round(): ties go to the even neighbour', () => {
  assert.deepEqual([0.5, 1.5, 2.5, 88.5, 3600.9, 14400.9, 7.49999].map(roundHalfToEven), [0, 2, 2, 88, 3601, 14401, 7]);
});

test('a non-default configuration matches the seed code run by numpy', { skip: noNumpy }, () => {
  // 118 * 0.75 = 88.5 exactly: the class 0 split is a tie that Python rounds down to 88
  const config = { seed: 7, randomFactor: 0.3, numberOfCycles: 13, timesteps: 17, samplingNumPair: [9, 31] as const, testSize: 0.25 };
  const stdout = runPython(`
import json, numpy as np
random_factor, cycles, T, pair, test_size = ${config.randomFactor}, ${config.numberOfCycles}, ${config.timesteps}, ${JSON.stringify(config.samplingNumPair)}, ${config.testSize}
np.random.seed(${config.seed})
def series(s):
    return np.array([np.sin(x * (2 * np.pi / s) + np.random.uniform(-1.0, 1.0) * random_factor) for x in range(s * cycles + 1)])
def windows(a):
    return np.array([a[i:i + T] for i in range(len(a) - T)])[:, :, None]
def split(a):
    ntrn = int(round(len(a) * (1 - test_size)))
    return windows(a[:ntrn]), windows(a[ntrn:])
tr1, te1 = split(series(pair[0]))
tr2, te2 = split(series(pair[1]))
X_train, X_test = np.r_[tr1, tr2], np.r_[te1, te2]
y_train = np.r_[np.zeros(len(tr1)), np.ones(len(tr2))]
y_test = np.r_[np.zeros(len(te1)), np.ones(len(te2))]
print(json.dumps(dict(X_train=X_train.ravel().tolist(), X_test=X_test.ravel().tolist(), train_shape=X_train.shape,
    test_shape=X_test.shape, y_train=y_train.tolist(), y_test=y_test.tolist())))
`);
  const numpy = JSON.parse(stdout) as Record<'X_train' | 'X_test' | 'train_shape' | 'test_shape' | 'y_train' | 'y_test', number[]>;

  const data = makeSineData(config);
  assert.deepEqual(data.trainShape, numpy.train_shape);
  assert.deepEqual(data.testShape, numpy.test_shape);
  assert.deepEqual(Array.from(data.yTrain), numpy.y_train);
  assert.deepEqual(Array.from(data.yTest), numpy.y_test);
  assertCloseToNumpy(data.xTrain, numpy.X_train, 'X_train');
  assertCloseToNumpy(data.xTest, numpy.X_test, 'X_test');
  assertWindowsAreSlices(data);
});

test('invalid settings throw one-line InputErrors naming the setting, the value and what works', () => {
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ seed: -1 }, /^seed -1 is invalid: expected an integer from 0 to 4294967295$/],
    [{ seed: 1.5 }, /^seed 1\.5 is invalid/],
    [{ randomFactor: -0.1 }, /^randomFactor -0\.1 is invalid: expected a finite number from 0 up$/],
    [{ randomFactor: Number.POSITIVE_INFINITY }, /^randomFactor Infinity is invalid/],
    [{ numberOfCycles: 0 }, /^numberOfCycles 0 is invalid: expected an integer from 1 up$/],
    [{ timesteps: 'ten' }, /^timesteps "ten" is invalid: expected an integer from 1 up$/],
    [{ samplingNumPair: [1, 80] }, /^samplingNumPair 1,80 is invalid: expected two integers of at least 2/],
    [{ samplingNumPair: [20] }, /^samplingNumPair 20 is invalid/],
    [{ testSize: 1 }, /^testSize 1 is invalid: expected a number above 0 and below 1$/],
    [{ colour: 'red' }, /^unknown sine data setting colour/],
    // 4001 * 0.99 rounds to 3961: 40 test values cannot hold a 100-step window plus its successor
    [{ testSize: 0.01 }, /^testSize 0\.01 leaves the test split of class 0 \(samplingNumPair 20, numberOfCycles 200: 4001 values\) 40 values, fewer than timesteps 100 \+ 1 = 101; use numberOfCycles 503 or more/],
    [{ testSize: 0.99 }, /^testSize 0\.99 leaves the train split of class 0 .* 40 values, fewer than timesteps 100 \+ 1 = 101/],
    [{ numberOfCycles: 5, timesteps: 100 }, /leaves the train split of class 0 .*101 values\) 91 values.*use numberOfCycles 51 or more/],
  ];
  for (const [input, message] of cases) {
    assert.throws(
      () => parseSineDataConfig(input as never),
      (err: unknown) => err instanceof InputError && message.test(err.message) && !err.message.includes('\n'),
      `${JSON.stringify(input)}`,
    );
  }
});

test('errors use the names a caller passes (the CLI passes its flags)', () => {
  const flags = {
    seed: '--seed', randomFactor: '--random-factor', numberOfCycles: '--cycles',
    timesteps: '--timesteps', samplingNumPair: '--sampling', testSize: '--test-size',
  };
  assert.throws(() => parseSineDataConfig({ timesteps: 0 }, flags), /: --timesteps 0 is invalid/);
  assert.throws(() => parseSineDataConfig({ numberOfCycles: 1 }, flags), /--test-size 0\.1 leaves the train split of class 0 \(--sampling 20, --cycles 1: 21 values\)/);
});
