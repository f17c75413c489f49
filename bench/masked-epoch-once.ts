import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readSeries } from '../src/io/read-series.js';
import { toSequences } from '../src/io/series-set.js';
import { LstmAutoencoder, type Sequences } from '../src/models/autoencoder/lstm-autoencoder.js';
import { median } from '../src/analysis/metrics.js';
import type { TaskTiming } from './child-protocol.js';
import { positiveIntegerOption } from './article-workload.js';

/**
 * What padding costs, in a process of its own, for bench/run.ts:
 *   node dist/bench/masked-epoch-once.js --threads 2 [--epochs 7]
 * trains, one epoch at a time and the two in turn, on PLAID's 537 training series (100 to
 * 1344 steps, padded to 1344 and masked) and on windows of one length cut from the same
 * series, as many real
 * steps in all; prints the median epoch of each as one JSON line (TaskTiming: the
 * unpadded windows are the yardstick, and the own-data issue's bar is 1.3).
 */
const { values } = parseArgs({ options: { threads: { type: 'string', default: '2' }, epochs: { type: 'string', default: '7' } } });
const threads = positiveIntegerOption('threads', values.threads);
const epochs = positiveIntegerOption('epochs', values.epochs);
const BATCH = 32;
const LATENT = 16;

const plaid = readSeries(fileURLToPath(new URL('../../test/fixtures/ucr/PLAID_TRAIN.ts', import.meta.url)));
const padded = toSequences(plaid, 0);
const realSteps = plaid.series.reduce((sum, s) => sum + s.length, 0);

// the same real steps as windows of one length (the mean length), nothing padded
const length = Math.round(realSteps / plaid.series.length);
const windows = Math.floor(realSteps / length);
const flat = new Float32Array(windows * length);
let at = 0;
for (const s of plaid.series) {
  const take = Math.min(s.length, flat.length - at);
  flat.set(s.subarray(0, take), at);
  at += take;
}
const unpadded: Sequences = { data: flat, shape: [windows, length, 1] };

async function readyModel(x: Sequences, masked: boolean): Promise<LstmAutoencoder> {
  const [, T, D] = x.shape;
  const model = LstmAutoencoder.create({ timesteps: T, inputDim: D, latentDim: LATENT, ...(masked ? { maskValue: -1e9 } : {}), outputActivation: 'linear', seed: 0 });
  await model.fit({ ...x, shape: [BATCH, T, D], data: x.data.subarray(0, BATCH * T * D), ...(x.lengths ? { lengths: x.lengths.subarray(0, BATCH) } : {}) }, { epochs: 1, batchSize: BATCH, threads }); // starts the threads
  return model;
}

// both models warmed up, then their epochs taken in turn, so that a slow spell of the machine falls on both
const maskedModel = await readyModel(padded, true);
const unpaddedModel = await readyModel(unpadded, false);
const maskedSeconds: number[] = [];
const unpaddedSeconds: number[] = [];
for (let e = 0; e < epochs; e++) {
  maskedSeconds.push(...(await maskedModel.fit(padded, { epochs: 1, batchSize: BATCH, threads, optimizer: 'adam' })).history.seconds);
  unpaddedSeconds.push(...(await unpaddedModel.fit(unpadded, { epochs: 1, batchSize: BATCH, threads, optimizer: 'adam' })).history.seconds);
}
await maskedModel.dispose();
await unpaddedModel.dispose();
const masked = median(maskedSeconds);
const plain = median(unpaddedSeconds);
const result: TaskTiming = {
  task: `train on PLAID, ${plaid.series.length} series of 100 to ${padded.shape[1]} steps, masked (1 epoch, batch ${BATCH}, latent ${LATENT}, ${threads} threads)`,
  ours: { label: `padded to ${padded.shape[1]} and masked`, seconds: masked },
  yardstick: { label: `the same ${realSteps} real steps as ${windows} windows of ${length}, unpadded`, seconds: plain },
  ratio: masked / plain,
  bar: 1.3,
  details: { maskedSeconds, unpaddedSeconds },
};
process.stderr.write(`masked ${masked.toFixed(2)} s/epoch, unpadded ${plain.toFixed(2)} s/epoch\n`);
process.stdout.write(JSON.stringify(result) + '\n');
