import { parseArgs } from 'node:util';
import { makeAnomalySeries } from '../src/data/anomaly-series.js';
import { DEFAULT_DETECTOR_SETTINGS, fitDetector, LiveDetector, scoreSeries } from '../src/pipeline/detector.js';

/**
 * Times `detect`'s work on the synthetic anomaly series, in a process of its own, for
 * bench/run.ts (its line under the table):
 *   node dist/bench/detect-once.js --rows 20000 --channels 2 --threads 2
 * prints one JSON line (DetectOnceResult): fitting on the first 30% (training with early
 * stopping, the error model, the code reference), scoring every row in one pass, and the
 * live path (--follow's) one row at a time.
 */
export interface DetectOnceResult {
  rows: number;
  channels: number;
  window: number;
  threads: number;
  trainRows: number;
  epochs: number;
  fitSeconds: number;
  scoreSeconds: number;
  /** rows scored per second, whole file */
  rowsPerSecond: number;
  /** milliseconds per row on the live path */
  liveMsPerRow: number;
}

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '20000' },
    channels: { type: 'string', default: '2' },
    threads: { type: 'string', default: '2' },
    live: { type: 'string', default: '1000' },
  },
});
const rows = Number(values.rows);
const channels = Number(values.channels);
const threads = Number(values.threads);
const liveRows = Number(values.live);
const series = makeAnomalySeries({ rows, channels, events: Math.floor(rows / 500), seed: 0 });
const trainRows = Math.floor(0.3 * rows);
const settings = { ...DEFAULT_DETECTOR_SETTINGS, threads };

let started = performance.now();
const detector = await fitDetector(series.values, channels, trainRows, settings);
const fitSeconds = (performance.now() - started) / 1000;
try {
  started = performance.now();
  await scoreSeries(detector, series.values, threads);
  const scoreSeconds = (performance.now() - started) / 1000;
  const live = new LiveDetector(detector);
  started = performance.now();
  for (let t = 0; t < liveRows; t++) await live.push(series.values.subarray(t * channels, (t + 1) * channels));
  const liveMsPerRow = (performance.now() - started) / liveRows;
  const result: DetectOnceResult = {
    rows, channels, window: detector.window, threads, trainRows, epochs: detector.training.loss.length,
    fitSeconds, scoreSeconds, rowsPerSecond: rows / scoreSeconds, liveMsPerRow,
  };
  process.stdout.write(JSON.stringify(result) + '\n');
} finally {
  await detector.model.dispose();
}
