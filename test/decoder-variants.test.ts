import { ARTICLE_VARIANT } from '../src/models/autoencoder/config.js';
import { test } from 'node:test';
import { FastStep } from '../src/models/autoencoder/fast-step.js';
import assert from 'node:assert/strict';
import { ReferenceStep, type StepDims } from '../src/models/autoencoder/reference-step.js';
import { autoencoderLayout, WEIGHT_NAMES, type WeightName } from '../src/models/autoencoder/layout.js';
import { createGradientStep, LstmAutoencoder } from '../src/models/autoencoder/lstm-autoencoder.js';
import { parseAutoencoderConfig, type AutoencoderConfigInput } from '../src/models/autoencoder/config.js';
import { maxAbsDifference } from '../src/analysis/metrics.js';
import { InputError } from '../src/input-error.js';
import { RandomState } from '../src/ops/random-state.js';
import { assertClose } from './assert-close.js';

// The decoder variants against an independent float64 forward pass written here from the
// equations, one window and one step at a time, sharing no code with the engine:
//   code   = h of the encoder LSTM after the window's last real step (len of them)
//   input  = [code | x[len-1-t]] (conditional) or code (unconditional), for t < len
//   output = act(relu(h_dec W1 + b1) W2 + b2),  act = tanh or identity
//   target = x[t], or x[len-1-t] with reverseTarget;  loss = mean over real values

type Weights = Record<WeightName, Float64Array>;
const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** Keras's LSTM over `inputs` (a list of step vectors): every h. Gate columns i, f, c, o. */
function lstmSteps(kernel: Float64Array, recurrent: Float64Array, bias: Float64Array, inputs: number[][]): number[][] {
  const L = bias.length / 4;
  let h = new Array<number>(L).fill(0);
  const c = new Array<number>(L).fill(0);
  const hs: number[][] = [];
  for (const x of inputs) {
    const z = (gate: number, k: number): number => {
      const col = gate * L + k;
      let sum = bias[col]!;
      x.forEach((v, r) => (sum += v * kernel[r * 4 * L + col]!));
      h.forEach((v, r) => (sum += v * recurrent[r * 4 * L + col]!));
      return sum;
    };
    const next: number[] = [];
    for (let k = 0; k < L; k++) {
      const [i, f, g, o] = [sigmoid(z(0, k)), sigmoid(z(1, k)), Math.tanh(z(2, k)), sigmoid(z(3, k))];
      c[k] = f * c[k]! + i * g;
      next.push(o * Math.tanh(c[k]!));
    }
    h = next;
    hs.push(h);
  }
  return hs;
}

function dense(x: number[], kernel: Float64Array, bias: Float64Array, act: (v: number) => number): number[] {
  return Array.from(bias, (b, o) => act(x.reduce((sum, v, i) => sum + v * kernel[i * bias.length + o]!, b)));
}

/** One window's code and its model-order output (len steps), by the equations above. */
function naiveWindow(w: Weights, variant: StepDims, steps: number[][]): { code: number[]; output: number[][] } {
  const len = steps.length;
  const code = lstmSteps(w['encoder/kernel'], w['encoder/recurrent_kernel'], w['encoder/bias'], steps)[len - 1]!;
  const inputs = steps.map((_, t) => (variant.decoder === 'unconditional' ? code : [...code, ...steps[len - 1 - t]!]));
  const decoded = lstmSteps(w['decoder/kernel'], w['decoder/recurrent_kernel'], w['decoder/bias'], inputs);
  const act = variant.outputActivation === 'linear' ? (v: number) => v : Math.tanh;
  const output = decoded.map((h) => dense(dense(h, w['dense_hidden/kernel'], w['dense_hidden/bias'], (v) => Math.max(0, v)), w['dense_out/kernel'], w['dense_out/bias'], act));
  return { code, output };
}

const rng = new RandomState(77);
const [T, D, L] = [6, 2, 3];
const lengths = Int32Array.from([6, 3, 2, 5]);
const B = lengths.length;
const x = Float64Array.from({ length: B * T * D }, () => rng.uniform(-1, 1));
const windowSteps = (n: number): number[][] => Array.from({ length: lengths[n]! }, (_, t) => [...x.subarray((n * T + t) * D, (n * T + t + 1) * D)]);

for (const decoder of ['conditional', 'unconditional'] as const) {
  for (const reverseTarget of [false, true]) {
    for (const outputActivation of ['tanh', 'linear'] as const) {
      const variant: StepDims = { timesteps: T, inputDim: D, latentDim: L, decoder, reverseTarget, outputActivation };
      test(`${decoder} decoder, ${reverseTarget ? 'reversed' : 'data-order'} target, ${outputActivation} output: codes, output and loss follow the equations`, () => {
        const layout = autoencoderLayout(variant);
        // large weights, so that a linear output leaves [-1, 1] and tanh would be caught
        const params = Float64Array.from({ length: layout.size }, () => rng.uniform(-1.2, 1.2));
        const w = layout.views(params) as Weights;
        w['dense_hidden/bias'].fill(0.7); // living relu units
        w['dense_out/bias'].fill(1.1); // outputs near 1, where tanh and linear part
        const step = new ReferenceStep(variant, B, 'float64');
        const loss = step.run(params, null, x, B, lengths);
        const codes = new Float64Array(B * L);
        step.copyCode(codes, B);
        const dataOrder = new Float64Array(B * T * D);
        step.copyReconstruction(dataOrder, B, lengths);
        let squares = 0;
        let count = 0;
        let largest = 0;
        for (let n = 0; n < B; n++) {
          const len = lengths[n]!;
          const steps = windowSteps(n);
          const expected = naiveWindow(w, variant, steps);
          assertClose(codes.subarray(n * L, (n + 1) * L), expected.code, 1e-12, `code ${n}`);
          for (let t = 0; t < len; t++) {
            const at = (n * T + t) * D;
            assertClose(step.output.subarray(at, at + D), expected.output[t]!, 1e-12, `output ${n},${t}`);
            // predict's order: step t is the guess of x[t] whichever order the model was trained in
            const guessOfXt = expected.output[reverseTarget ? len - 1 - t : t]!;
            assertClose(dataOrder.subarray(at, at + D), guessOfXt, 1e-12, `reconstruction ${n},${t}`);
            const target = steps[reverseTarget ? len - 1 - t : t]!;
            expected.output[t]!.forEach((y, d) => {
              squares += (y - target[d]!) ** 2;
              largest = Math.max(largest, Math.abs(y));
            });
            count += D;
          }
        }
        assert.ok(Math.abs(loss - squares / count) < 1e-12, `loss ${loss} vs ${squares / count}`);
        if (outputActivation === 'linear') assert.ok(largest > 1, `a linear output beyond tanh's range: ${largest}`);
      });
    }
  }
}

test('the unconditional decoder\'s kernel is (L,4L): Keras counts 1401 parameters for T=100, D=1, L=10 (1481 conditional)', () => {
  // encoder 4L(D+L+1) = 480, decoder 4L(L+L+1) = 840 (conditional 4L(L+D+L+1) = 880), Dense 110 + 11
  const unconditional = autoencoderLayout({ timesteps: 100, inputDim: 1, latentDim: 10, decoder: 'unconditional' });
  assert.deepEqual(unconditional.slot('decoder/kernel').shape, [10, 40]);
  assert.equal(unconditional.size, 480 + 840 + 110 + 11);
  assert.equal(autoencoderLayout({ timesteps: 100, inputDim: 1, latentDim: 10 }).size, 1481);
  // every other tensor keeps its name and shape
  const conditional = autoencoderLayout({ timesteps: 100, inputDim: 1, latentDim: 10 });
  for (const name of WEIGHT_NAMES.filter((n) => n !== 'decoder/kernel')) assert.deepEqual(unconditional.slot(name).shape, conditional.slot(name).shape, name);
});

test('create draws the unconditional decoder kernel as Keras would: glorot_uniform over fan_in L, fan_out 4L', () => {
  const L = 6;
  const unconditional = LstmAutoencoder.create({ ...ARTICLE_VARIANT, timesteps: 5, inputDim: 3, latentDim: L, decoder: 'unconditional', seed: 9 }).getWeights();
  const conditional = LstmAutoencoder.create({ ...ARTICLE_VARIANT, timesteps: 5, inputDim: 3, latentDim: L, seed: 9 }).getWeights();
  // the same stream: the encoder, drawn first, is the same
  assert.deepEqual([...unconditional['encoder/recurrent_kernel']], [...conditional['encoder/recurrent_kernel']]);
  const kernel = unconditional['decoder/kernel'];
  assert.equal(kernel.length, L * 4 * L);
  const limit = Math.sqrt(6 / (L + 4 * L));
  const largest = Math.max(...kernel.map(Math.abs));
  assert.ok(largest <= limit && largest > 0.9 * limit, `max |w| ${largest}, glorot limit ${limit}`);
});

test('predict returns a reversed-target model\'s reconstruction in data order, so it compares with x directly', async () => {
  const model = LstmAutoencoder.create({ ...ARTICLE_VARIANT, timesteps: T, inputDim: D, latentDim: L, reverseTarget: true, seed: 4 });
  const data = Float32Array.from(x);
  const predicted = (await model.predict({ data, shape: [B, T, D] }, { engine: 'reference' })).data;
  const step = new ReferenceStep(model.config, B, 'float32');
  step.forwardPass(model.params, data, B, false);
  for (let n = 0; n < B; n++) {
    for (let t = 0; t < T; t++) {
      const from = (n * T + T - 1 - t) * D;
      assert.deepEqual([...predicted.subarray((n * T + t) * D, (n * T + t + 1) * D)], [...step.output.subarray(from, from + D)], `${n},${t}`);
    }
  }
  // and its training loss is the MSE of that reconstruction against x
  const grads = new Float32Array(model.params.length);
  const loss = step.lossAndGradient(model.params, grads, data, B);
  let squares = 0;
  predicted.forEach((v, i) => (squares += (v - data[i]!) ** 2));
  assert.ok(Math.abs(loss - squares / predicted.length) < 1e-7);
});

test('model settings: each new one validated with a message that says what would work', () => {
  const base: AutoencoderConfigInput = { timesteps: 4, inputDim: 1 };
  const bad = (extra: Record<string, unknown>, message: RegExp) =>
    assert.throws(() => parseAutoencoderConfig({ ...base, ...extra } as AutoencoderConfigInput), (err: unknown) => err instanceof InputError && message.test(err.message));
  bad({ decoder: 'bidirectional' }, /model setting decoder "bidirectional" is invalid: expected 'conditional' or 'unconditional'/);
  bad({ reverseTarget: 'yes' }, /model setting reverseTarget "yes" is invalid: expected true or false/);
  bad({ outputActivation: 'relu' }, /model setting outputActivation "relu" is invalid: expected 'tanh' or 'linear'/);
  bad({ maskValue: Infinity }, /model setting maskValue .* is invalid: expected a finite number, or null/);
  bad({ maskValue: '0' }, /model setting maskValue "0" is invalid/);
  // left out, they stay out (the article's), so the article model's config is unchanged
  assert.deepEqual(parseAutoencoderConfig(base), { timesteps: 4, inputDim: 1, latentDim: 10, recurrentActivation: 'sigmoid', seed: 0 });
  assert.equal(parseAutoencoderConfig({ ...base, maskValue: null }).maskValue, null);
});

test('the fast path takes every variant, and the reference path too', async () => {
  const base = parseAutoencoderConfig({ timesteps: 4, inputDim: 1, latentDim: 2 });
  for (const extra of [{}, { decoder: 'unconditional' }, { reverseTarget: true }, { outputActivation: 'linear' }, { decoder: 'unconditional', maskValue: 0 }] as const) {
    const fast = await createGradientStep({ ...base, ...extra }, 4, { engine: 'fast', threads: 1 });
    assert.ok(fast instanceof FastStep);
    assert.deepEqual(fast.variant, {
      unconditional: 'decoder' in extra,
      reverseTarget: 'reverseTarget' in extra,
      linearOutput: 'outputActivation' in extra,
    });
    await fast.dispose();
    assert.ok((await createGradientStep({ ...base, ...extra }, 4, { engine: 'reference' })) instanceof ReferenceStep);
  }
});

test('a variant model trains with the reference engine (unconditional, reversed target, linear)', async () => {
  const model = LstmAutoencoder.create({ ...ARTICLE_VARIANT, timesteps: T, inputDim: D, latentDim: 4, decoder: 'unconditional', reverseTarget: true, outputActivation: 'linear', seed: 1 });
  const history = await model.fit({ data: Float32Array.from(x), shape: [B, T, D] }, { epochs: 20, batchSize: B, engine: 'reference', optimizer: { name: 'rmsprop', learningRate: 0.01 } });
  const [first, last] = [history.history.loss[0]!, history.history.loss.at(-1)!];
  assert.ok(last < 0.8 * first, `loss ${first} -> ${last}`);
  assert.ok(maxAbsDifference(model.getWeights()['decoder/kernel'], LstmAutoencoder.create({ ...ARTICLE_VARIANT, ...model.config }).getWeights()['decoder/kernel']) > 0);
});
