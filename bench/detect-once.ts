import { parseArgs } from 'node:util';
import { makeAnomalySeries } from '../src/data/anomaly-series.js';
import { windowedGaussianScores } from '../src/analysis/nab/windowed-gaussian.js';
import { DEFAULT_DETECTOR_SETTINGS, disposeDetector, fitDetector, LiveDetector, scoreSeries } from '../src/tasks/detect/detector.js';
import type { TaskTiming } from './child-protocol.js';
import { positiveIntegerOption } from './article-workload.js';

/**
 * What `detect` costs, in a process of its own, for bench/run.ts:
 *   node dist/bench/detect-once.js --threads 2 [--rows 20000 --channels 2]
 * fits a detector on the first 30% of the synthetic anomaly series (training with early
 * stopping, the error model, the training codes) and scores every row in one pass; the
 * yardstick is NAB's windowed-Gaussian detector on the same rows, channel by channel, the
 * simplest detector NAB ranks. Also times the live path (--follow's), one row at a time.
 * Prints one JSON line (TaskTiming). (`npm run nab` times the issue's own bar, NAB's 18 files
 * in under 3 minutes on 2 cores.)
 */
const { values } = parseArgs({
  options: {
    threads: { type: 'string', default: '2' },
    rows: { type: 'string', default: '20000' },
    channels: { type: 'string', default: '2' },
    live: { type: 'string', default: '1000' },
  },
});
const threads = positiveIntegerOption('threads', values.threads);
const rows = positiveIntegerOption('rows', values.rows);
const channels = positiveIntegerOption('channels', values.channels);
const liveRows = positiveIntegerOption('live', values.live);
const series = makeAnomalySeries({ rows, channels, events: Math.floor(rows / 500), seed: 0 });
const trainRows = Math.floor(0.3 * rows);

let started = performance.now();
const detector = await fitDetector(series.values, channels, trainRows, { ...DEFAULT_DETECTOR_SETTINGS, threads });
const fitSeconds = (performance.now() - started) / 1000;
let scoreSeconds: number;
let liveMsPerRow: number;
try {
  started = performance.now();
  await scoreSeries(detector, series.values, threads);
  scoreSeconds = (performance.now() - started) / 1000;
  const live = new LiveDetector(detector);
  started = performance.now();
  for (let t = 0; t < liveRows; t++) await live.push(series.values.subarray(t * channels, (t + 1) * channels));
  liveMsPerRow = (performance.now() - started) / liveRows;
} finally {
  await disposeDetector(detector);
}
started = performance.now();
for (let c = 0; c < channels; c++) windowedGaussianScores(series.values.filter((_, i) => i % channels === c));
const gaussianSeconds = (performance.now() - started) / 1000;

const ours = fitSeconds + scoreSeconds;
const result: TaskTiming = {
  task: `detect on the synthetic anomaly series, ${rows} rows of ${channels} channels (window ${detector.window}, fit on ${trainRows} rows, ${threads} threads)`,
  ours: { label: `lstm-ae detect: fit (${detector.training.loss.length} epochs) and score every row`, seconds: ours },
  yardstick: { label: "NAB's windowed Gaussian on the same rows", seconds: gaussianSeconds },
  ratio: ours / gaussianSeconds,
  details: { fitSeconds, scoreSeconds, rowsPerSecond: rows / scoreSeconds, liveMsPerRow },
};
process.stderr.write(`fit ${fitSeconds.toFixed(2)} s, scoring ${scoreSeconds.toFixed(2)} s, --follow ${liveMsPerRow.toFixed(3)} ms per row\n`);
process.stdout.write(JSON.stringify(result) + '\n');
