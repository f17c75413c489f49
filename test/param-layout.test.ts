import { test } from 'node:test';
import assert from 'node:assert/strict';
import { autoencoderLayout } from '../src/models/autoencoder/layout.js';

test('seed layout (D=1, L=10) has the Keras parameter count and contiguous views', () => {
  const layout = autoencoderLayout({ timesteps: 100, inputDim: 1, latentDim: 10 });
  // encoder 1*40+10*40+40, decoder 11*40+10*40+40, dense 10*10+10, 10*1+1
  assert.equal(layout.size, 480 + 880 + 110 + 11);
  const buf = new Float32Array(layout.size);
  const v = layout.views(buf);
  v['dense_out/bias']![0] = 7;
  assert.equal(buf[layout.size - 1], 7);
});
