import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { LstmAutoencoder } from '../src/models/autoencoder/lstm-autoencoder.js';
import type { TaskTiming } from './child-protocol.js';
import { positiveIntegerOption } from './article-workload.js';
import { runCliOnce } from './cli-once.js';

/**
 * Issue 23's padding case, in a process of its own, for bench/run.ts:
 *   node dist/bench/padding-memory-once.js --command train|encode --threads 2 [--epochs 2]
 * writes a .ts file of 25,000 two-step series beside one of 10,000 steps, and one of 30,000
 * two-step series (the same 60,000 real steps, no padding), runs `lstm-ae train` (a few
 * epochs) or `lstm-ae encode` (a small saved model) on each, and prints one JSON line
 * (TaskTiming): the padding case's peak memory and time against the same command on the
 * same number of real steps. The bar is 2x: memory follows the real steps. It was about
 * 2.2 GB when every series was padded to 10,000 steps (1 GB a copy).
 */
const { values } = parseArgs({
  options: {
    command: { type: 'string', default: 'train' },
    threads: { type: 'string', default: '2' },
    epochs: { type: 'string', default: '2' },
    short: { type: 'string', default: '25000' },
    long: { type: 'string', default: '10000' },
  },
});
const command = values.command;
if (command !== 'train' && command !== 'encode') throw new Error(`--command ${command}: expected train or encode`);
const threads = positiveIntegerOption('threads', values.threads);
const epochs = positiveIntegerOption('epochs', values.epochs);
const shortSeries = positiveIntegerOption('short', values.short);
const longSteps = positiveIntegerOption('long', values.long);
const MEMORY_BAR = 2;

/** A univariate .ts file without labels: one line of comma-separated values per series. */
function writeTs(path: string, lengths: number[]): void {
  const lines = ['@problemName padding', '@timeStamps false', '@missing false', '@univariate true', '@equalLength false', '@classLabel false', '@data'];
  lengths.forEach((steps, n) => lines.push(Array.from({ length: steps }, (_, t) => (Math.sin(0.05 * t + n) + 0.1 * ((n * 7 + t) % 5)).toFixed(4)).join(',')));
  writeFileSync(path, lines.join('\n') + '\n');
}

const folder = mkdtempSync(join(tmpdir(), 'lstm-ae-bench-padding-'));
try {
  const realSteps = 2 * shortSeries + longSteps;
  const padded = join(folder, 'padded.ts');
  const equal = join(folder, 'equal.ts');
  writeTs(padded, [...Array.from({ length: shortSeries }, () => 2), longSteps]);
  writeTs(equal, Array.from({ length: Math.round(realSteps / 2) }, () => 2));

  const run = async (input: string, name: string) => {
    if (command === 'train') {
      return runCliOnce(['train', '--data', input, '--out', join(folder, `run-${name}`), '--epochs', String(epochs), '--no-early-stopping', '--threads', String(threads)], 600);
    }
    const model = LstmAutoencoder.create({ timesteps: 2, inputDim: 1, latentDim: 10, seed: 1 });
    model.setScaling({ normalize: 'per-channel', mean: [0], std: [0.7] });
    const modelJson = await model.save(join(folder, `model-${name}`));
    return runCliOnce(['encode', '--model', modelJson, '--input', input, '--out', join(folder, `codes-${name}.npy`), '--threads', String(threads)], 600);
  };
  const ours = await run(padded, 'padded');
  const yardstick = await run(equal, 'equal');
  const what = command === 'train' ? `train (${epochs} epochs)` : 'encode';
  const result: TaskTiming = {
    task: `${what} on ${shortSeries} two-step series beside one of ${longSteps} steps (${realSteps} real steps; padded to the longest they were ${((shortSeries + 1) * longSteps) / 1e6}M) (${threads} threads)`,
    ours: { label: `lstm-ae ${what}, the padding case`, seconds: ours.seconds },
    yardstick: { label: `the same on ${Math.round(realSteps / 2)} two-step series (the same real steps)`, seconds: yardstick.seconds },
    ratio: ours.seconds / yardstick.seconds,
    memory: { peakMB: ours.peakMB, against: { label: 'the same command on the same real steps, no padding', MB: yardstick.peakMB }, ratio: ours.peakMB / yardstick.peakMB, bar: MEMORY_BAR },
  };
  process.stderr.write(`${what}: padding case ${ours.seconds.toFixed(2)} s, peak ${ours.peakMB.toFixed(0)} MB; equal series ${yardstick.seconds.toFixed(2)} s, peak ${yardstick.peakMB.toFixed(0)} MB\n`);
  process.stdout.write(JSON.stringify(result) + '\n');
} finally {
  rmSync(folder, { recursive: true, force: true });
}
