import { parseArgs } from 'node:util';
import { LstmAutoencoder } from '../src/models/autoencoder/lstm-autoencoder.js';
import { ARTICLE_VARIANT } from '../src/models/autoencoder/config.js';
import type { Engine, TrainOnceResult } from './child-protocol.js';
import { createGradientStep } from '../src/models/autoencoder/lstm-autoencoder.js';
import { positiveIntegerOption, ARTICLE_BATCH_SIZE, ARTICLE_LATENT_DIM, articleTrainingData } from './article-workload.js';

/**
 * One training configuration in a process of its own, for bench/run.ts:
 *   node dist/bench/train-once.js --engine fast --threads 2 --epochs 3
 * trains the seed model on the seed data and prints one JSON line (TrainOnceResult);
 * per-epoch progress goes to stderr.
 */

const { values } = parseArgs({
  options: {
    engine: { type: 'string', default: 'fast' },
    threads: { type: 'string', default: '1' },
    epochs: { type: 'string', default: '3' },
  },
});
const engine = values.engine as Engine;
const threads = positiveIntegerOption('threads', values.threads);
const epochs = positiveIntegerOption('epochs', values.epochs);
if (engine !== 'fast' && engine !== 'reference') throw new Error(`--engine must be fast or reference, got ${engine}`);

const x = articleTrainingData();
const [windows, timesteps, inputDim] = x.shape;
const model = LstmAutoencoder.create({ ...ARTICLE_VARIANT, timesteps, inputDim, latentDim: ARTICLE_LATENT_DIM, seed: 0 });
// the step is made here (not by fit) so that its start-up is not part of the first epoch
const step = await createGradientStep(model.config, Math.min(ARTICLE_BATCH_SIZE, windows), { engine, threads });
try {
  const history = await model.fit(x, {
    epochs,
    batchSize: ARTICLE_BATCH_SIZE,
    shuffle: true,
    optimizer: 'rmsprop',
    gradientStep: step,
    callbacks: {
      onEpochEnd: (epoch, logs) => {
        process.stderr.write(`epoch ${epoch + 1}/${epochs} loss ${logs.loss.toFixed(5)} ${logs.seconds.toFixed(2)} s\n`);
      },
    },
  });
  const result: TrainOnceResult = {
    engine,
    threads,
    windows,
    epochSeconds: history.history.seconds,
    epochLoss: history.history.loss,
    peakRssKB: process.resourceUsage().maxRSS,
  };
  process.stdout.write(JSON.stringify(result) + '\n');
} finally {
  await step.dispose();
}
