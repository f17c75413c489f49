import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { LstmAutoencoder } from '../src/models/autoencoder/lstm-autoencoder.js';
import { WEIGHT_NAMES, type WeightName } from '../src/models/autoencoder/layout.js';
import { InputError } from '../src/input-error.js';
import { assertCloseRelativeToLargest } from './assert-close.js';

// test/fixtures/lstm-bias-pair-torch.json: PyTorch (float64) trains the same start a few RMSprop
// steps twice, with its own two LSTM biases and with bias_hh frozen (Keras's one bias); see
// test/fixtures/sources/make_lstm_bias_pair_torch.py.
interface Run {
  losses: number[];
  weights: Record<WeightName, number[]>;
}
const fixture = JSON.parse(readFileSync(new URL('../../test/fixtures/lstm-bias-pair-torch.json', import.meta.url), 'utf8')) as {
  dims: { batch: number; steps: number; timesteps: number; inputDim: number; latentDim: number };
  optimizer: { name: 'rmsprop'; learningRate: number; rho: number; epsilon: number };
  x: number[];
  initial: Record<WeightName, number[]>;
  pair: Run;
  single: Run;
};
const { batch, steps, timesteps, inputDim, latentDim } = fixture.dims;

async function trainLikeFixture(lstmBiasPair: boolean, engine: 'reference' | 'fast') {
  const model = LstmAutoencoder.fromWeights({ timesteps, inputDim, latentDim }, fixture.initial);
  const losses: number[] = [];
  await model.fit(
    { data: Float64Array.from(fixture.x), shape: [batch * steps, timesteps, inputDim] },
    { epochs: 1, batchSize: batch, shuffle: false, optimizer: fixture.optimizer, lstmBiasPair, engine, threads: 1, callbacks: { onBatchEnd: (_, logs) => void losses.push(logs.loss) } },
  );
  return { losses, weights: model.getWeights() };
}

for (const engine of ['reference', 'fast'] as const) {
  for (const [lstmBiasPair, expected] of [[true, fixture.pair], [false, fixture.single]] as const) {
    test(`${engine} engine, lstmBiasPair ${lstmBiasPair}: ${steps} RMSprop steps land on PyTorch's ${lstmBiasPair ? 'two-bias' : 'one-bias'} weights`, async () => {
      const run = await trainLikeFixture(lstmBiasPair, engine);
      assertCloseRelativeToLargest(run.losses, expected.losses, 1e-5, 'losses');
      for (const name of WEIGHT_NAMES) assertCloseRelativeToLargest(run.weights[name], expected.weights[name], 1e-5, name);
    });
  }
}

test('the fixture tells the two apart: the pair and the single bias end far from each other', () => {
  // so the test above could not pass with the option ignored
  const gap = Math.max(...WEIGHT_NAMES.map((n) => Math.max(...fixture.pair.weights[n].map((v, i) => Math.abs(v - fixture.single.weights[n][i]!)))));
  assert.ok(gap > 0.01, `gap ${gap}`);
});

test('lstmBiasPair must be a boolean', async () => {
  const model = LstmAutoencoder.fromWeights({ timesteps, inputDim, latentDim }, fixture.initial);
  const x = { data: Float64Array.from(fixture.x), shape: [batch * steps, timesteps, inputDim] as [number, number, number] };
  await assert.rejects(
    model.fit(x, { lstmBiasPair: 'yes' as unknown as boolean }),
    (e: unknown) => e instanceof InputError && e.message === 'fit option lstmBiasPair "yes" is invalid: expected true or false',
  );
});
