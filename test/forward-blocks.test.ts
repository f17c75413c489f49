import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LstmAutoencoder } from '../src/models/autoencoder/lstm-autoencoder.js';
import { applyScaling } from '../src/train/scaling.js';

// encode and reconstruct scale their input 8192 windows at a time (one reused scratch block,
// not a scaled copy of all of it): every window, either side of a block's edge, must get what
// it gets alone, and the scaling must be the one applyScaling gives the whole input.
const [N, T, D, L] = [8200, 6, 2, 3];
const data = new Float32Array(N * T * D).map((_, i) => Math.sin(0.3 * i) * (1 + (i % 7)));
const lengths = Int32Array.from({ length: N }, (_, n) => 2 + (n % 5));

for (const normalize of ['per-series', 'per-channel'] as const) {
  test(`${normalize}: windows on both sides of a scaling block's edge encode and reconstruct as they do alone`, async () => {
    const model = LstmAutoencoder.create({ timesteps: T, inputDim: D, latentDim: L, seed: 2, normalize });
    if (normalize === 'per-channel') model.setScaling({ normalize, mean: [0.5, -1], std: [2, 3] });
    try {
      const x = { data, shape: [N, T, D] as [number, number, number], lengths };
      const all = await model.reconstruct(x, { threads: 1 });
      const codes = await model.encode(x, { threads: 1 });
      for (const n of [0, 8191, 8192, N - 1]) {
        const one = { data: data.slice(n * T * D, (n + 1) * T * D), shape: [1, T, D] as [number, number, number], lengths: lengths.slice(n, n + 1) };
        assert.deepEqual((await model.reconstruct(one, { threads: 1 })).data, all.data.slice(n * T * D, (n + 1) * T * D), `reconstruction of window ${n}`);
        assert.deepEqual((await model.encode(one, { threads: 1 })).data, codes.data.slice(n * L, (n + 1) * L), `code of window ${n}`);
      }
    } finally {
      await model.dispose();
    }
  });
}

test("applyScaling into a used scratch array gives what it gives into a new one: padding 0 again", () => {
  const x = { data: data.subarray(0, 50 * T * D), shape: [50, T, D] as const, lengths: lengths.subarray(0, 50) };
  const scaling = { normalize: 'per-channel' as const, mean: [0.5, -1], std: [2, 3] };
  const scratch = new Float32Array(60 * T * D).fill(7);
  const into = applyScaling(x, scaling, scratch).data;
  assert.equal(into.buffer, scratch.buffer);
  assert.deepEqual(into, applyScaling(x, scaling).data);
});
