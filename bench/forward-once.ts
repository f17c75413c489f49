import { parseArgs } from 'node:util';
import { ARTICLE_VARIANT, LstmAutoencoder } from '../src/index.js';
import type { ForwardOnceResult } from './child-protocol.js';
import { positiveIntegerOption, ARTICLE_LATENT_DIM, articleTrainingData } from './article-workload.js';

/**
 * Times the public API's `encode` or `predict` on every seed training window, in a process
 * of its own, for bench/run.ts:
 *   node dist/bench/forward-once.js --op encode --threads 2 [--repeat 3]
 * prints one JSON line (ForwardOnceResult). The weights are the fresh Keras initialisation:
 * a forward pass costs the same whatever the weights are. The first call also starts the
 * model's threads, so it is reported apart from the repetitions after it.
 */
const { values } = parseArgs({
  options: {
    op: { type: 'string', default: 'encode' },
    threads: { type: 'string', default: '2' },
    repeat: { type: 'string', default: '3' },
  },
});
const op = values.op;
const threads = positiveIntegerOption('threads', values.threads);
const repeat = positiveIntegerOption('repeat', values.repeat);
if (op !== 'encode' && op !== 'predict') throw new Error(`--op must be encode or predict, got ${op}`);

const x = articleTrainingData();
const [windows, timesteps, inputDim] = x.shape;
const model = LstmAutoencoder.create({ ...ARTICLE_VARIANT, timesteps, inputDim, latentDim: ARTICLE_LATENT_DIM, seed: 0 });
const run = (data: typeof x, engine: 'fast' | 'reference') =>
  (op === 'encode' ? model.encode(data, { engine, threads }) : model.reconstruct(data, { engine, threads })).then((r) => r.data);
try {
  const seconds: number[] = [];
  let result: Float32Array = new Float32Array(0);
  for (let i = 0; i <= repeat; i++) {
    const started = performance.now();
    result = await run(x, 'fast');
    seconds.push((performance.now() - started) / 1000);
    process.stderr.write(`${op} ${i === 0 ? 'first call' : `${i}/${repeat}`}: ${seconds.at(-1)?.toFixed(3)} s\n`);
  }
  // a fast wrong answer is no result: compare the first windows with the reference path
  const checked = Math.min(256, windows);
  const size = op === 'encode' ? model.config.latentDim : timesteps * inputDim;
  const reference = await run({ data: x.data.subarray(0, checked * timesteps * inputDim), shape: [checked, timesteps, inputDim] }, 'reference');
  let maxDifference = 0;
  for (let i = 0; i < checked * size; i++) maxDifference = Math.max(maxDifference, Math.abs(reference[i]! - result[i]!));
  if (!(maxDifference < 1e-4)) throw new Error(`fast ${op} differs from the reference by ${maxDifference} on the first ${checked} windows`);

  const line: ForwardOnceResult = {
    op,
    path: 'fast path, public API',
    threads,
    windows,
    firstCallSeconds: seconds[0]!,
    seconds: seconds.slice(1),
    peakRssKB: process.resourceUsage().maxRSS,
  };
  process.stdout.write(JSON.stringify(line) + '\n');
} finally {
  await model.dispose();
}
