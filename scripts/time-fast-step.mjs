#!/usr/bin/env node
// Informal timing of the fast path on the seed model (T=100, D=1, L=10), one epoch =
// 17,802 windows in batches of 500 (the last one 302). Not a test and not the benchmark
// (`npm run bench` is): a quick look while working on the kernels. Needs `npm run build`.
//   node scripts/time-fast-step.mjs [epochs=3] [threads=1,2] [sigmoid|hard_sigmoid]
import { createFastStep } from '../dist/src/models/autoencoder/fast-step.js';
import { autoencoderLayout } from '../dist/src/models/autoencoder/layout.js';

const epochs = Number(process.argv[2] ?? 3);
const threadCounts = (process.argv[3] ?? '1,2').split(',').map(Number);
const recurrentActivation = process.argv[4] ?? 'sigmoid';
const dims = { timesteps: 100, inputDim: 1, latentDim: 10 };
const windows = 17_802;
const batchSize = 500;

const params = new Float32Array(autoencoderLayout(dims).size).map((_, i) => Math.sin(i * 12.9898) * 0.3);
const x = new Float32Array(windows * dims.timesteps).map((_, i) => Math.sin(i * 0.07 + Math.floor(i / 100)));
const grads = new Float32Array(params.length);

for (const threads of threadCounts) {
  const step = await createFastStep(dims, batchSize, { threads, recurrentActivation });
  const seconds = [];
  const cpuSeconds = [];
  for (let epoch = 0; epoch <= epochs; epoch++) {
    const start = performance.now();
    const cpu = process.cpuUsage();
    for (let first = 0; first < windows; first += batchSize) {
      const batch = Math.min(batchSize, windows - first);
      await step.lossAndGradient(params, grads, x.subarray(first * 100, (first + batch) * 100), batch);
    }
    if (epoch === 0) continue; // warm-up
    seconds.push((performance.now() - start) / 1000);
    const used = process.cpuUsage(cpu);
    cpuSeconds.push((used.user + used.system) / 1e6);
  }
  await step.dispose();
  const best = Math.min(...seconds);
  const mean = seconds.reduce((a, b) => a + b, 0) / seconds.length;
  const cpu = Math.min(...cpuSeconds);
  // on a busy machine the wall clock suffers; CPU seconds (all threads) say what the work cost
  console.log(`threads ${threads} (${recurrentActivation}): seconds per epoch best ${best.toFixed(3)}, mean ${mean.toFixed(3)} over ${epochs}; CPU seconds best ${cpu.toFixed(3)}`);
}
