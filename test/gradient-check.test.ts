import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReferenceStep, type StepDims } from '../src/models/autoencoder/reference-step.js';
import { autoencoderLayout } from '../src/models/autoencoder/layout.js';
import { RandomState } from '../src/ops/random-state.js';
import type { RecurrentActivation } from '../src/ops/activations.js';
import type { FloatArray, ParamLayout } from '../src/ops/param-layout.js';

// Central finite differences in float64 over every parameter of a small random model.
const dims = { timesteps: 5, inputDim: 2, latentDim: 3 };
const B = 2;

function randomProblem(seed: number, weightScale: number, layout: ParamLayout, liveHidden = false) {
  const rng = new RandomState(seed);
  const size = layout.size;
  const params = new Float64Array(size);
  for (let i = 0; i < size; i++) params[i] = rng.uniform(-weightScale, weightScale);
  // its 3 relu units all dead, dense_hidden would zero every gradient before it
  const hiddenBias = layout.slot('dense_hidden/bias');
  if (liveHidden) params.fill(0.6, hiddenBias.offset, hiddenBias.offset + hiddenBias.size);
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

function check(recurrentActivation: RecurrentActivation, seed: number, weightScale: number, variant: Partial<StepDims> = {}, lengths?: Int32Array): void {
  const layout = autoencoderLayout({ ...dims, ...variant });
  const size = layout.size;
  // the variants' checks (added later) keep the hidden layer alive; the first two keep their original draws
  const { params, x } = randomProblem(seed, weightScale, layout, lengths !== undefined || Object.keys(variant).length > 0);
  const step = new ReferenceStep({ ...dims, recurrentActivation, ...variant }, B, 'float64');
  const analytic = new Float64Array(size);
  step.run(params, analytic, x, B, lengths);
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
    const up = step.run(params, null, x, B, lengths);
    params[i] = saved - h;
    const down = step.run(params, null, x, B, lengths);
    params[i] = saved;
    const numeric = (up - down) / (2 * h);
    worst = Math.max(worst, Math.abs(numeric - analytic[i]!));
    largest = Math.max(largest, Math.abs(analytic[i]!));
  }
  assert.ok(largest > 1e-3, 'gradient vanishingly small: the check would prove nothing');
  // and no tensor's gradient is all zero (a dead relu layer would hide the decoder from the check)
  for (const slot of layout.slots) {
    const tensorLargest = Math.max(...analytic.subarray(slot.offset, slot.offset + slot.size).map(Math.abs));
    assert.ok(tensorLargest > 1e-6, `${slot.name}: gradient ${tensorLargest}`);
  }
  assert.ok(worst / largest < 1e-6, `max |numeric - analytic| = ${worst.toExponential(2)}, largest gradient ${largest.toExponential(2)}`);
}

test('sigmoid LSTMs: analytic gradient of every parameter matches central differences', () => {
  check('sigmoid', 1, 0.6);
});

test('hard_sigmoid LSTMs, some gates clipped: analytic gradient matches central differences', () => {
  check('hard_sigmoid', 2, 2.5);
});

// The variants, sigmoid gates; windows of lengths 3 and 5 of T=5 (the padding is random too).
const MASKED = Int32Array.from([3, 5]);

test('masked windows (lengths 3 and 5 of 5): analytic gradient matches central differences', () => {
  check('sigmoid', 3, 0.6, {}, MASKED);
});

test('unconditional decoder: analytic gradient matches central differences, unmasked and masked', () => {
  check('sigmoid', 4, 0.6, { decoder: 'unconditional' });
  check('sigmoid', 5, 0.6, { decoder: 'unconditional' }, Int32Array.from([2, 4]));
});

test('reversed target: analytic gradient matches central differences, unmasked and masked', () => {
  check('sigmoid', 6, 0.6, { reverseTarget: true });
  check('sigmoid', 7, 0.6, { reverseTarget: true }, MASKED);
});

test('linear output: analytic gradient matches central differences', () => {
  check('sigmoid', 8, 0.8, { outputActivation: 'linear' });
});

test('every variant at once (unconditional, reversed, linear, masked), hard_sigmoid gates too', () => {
  const all = { decoder: 'unconditional', reverseTarget: true, outputActivation: 'linear' } as const;
  check('sigmoid', 9, 0.6, all, MASKED);
  check('hard_sigmoid', 10, 2.5, all, Int32Array.from([5, 4]));
});
