import { parseArgs } from 'node:util';
import { LstmAutoencoder } from '../src/model/lstm-autoencoder.js';
import type { EncodeOnceResult } from './child-protocol.js';
import { SEED_LATENT_DIM, seedTrainingData } from './seed-workload.js';

/**
 * Times encoding every seed training window, in a process of its own, for bench/run.ts:
 *   node dist/bench/encode-once.js --threads 2 [--repeat 3]
 * prints one JSON line (EncodeOnceResult). The weights are the fresh Keras initialisation:
 * encoding costs the same whatever the weights are.
 */

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

const seconds: number[] = [];
for (let i = 0; i < repeat; i++) {
  const started = performance.now();
  const codes = model.encode(x);
  seconds.push((performance.now() - started) / 1000);
  if (codes.length !== windows * SEED_LATENT_DIM) throw new Error(`encode returned ${codes.length} values, expected ${windows * SEED_LATENT_DIM}`);
  process.stderr.write(`encode ${i + 1}/${repeat}: ${seconds.at(-1)!.toFixed(3)} s\n`);
}
const result: EncodeOnceResult = {
  // model.encode runs the reference forward pass on one thread
  path: 'reference path',
  threads: 1,
  windows,
  seconds,
  peakRssKB: process.resourceUsage().maxRSS,
};
process.stdout.write(JSON.stringify(result) + '\n');
