import { parseArgs } from 'node:util';
import { makeAnomalySeries } from '../src/data/anomaly-series.js';
import { readTimeSeriesCsv } from '../src/io/read-series.js';
import { probationaryLength } from '../src/analysis/nab/profiles.js';
import { windowedGaussianScores } from '../src/analysis/nab/windowed-gaussian.js';
import { DEFAULT_DETECTOR_SETTINGS, disposeDetector, fitDetector, scoreSeries } from '../src/tasks/detect/detector.js';
import type { TaskTiming } from './child-protocol.js';
import { positiveIntegerOption } from './article-workload.js';
import { firstChannel, nabCsvFiles, readOrExit } from './nab-files.js';

/**
 * Issue 21's bar for detect on NAB, in a process of its own, for bench/run.ts:
 *   node dist/bench/nab-timing-once.js --threads 2 [--data NAB/data]
 * NAB's protocol on the team's 18 files (113,913 rows): each file's detector fitted on its
 * probationary rows, then every row scored, with online learning on (tuned every 100 rows on
 * the last 400, learning rate 3e-4: docs/detect.md's setting), under 90 s on 2 cores. A
 * user's clone has no NAB files: without --data (or LSTM_AE_NAB_DATA) the child times 18
 * synthetic series of the same lengths (`lstm-ae data --anomalies`, one channel, stamps 5
 * minutes apart as most of NAB's, so the time-of-day model trains too). The yardstick is
 * NAB's windowed Gaussian on the same rows. Prints one JSON line (TaskTiming).
 */
const { values: args } = parseArgs({
  options: {
    threads: { type: 'string', default: '2' },
    data: { type: 'string', default: process.env.LSTM_AE_NAB_DATA },
  },
});
const threads = positiveIntegerOption('threads', args.threads);
const BAR_SECONDS = 90;
const ONLINE = { every: 100, span: 400, epochs: 1, learningRate: 3e-4 } as const;
/** The row counts of the team's 18 NAB files, in name order (113,913 rows in all). */
const NAB_18_ROWS = [4032, 4032, 4032, 4032, 4032, 4032, 4032, 4032, 4032, 4032, 4032, 7267, 18050, 4032, 22695, 10320, 1882, 5315];

interface Series {
  values: Float64Array;
  times: string[];
}

function fiveMinuteStamps(rows: number): string[] {
  const start = Date.UTC(2014, 0, 1);
  return Array.from({ length: rows }, (_, r) => new Date(start + r * 300_000).toISOString().replace('T', ' ').slice(0, 19));
}

function corpus(): { source: string; files: Series[] } {
  if (args.data) {
    const files = nabCsvFiles(args.data).map((path) => readTimeSeriesCsv(path, { timeOrder: 'rows' })).map((t) => ({ values: firstChannel(t), times: [...t.times] }));
    return { source: `${files.length} files of ${args.data}`, files };
  }
  const files = NAB_18_ROWS.map((rows, k) => ({ values: makeAnomalySeries({ rows, channels: 1, events: Math.max(1, Math.floor(rows / 2000)), seed: k }).values, times: fiveMinuteStamps(rows) }));
  return { source: "18 synthetic series of the lengths of the team's 18 NAB files", files };
}

const { source, files } = readOrExit('nab-timing-once', corpus);
const rows = files.reduce((s, f) => s + f.times.length, 0);
let epochs = 0;
let started = performance.now();
for (const file of files) {
  const trainRows = Math.floor(probationaryLength(file.times.length));
  const detector = await fitDetector(file.values, 1, trainRows, { ...DEFAULT_DETECTOR_SETTINGS, online: ONLINE, threads }, 'the probation', file.times);
  try {
    await scoreSeries(detector, file.values, threads, file.times);
    epochs += detector.training.loss.length;
  } finally {
    await disposeDetector(detector);
  }
}
const ours = (performance.now() - started) / 1000;
started = performance.now();
for (const file of files) windowedGaussianScores(file.values);
const gaussianSeconds = (performance.now() - started) / 1000;

const result: TaskTiming = {
  task: `detect with NAB's protocol and online learning on, ${source} (${rows} rows, ${threads} threads; bar ${BAR_SECONDS} s)`,
  ours: { label: `fit on each probation (the main models: ${epochs} epochs in all) and score every row, tuning every ${ONLINE.every} rows`, seconds: ours },
  yardstick: { label: "NAB's windowed Gaussian on the same rows", seconds: gaussianSeconds },
  ratio: ours / gaussianSeconds,
  details: { rows, files: files.length, meetsBar: ours < BAR_SECONDS, barSeconds: BAR_SECONDS, online: ONLINE },
};
process.stderr.write(`${files.length} files, ${rows} rows: ${ours.toFixed(1)} s (bar ${BAR_SECONDS} s); windowed Gaussian ${gaussianSeconds.toFixed(2)} s\n`);
process.stdout.write(JSON.stringify(result) + '\n');
