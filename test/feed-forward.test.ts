import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstmFinalHidden, splitParams } from '../src/analysis/lstm-feed-forward.js';
import { maxAbsDifference } from '../src/analysis/metrics.js';
import { InputError } from '../src/input-error.js';
// torch: PyTorch autograd in float64, Keras layout (see test/fixtures/README.md).
import { flat, torch } from './torch-fixture.js';

test('final hidden state matches PyTorch float64 on the B=3, T=6, D=1, L=4 encoder', () => {
  const weights = {
    kernel: flat(torch.weights['encoder/kernel']),
    recurrentKernel: flat(torch.weights['encoder/recurrent_kernel']),
    bias: flat(torch.weights['encoder/bias']),
  };
  const h = lstmFinalHidden(weights, { data: flat(torch.x), shape: [3, 6, 1] });
  assert.equal(h.length, 3 * 4);
  const diff = maxAbsDifference(h, flat(torch.encoder_final_h));
  assert.ok(diff <= 1e-12, `max |ours - torch| = ${diff}`);
});

test('split_params takes column blocks i, f, c, o of W, U and b', () => {
  // D=1, L=2: kernel columns 0..7, so gate g owns values [2g, 2g+1].
  const kernel = [0, 1, 2, 3, 4, 5, 6, 7];
  const recurrentKernel = [10, 11, 12, 13, 14, 15, 16, 17, 20, 21, 22, 23, 24, 25, 26, 27];
  const bias = [30, 31, 32, 33, 34, 35, 36, 37];
  const p = splitParams({ kernel, recurrentKernel, bias }, 1, 2);
  assert.deepEqual([...p.f.W.values], [2, 3]);
  assert.deepEqual([...p.c.U.values], [14, 15, 24, 25]);
  assert.deepEqual([...p.o.b], [36, 37]);
});

test('one time step, computed by hand', () => {
  // D=1, L=1, x=2, h=c=0, so each gate's input is 2*W_g + b_g:
  //   i = σ(2*0.5 + 0)  = σ(1)
  //   f = σ(2*1 - 1)    = σ(1)   (f multiplies c = 0, so it cannot matter)
  //   c̃ = tanh(2*-0.25 + 0.1) = tanh(-0.4)
  //   o = σ(2*0 + 0.3)  = σ(0.3)
  //   c = i c̃,  h = o tanh(c)
  const weights = { kernel: [0.5, 1, -0.25, 0], recurrentKernel: [9, 9, 9, 9], bias: [0, -1, 0.1, 0.3] };
  const σ = (z: number) => 1 / (1 + Math.exp(-z));
  const c = σ(1) * Math.tanh(-0.4);
  const expected = σ(0.3) * Math.tanh(c);
  const [h] = lstmFinalHidden(weights, { data: [2], shape: [1, 1, 1] });
  assert.ok(Math.abs(h! - expected) <= 1e-15, `${h} vs ${expected}`);
  // on paper: σ(1)=0.73106, tanh(-0.4)=-0.37995, c=-0.27777, tanh(c)=-0.27084, σ(0.3)=0.57444, h=-0.15558
  assert.ok(Math.abs(h! - -0.15555) < 1e-4, `${h}`);
});

test("hard_sigmoid matches an inline two-step computation", () => {
  // D=2, L=1, T=2, gate order i, f, c, o; hard σ(z) = clip(0.2 z + 0.5, 0, 1).
  // Chosen so that both clips are exercised: o's input is -3.15 on step 1 (clipped to 0)
  // and 4.97 on step 2 (clipped to 1); f and i stay inside (0, 1).
  const W = { i: [0.3, -0.2], f: [1.5, 4], c: [0.7, 0.1], o: [-6, 0.2] };
  const U = { i: 0.4, f: -0.3, c: 0.9, o: 0.5 };
  const b = { i: 0.1, f: 1, c: -0.2, o: 0.05 };
  const kernel = [W.i[0]!, W.f[0]!, W.c[0]!, W.o[0]!, W.i[1]!, W.f[1]!, W.c[1]!, W.o[1]!];
  const recurrentKernel = [U.i, U.f, U.c, U.o];
  const bias = [b.i, b.f, b.c, b.o];
  const xs = [[0.5, -1], [-0.8, 0.6]];

  const hard = (z: number) => Math.min(1, Math.max(0, 0.2 * z + 0.5));
  let h = 0;
  let c = 0;
  for (const x of xs) {
    const pre = (g: 'i' | 'f' | 'c' | 'o') => x[0]! * W[g][0]! + x[1]! * W[g][1]! + h * U[g] + b[g];
    const i = hard(pre('i'));
    const f = hard(pre('f'));
    const cTilde = Math.tanh(pre('c'));
    const o = hard(pre('o'));
    c = f * c + i * cTilde;
    h = o * Math.tanh(c);
  }
  const [ours] = lstmFinalHidden({ kernel, recurrentKernel, bias }, { data: xs.flat(), shape: [1, 2, 2] }, { recurrentActivation: 'hard_sigmoid' });
  assert.ok(Math.abs(ours! - h) <= 1e-15, `${ours} vs ${h}`);
  // and it is not what the logistic sigmoid gives, so the option really switches
  const [logistic] = lstmFinalHidden({ kernel, recurrentKernel, bias }, { data: xs.flat(), shape: [1, 2, 2] });
  assert.ok(Math.abs(logistic! - h) > 1e-3);
});

test('bad shapes are InputErrors that say what was expected', () => {
  const weights = { kernel: [0, 0, 0, 0], recurrentKernel: [0, 0, 0, 0], bias: [0, 0, 0, 0] };
  assert.throws(() => lstmFinalHidden(weights, { data: [1, 2], shape: [1, 3, 1] }), InputError);
  assert.throws(() => lstmFinalHidden({ ...weights, bias: [0, 0, 0] }, { data: [1], shape: [1, 1, 1] }), /expected 4L/);
  assert.throws(() => lstmFinalHidden(weights, { data: [1, 2], shape: [1, 1, 2] }), /kernel has 4 values; expected D\*4L = 8/);
});
