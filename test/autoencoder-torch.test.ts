import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReferenceStep, type Precision } from '../src/models/autoencoder/reference-step.js';
import { autoencoderLayout, WEIGHT_NAMES, type WeightName } from '../src/models/autoencoder/layout.js';
import { Rmsprop } from '../src/ops/optimizers.js';
import type { FloatArray } from '../src/ops/param-layout.js';
import { maxAbsDifference } from '../src/analysis/metrics.js';
import { maxAbs } from './assert-close.js';
import { flat, torch as fixture, type Nested } from './torch-fixture.js';

// PyTorch autograd in float64 on the conditional autoencoder (B=3, T=6, D=1, L=4, sigmoid).

const { batch: B, timesteps: T, input_dim: D, latent_dim: L } = fixture.config;
const dims = { timesteps: T, inputDim: D, latentDim: L };
const layout = autoencoderLayout(dims);

function packed(tensors: Record<WeightName, Nested>): Float64Array {
  const buffer = new Float64Array(layout.size);
  const views = layout.views(buffer);
  for (const name of WEIGHT_NAMES) views[name]!.set(flat(tensors[name]));
  return buffer;
}

const params64 = packed(fixture.weights);
const x64 = Float64Array.from(flat(fixture.x));

function runStep(precision: Precision) {
  const step = new ReferenceStep(dims, B, precision);
  const params = precision === 'float64' ? params64 : Float32Array.from(params64);
  const x = precision === 'float64' ? x64 : Float32Array.from(x64);
  const grads = precision === 'float64' ? new Float64Array(layout.size) : new Float32Array(layout.size);
  const loss = step.run(params, grads, x, B);
  const code = new Float64Array(B * L);
  step.copyCode(code, B);
  return { step, loss, grads, code };
}

for (const [precision, forwardTol, gradTol] of [
  ['float64', 1e-12, 1e-9],
  ['float32', 1e-5, 1e-4],
] as const) {
  test(`${precision} forward matches PyTorch: encoder final state, decoder states, output, loss`, () => {
    const { step, loss, code } = runStep(precision);
    assert.ok(maxAbsDifference(code, flat(fixture.encoder_final_h)) < forwardTol);
    assert.ok(maxAbsDifference(step.decoderH.subarray(0, B * T * L), flat(fixture.decoder_hidden)) < forwardTol);
    assert.ok(maxAbsDifference(step.output.subarray(0, B * T * D), flat(fixture.output)) < forwardTol);
    assert.ok(Math.abs(loss - fixture.loss) < forwardTol, `loss ${loss} vs ${fixture.loss}`);
  });

  test(`${precision} gradients match PyTorch autograd relative to each tensor's largest`, () => {
    const { grads } = runStep(precision);
    const ours = layout.views(grads as FloatArray);
    for (const name of WEIGHT_NAMES) {
      const expected = flat(fixture.grads[name]);
      const scale = maxAbs(expected);
      const error = maxAbsDifference(ours[name]!, expected) / scale;
      assert.ok(error < gradTol, `${name}: max error ${error.toExponential(2)} of its largest gradient ${scale.toExponential(2)}`);
    }
  });
}

test('one Keras RMSprop step from the fixture weights lands on PyTorch’s', () => {
  const { grads } = runStep('float64');
  const params = Float64Array.from(params64);
  const { lr, rho, epsilon } = fixture.config.rmsprop;
  new Rmsprop(layout.size, { learningRate: lr, rho, epsilon }, 'float64').step(params, grads);
  assert.ok(maxAbsDifference(params, packed(fixture.weights_after_one_rmsprop_step)) < 1e-6);
  // the float32 path a real run takes lands there too
  const params32 = Float32Array.from(params64);
  const { grads: grads32 } = runStep('float32');
  new Rmsprop(layout.size, { learningRate: lr, rho, epsilon }).step(params32, grads32);
  assert.ok(maxAbsDifference(params32, packed(fixture.weights_after_one_rmsprop_step)) < 1e-6);
});

test('a batch smaller than maxBatch uses only its own rows', () => {
  const step = new ReferenceStep(dims, 5, 'float64');
  const grads = new Float64Array(layout.size);
  const loss = step.run(params64, grads, x64, B);
  assert.ok(Math.abs(loss - fixture.loss) < 1e-12);
  assert.ok(maxAbsDifference(grads.subarray(layout.slot('dense_out/bias').offset), flat(fixture.grads['dense_out/bias'])) < 1e-12);
});
