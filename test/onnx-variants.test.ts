import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ortWeb from 'onnxruntime-web';
import onnxProto from 'onnx-proto';
import { LstmAutoencoder } from '../src/models/autoencoder/lstm-autoencoder.js';
import { DECODERS, MASK_VALUE, OUTPUT_ACTIVATIONS, type AutoencoderConfigInput } from '../src/models/autoencoder/config.js';
import { toOnnx } from '../src/io/onnx/autoencoder-graph.js';
import { InputError } from '../src/input-error.js';
import { RandomState } from '../src/ops/random-state.js';
import { applyScaling } from '../src/train/scaling.js';
import { encoderStates } from '../src/analysis/encoder-states.js';
import type { Sequences } from '../src/train/sequences.js';
import type { Scaling } from '../src/train/scaling.js';
import { assertClose, maxAbs } from './assert-close.js';
import { runOnnx, type OrtApi } from './onnx-runtime.js';

// Every model variant exported to ONNX and run in ONNX Runtime (onnxruntime-node's CPU
// library; onnxruntime-web's WASM for one) gives our encode's codes and reconstruct's
// reconstructions within 1e-5, on masked batches of unequal lengths, in the data's own units.

const T = 9;
const D = 2;
const L = 4;
const LENGTHS = [9, 3, 7, 2, 5];
const TOLERANCE = 1e-5;

/** Windows in their own units (channel 0 near 5, channel 1 near -20), padded as toSequences pads them. */
function windows(lengths: number[], steps = T, pad = MASK_VALUE): Sequences {
  const data = new Float32Array(lengths.length * steps * D).fill(pad);
  lengths.forEach((len, n) => {
    for (let t = 0; t < len; t++) {
      data[(n * steps + t) * D] = 5 + 2 * Math.sin(0.7 * t + n);
      data[(n * steps + t) * D + 1] = -20 + 6 * Math.cos(0.3 * t * (n + 1)) + t;
    }
  });
  return { data, shape: [lengths.length, steps, D], lengths: Int32Array.from(lengths) };
}

/**
 * A model of the variant, its scaling statistics set as a fit would leave them. Every weight
 * is moved off Keras's initial values (biases 0 but the forget gate's), so that each bias
 * block, not only the kernels, has to land in its own place.
 */
function modelOf(variant: Partial<AutoencoderConfigInput>, seed: number): LstmAutoencoder {
  const model = LstmAutoencoder.create({ timesteps: T, inputDim: D, latentDim: L, seed, ...variant });
  const noise = new RandomState(seed + 100);
  for (let i = 0; i < model.params.length; i++) model.params[i]! += noise.uniform(-0.2, 0.2);
  const stats: Record<string, Scaling> = {
    global: { normalize: 'global', mean: [-7.5], std: [12.5] },
    'per-channel': { normalize: 'per-channel', mean: [5.1, -18], std: [1.4, 4.2] },
  };
  const scaling = stats[model.config.normalize ?? 'none'];
  if (scaling) model.setScaling(scaling);
  return model;
}

/** ONNX Runtime's answer for the model's export against our encode and reconstruct on x; returns the worst difference. */
async function compare(model: LstmAutoencoder, x: Sequences, what: string, ort?: OrtApi): Promise<number> {
  const ours = { code: (await model.encode(x)).data, reconstruction: (await model.reconstruct(x)).data };
  const theirs = await runOnnx(await toOnnx(model), x, ort);
  assertClose(theirs.code, ours.code, TOLERANCE, `${what}: code`);
  assertClose(theirs.reconstruction!, ours.reconstruction, TOLERANCE, `${what}: reconstruction`);
  // the reconstruction is in the data's units (channel 1 near -20), not the network's
  assert.ok(maxAbs(ours.reconstruction) > 5, `${what}: the reconstruction is in the data's units`);
  let worst = 0;
  for (const [a, b] of [[theirs.code, ours.code], [theirs.reconstruction!, ours.reconstruction]] as const) {
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  }
  return worst;
}

const EIGHT = DECODERS.flatMap((decoder) => [false, true].flatMap((reverseTarget) => OUTPUT_ACTIVATIONS.map((outputActivation) => ({ decoder, reverseTarget, outputActivation }))));

test('all eight variants (decoder x reverseTarget x output), masked and scaled per channel: ONNX Runtime gives our codes and reconstructions within 1e-5', async (t) => {
  assert.equal(EIGHT.length, 8);
  const x = windows(LENGTHS);
  for (const [k, variant] of EIGHT.entries()) {
    const model = modelOf({ ...variant, normalize: 'per-channel' }, k);
    const what = `${variant.decoder}, reverseTarget ${variant.reverseTarget}, ${variant.outputActivation}`;
    t.diagnostic(`${what}: worst difference ${(await compare(model, x, what)).toExponential(2)}`);
    await model.dispose();
  }
});

test('gates, scalings and masking beyond the defaults: hard_sigmoid, global, per-series, none; unmasked windows', async (t) => {
  const cases: Array<[string, Partial<AutoencoderConfigInput>, Sequences]> = [
    ['hard_sigmoid, global, masked', { recurrentActivation: 'hard_sigmoid', normalize: 'global', reverseTarget: true }, windows(LENGTHS)],
    ['per-series, masked', { normalize: 'per-series', decoder: 'conditional' }, windows(LENGTHS)],
    ['per-series, unmasked', { normalize: 'per-series', maskValue: null, reverseTarget: true, outputActivation: 'tanh' }, { ...windows([T, T, T]), lengths: undefined }],
    ['none, unmasked, hard_sigmoid (the article\'s Keras 2 model)', { normalize: 'none', maskValue: null, recurrentActivation: 'hard_sigmoid', outputActivation: 'tanh' }, { ...windows([T, T]), lengths: undefined }],
  ];
  for (const [k, [what, variant, x]] of cases.entries()) {
    const model = modelOf(variant, 10 + k);
    if (variant.normalize === 'none') {
      // data already near [-1, 1], as the article's; the check of "data units" does not apply
      const small = { ...x, data: x.data.map((v) => v / 25) };
      const ours = { code: (await model.encode(small)).data, reconstruction: (await model.reconstruct(small)).data };
      const theirs = await runOnnx(await toOnnx(model), small);
      assertClose(theirs.code, ours.code, TOLERANCE, `${what}: code`);
      assertClose(theirs.reconstruction!, ours.reconstruction, TOLERANCE, `${what}: reconstruction`);
      assert.ok(maxAbs(ours.reconstruction) > 0.01);
    } else {
      t.diagnostic(`${what}: worst difference ${(await compare(model, x, what)).toExponential(2)}`);
    }
    await model.dispose();
  }
});

test('a masked export reads only each series\' real steps: NaN or any value after a series\' end gives the same answer', async () => {
  const model = modelOf({ normalize: 'per-series', reverseTarget: true }, 3);
  const bytes = await toOnnx(model);
  const padded = await runOnnx(bytes, windows(LENGTHS));
  for (const pad of [NaN, 0, 1e30]) {
    const other = await runOnnx(bytes, windows(LENGTHS, T, pad));
    assert.deepEqual(other.code, padded.code, `padding ${pad}: code`);
    assert.deepEqual(other.reconstruction, padded.reconstruction, `padding ${pad}: reconstruction`);
  }
  // past each series' end the reconstruction is 0, as reconstruct's
  const r = padded.reconstruction!;
  LENGTHS.forEach((len, n) => assert.ok(r.subarray((n * T + len) * D, (n + 1) * T * D).every((v) => v === 0)));
  await model.dispose();
});

test('batch and length are free: another batch size and longer windows give the answer of the same weights at that length', async () => {
  const model = modelOf({ normalize: 'per-channel', reverseTarget: true }, 5);
  const bytes = await toOnnx(model);
  const longer = 14;
  const twin = LstmAutoencoder.fromWeights({ ...model.config, timesteps: longer }, model.getWeights(), model.scaling);
  for (const x of [windows([longer, 2, 11], longer), windows([6], longer)]) {
    const theirs = await runOnnx(bytes, x);
    assertClose(theirs.code, (await twin.encode(x)).data, TOLERANCE, `${x.shape[0]} windows of ${longer}: code`);
    assertClose(theirs.reconstruction!, (await twin.reconstruct(x)).data, TOLERANCE, `${x.shape[0]} windows of ${longer}: reconstruction`);
  }
  await Promise.all([model.dispose(), twin.dispose()]);
});

test('the encoder part holds the encoder alone: code and states out, no decoder weights; the file says what it is', async () => {
  const model = modelOf({ normalize: 'per-channel' }, 6);
  const x = windows(LENGTHS);
  const encoder = await toOnnx(model, { part: 'encoder' });
  const whole = await toOnnx(model, { part: 'autoencoder' });
  const answer = await runOnnx(encoder, x);
  assert.equal(answer.reconstruction, undefined);
  assertClose(answer.code, (await model.encode(x)).data, TOLERANCE, 'encoder part: code');
  const decoded = onnxProto.onnx.ModelProto.decode(encoder);
  assert.deepEqual(decoded.graph!.output!.map((o) => o.name), ['code', 'states']);
  assert.deepEqual(onnxProto.onnx.ModelProto.decode(whole).graph!.output!.map((o) => o.name), ['code', 'states', 'reconstruction']);
  assert.deepEqual(decoded.graph!.input!.map((i) => i.name), ['x', 'lengths']);
  assert.ok(!decoded.graph!.initializer!.some((t) => t.name!.startsWith('decoder')));
  assert.equal(Number(decoded.opsetImport[0]!.version), 17);
  assert.equal(decoded.metadataProps.find((p) => p.key === 'lstm-ae.part')?.value, 'encoder');
  assert.ok(encoder.length < whole.length);
  await model.dispose();
});

test('states, every step\'s encoder state, pool into classify\'s features: mean and max over real steps as encoderStates gives them, the last real one the code', async () => {
  const model = modelOf({ normalize: 'per-series' }, 8);
  const x = windows(LENGTHS);
  const { code, states } = await runOnnx(await toOnnx(model, { part: 'encoder' }), x);
  const w = model.getWeights();
  const scaled = { ...x, data: applyScaling(x, model.scaling!).data };
  const reference = encoderStates({ kernel: w['encoder/kernel'], recurrentKernel: w['encoder/recurrent_kernel'], bias: w['encoder/bias'] }, scaled);
  const mean = new Float64Array(LENGTHS.length * L);
  const max = new Float64Array(LENGTHS.length * L).fill(-Infinity);
  const last = new Float32Array(LENGTHS.length * L);
  LENGTHS.forEach((len, n) => {
    for (let t = 0; t < T; t++) {
      for (let k = 0; k < L; k++) {
        const h = states[(n * T + t) * L + k]!;
        if (t >= len) {
          assert.equal(h, 0, `series ${n}, step ${t}: 0 past its end`);
          continue;
        }
        mean[n * L + k]! += h / len;
        max[n * L + k] = Math.max(max[n * L + k]!, h);
        if (t === len - 1) last[n * L + k] = h;
      }
    }
  });
  assertClose(mean, reference.meanHidden, TOLERANCE, 'mean over real steps');
  assertClose(max, reference.maxHidden, TOLERANCE, 'max over real steps');
  assertClose(last, reference.finalHidden, TOLERANCE, 'last real step');
  assert.deepEqual(last, code);
  await model.dispose();
});

test('onnxruntime-web (WASM) runs an export in Node and gives the same codes and reconstructions', async (t) => {
  ortWeb.env.wasm.numThreads = 1;
  const model = modelOf({ normalize: 'per-channel', decoder: 'conditional', reverseTarget: true }, 7);
  t.diagnostic(`worst difference ${(await compare(model, windows(LENGTHS), 'onnxruntime-web', ortWeb as unknown as OrtApi)).toExponential(2)}`);
  await model.dispose();
});

test('a model that normalizes but was never fitted, or a part a model has not, is refused with a one-line InputError', async () => {
  const unfitted = LstmAutoencoder.create({ timesteps: T, inputDim: D, latentDim: L });
  await assert.rejects(() => toOnnx(unfitted), (e: unknown) => e instanceof InputError && /no scaling statistics/.test(e.message));
  const model = modelOf({}, 1);
  await assert.rejects(() => toOnnx(model, { part: 'decoder' as 'encoder' }), (e: unknown) => e instanceof InputError && /"decoder" is not one a model has: expected encoder or autoencoder/.test(e.message));
});
