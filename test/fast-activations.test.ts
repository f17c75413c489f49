import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FastKernels, KERNELS_NAME } from '../src/models/autoencoder/fast-kernels.js';
import { nodePlatform } from '../src/fast/node-platform.js';

// The fast path's vector tanh (a rational minimax fit, assembly/activations.ts) and its
// sigmoid = 0.5 + 0.5 tanh(x/2), measured as the kernels compute them, in float32.
// Over every float32 in [-12, 12] (checked once, offline) the largest absolute errors are
// 3.89e-7 (tanh) and 2.16e-7 (sigmoid); beyond that both are saturated. These bounds say
// so with a little room; the lower limits make sure this measures the approximation.
const TANH_BOUND = 4e-7;
const SIGMOID_BOUND = 2.5e-7;

const kernels = new FastKernels(nodePlatform.wasmModule(KERNELS_NAME), { timesteps: 1000, inputDim: 1, latentDim: 1 }, 1000, 'sigmoid');

function grid(from: number, to: number, n: number): Float32Array {
  return new Float32Array(n).map((_, i) => from + ((to - from) * i) / (n - 1));
}

function worstError(fn: 'tanh' | 'sigmoid', x: Float32Array, exact: (v: number) => number): number {
  const y = kernels.approximate(fn, x);
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(y[i]! - exact(x[i]!)));
  return worst;
}

const inputs = [grid(-12, 12, 400_000), grid(-1e-3, 1e-3, 20_000), grid(6, 9, 100_000), new Float32Array([0, -0, 1e-30, -1e-30, 50, -50, 3e38, -3e38])];

test(`tanh approximation: absolute error under ${TANH_BOUND} everywhere`, () => {
  let worst = 0;
  for (const x of inputs) worst = Math.max(worst, worstError('tanh', x, Math.tanh));
  assert.ok(worst < TANH_BOUND, `max |tanh error| ${worst}`);
  assert.ok(worst > 1e-7, `max |tanh error| ${worst}: this is the approximation, not an exact tanh`);
});

test(`sigmoid approximation: absolute error under ${SIGMOID_BOUND} everywhere`, () => {
  let worst = 0;
  for (const x of inputs) worst = Math.max(worst, worstError('sigmoid', x, (v) => 1 / (1 + Math.exp(-v))));
  assert.ok(worst < SIGMOID_BOUND, `max |sigmoid error| ${worst}`);
  assert.ok(worst > 5e-8, `max |sigmoid error| ${worst}`);
});

test('tanh approximation is odd, exact at 0, and saturates at +-1 within one float32 step', () => {
  const x = grid(0, 20, 10_000);
  const pos = kernels.approximate('tanh', x);
  const neg = kernels.approximate('tanh', x.map((v) => -v));
  for (let i = 0; i < x.length; i++) {
    assert.equal(neg[i], -pos[i]!);
    assert.ok(Math.abs(pos[i]!) <= 1 + 2 ** -23, `|tanh(${x[i]})| = ${pos[i]}`);
    if (x[i]! >= 9) assert.ok(Math.abs(pos[i]! - 1) <= 2 ** -23, `tanh(${x[i]}) = ${pos[i]}`);
  }
  assert.equal(pos[0], 0);
  assert.deepEqual([...kernels.approximate('sigmoid', new Float32Array([0]))], [0.5]);
});
