import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReferenceStep } from '../src/models/autoencoder/reference-step.js';
import { autoencoderLayout } from '../src/models/autoencoder/layout.js';
import { RandomState } from '../src/ops/random-state.js';
import type { RecurrentActivation } from '../src/ops/activations.js';
import type { FloatArray } from '../src/ops/param-layout.js';

// Central finite differences in float64 over every parameter of a small random model.
const dims = { timesteps: 5, inputDim: 2, latentDim: 3 };
const B = 2;
const size = autoencoderLayout(dims).size;

function randomProblem(seed: number, weightScale: number) {
  const rng = new RandomState(seed);
  const params = new Float64Array(size);
  for (let i = 0; i < size; i++) params[i] = rng.uniform(-weightScale, weightScale);
  const x = new Float64Array(B * dims.timesteps * dims.inputDim);
  for (let i = 0; i < x.length; i++) x[i] = rng.uniform(-0.8, 0.8);
  return { params, x };
}

/** How close any activated hard_sigmoid gate (i, f, o; not the tanh block) is to a kink without being clipped. */
function nearestKink(gates: FloatArray, n: number): { saturated: number; gap: number } {
  const L = dims.latentDim;
  let saturated = 0;
  let gap = Infinity;
  for (let i = 0; i < n; i++) {
    if (Math.floor((i % (4 * L)) / L) === 2) continue;
    const y = gates[i]!;
    if (y === 0 || y === 1) saturated++;
    else gap = Math.min(gap, y, 1 - y);
  }
  return { saturated, gap };
}

function check(recurrentActivation: RecurrentActivation, seed: number, weightScale: number): void {
  const { params, x } = randomProblem(seed, weightScale);
  const step = new ReferenceStep({ ...dims, recurrentActivation }, B, 'float64');
  const analytic = new Float64Array(size);
  step.run(params, analytic, x, B);
  if (recurrentActivation === 'hard_sigmoid') {
    const n = B * dims.timesteps * 4 * dims.latentDim;
    const enc = nearestKink(step.encoderGates, n);
    const dec = nearestKink(step.decoderGates, n);
    // the clipped region is exercised, and no gate sits where a small nudge crosses a kink
    assert.ok(enc.saturated + dec.saturated >= 10, 'few gates saturated: the clipped branch is barely tested');
    assert.ok(Math.min(enc.gap, dec.gap) > 1e-4, `a gate is within ${Math.min(enc.gap, dec.gap)} of a kink`);
  }
  const h = 1e-6;
  let worst = 0;
  let largest = 0;
  for (let i = 0; i < size; i++) {
    const saved = params[i]!;
    params[i] = saved + h;
    const up = step.run(params, null, x, B);
    params[i] = saved - h;
    const down = step.run(params, null, x, B);
    params[i] = saved;
    const numeric = (up - down) / (2 * h);
    worst = Math.max(worst, Math.abs(numeric - analytic[i]!));
    largest = Math.max(largest, Math.abs(analytic[i]!));
  }
  assert.ok(largest > 1e-3, 'gradient vanishingly small: the check would prove nothing');
  assert.ok(worst / largest < 1e-6, `max |numeric - analytic| = ${worst.toExponential(2)}, largest gradient ${largest.toExponential(2)}`);
}

test('sigmoid LSTMs: analytic gradient of every parameter matches central differences', () => {
  check('sigmoid', 1, 0.6);
});

test('hard_sigmoid LSTMs, some gates clipped: analytic gradient matches central differences', () => {
  check('hard_sigmoid', 2, 2.5);
});
