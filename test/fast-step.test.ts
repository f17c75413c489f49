import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createFastStep, type FastStep } from '../src/models/autoencoder/fast-step.js';
import { ReferenceStep } from '../src/models/autoencoder/reference-step.js';
import { autoencoderLayout, WEIGHT_NAMES, type AutoencoderDims } from '../src/models/autoencoder/layout.js';
import type { RecurrentActivation } from '../src/ops/activations.js';
import { assertCloseRelativeToLargest } from './assert-close.js';
import { flat, torch as fixture } from './torch-fixture.js';
import { mulberry32 as random } from './mulberry32.js';

// The fast path (WebAssembly SIMD, threads) against the readable reference in float64:
// loss, reconstruction, codes and every gradient tensor within 1e-5 of that tensor's
// largest absolute value.
const TOLERANCE = 1e-5;

/** Weights uniform in +-0.6 (biases too, so gates sit in varied places), x uniform in +-1. */
function randomCase(dims: AutoencoderDims, batch: number, seed: number): { params: Float32Array; x: Float32Array } {
  const r = random(seed);
  const params = new Float32Array(autoencoderLayout(dims).size).map(() => (r() * 2 - 1) * 0.6);
  const x = new Float32Array(batch * dims.timesteps * dims.inputDim).map(() => r() * 2 - 1);
  return { params, x };
}

function assertGradientsClose(grads: Float32Array, expected: Float64Array, dims: AutoencoderDims, what: string): void {
  const layout = autoencoderLayout(dims);
  const got = layout.views(grads);
  const want = layout.views(expected);
  for (const name of WEIGHT_NAMES) assertCloseRelativeToLargest(got[name]!, want[name]!, TOLERANCE, `${what} d/d${name}`);
}

interface Case {
  T: number;
  D: number;
  L: number;
  batch: number;
}

// latent 1, 3, 10, 32; input dims 1 and 3; T from 1 to 120; batches with and without a
// partial last SIMD block of 4, and odd ones smaller than their step's maxBatch. Batches
// above 16 windows (one chunk) keep both threads busy.
const CASES: Case[] = [
  { T: 1, D: 1, L: 1, batch: 37 },
  { T: 6, D: 1, L: 3, batch: 20 },
  { T: 13, D: 3, L: 3, batch: 33 },
  { T: 40, D: 1, L: 10, batch: 48 },
  { T: 120, D: 1, L: 10, batch: 21 },
  { T: 57, D: 3, L: 1, batch: 36 },
  { T: 30, D: 1, L: 32, batch: 18 },
  { T: 120, D: 3, L: 32, batch: 19 },
  { T: 9, D: 2, L: 4, batch: 3 },
];

for (const [index, c] of CASES.entries()) {
  for (const activation of ['sigmoid', 'hard_sigmoid'] as RecurrentActivation[]) {
    const name = `T=${c.T} D=${c.D} L=${c.L} batch=${c.batch} ${activation}`;
    test(`fast path matches the float64 reference: ${name}, threads 1 and 2`, { timeout: 60_000 }, async () => {
      const dims = { timesteps: c.T, inputDim: c.D, latentDim: c.L };
      const { params, x } = randomCase(dims, c.batch, 1000 + index);
      const reference = new ReferenceStep({ ...dims, recurrentActivation: activation }, c.batch, 'float64');
      const expectedGrads = new Float64Array(params.length);
      const expectedLoss = reference.run(params, expectedGrads, x, c.batch);
      const expectedCodes = new Float64Array(c.batch * c.L);
      reference.copyCode(expectedCodes, c.batch);

      for (const threads of [1, 2]) {
        const step = await createFastStep(dims, c.batch + (index % 2) * 3, { threads, recurrentActivation: activation });
        try {
          assert.equal(step.threads, Math.min(threads, Math.ceil(step.maxBatch / 16)));
          const grads = new Float32Array(params.length).fill(NaN);
          const loss = await step.lossAndGradient(params, grads, x, c.batch);
          const label = `${name} threads=${threads}`;
          assert.ok(Math.abs(loss - expectedLoss) <= TOLERANCE * expectedLoss, `${label} loss ${loss} vs ${expectedLoss}`);
          assertGradientsClose(grads, expectedGrads, dims, label);
          const reconstruction = new Float32Array(c.batch * c.T * c.D).fill(NaN);
          const codes = new Float32Array(c.batch * c.L).fill(NaN);
          await step.forward(params, x, c.batch, { reconstruction, code: codes });
          assertCloseRelativeToLargest(reconstruction, reference.output.subarray(0, c.batch * c.T * c.D), TOLERANCE, `${label} reconstruction`);
          assertCloseRelativeToLargest(codes, expectedCodes, TOLERANCE, `${label} codes`);
        } finally {
          await step.dispose();
        }
      }
    });
  }
}

test('fast path matches PyTorch float64 autograd on the fixture (B=3, T=6, D=1, L=4)', async () => {
  const { batch, timesteps, input_dim, latent_dim } = fixture.config;
  const dims = { timesteps, inputDim: input_dim, latentDim: latent_dim };
  const layout = autoencoderLayout(dims);
  const params = new Float32Array(layout.size);
  const expectedGrads = new Float64Array(layout.size);
  for (const name of WEIGHT_NAMES) {
    layout.views(params)[name]!.set(flat(fixture.weights[name]));
    layout.views(expectedGrads)[name]!.set(flat(fixture.grads[name]));
  }
  const x = new Float32Array(flat(fixture.x));
  const step = await createFastStep(dims, batch, { threads: 1 });
  try {
    const grads = new Float32Array(layout.size);
    const loss = await step.lossAndGradient(params, grads, x, batch);
    assert.ok(Math.abs(loss - fixture.loss) <= TOLERANCE * fixture.loss, `loss ${loss} vs ${fixture.loss}`);
    assertGradientsClose(grads, expectedGrads, dims, 'torch fixture');
    const reconstruction = new Float32Array(x.length);
    await step.forward(params, x, batch, { reconstruction });
    assertCloseRelativeToLargest(reconstruction, flat(fixture.output), TOLERANCE, 'torch fixture reconstruction');
  } finally {
    await step.dispose();
  }
});

async function gradientsOf(step: FastStep, params: Float32Array, x: Float32Array, batch: number): Promise<{ loss: number; grads: Float32Array }> {
  const grads = new Float32Array(params.length);
  const loss = await step.lossAndGradient(params, grads, x, batch);
  return { loss, grads };
}

test('a run is deterministic: the same bits twice, from a fresh step, and for 1, 2 or 3 threads', { timeout: 60_000 }, async () => {
  // the seed model's shape and its last, partial batch (302 windows = 75 blocks + 2)
  const dims = { timesteps: 100, inputDim: 1, latentDim: 10 };
  const { params, x } = randomCase(dims, 302, 7);
  const results: Record<number, { loss: number; grads: Float32Array }> = {};
  for (const threads of [1, 2, 3]) {
    const first = await createFastStep(dims, 500, { threads });
    const second = await createFastStep(dims, 500, { threads });
    try {
      const a = await gradientsOf(first, params, x, 302);
      await gradientsOf(first, params, x.map((v) => -v), 302); // something else in between
      const b = await gradientsOf(first, params, x, 302);
      const c = await gradientsOf(second, params, x, 302);
      for (const other of [b, c]) {
        assert.equal(other.loss, a.loss, `threads=${threads} loss`);
        assert.deepEqual(Buffer.from(other.grads.buffer), Buffer.from(a.grads.buffer), `threads=${threads} gradients bit for bit`);
      }
      results[threads] = a;
    } finally {
      await Promise.all([first.dispose(), second.dispose()]);
    }
  }
  // chunks are added in chunk order whoever computed them: the thread count changes nothing
  for (const threads of [2, 3]) {
    assert.equal(results[threads]!.loss, results[1]!.loss, `threads ${threads} vs 1: loss`);
    assert.deepEqual(Buffer.from(results[threads]!.grads.buffer), Buffer.from(results[1]!.grads.buffer), `threads ${threads} vs 1: gradients`);
  }
});

test('calls are checked: batch range, buffer sizes, use after dispose', async () => {
  const dims = { timesteps: 5, inputDim: 2, latentDim: 3 };
  const { params, x } = randomCase(dims, 40, 3);
  const step = await createFastStep(dims, 40, { threads: 2 });
  assert.equal(step.threads, 2);
  const grads = new Float32Array(params.length);
  assert.throws(() => step.lossAndGradient(params, grads, x, 41), /batch 41 outside 1..40/);
  assert.throws(() => step.lossAndGradient(params, grads, x, 0), /batch 0 outside/);
  assert.throws(() => step.lossAndGradient(params.subarray(1), grads, x, 8), /params has/);
  assert.throws(() => step.lossAndGradient(params, grads, x.subarray(1), 40), /x has/);
  const running = step.lossAndGradient(params, grads, x, 40);
  assert.throws(() => step.lossAndGradient(params, grads, x, 40), /still running/);
  await running;
  await step.dispose();
  assert.throws(() => step.lossAndGradient(params, grads, x, 40), /after dispose/);
  await assert.rejects(createFastStep(dims, 8, { threads: 0 }), /threads must be a positive integer/);
});
