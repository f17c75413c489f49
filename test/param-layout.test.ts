import { test } from 'node:test';
import assert from 'node:assert/strict';
import { autoencoderLayout, WEIGHT_NAMES } from '../src/models/autoencoder/layout.js';
import { FastKernels, KERNELS_NAME } from '../src/models/autoencoder/fast-kernels.js';
import { nodePlatform } from '../src/fast/node-platform.js';
import { ParamLayout } from '../src/ops/param-layout.js';

test('seed layout (D=1, L=10) has the Keras parameter count and contiguous views', () => {
  const layout = autoencoderLayout({ timesteps: 100, inputDim: 1, latentDim: 10 });
  // encoder 1*40+10*40+40, decoder 11*40+10*40+40, dense 10*10+10, 10*1+1
  assert.equal(layout.size, 480 + 880 + 110 + 11);
  const buf = new Float32Array(layout.size);
  const v = layout.views(buf);
  v['dense_out/bias']![0] = 7;
  assert.equal(buf[layout.size - 1], 7);
});

// The fast kernels take every tensor's place from the host's layout (one source of truth):
// each tensor's offset and size as the WebAssembly instance reports them must be the
// layout's, and a layout with the tensors in another order must train to the same
// gradient, tensor by tensor, which it could not if the kernels assumed their own order.
const kernelsModule = () => nodePlatform.wasmModule(KERNELS_NAME);

test('the fast kernels read every tensor at the layout\'s offset, with the layout\'s size', () => {
  for (const dims of [
    { timesteps: 3, inputDim: 1, latentDim: 10 },
    { timesteps: 5, inputDim: 6, latentDim: 3 },
    { timesteps: 2, inputDim: 2, latentDim: 17 },
  ]) {
    const layout = autoencoderLayout(dims);
    const placed = new FastKernels(kernelsModule(), dims, 8, 'sigmoid').placedTensors();
    assert.deepEqual(
      placed,
      layout.slots.map((s) => ({ name: s.name, offset: s.offset, size: s.size })),
      `(T,D,L) = (${dims.timesteps},${dims.inputDim},${dims.latentDim})`,
    );
    assert.deepEqual(placed.map((p) => p.name), [...WEIGHT_NAMES]);
  }
});

test('a layout with the tensors in reverse order trains to the same gradient, tensor by tensor', () => {
  const dims = { timesteps: 4, inputDim: 2, latentDim: 3 };
  const keras = autoencoderLayout(dims);
  const reversed = new ParamLayout([...keras.slots].reverse().map((s) => ({ name: s.name, shape: s.shape })));
  const params = new Float32Array(keras.size).map((_, i) => Math.sin(i * 0.7) * 0.3);
  const reordered = new Float32Array(keras.size);
  for (const s of keras.slots) reordered.set(keras.views(params)[s.name]!, reversed.slot(s.name).offset);
  const x = new Float32Array(5 * 4 * 2).map((_, i) => Math.cos(i * 0.3) * 0.8);

  const gradientOf = (layout: ParamLayout, p: Float32Array) => {
    const kernels = new FastKernels(kernelsModule(), dims, 5, 'sigmoid', layout);
    kernels.setParams(p);
    kernels.stage(x, 0, 5);
    const sse = kernels.trainStep(5, 1);
    return { sse, grads: layout.views(Float32Array.from(kernels.gradients)) };
  };
  const a = gradientOf(keras, params);
  const b = gradientOf(reversed, reordered);
  assert.equal(a.sse, b.sse);
  for (const name of WEIGHT_NAMES) {
    assert.deepEqual(b.grads[name], a.grads[name], name);
    assert.ok(a.grads[name]!.some((g) => g !== 0), `${name} has a gradient`);
  }
});

test('kernels refuse a layout whose tensor has another size than they read', () => {
  const dims = { timesteps: 3, inputDim: 2, latentDim: 4 };
  const wrong = new ParamLayout(
    autoencoderLayout(dims).slots.map((s) => ({ name: s.name, shape: s.name === 'decoder/kernel' ? [4, 16] : s.shape })),
  );
  assert.throws(() => new FastKernels(kernelsModule(), dims, 4, 'sigmoid', wrong), /fast kernels read 96 floats for decoder\/kernel, the layout gives \(4,16\) = 64/);
});
