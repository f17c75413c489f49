import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LstmAutoencoder, type Sequences } from '../src/index.js';

// Concurrent calls on one model with different thread counts once left a promise pending
// forever (a call replaced the kept step, and with it the workers another call was using).
// Each call now runs on a step nobody else uses, and a replaced step is disposed only when
// its last call is done (LstmAutoencoder.withStep).

const x: Sequences = { data: new Float32Array(64 * 20 * 2).map((_, i) => Math.sin(i / 7)), shape: [64, 20, 2] };

test('concurrent encode and reconstruct calls on one model, with different thread counts, all finish with the sequential answers', { timeout: 60_000 }, async () => {
  const model = LstmAutoencoder.create({ timesteps: 20, inputDim: 2, latentDim: 4, seed: 1, normalize: 'none', maskValue: null });
  try {
    const codes = (await model.encode(x, { threads: 1 })).data;
    const rebuilt = (await model.reconstruct(x, { threads: 1 })).data;
    for (let round = 0; round < 3; round++) {
      const [a, b, c, d] = await Promise.all([
        model.encode(x, { threads: 1 }),
        model.encode(x, { threads: 2 }),
        model.encode(x, { threads: 2 }),
        model.reconstruct(x, { threads: 1 }),
      ]);
      for (const r of [a, b, c]) assert.deepEqual(r.data, codes);
      assert.deepEqual(d.data, rebuilt);
    }
    // and a call from inside fit's callback, on the step fit is using
    const inside: Float32Array[] = [];
    await model.fit(x, { epochs: 2, batchSize: 16, threads: 2, callbacks: { onEpochEnd: async () => { inside.push((await model.encode(x, { threads: 2 })).data); } } });
    assert.equal(inside.length, 2);
    assert.deepEqual(inside[1], (await model.encode(x, { threads: 2 })).data);
  } finally {
    await model.dispose();
  }
});
