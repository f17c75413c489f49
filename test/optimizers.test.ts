import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Adam, Rmsprop, Sgd, type Optimizer } from '../src/ops/optimizers.js';
import { assertClose } from './assert-close.js';

// Two steps from p = [1, -2] with gradients g1 = [0.5, -1] then g2 = [-0.25, 0.75].
// Expected values: the Keras update rules evaluated by hand (checked in Python floats).
const start = [1, -2];
const g1 = [0.5, -1];
const g2 = [-0.25, 0.75];

function twoSteps(optimizer: Optimizer, precision: 'float32' | 'float64' = 'float64'): number[][] {
  const p = precision === 'float64' ? Float64Array.from(start) : Float32Array.from(start);
  optimizer.step(p, Float64Array.from(g1));
  const first = [...p];
  optimizer.step(p, Float64Array.from(g2));
  return [first, [...p]];
}

test('RMSprop: a = rho a + (1-rho) g^2, p -= lr g / (sqrt(a) + eps)', () => {
  // step 1: a = 0.1 g^2, so the step is lr sqrt(10) = 0.3162278 against the gradient's sign
  const [first, second] = twoSteps(new Rmsprop(2, { learningRate: 0.1, rho: 0.9, epsilon: 1e-7 }, 'float64'));
  assertClose(first!, [0.6837724339830356, -1.6837723339831303], 1e-14, 'after step 1', '<');
  assertClose(second!, [0.8312143031814623, -1.8798884178392765], 1e-14, 'after step 2', '<');
});

test('RMSprop defaults are Keras’s: lr 1e-3, rho 0.9, eps 1e-7; float32 state', () => {
  const rms = new Rmsprop(2);
  assert.deepEqual([rms.learningRate, rms.rho, rms.epsilon], [1e-3, 0.9, 1e-7]);
  const [first] = twoSteps(rms, 'float32');
  assertClose(first!, [1 - 1e-3 * Math.sqrt(10), -2 + 1e-3 * Math.sqrt(10)], 1e-6, 'after step 1', '<');
});

test('Adam: Keras bias correction lr sqrt(1 - b2^t) / (1 - b1^t)', () => {
  // step 1: m = 0.1 g, v = 0.001 g^2, lr_t = lr sqrt(0.001) / 0.1: a step of exactly lr (less eps)
  const [first, second] = twoSteps(new Adam(2, { learningRate: 0.1 }, 'float64'));
  assertClose(first!, [0.900000632451532, -1.900000316226766], 1e-14, 'after step 1', '<');
  assertClose(second!, [0.8733670792079218, -1.8910678380910504], 1e-14, 'after step 2', '<');
  const adam = new Adam(2);
  assert.deepEqual([adam.learningRate, adam.beta1, adam.beta2, adam.epsilon], [1e-3, 0.9, 0.999, 1e-7]);
});

test('SGD without momentum: p -= lr g, lr 0.01 by default', () => {
  const [first, second] = twoSteps(new Sgd(2, {}, 'float64'));
  assertClose(first!, [0.995, -1.99], 1e-15, 'after step 1', '<');
  assertClose(second!, [0.9975, -1.9975], 1e-15, 'after step 2', '<');
});

test('SGD with momentum: v = m v - lr g, p += v', () => {
  const [first, second] = twoSteps(new Sgd(2, { learningRate: 0.1, momentum: 0.9 }, 'float64'));
  assertClose(first!, [0.95, -1.9], 1e-15, 'after step 1', '<');
  // v = 0.9 * [-0.05, 0.1] - 0.1 * [-0.25, 0.75] = [-0.02, 0.015]
  assertClose(second!, [0.93, -1.885], 1e-15, 'after step 2', '<');
});

test('an optimizer refuses a buffer of another size', () => {
  assert.throws(() => new Rmsprop(3).step(new Float32Array(2), new Float32Array(2)), /3 parameters/);
});
