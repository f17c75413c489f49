import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LstmAutoencoder, createGradientStep } from '../src/models/autoencoder/lstm-autoencoder.js';
import { toRaggedSequences, toSequences, type SeriesSet } from '../src/io/series-set.js';
import { applyScaling, invertScaling } from '../src/train/scaling.js';
import { BatchBuilder, groupByLength, LENGTH_RUN_BATCHES, WindowSet } from '../src/train/window-set.js';
import type { Sequences } from '../src/train/sequences.js';

// Issue 23: series of unequal lengths stay ragged; each batch is padded only to its own
// longest series. These tests hold the new path to the old one (every series padded to the
// longest of all, one forward call) and check where the batch memory goes.

const D = 2;
/** Series of 2 .. 40 steps (one long one among short ones), two channels, values in no simple pattern. */
const LENGTHS = [3, 40, 2, 7, 2, 2, 19, 5, 2, 33, 4, 2, 11, 2, 6, 2, 3, 25, 2, 9, 2, 2, 14, 3, 2, 8, 2, 2, 5, 2, 17, 2, 4, 2, 2, 30, 2, 6, 2, 2];
function seriesSet(lengths: number[]): SeriesSet {
  return {
    series: lengths.map((len, n) => Float64Array.from({ length: len * D }, (_, i) => Math.sin(0.37 * i + n) * (1 + (n % 3)) + 0.1 * (i % D))),
    channels: D,
    source: 'test',
  };
}
/** 560 series: more than one forward block (512), so encode's blocks sorted by length differ from the input's order */
const ALL_LENGTHS = Array.from({ length: 14 }, () => LENGTHS).flat();
const set = seriesSet(ALL_LENGTHS);
const N = ALL_LENGTHS.length;
const T = Math.max(...LENGTHS);

test('BatchBuilder: a batch is padded to its own longest series, the buffer grows only with the longest batch built', () => {
  const windows = WindowSet.of(toRaggedSequences(seriesSet(LENGTHS)));
  const builder = new BatchBuilder(windows, 4);
  const shortOnes = [2, 4, 5, 8]; // 2 steps each
  const first = builder.build(shortOnes, 0, 4);
  assert.equal(first.steps, 2);
  assert.equal(first.x.length, 4 * 2 * D);
  assert.equal(builder.capacity, 4 * 2 * D, 'no room for the 40-step series it has not met');
  assert.deepEqual([...first.lengths!], [2, 2, 2, 2]);
  assert.deepEqual([...first.x.subarray(2 * D, 4 * D)], [...Float32Array.from(set.series[4]!)]);

  const mixed = builder.build([1, 0, 3], 0, 3); // 40, 3, 7 steps
  assert.equal(mixed.steps, 40);
  assert.equal(mixed.x.length, 3 * 40 * D);
  assert.equal(builder.capacity, 3 * 40 * D);
  // window 1 of the batch: series 0's 3 steps, then zeros up to 40 steps
  assert.deepEqual([...mixed.x.subarray(40 * D, 40 * D + 3 * D)], [...Float32Array.from(set.series[0]!)]);
  assert.ok(mixed.x.subarray(40 * D + 3 * D, 2 * 40 * D).every((v) => v === 0));

  const again = builder.build(shortOnes, 0, 2);
  assert.equal(again.x.length, 2 * 2 * D, 'a short batch after a long one is short again');
  assert.equal(builder.capacity, 3 * 40 * D, 'the buffer is reused, not reallocated');
});

test('WindowSet: ragged series end to end and padded windows give the same windows; one length has no lengths', () => {
  const ragged = WindowSet.of(toRaggedSequences(set));
  const padded = WindowSet.of(toSequences(set));
  assert.equal(ragged.count, N);
  assert.equal(ragged.longest, T);
  for (const n of [0, 1, 17, N - 1]) {
    assert.equal(ragged.length(n), ALL_LENGTHS[n]);
    assert.deepEqual([...ragged.values(n)], [...padded.values(n)]);
  }
  const equal = WindowSet.of(toRaggedSequences(seriesSet([4, 4, 4])));
  assert.equal(equal.lengths, undefined);
  assert.equal(equal.longest, 4);
  assert.deepEqual([...ragged.pick([9, 1]).values(1)], [...ragged.values(1)]);
});

test('groupByLength: runs of LENGTH_RUN_BATCHES batches sorted by length, ties in the given order; one length untouched', () => {
  const lengths = Int32Array.from({ length: 100 }, (_, n) => 2 + ((n * 37) % 23));
  const windows = WindowSet.of({ data: new Float32Array(100 * 30), shape: [100, 30, 1], lengths });
  const order = Int32Array.from({ length: 100 }, (_, k) => (k * 61) % 100); // a permutation
  const grouped = Int32Array.from(order);
  const batch = 3;
  groupByLength(grouped, batch, windows);
  const run = LENGTH_RUN_BATCHES * batch;
  for (let from = 0; from < 100; from += run) {
    const part = [...order.subarray(from, from + run)];
    const expected = part.map((n, k) => ({ n, k })).sort((a, b) => lengths[a.n]! - lengths[b.n]! || a.k - b.k).map((e) => e.n);
    assert.deepEqual([...grouped.subarray(from, from + run)], expected, `run from ${from}`);
  }
  const equal = WindowSet.of({ data: new Float32Array(100 * 30), shape: [100, 30, 1] });
  const untouched = Int32Array.from(order);
  groupByLength(untouched, batch, equal);
  assert.deepEqual(untouched, order);
});

/**
 * What encode and reconstruct gave before ragged series: every series padded to the
 * longest of all, scaled as a whole (applyScaling), one forward call of the step over all
 * of them at the full T, the reconstruction put back into the data's units (invertScaling).
 */
async function fullPadding(model: LstmAutoencoder, x: Sequences, engine: 'fast' | 'reference') {
  const step = await createGradientStep({ ...model.config, timesteps: x.shape[1] }, x.shape[0], { engine, threads: 2 });
  try {
    const scaled = applyScaling(x, model.scaling!);
    const code = new Float32Array(x.shape[0] * model.config.latentDim);
    const reconstruction = new Float32Array(x.data.length);
    await step.forward(model.params, scaled.data, x.shape[0], { code, reconstruction }, x.lengths);
    invertScaling(reconstruction, x, model.scaling!, scaled.perSeries);
    return { code, reconstruction };
  } finally {
    await step.dispose();
  }
}

for (const engine of ['fast', 'reference'] as const) {
  for (const normalize of ['per-channel', 'per-series'] as const) {
    test(`${engine}, ${normalize}: encode and reconstruct of ragged series are bit for bit the full-padding path's`, async () => {
      const model = LstmAutoencoder.create({ timesteps: 8, inputDim: D, latentDim: 3, seed: 4, normalize, decoder: 'conditional' });
      if (normalize === 'per-channel') model.setScaling({ normalize, mean: [0.2, -0.3], std: [1.5, 0.8] });
      try {
        const padded = toSequences(set);
        const before = await fullPadding(model, padded, engine);
        const ragged = toRaggedSequences(set);
        const codes = await model.encode(ragged, { engine, threads: 2 });
        assert.deepEqual(codes.shape, [N, 3]);
        assert.deepEqual(codes.data, before.code);
        const out = await model.reconstruct(ragged, { engine, threads: 2 });
        assert.deepEqual(out.lengths, ragged.lengths);
        assert.equal(out.features, D);
        const expected = new Float32Array(out.data.length);
        let at = 0;
        ALL_LENGTHS.forEach((len, n) => {
          expected.set(before.reconstruction.subarray(n * T * D, (n * T + len) * D), at);
          at += len * D;
        });
        assert.deepEqual(out.data, expected);
        // padded input through the new path: the same too, padding 0 as before
        assert.deepEqual((await model.encode(padded, { engine, threads: 2 })).data, before.code);
        assert.deepEqual((await model.reconstruct(padded, { engine, threads: 2 })).data, before.reconstruction);
      } finally {
        await model.dispose();
      }
    });
  }
}

test('fit on ragged series trains exactly as on the same series padded (same batches, same numbers)', async () => {
  const options = { epochs: 2, batchSize: 4, validationSplit: 0.25, threads: 2, optimizer: 'adam' as const };
  const a = LstmAutoencoder.create({ timesteps: T, inputDim: D, latentDim: 3, seed: 9 });
  const b = LstmAutoencoder.create({ timesteps: T, inputDim: D, latentDim: 3, seed: 9 });
  try {
    const fromRagged = await a.fit(toRaggedSequences(set), options);
    const fromPadded = await b.fit(toSequences(set), options);
    assert.deepEqual(fromRagged.history.loss, fromPadded.history.loss);
    assert.deepEqual(fromRagged.history.val_loss, fromPadded.history.val_loss);
    assert.deepEqual(a.params, b.params);
    assert.deepEqual(a.scaling, b.scaling);
    assert.ok(fromRagged.history.loss[1]! < fromRagged.history.loss[0]!, `${fromRagged.history.loss}`);
  } finally {
    await Promise.all([a.dispose(), b.dispose()]);
  }
});

test('ragged series of one length train exactly as windows without lengths (Keras batches)', async () => {
  const equal = seriesSet(Array.from({ length: 24 }, () => 6));
  const options = { epochs: 2, batchSize: 5, threads: 2 };
  const a = LstmAutoencoder.create({ timesteps: 6, inputDim: D, latentDim: 3, seed: 3 });
  const b = LstmAutoencoder.create({ timesteps: 6, inputDim: D, latentDim: 3, seed: 3 });
  try {
    const padded = toSequences(equal);
    assert.equal(padded.lengths, undefined);
    assert.deepEqual((await a.fit(toRaggedSequences(equal), options)).history.loss, (await b.fit(padded, options)).history.loss);
    assert.deepEqual(a.params, b.params);
  } finally {
    await Promise.all([a.dispose(), b.dispose()]);
  }
});

test('ragged input is checked: wrong features, lengths that do not add up, NaN, a series past T in fit', async () => {
  const model = LstmAutoencoder.create({ timesteps: 5, inputDim: 1, latentDim: 2, seed: 1, normalize: 'none' });
  const good = { data: Float32Array.from([1, 2, 3, 4, 5]), lengths: Int32Array.from([2, 3]), features: 1 };
  try {
    await assert.rejects(model.encode({ ...good, features: 2 }), /x has 2 features per step but the model takes 1/);
    await assert.rejects(model.encode({ ...good, lengths: Int32Array.from([2, 2]) }), /data holds 5 values, lengths make 4/);
    await assert.rejects(model.encode({ ...good, data: Float32Array.from([1, 2, NaN, 4, 5]) }), /x holds NaN at series 1, step 0, feature 0/);
    await assert.rejects(model.fit({ data: new Float32Array(8).fill(1), lengths: Int32Array.from([2, 6]), features: 1 }), /x: lengths\[1\] is 6; expected from 2 to 5/);
    assert.deepEqual((await model.encode(good)).shape, [2, 2]);
  } finally {
    await model.dispose();
  }
});

for (const engine of ['fast', 'reference'] as const) {
  test(`${engine} step: a batch padded to its own longest window (steps < T) gives the loss, gradients and outputs of the same batch padded to T`, async () => {
    const model = LstmAutoencoder.create({ timesteps: 12, inputDim: D, latentDim: 3, seed: 5 });
    const B = 21;
    const lengths = Int32Array.from({ length: B }, (_, n) => 2 + ((n * 5) % 6)); // 2..7 steps
    const t = Math.max(...lengths);
    const short = toSequences(seriesSet([...lengths]), 0); // (B, 7, D)
    const full = toSequences(seriesSet([...lengths]), 0, 12); // (B, 12, D)
    const step = await createGradientStep(model.config, B, { engine, threads: 2 });
    try {
      const [gFull, gShort] = [new Float32Array(model.params.length), new Float32Array(model.params.length)];
      const lossFull = await step.lossAndGradient(model.params, gFull, full.data as Float32Array, B, lengths);
      const lossShort = await step.lossAndGradient(model.params, gShort, short.data as Float32Array, B, lengths, t);
      assert.equal(lossShort, lossFull);
      assert.deepEqual(gShort, gFull);
      const outFull = { code: new Float32Array(B * 3), reconstruction: new Float32Array(B * 12 * D) };
      const outShort = { code: new Float32Array(B * 3), reconstruction: new Float32Array(B * t * D) };
      await step.forward(model.params, full.data as Float32Array, B, outFull, lengths);
      await step.forward(model.params, short.data as Float32Array, B, outShort, lengths, t);
      assert.deepEqual(outShort.code, outFull.code);
      for (let n = 0; n < B; n++) {
        assert.deepEqual(outShort.reconstruction.subarray(n * t * D, (n * t + lengths[n]!) * D), outFull.reconstruction.subarray(n * 12 * D, (n * 12 + lengths[n]!) * D), `window ${n}`);
      }
      // windows of one length, fewer steps than the step's T and no lengths: as a step built for that T
      const equal = toSequences(seriesSet(Array.from({ length: B }, () => 5)), 0);
      const exact = await createGradientStep({ ...model.config, timesteps: 5 }, B, { engine, threads: 2 });
      try {
        const [g5, gT] = [new Float32Array(model.params.length), new Float32Array(model.params.length)];
        assert.equal(await step.lossAndGradient(model.params, gT, equal.data as Float32Array, B, undefined, 5), await exact.lossAndGradient(model.params, g5, equal.data as Float32Array, B));
        assert.deepEqual(gT, g5);
      } finally {
        await exact.dispose();
      }
    } finally {
      await step.dispose();
      await model.dispose();
    }
  });
}
