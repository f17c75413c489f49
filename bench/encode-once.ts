import { parseArgs } from 'node:util';
import { createFastStep } from '../src/models/autoencoder/fast-step.js';
import { LstmAutoencoder } from '../src/models/autoencoder/lstm-autoencoder.js';
import type { EncodeOnceResult } from './child-protocol.js';
import { SEED_LATENT_DIM, seedTrainingData } from './seed-workload.js';

/**
 * Times encoding every seed training window with the fast path, in a process of its own,
 * for bench/run.ts:
 *   node dist/bench/encode-once.js --threads 2 [--repeat 3]
 * prints one JSON line (EncodeOnceResult). The weights are the fresh Keras initialisation:
 * encoding costs the same whatever the weights are. Starting the threads is not timed
 * (a caller pays it once, not per call).
 */

// windows per forward call: the kernels keep per-window state, so encode in slices
const WINDOWS_PER_CALL = 1024;

const { values } = parseArgs({
  options: {
    threads: { type: 'string', default: '2' },
    repeat: { type: 'string', default: '3' },
  },
});
const threads = Number(values.threads);
const repeat = Number(values.repeat);
if (!(Number.isInteger(threads) && threads >= 1)) throw new Error(`--threads must be a positive integer, got ${values.threads}`);
if (!(Number.isInteger(repeat) && repeat >= 1)) throw new Error(`--repeat must be a positive integer, got ${values.repeat}`);

const x = seedTrainingData();
const [windows, timesteps, inputDim] = x.shape;
const model = LstmAutoencoder.create({ timesteps, inputDim, latentDim: SEED_LATENT_DIM, seed: 0 });
const L = model.config.latentDim;
const windowSize = timesteps * inputDim;
const step = await createFastStep(model.dims, Math.min(WINDOWS_PER_CALL, windows), {
  threads,
  recurrentActivation: model.config.recurrentActivation,
});
try {
  const codes = new Float32Array(windows * L);
  const seconds: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const started = performance.now();
    for (let first = 0; first < windows; first += WINDOWS_PER_CALL) {
      const count = Math.min(WINDOWS_PER_CALL, windows - first);
      await step.forward(model.params, x.data.subarray(first * windowSize, (first + count) * windowSize), count, {
        code: codes.subarray(first * L, (first + count) * L),
      });
    }
    seconds.push((performance.now() - started) / 1000);
    process.stderr.write(`encode ${i + 1}/${repeat}: ${seconds.at(-1)!.toFixed(3)} s\n`);
  }
  // a fast wrong answer is no result: compare the first slice with the reference encode
  const checked = Math.min(WINDOWS_PER_CALL, windows);
  const reference = model.encode({ data: x.data.subarray(0, checked * windowSize), shape: [checked, timesteps, inputDim] });
  let maxDifference = 0;
  for (let i = 0; i < reference.length; i++) maxDifference = Math.max(maxDifference, Math.abs(reference[i]! - codes[i]!));
  if (!(maxDifference < 1e-4)) throw new Error(`fast encode differs from the reference by ${maxDifference} on the first ${checked} windows`);

  const result: EncodeOnceResult = {
    path: 'fast path',
    threads: step.threads,
    windows,
    seconds,
    peakRssKB: process.resourceUsage().maxRSS,
  };
  process.stdout.write(JSON.stringify(result) + '\n');
} finally {
  await step.dispose();
}
