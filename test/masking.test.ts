import { ARTICLE_VARIANT } from '../src/models/autoencoder/config.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstmBackward, lstmBackwardScratch, lstmForward } from '../src/ops/lstm.js';
import { ReferenceStep, referenceForward, type StepDims } from '../src/models/autoencoder/reference-step.js';
import { autoencoderLayout } from '../src/models/autoencoder/layout.js';
import { createGradientStep, LstmAutoencoder, type Sequences } from '../src/models/autoencoder/lstm-autoencoder.js';
import { checkSequences } from '../src/train/sequences.js';
import { lstmFinalHidden } from '../src/analysis/lstm-feed-forward.js';
import { checkFeatures } from '../src/tasks/article/feature-check.js';
import { maxAbsDifference } from '../src/analysis/metrics.js';
import { InputError } from '../src/input-error.js';
import { RandomState } from '../src/ops/random-state.js';
import { assertClose } from './assert-close.js';

// Masking (post-padded windows of unequal length): each window must come out exactly as if
// it were run alone, unpadded. The reference for "alone" is the same engine on a window of
// T = its length, with no lengths at all: the path the PyTorch fixture already pins down.

const rng = new RandomState(2024);
const uniform = (n: number, scale: number): Float64Array => Float64Array.from({ length: n }, () => rng.uniform(-scale, scale));

/** (B,T,D) windows whose steps from lengths[n] on hold `garbage`-scaled junk that must never matter. */
function paddedWindows(lengths: number[], T: number, D: number, garbage: number): Float64Array {
  const x = uniform(lengths.length * T * D, 0.9);
  lengths.forEach((len, n) => {
    for (let i = (n * T + len) * D; i < (n + 1) * T * D; i++) x[i] = rng.uniform(-garbage, garbage);
  });
  return x;
}

/**
 * Random weights in [-scale, scale], but the hidden Dense's biases positive: with all of
 * its few relu units dead, the output would ignore the decoder and prove nothing.
 */
function liveParams(variant: StepDims, scale: number): Float64Array {
  const layout = autoencoderLayout(variant);
  const params = uniform(layout.size, scale);
  const { offset, size } = layout.slot('dense_hidden/bias');
  for (let i = offset; i < offset + size; i++) params[i] = 0.5 + rng.uniform(0, 0.3);
  return params;
}

/** Window n's real steps alone, (1,len,D). */
const alone = (x: Float64Array, n: number, len: number, T: number, D: number): Float64Array => x.slice(n * T * D, (n * T + len) * D);

test('lstm op: padded steps carry h and c, and the last state is the unpadded sequence\'s, bit for bit and by the float64 feed-forward', () => {
  const [B, T, D, L] = [3, 7, 2, 4];
  const lengths = Int32Array.from([7, 3, 1]);
  const [W, U, b] = [uniform(D * 4 * L, 0.7), uniform(L * 4 * L, 0.7), uniform(4 * L, 0.3)];
  const x = paddedWindows([...lengths], T, D, 30);
  const h = new Float64Array(B * T * L);
  const c = new Float64Array(B * T * L);
  lstmForward(h, c, new Float64Array(B * T * 4 * L), x, W, U, b, { B, T, D, L }, 'sigmoid', lengths);
  const features = lstmFinalHidden({ kernel: W, recurrentKernel: U, bias: b }, { data: x, shape: [B, T, D], lengths });
  for (let n = 0; n < B; n++) {
    const len = lengths[n]!;
    const h1 = new Float64Array(len * L);
    const c1 = new Float64Array(len * L);
    lstmForward(h1, c1, new Float64Array(len * 4 * L), alone(x, n, len, T, D), W, U, b, { B: 1, T: len, D, L }, 'sigmoid');
    const last = h1.subarray((len - 1) * L);
    for (let t = 0; t < T; t++) {
      const s = (n * T + t) * L;
      const expectedH = t < len ? h1.subarray(t * L, (t + 1) * L) : last;
      const expectedC = t < len ? c1.subarray(t * L, (t + 1) * L) : c1.subarray((len - 1) * L);
      assert.deepEqual([...h.subarray(s, s + L)], [...expectedH], `h of window ${n}, step ${t}`);
      assert.deepEqual([...c.subarray(s, s + L)], [...expectedC], `c of window ${n}, step ${t}`);
    }
    assertClose(features.subarray(n * L, (n + 1) * L), last, 1e-14, `feed-forward, window ${n}`);
  }
});

test('lstm op backward: the gradient passes through the padding to the last real step; padded steps add nothing', () => {
  const [T, D, L] = [6, 2, 3];
  const len = 4;
  const [W, U, b] = [uniform(D * 4 * L, 0.7), uniform(L * 4 * L, 0.7), uniform(4 * L, 0.3)];
  const x = paddedWindows([len], T, D, 30);
  const dhLast = uniform(L, 1);
  const run = (xs: Float64Array, steps: number, lengths?: Int32Array) => {
    const dims = { B: 1, T: steps, D, L };
    const h = new Float64Array(steps * L);
    const c = new Float64Array(steps * L);
    const gates = new Float64Array(steps * 4 * L);
    lstmForward(h, c, gates, xs, W, U, b, dims, 'sigmoid', lengths);
    const dh = new Float64Array(steps * L);
    dh.set(dhLast, (steps - 1) * L); // dLoss/dh at the final step only, as the encoder's code gets it
    const [dx, dW, dU, db] = [new Float64Array(steps * D), new Float64Array(W.length), new Float64Array(U.length), new Float64Array(b.length)];
    lstmBackward(dx, dW, dU, db, dh, xs, h, c, gates, W, U, dims, 'sigmoid', lstmBackwardScratch((n) => new Float64Array(n), dims), lengths);
    return { dx, dW, dU, db };
  };
  const padded = run(x, T, Int32Array.from([len]));
  const unpadded = run(alone(x, 0, len, T, D), len);
  for (const k of ['dW', 'dU', 'db'] as const) assert.deepEqual([...padded[k]], [...unpadded[k]], k);
  assert.deepEqual([...padded.dx.subarray(0, len * D)], [...unpadded.dx], 'dx at real steps');
  assert.deepEqual([...padded.dx.subarray(len * D)], new Array((T - len) * D).fill(0), 'dx at padded steps');
  assert.ok(Math.max(...padded.dW.map(Math.abs)) > 1e-3, 'a gradient to compare');
});

const VARIANTS: StepDims[] = [];
for (const decoder of ['conditional', 'unconditional'] as const) {
  for (const reverseTarget of [false, true]) {
    for (const outputActivation of ['tanh', 'linear'] as const) VARIANTS.push({ timesteps: 7, inputDim: 2, latentDim: 3, decoder, reverseTarget, outputActivation });
  }
}
const describe = (v: StepDims): string => `${v.decoder}, ${v.reverseTarget ? 'reversed' : 'data-order'} target, ${v.outputActivation} output`;

for (const variant of VARIANTS) {
  test(`${describe(variant)}: each window's code, reconstruction, loss and gradient in a padded batch are those of the window alone`, () => {
    const { timesteps: T, inputDim: D, latentDim: L } = variant;
    const size = autoencoderLayout(variant).size;
    const params = liveParams(variant, 0.6);
    const lengths = Int32Array.from([7, 2, 5, 3, 7]);
    const B = lengths.length;
    const x = paddedWindows([...lengths], T, D, 40);
    const step = new ReferenceStep(variant, B, 'float64');
    const grads = new Float64Array(size);
    const loss = step.run(params, grads, x, B, lengths);
    const codes = new Float64Array(B * L);
    step.copyCode(codes, B);
    const reconstruction = new Float64Array(B * T * D);
    step.copyReconstruction(reconstruction, B, lengths);

    // the batch loss is the real values' mean, so each window weighs in by its length
    const total = lengths.reduce((a, b) => a + b, 0);
    let expectedLoss = 0;
    const expectedGrads = new Float64Array(size);
    lengths.forEach((len, n) => {
      const single = new ReferenceStep({ ...variant, timesteps: len }, 1, 'float64');
      const g = new Float64Array(size);
      const l = single.run(params, g, alone(x, n, len, T, D), 1);
      expectedLoss += (l * len) / total;
      for (let i = 0; i < size; i++) expectedGrads[i] = expectedGrads[i]! + (g[i]! * len) / total;
      const code = new Float64Array(L);
      single.copyCode(code, 1);
      assertClose(codes.subarray(n * L, (n + 1) * L), code, 1e-12, `code of window ${n}`);
      const rec = new Float64Array(len * D);
      single.copyReconstruction(rec, 1);
      assertClose(reconstruction.subarray(n * T * D, (n * T + len) * D), rec, 1e-12, `reconstruction of window ${n}`);
      assert.equal(maxAbsDifference(reconstruction.subarray((n * T + len) * D, (n + 1) * T * D), new Float64Array((T - len) * D)), 0);
    });
    // the output really depends on the window: no dead model passes this test by accident
    assert.ok(maxAbsDifference(reconstruction.subarray(0, 2 * D), reconstruction.subarray(4 * T * D, (4 * T + 2) * D)) > 1e-3, 'outputs differ');
    assert.ok(Math.abs(loss - expectedLoss) <= 1e-12, `loss ${loss} vs ${expectedLoss}`);
    assertClose(grads, expectedGrads, 1e-12, 'gradient');
    assert.ok(Math.max(...grads.map(Math.abs)) > 1e-3, 'a gradient to compare');

    // other junk in the padding, and more of it, change nothing at all
    const T2 = T + 3;
    const x2 = paddedWindows([...lengths], T2, D, 1000);
    lengths.forEach((len, n) => x2.set(alone(x, n, len, T, D), n * T2 * D));
    const longer = new ReferenceStep({ ...variant, timesteps: T2 }, B, 'float64');
    const grads2 = new Float64Array(size);
    assert.equal(longer.run(params, grads2, x2, B, lengths), loss);
    assert.equal(maxAbsDifference(grads2, grads), 0);
  });

  test(`${describe(variant)}: lengths that are all T change nothing, bit for bit`, () => {
    const { timesteps: T, inputDim: D } = variant;
    const size = autoencoderLayout(variant).size;
    const params = liveParams(variant, 0.6);
    const x = uniform(3 * T * D, 0.9);
    const step = new ReferenceStep(variant, 3, 'float64');
    const [g1, g2] = [new Float64Array(size), new Float64Array(size)];
    const l1 = step.run(params, g1, x, 3);
    const out1 = step.output.slice(0, 3 * T * D);
    const l2 = step.run(params, g2, x, 3, Int32Array.from([T, T, T]));
    assert.equal(l2, l1);
    assert.deepEqual([...g2], [...g1]);
    assert.deepEqual([...step.output.slice(0, 3 * T * D)], [...out1]);
  });
}

// The library API: a masked model (maskValue set) takes lengths.
const MASK = -999;
const T = 8;
const D = 2;
const maskedModel = (): LstmAutoencoder =>
  LstmAutoencoder.create({ ...ARTICLE_VARIANT, timesteps: T, inputDim: D, latentDim: 4, maskValue: MASK, decoder: 'unconditional', reverseTarget: true, seed: 3 });
const lengths = Int32Array.from([8, 2, 5, 6, 3, 8]);
const N = lengths.length;
const x: Sequences = {
  data: Float32Array.from(paddedWindows([...lengths], T, D, 0).map((v, i) => (i % (T * D) >= lengths[Math.floor(i / (T * D))]! * D ? MASK : v))),
  shape: [N, T, D],
  lengths,
};

test('a masked model\'s encode and predict give each window what the same weights give it alone (float32)', async () => {
  const model = maskedModel();
  const codes = (await model.encode(x, { engine: 'reference' })).data;
  const reconstruction = (await model.predict(x, { engine: 'reference' })).data;
  for (let n = 0; n < N; n++) {
    const len = lengths[n]!;
    const single = LstmAutoencoder.fromWeights({ ...model.config, timesteps: len }, model.getWeights());
    const window: Sequences = { data: Float32Array.from(alone(Float64Array.from(x.data), n, len, T, D)), shape: [1, len, D] };
    assertClose(codes.subarray(n * 4, (n + 1) * 4), (await single.encode(window, { engine: 'reference' })).data, 1e-7, `code ${n}`);
    assertClose(reconstruction.subarray(n * T * D, (n * T + len) * D), (await single.predict(window, { engine: 'reference' })).data, 1e-7, `reconstruction ${n}`);
  }
});

test('fit on padded windows: the first batch\'s loss is the reference step\'s, val_loss is referenceForward\'s over real steps', async () => {
  const model = maskedModel();
  const start = Float32Array.from(model.params);
  const step = new ReferenceStep(model.config, N, 'float64');
  const expectedFirst = step.run(start, null, x.data, N, lengths);
  const history = await model.fit(x, { epochs: 3, batchSize: N, shuffle: false, validationData: x, engine: 'reference' });
  assert.ok(Math.abs(history.history.loss[0]! - expectedFirst) < 1e-6, `${history.history.loss[0]} vs ${expectedFirst}`);
  const expectedVal = referenceForward(model.params, model.config, x.data, N, { loss: true }, 'float32', lengths);
  assert.equal(history.history.val_loss![2], expectedVal);
  assert.ok(history.history.loss[2]! < history.history.loss[0]!, `training lowers the loss: ${history.history.loss}`);
});

// The fast path against the reference, every variant, with unequal lengths, more windows
// than one chunk (so blocks are sorted by length and split across threads): loss and
// gradients through the step, codes and reconstructions through the library API.
for (const variant of VARIANTS) {
  test(`fast path = reference within 1e-5 (${describe(variant)}, masked, 2 threads)`, async () => {
    const { timesteps: T, inputDim: D, latentDim: L } = variant;
    const B = 37;
    const lens = Int32Array.from({ length: B }, (_, n) => 2 + ((n * 5) % (T - 1)));
    const config = { ...variant, maskValue: MASK, recurrentActivation: 'sigmoid' as const, seed: 0 };
    const params = Float32Array.from(liveParams(variant, 0.6));
    const data = Float32Array.from(paddedWindows([...lens], T, D, 0));
    const reference = new ReferenceStep(config, B, 'float32');
    const fast = await createGradientStep(config, B, { engine: 'fast', threads: 2 });
    try {
      const gRef = new Float32Array(params.length);
      const gFast = new Float32Array(params.length);
      const lossRef = reference.lossAndGradient(params, gRef, data, B, lens);
      const lossFast = await fast.lossAndGradient(params, gFast, data, B, lens);
      assert.ok(Math.abs(lossFast - lossRef) <= 1e-5 * lossRef, `loss ${lossFast} vs ${lossRef}`);
      const scale = Math.max(...gRef.map(Math.abs));
      assert.ok(maxAbsDifference(gFast, gRef) <= 1e-5 * scale, `gradient differs by ${maxAbsDifference(gFast, gRef)} of ${scale}`);

      const model = LstmAutoencoder.fromWeights(config, autoencoderLayout(variant).views(params) as never);
      const windows: Sequences = { data, shape: [B, T, D], lengths: lens };
      const [codes, codesRef] = [(await model.encode(windows, { threads: 2 })).data, (await model.encode(windows, { engine: 'reference' })).data];
      const [rec, recRef] = [(await model.predict(windows, { threads: 2 })).data, (await model.predict(windows, { engine: 'reference' })).data];
      await model.dispose();
      assert.ok(maxAbsDifference(codes, codesRef) <= 1e-5, `codes differ by ${maxAbsDifference(codes, codesRef)}`);
      assert.ok(maxAbsDifference(rec, recRef) <= 1e-5, `reconstructions differ by ${maxAbsDifference(rec, recRef)}`);
      assert.equal(codes.length, B * L);
    } finally {
      await fast.dispose();
    }
  });
}

test('lengths: every bad one is one InputError line saying what was expected', () => {
  const config = maskedModel().config;
  const expectError = (input: Sequences, model: Parameters<typeof checkSequences>[1], ...fragments: RegExp[]) =>
    assert.throws(
      () => checkSequences(input, model, 'x'),
      (err: unknown) => err instanceof InputError && !err.message.includes('\n') && fragments.every((f) => f.test(err.message)),
    );
  const plain = { timesteps: T, inputDim: D, latentDim: 4 };
  expectError(x, plain, /x has lengths but the model is not masked/, /maskValue/);
  expectError({ ...x, lengths: Int32Array.from([8, 1, 5, 6, 3, 8]) }, config, /x: lengths\[1\] is 1; expected from 2 to T = 8/);
  expectError({ ...x, lengths: Int32Array.from([8, 2, 9, 6, 3, 8]) }, config, /lengths\[2\] is 9/);
  expectError({ ...x, lengths: Int32Array.from([8, 2]) }, config, /lengths holds 2 values; expected one per window, 6/);
  expectError({ ...x, lengths: [8, 2, 5, 6, 3, 8] as unknown as Int32Array }, config, /lengths must be an Int32Array/);
  const clash = Float32Array.from(x.data);
  clash.fill(MASK, (3 * T + 4) * D, (3 * T + 5) * D); // window 3, step 4 of 6 real ones
  expectError({ ...x, data: clash }, config, /x window 3, step 4 has every feature equal to the model's maskValue -999/);
  // one feature at the mask value is a real step; the padding may hold the mask value freely
  clash[(3 * T + 4) * D] = 0.5;
  checkSequences({ ...x, data: clash }, config, 'x');
  checkSequences({ ...x, lengths: undefined }, { ...config, maskValue: 7 }, 'x');
});

test('the feature check of a masked model re-derives each window\'s features where it ends', async () => {
  const model = maskedModel();
  const w = model.getWeights();
  const plain = lstmFinalHidden({ kernel: w['encoder/kernel'], recurrentKernel: w['encoder/recurrent_kernel'], bias: w['encoder/bias'] }, x);
  const encoded = (await model.encode(x, { engine: 'reference' })).data;
  const set = { name: 'training', windows: x, labels: new Int32Array(N), encoded, plain };
  const check = checkFeatures(model, [set]);
  assert.ok(check.passed && check.maxAbsDiff < 1e-6, String(check.maxAbsDiff));
  // forced to fail, it reruns the engine in float64 on the same lengths and finds the same equations
  const forced = checkFeatures(model, [set], -1);
  assert.match(forced.diagnosis ?? '', /agrees with the feed-forward/);
  // while the features of the whole padded windows are something else
  const unmasked = lstmFinalHidden({ kernel: w['encoder/kernel'], recurrentKernel: w['encoder/recurrent_kernel'], bias: w['encoder/bias'] }, { ...x, lengths: undefined });
  assert.ok(maxAbsDifference(unmasked, plain) > 1e-2);
});
