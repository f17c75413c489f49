import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { RandomState } from '../src/ops/random-state.js';
import type { SeriesSet } from '../src/io/series-set.js';
import { runClassify } from '../src/tasks/classify/job.js';
import type { TaskTiming } from './child-protocol.js';
import { positiveIntegerOption } from './article-workload.js';

/**
 * `lstm-ae classify` on many short series, in a process of its own, for bench/run.ts:
 *   node dist/bench/classify-many-once.js --threads 2 [--train 150000 --test 200 --steps 3 --epochs 3]
 * two classes of 3-step series (rising, falling, with noise); the whole job into a temporary
 * folder, at most --epochs epochs, against the 1-NN DTW baseline it times on the same split.
 * Prints one JSON line (TaskTiming) with the process's peak memory.
 */
const { values } = parseArgs({
  options: {
    threads: { type: 'string', default: '2' },
    train: { type: 'string', default: '150000' },
    test: { type: 'string', default: '200' },
    steps: { type: 'string', default: '3' },
    epochs: { type: 'string', default: '3' },
  },
});
const threads = positiveIntegerOption('threads', values.threads);
const steps = positiveIntegerOption('steps', values.steps);
const epochs = positiveIntegerOption('epochs', values.epochs);
const rng = new RandomState(7);
const random = () => rng.randomSample();

function shortSeries(count: number, source: string): SeriesSet {
  const series: Float64Array[] = [];
  const labels: string[] = [];
  for (let n = 0; n < count; n++) {
    const slope = n % 2 === 0 ? 1 : -1;
    series.push(Float64Array.from({ length: steps }, (_, t) => slope * t + 0.5 * (random() - 0.5)));
    labels.push(slope > 0 ? 'rising' : 'falling');
  }
  return { series, channels: 1, labels, source };
}

const train = shortSeries(positiveIntegerOption('train', values.train), 'train (generated)');
const test = shortSeries(positiveIntegerOption('test', values.test), 'test (generated)');
const outDir = mkdtempSync(join(tmpdir(), 'lstm-ae-bench-classify-many-'));
try {
  const started = performance.now();
  const metrics = await runClassify({ train, test, outDir, threads, epochs, log: (line) => process.stderr.write(`${line}\n`) });
  const seconds = (performance.now() - started) / 1000;
  const dtwSeconds = metrics.baseline_seconds['1nn_dtw'];
  const peakMB = process.resourceUsage().maxRSS / 1024;
  const result: TaskTiming = {
    task: `classify ${train.series.length} series of ${steps} steps (${test.series.length} to test, at most ${epochs} epochs, ${threads} threads)`,
    ours: { label: `training ${metrics.epochs_trained.join('+')} epochs and classifying (accuracy ${metrics.test_accuracy?.toFixed(3)})`, seconds: metrics.train_seconds },
    yardstick: { label: `1-NN DTW on the same split (accuracy ${metrics.baseline_1nn_dtw?.toFixed(3)})`, seconds: dtwSeconds },
    ratio: metrics.train_seconds / dtwSeconds,
    memory: { peakMB, against: { label: "the series' float64 values", MB: ((train.series.length + test.series.length) * steps * 8) / 2 ** 20 }, ratio: peakMB / (((train.series.length + test.series.length) * steps * 8) / 2 ** 20) },
    details: { wholeCommandSeconds: seconds },
  };
  process.stdout.write(JSON.stringify(result) + '\n');
} finally {
  rmSync(outDir, { recursive: true, force: true });
}
