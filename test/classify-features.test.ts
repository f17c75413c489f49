import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resampleSeries } from '../src/analysis/resample.js';
import { encoderStates, stateFeatures } from '../src/analysis/encoder-states.js';
import { lstmFinalHidden } from '../src/analysis/lstm-feed-forward.js';
import { RandomState } from '../src/ops/random-state.js';
import { assertClose } from './assert-close.js';

test('resampleSeries: PAA block means when shrinking by a whole factor, interpolation when growing', () => {
  // 6 steps to 3: the means of (1,3), (5,7), (0,10)
  assert.deepEqual(Array.from(resampleSeries(Float64Array.of(1, 3, 5, 7, 0, 10), 1, 3)), [2, 6, 5]);
  // two channels, each on its own: (0,10),(2,30),(4,50),(6,70) to 2 steps
  assert.deepEqual(Array.from(resampleSeries(Float64Array.of(0, 10, 2, 30, 4, 50, 6, 70), 2, 2)), [1, 20, 5, 60]);
  // growing is resampleLinear: [0, 1, 4] to 5 steps → 0, 0.5, 1, 2.5, 4
  assert.deepEqual(Array.from(resampleSeries(Float64Array.of(0, 1, 4), 1, 5)), [0, 0.5, 1, 2.5, 4]);
  // equal length: a copy of the same values
  const same = Float64Array.of(3, 1, 4);
  assert.deepEqual(resampleSeries(same, 1, 3), same);
  assert.notEqual(resampleSeries(same, 1, 3), same);
});

test('resampleSeries: fractional bins weigh each step by its overlap, and the mean is kept', () => {
  // 3 steps to 2: bins [0, 1.5) and [1.5, 3): (3 + 0.5·6)/1.5 = 4 and (0.5·6 + 9)/1.5 = 8
  assert.deepEqual(Array.from(resampleSeries(Float64Array.of(3, 6, 9), 1, 2)), [4, 8]);
  // 5 steps to 3, bins of 5/3: [0, 5/3) = 1·a + (2/3)·b, and so on
  const x = Float64Array.of(1, 2, 4, 8, 16);
  const bin = 5 / 3;
  const expected = [(1 + (2 / 3) * 2) / bin, ((1 / 3) * 2 + 4 + (1 / 3) * 8) / bin, ((2 / 3) * 8 + 16) / bin];
  assertClose(resampleSeries(x, 1, 3), expected, 1e-12, 'fractional bins');
  // any shrink keeps the mean (each input step's weight sums to 1 over the bins)
  const rng = new RandomState(3);
  const long = Float64Array.from({ length: 1344 }, () => rng.uniform(-5, 5));
  const short = resampleSeries(long, 1, 100);
  const mean = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / a.length;
  assertClose([mean(short)], [mean(long)], 1e-12, 'mean');
  assert.throws(() => resampleSeries(long, 1, 0), /length is 0/);
});

/** Keras-layout weights drawn at random, as a float64 reference reads them. */
function randomLstm(D: number, L: number, seed: number) {
  const rng = new RandomState(seed);
  const draw = (n: number, scale: number) => Float64Array.from({ length: n }, () => rng.uniform(-scale, scale));
  return { kernel: draw(D * 4 * L, 0.8), recurrentKernel: draw(L * 4 * L, 0.6), bias: draw(4 * L, 0.3) };
}

test('encoderStates (the engine\'s lstmForward in float64): final h, and mean and max of h over the real steps, as the independent plain feed-forward gives them', () => {
  const [N, T, D, L] = [5, 9, 2, 3];
  const weights = randomLstm(D, L, 7);
  const rng = new RandomState(8);
  const data = Float64Array.from({ length: N * T * D }, () => rng.uniform(-2, 2));
  const lengths = Int32Array.of(9, 4, 1, 7, 2);
  for (const activation of ['sigmoid', 'hard_sigmoid'] as const) {
    const states = encoderStates(weights, { data, shape: [N, T, D], lengths }, activation);
    // the article's calc_ht, independent code: the final hidden state
    assertClose(states.finalHidden, lstmFinalHidden(weights, { data, shape: [N, T, D], lengths }, { recurrentActivation: activation }), 1e-14, `${activation} final h`);

    // mean and max of h over the real steps, from the same independent code: h_t is the final h of the first t+1 steps
    for (let n = 0; n < N; n++) {
      const len = lengths[n]!;
      const one = data.subarray(n * T * D, (n + 1) * T * D);
      const hs = Array.from({ length: len }, (_, t) =>
        lstmFinalHidden(weights, { data: one, shape: [1, T, D], lengths: Int32Array.of(t + 1) }, { recurrentActivation: activation }));
      for (let k = 0; k < L; k++) {
        const at = n * L + k;
        const values = hs.map((h) => h[k]!);
        assertClose([states.meanHidden[at]!], [values.reduce((x, y) => x + y, 0) / len], 1e-14, `${activation} mean h, series ${n}`);
        assertClose([states.maxHidden[at]!], [Math.max(...values)], 1e-14, `${activation} max h, series ${n}`);
      }
    }
  }
});

test('encoderStates by hand: one unit, one step, and stateFeatures puts the blocks side by side', () => {
  // D = L = 1, every weight 0 except the candidate's kernel 1 and the output gate's bias 0:
  // i = f = o = σ(0) = 0.5; c = 0.5·tanh(x); h = 0.5·tanh(c)
  const kernel = Float64Array.of(0, 0, 1, 0);
  const weights = { kernel, recurrentKernel: new Float64Array(4), bias: new Float64Array(4) };
  const states = encoderStates(weights, { data: Float64Array.of(2), shape: [1, 1, 1] });
  const c = 0.5 * Math.tanh(2);
  const h = 0.5 * Math.tanh(c);
  assertClose([states.finalCell[0]!, states.finalHidden[0]!, states.meanHidden[0]!, states.maxHidden[0]!], [c, h, h, h], 1e-15, 'one step');
  const two = encoderStates(randomLstm(1, 2, 1), { data: Float64Array.of(0.1, 0.2, 0.3, 0.4), shape: [2, 2, 1] });
  const features = stateFeatures(two, ['meanHidden', 'finalCell']);
  assert.deepEqual([features.rows, features.cols], [2, 4]);
  assert.deepEqual(Array.from(features.data.subarray(4, 8)), [...two.meanHidden.subarray(2, 4), ...two.finalCell.subarray(2, 4)]);
});
