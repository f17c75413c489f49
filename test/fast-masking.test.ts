import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodePlatform } from '../src/fast/node-platform.js';
import { FastKernels, KERNELS_NAME, type KernelVariant } from '../src/models/autoencoder/fast-kernels.js';
import { autoencoderLayout } from '../src/models/autoencoder/layout.js';
import { ParamLayout } from '../src/ops/param-layout.js';
import { RandomState } from '../src/ops/random-state.js';

// Keras's masking in the fast kernels, checked against the kernels themselves: a window
// padded into a batch of longer ones gives the code, reconstruction, loss and gradient it
// gives alone, unpadded (a batch of one window of exactly its length, T = length), for
// every model variant. So padding, batch-mates and block length change nothing.
const module = nodePlatform.wasmModule(KERNELS_NAME);
const VARIANTS: KernelVariant[] = [
  { unconditional: false, reverseTarget: false, linearOutput: false },
  { unconditional: true, reverseTarget: false, linearOutput: false },
  { unconditional: false, reverseTarget: true, linearOutput: true },
  { unconditional: true, reverseTarget: true, linearOutput: false },
];

/** The layout for a variant: the unconditional decoder's kernel has the code's rows only. */
function layoutFor(dims: { timesteps: number; inputDim: number; latentDim: number }, v: KernelVariant): ParamLayout {
  const { inputDim: D, latentDim: L } = dims;
  return new ParamLayout(autoencoderLayout(dims).slots.map((s) => ({
    name: s.name,
    shape: s.name === 'decoder/kernel' ? [v.unconditional ? L : L + D, 4 * L] : s.shape,
  })));
}

for (const variant of VARIANTS) {
  const name = Object.entries(variant).filter(([, on]) => on).map(([k]) => k).join('+') || 'article';
  test(`fast kernels (${name}): a padded window equals the same window alone, unpadded`, () => {
    const rng = new RandomState(7);
    const T = 9, D = 2, L = 5, N = 7;
    const lengths = Int32Array.from([9, 2, 5, 7, 3, 9, 4]);
    const dims = { timesteps: T, inputDim: D, latentDim: L };
    const layout = layoutFor(dims, variant);
    const params = Float32Array.from({ length: layout.size }, () => (rng.randomSample() - 0.5) * 0.8);
    const x = Float32Array.from({ length: N * T * D }, (_, i) => {
      const w = Math.floor(i / (T * D)), t = Math.floor((i % (T * D)) / D);
      return t < lengths[w]! ? Math.sin(0.9 * i) * 0.7 : 99; // padding holds junk: it must not matter
    });

    const batch = new FastKernels(module, dims, N, 'sigmoid', layout, variant);
    batch.setParams(params);
    batch.stage(x, 0, N, lengths);
    const sse = batch.trainStep(N, 1);
    const grads = Float32Array.from(batch.gradients);
    const codes = new Float32Array(N * L);
    const out = new Float32Array(N * T * D);
    batch.forward(N, true);
    batch.readCodes(codes, 0, N);
    batch.readOutputs(out, 0, N);

    let aloneSse = 0;
    const aloneGrads = new Float64Array(layout.size);
    for (let w = 0; w < N; w++) {
      const len = lengths[w]!;
      const one = new FastKernels(module, { timesteps: len, inputDim: D, latentDim: L }, 1, 'sigmoid', layoutFor({ timesteps: len, inputDim: D, latentDim: L }, variant), variant);
      const xw = x.slice(w * T * D, w * T * D + len * D);
      one.setParams(params);
      one.stage(xw, 0, 1);
      aloneSse += one.trainStep(1, 1);
      one.gradients.forEach((g, i) => (aloneGrads[i]! += g));
      const code = new Float32Array(L);
      const rec = new Float32Array(len * D);
      one.forward(1, true);
      one.readCodes(code, 0, 1);
      one.readOutputs(rec, 0, 1);
      assert.deepEqual(codes.subarray(w * L, (w + 1) * L), code, `window ${w}'s code`);
      assert.deepEqual(out.subarray(w * T * D, w * T * D + len * D), rec, `window ${w}'s reconstruction`);
      assert.ok(out.subarray(w * T * D + len * D, (w + 1) * T * D).every((v) => v === 0), `window ${w}'s padded steps are 0`);
    }
    assert.ok(Math.abs(sse - aloneSse) <= 1e-6 * aloneSse, `loss ${sse} vs ${aloneSse}`);
    let worst = 0;
    for (let i = 0; i < grads.length; i++) worst = Math.max(worst, Math.abs(grads[i]! - aloneGrads[i]!) / (1e-3 + Math.abs(aloneGrads[i]!)));
    assert.ok(worst < 1e-5, `gradient relative difference ${worst}`);
    assert.ok(grads.some((g) => g !== 0));
  });
}

test('balancedChunks deals blocks of sorted windows to the chunks back and forth, keeping a partial block last', async () => {
  const { balancedChunks } = await import('../src/models/autoencoder/fast-step.js');
  for (const n of [3, 16, 32, 37, 50, 64]) {
    const out = balancedChunks(Int32Array.from({ length: n }, (_, i) => i));
    assert.deepEqual([...out].sort((a, b) => a - b), [...Array(n).keys()], `${n}: a permutation`);
    // blocks of 4 stay whole and in sorted order inside
    for (let k = 0; k + 4 <= n; k += 4) assert.ok(out[k]! % 4 === 0 && out[k + 3] === out[k]! + 3, `${n}: block at ${k}`);
    if (n % 4 !== 0) assert.equal(out[n - 1], n - 1, `${n}: the partial block last`);
  }
  // 32 windows, longest first: chunk 0 gets blocks 0, 3, 4, 7 and chunk 1 blocks 1, 2, 5, 6 (sums of ranks 14 and 14)
  const chunks = [...balancedChunks(Int32Array.from({ length: 32 }, (_, i) => i))];
  assert.deepEqual([0, 4, 8, 12].map((k) => chunks[k]! / 4), [0, 3, 4, 7]);
  assert.deepEqual([16, 20, 24, 28].map((k) => chunks[k]! / 4), [1, 2, 5, 6]);
});
