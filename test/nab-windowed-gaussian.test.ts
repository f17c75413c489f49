/** NAB's windowed-Gaussian baseline detector against the same logic run in Python (numpy, math.erfc). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../src/input-error.js';
import { normalTailProbability, windowedGaussianScores } from '../src/analysis/nab/windowed-gaussian.js';
import { assertClose } from './assert-close.js';
import { readNabJson } from './nab-fixture.js';

interface GaussianReference {
  windowSize: number;
  stepSize: number;
  values: number[];
  scores: number[];
  normalTail: [number, number][];
}
const reference = readNabJson<GaussianReference>('windowed-gaussian-python.json');

test("the Gaussian tail probability is Python's erfc(z/√2)/2, to 1e-14 relative and 1e-13 far in the tail", () => {
  for (const [z, q] of reference.normalTail) {
    const ours = normalTailProbability(z, 0, 1);
    // far out, erfc(x) ~ exp(-x²) turns the rounding of x = z/√2 into a relative error of about 2x²·1e-16
    const tolerance = z <= 12 ? 1e-14 : 1e-13;
    assert.ok(Math.abs(ours - q) <= tolerance * q, `Q(${z}) = ${ours}, Python ${q}`);
  }
  // symmetric about the mean, and scaled by the standard deviation
  assert.equal(normalTailProbability(7, 10, 2), normalTailProbability(13, 10, 2));
  assert.equal(normalTailProbability(10, 10, 2), 0.5);
});

test('scores while the window fills and then slides step by step are those of the Python run', () => {
  assert.equal(reference.values.length, 201);
  const ours = windowedGaussianScores(reference.values, { windowSize: reference.windowSize, stepSize: reference.stepSize });
  assertClose(ours, reference.scores, 1e-12, 'windowed Gaussian scores');
  // the constant run gives a window with standard deviation 0, taken as 1e-6: the jump then scores 1
  assert.equal(ours[180], 1);
});

test('a hand-checked start: nothing before row 0, then the statistics of the rows before', () => {
  // row 1 against [1]: std 0 -> 1e-6, so 3 is 2e6 deviations out; row 2 against [1, 3]: mean 2, std 1, z = 0
  assert.deepEqual([...windowedGaussianScores([1, 3, 2])], [0, 1, 0.5]);
  // row 3 against [1, 3, 2]: mean 2, std sqrt(2/3); 2 + sqrt(2/3) is one deviation out: Φ(1) = 0.8413447460685429
  const one = windowedGaussianScores([1, 3, 2, 2 + Math.sqrt(2 / 3)]);
  assert.ok(Math.abs((one[3] ?? NaN) - 0.8413447460685429) < 1e-15);
  // a window of 2 sliding by 1: row 3 sees only [3, 2] (mean 2.5, std 0.5), so 3 is one deviation out
  const sliding = windowedGaussianScores([1, 3, 2, 3], { windowSize: 2, stepSize: 1 });
  assert.ok(Math.abs((sliding[3] ?? NaN) - 0.8413447460685429) < 1e-15);
});

test('bad values and sizes are InputErrors', () => {
  assert.throws(() => windowedGaussianScores([1, NaN]), /value NaN at row 1/);
  assert.throws(() => windowedGaussianScores([1], { windowSize: 0 }), InputError);
  assert.throws(() => windowedGaussianScores([1], { stepSize: 1.5 }), /stepSize is 1.5/);
});
