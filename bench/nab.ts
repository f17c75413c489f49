/**
 * `npm run nab -- --data DIR --labels FILE`: `detect` on every CSV under DIR with NAB's
 * protocol, and the NAB score of ours beside the null detector and NAB's windowed Gaussian,
 * scored the same way by our NAB scorer (src/analysis/nab, which reproduces NAB's own
 * numbers). For each file: the detector is fitted on the probationary rows only (the first
 * 15%, at most 750 rows: the rows NAB does not score), then every row is scored from the
 * window ending at it, so no score uses a later row. Rows are taken in file order (NAB's files
 * hold repeated and out-of-order time stamps, and NAB reads them so).
 */
import { readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative, sep } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { writeFileAtomic } from '../src/io/atomic-write.js';
import { readInputFile } from '../src/io/read-input-file.js';
import { readTimeSeriesCsv } from '../src/io/read-series.js';
import { NAB_PROFILES, probationaryLength } from '../src/analysis/nab/profiles.js';
import { type NabFile, type NabWindows, scoreCorpus } from '../src/analysis/nab/score-corpus.js';
import { windowedGaussianScores } from '../src/analysis/nab/windowed-gaussian.js';
import { DEFAULT_DETECTOR_SETTINGS, fitDetector, scoreSeries, type DetectorSettings } from '../src/tasks/detect/detector.js';

function numberArg(min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min) throw new InvalidArgumentError(`expected a number from ${min} up`);
    return n;
  };
}

const program = new Command('nab')
  .description("Score `lstm-ae detect` on the Numenta Anomaly Benchmark, beside the null detector and NAB's windowed Gaussian.")
  .requiredOption('--data <dir>', "NAB's data folder: <category>/<file>.csv")
  .requiredOption('--labels <file>', "NAB's combined_windows.json")
  .option('--window <n>', 'rows per window', numberArg(2), DEFAULT_DETECTOR_SETTINGS.window)
  .option('--steps <n>', 'newest steps of each window scored', numberArg(1), DEFAULT_DETECTOR_SETTINGS.steps)
  .option('--smoothing <rows>', 'EWMA span of the anomaly statistic', numberArg(1), DEFAULT_DETECTOR_SETTINGS.smoothingSpan)
  .option('--history <rows>', "rows the running calibration keeps (0: only the held-out rows, no running calibration)", numberArg(0), DEFAULT_DETECTOR_SETTINGS.calibration.history)
  .option('--no-code', "score the reconstruction error alone, not also the code's novelty")
  .option('--latent <n>', 'code size', numberArg(1))
  .option('--epochs <n>', 'most epochs (early stopping ends most runs sooner)', numberArg(1))
  .option('--seed <n>', 'seed of every model', numberArg(0), 0)
  .option('--threads <n>', 'threads for training and scoring', numberArg(1), Math.min(2, availableParallelism()))
  .option('--only <text>', 'only the files whose name holds this text')
  .option('--per-file', 'print each file\'s raw score and counts under the standard profile')
  .option('--out <file>', 'also write every figure as JSON here')
  .parse();

const o = program.opts<{
  data: string; labels: string; window: number; steps: number; smoothing: number; history: number; code: boolean; latent?: number; epochs?: number;
  seed: number; threads: number; only?: string; perFile?: boolean; out?: string;
}>();

function csvFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.csv'))
    .map((f) => join(dir, f))
    .sort();
}

const windows = JSON.parse(readInputFile(o.labels, "NAB's combined_windows.json").toString('utf8')) as NabWindows;
const settings: DetectorSettings = {
  window: o.window, steps: o.steps, smoothingSpan: o.smoothing, heldOutShare: DEFAULT_DETECTOR_SETTINGS.heldOutShare,
  calibration: o.history > 0 ? { ...DEFAULT_DETECTOR_SETTINGS.calibration, history: o.history } : { kind: 'held-out' },
  useCode: o.code,
  seed: o.seed, latentDim: o.latent, epochs: o.epochs, threads: o.threads,
};

const ours: NabFile[] = [];
const gaussian: NabFile[] = [];
const nulls: NabFile[] = [];
const perFile: { name: string; rows: number; trainRows: number; epochs: number; seconds: number }[] = [];
const started = performance.now();
const files = csvFiles(o.data).filter((f) => o.only === undefined || f.includes(o.only));
for (const path of files) {
  const name = relative(o.data, path).split(sep).join('/');
  const t0 = performance.now();
  const table = readTimeSeriesCsv(path, { timeOrder: 'rows' });
  const rows = table.times.length;
  const trainRows = Math.floor(probationaryLength(rows));
  const detector = await fitDetector(table.values, table.channels, trainRows, settings, path);
  const scored = await scoreSeries(detector, table.values, o.threads);
  await detector.model.dispose();
  // rows before the first full window (all inside the probation) are not scored by NAB
  const scores = Float64Array.from(scored.anomalyScore, (s) => (Number.isNaN(s) ? 0 : s));
  ours.push({ name, timestamps: table.times, scores });
  gaussian.push({ name, timestamps: table.times, scores: windowedGaussianScores(table.values.filter((_, i) => i % table.channels === 0)) });
  nulls.push({ name, timestamps: table.times, scores: new Float64Array(rows) });
  const seconds = (performance.now() - t0) / 1000;
  perFile.push({ name, rows, trainRows, epochs: detector.training.loss.length, seconds });
  process.stderr.write(`${name}: ${rows} rows, trained on ${trainRows} (${detector.training.loss.length} epochs, best ${detector.training.bestEpoch}), ${seconds.toFixed(1)} s\n`);
}
const totalSeconds = (performance.now() - started) / 1000;

const results = { ours: scoreCorpus(ours, windows), null: scoreCorpus(nulls, windows), 'windowed Gaussian': scoreCorpus(gaussian, windows) };
const profiles = Object.keys(NAB_PROFILES);
const header = ['detector', ...profiles];
const table = Object.entries(results).map(([detector, r]) => [detector, ...profiles.map((p) => r.perProfile[p]!.normalizedScore.toFixed(2))]);
const widths = header.map((h, k) => Math.max(h.length, ...table.map((row) => row[k]!.length)));
const line = (cells: string[]) => cells.map((c, k) => (k === 0 ? c.padEnd(widths[k]!) : c.padStart(widths[k]!))).join('  ');
process.stdout.write(`NAB normalised scores, ${files.length} files (${perFile.reduce((s, f) => s + f.rows, 0)} rows), window ${o.window}, ${o.threads} thread(s)\n`);
process.stdout.write([line(header), ...table.map(line)].join('\n') + '\n');
if (o.perFile) {
  const standard = results.ours.perProfile.standard!;
  for (const [name, f] of Object.entries(standard.perFile)) {
    process.stdout.write(`  ${name.padEnd(60)} ${f.score.toFixed(3).padStart(8)}  tp ${f.tp} fp ${f.fp} fn ${f.fn}\n`);
  }
  process.stdout.write(`  threshold ${standard.threshold}\n`);
}
process.stdout.write(`${files.length} files in ${totalSeconds.toFixed(1)} s (training and scoring, reading included)\n`);
if (o.out) {
  const summary = Object.fromEntries(Object.entries(results).map(([d, r]) => [d, Object.fromEntries(profiles.map((p) => [p, { normalizedScore: r.perProfile[p]!.normalizedScore, threshold: r.perProfile[p]!.threshold }]))]));
  writeFileAtomic(o.out, JSON.stringify({ settings: { ...settings, threads: o.threads }, seconds: totalSeconds, files: perFile, scores: summary }, null, 1) + '\n');
}
