import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readSeries } from '../src/io/read-series.js';
import type { SeriesSet } from '../src/io/series-set.js';
import { runClassify } from '../src/tasks/classify/job.js';
import type { TaskTiming } from './child-protocol.js';
import { positiveIntegerOption } from './article-workload.js';

/**
 * `lstm-ae classify` with its defaults, in a process of its own, for bench/run.ts:
 *   node dist/bench/classify-once.js --data test/fixtures/ucr/PLAID_TRAIN.ts --threads 2
 * splits the labelled file in two (even series to train on, odd ones to test), runs the
 * whole job (training, features, classifier, the three baselines, report) into a temporary
 * folder and prints one JSON line (TaskTiming). The 1-NN DTW baseline it times in the same
 * run is the yardstick: a cost every user of the command pays beside ours.
 */
const { values } = parseArgs({ options: { data: { type: 'string' }, threads: { type: 'string', default: '2' } } });
if (!values.data) throw new Error('--data FILE is required');
const threads = positiveIntegerOption('threads', values.threads);
const all = readSeries(values.data);
const half = (parity: number): SeriesSet => {
  const keep = all.series.map((_, i) => i).filter((i) => i % 2 === parity);
  return { ...all, series: keep.map((i) => all.series[i]!), labels: keep.map((i) => all.labels![i]!), source: `${all.source} (${parity === 0 ? 'even' : 'odd'} series)` };
};
const outDir = mkdtempSync(join(tmpdir(), 'lstm-ae-bench-classify-'));
try {
  const started = performance.now();
  const metrics = await runClassify({ train: half(0), test: half(1), outDir, threads, log: (line) => process.stderr.write(`${line}\n`) });
  const seconds = (performance.now() - started) / 1000;
  const dtwSeconds = metrics.baseline_seconds['1nn_dtw'];
  // ours: what the classifier itself takes, fit and predict (training, features, distance features included, and the logistic regression)
  const oursSeconds = ['training', 'features', 'classifier'].reduce((sum, stage) => sum + (metrics.seconds[stage] ?? 0), 0);
  const result: TaskTiming = {
    task: `classify ${values.data} (${half(0).series.length} series to train on, ${half(1).series.length} to test, ${threads} threads)`,
    ours: { label: `training ${metrics.epochs_trained.join('+')} epochs, features and classifier (accuracy ${metrics.test_accuracy?.toFixed(3)})`, seconds: oursSeconds },
    yardstick: { label: `1-NN DTW on the same split (accuracy ${metrics.baseline_1nn_dtw?.toFixed(3)})`, seconds: dtwSeconds },
    ratio: oursSeconds / dtwSeconds,
    details: { wholeCommandSeconds: seconds, peakRssKB: process.resourceUsage().maxRSS },
  };
  process.stdout.write(JSON.stringify(result) + '\n');
} finally {
  rmSync(outDir, { recursive: true, force: true });
}
