import { availableParallelism } from 'node:os';
import { Option, type Command } from 'commander';
import { InputError } from '../input-error.js';
import type { TimeOrder } from '../io/readers/timeseries-csv.js';
import { DEFAULT_DETECTOR_SETTINGS, DEFAULT_ENSEMBLE, MAX_ENSEMBLE } from '../tasks/detect/detector.js';
import { DETECT_MODEL, DETECT_TRAINING } from '../tasks/detect/model.js';
import type { DetectJobOptions, DetectMetrics } from '../tasks/detect/job.js';
import type { AnomalyInterval } from '../analysis/anomaly/intervals.js';
import { TELEMANOM_DEFAULTS, type ThresholdChoice } from '../tasks/detect/flagging.js';
import { join } from 'node:path';
import { defaultRunFolder, prepareRunFolder } from '../io/run-folder.js';
import { lockFolder } from '../io/folder-lock.js';
import { refuseInputs } from '../io/output-location.js';
import { DETECT_OUTPUTS } from '../tasks/detect/detector-file.js';
import { choiceOption, integerOption, limitOption, numberOption } from './options.js';
import { LIMITS } from '../limits.js';
import { trainingProgressBar } from './train-progress.js';

const RULES = ['fpr', 'sigma', 'fbeta', 'dynamic'] as const;
const CALIBRATIONS = ['running', 'held-out'] as const;
const TIME_ORDERS = ['strict', 'rows'] as const satisfies readonly TimeOrder[];

interface DetectOptions {
  input?: string;
  train?: string;
  trainFraction: number;
  window: number;
  steps: number;
  smoothing: number;
  calibration: (typeof CALIBRATIONS)[number];
  history: number;
  code: boolean;
  timeOfDay: boolean;
  timeColumn?: string;
  labelColumn?: string;
  timeOrder: TimeOrder;
  threshold?: (typeof RULES)[number];
  thresholdFpr: number;
  thresholdSigma: number;
  fbeta: number;
  validationFraction: number;
  latent: number;
  ensemble: number;
  epochs: number;
  seed: number;
  threads: number;
  out?: string;
  force?: boolean;
  report: boolean;
  json?: boolean;
  model?: string;
  follow?: boolean;
}

/** A column given by name, or by 0-based index when it is all digits. */
function column(value: string | undefined): string | number | undefined {
  if (value === undefined) return undefined;
  return /^\d+$/.test(value.trim()) ? Number(value) : value;
}

function thresholdChoice(o: DetectOptions, given: (name: string) => boolean): ThresholdChoice {
  // a rule's own setting, given alone, chooses the rule
  const rule = o.threshold ?? (given('thresholdSigma') ? 'sigma' : given('fbeta') ? 'fbeta' : 'fpr');
  switch (rule) {
    case 'fpr':
      return { rule, fpr: o.thresholdFpr };
    case 'sigma':
      return { rule, k: o.thresholdSigma };
    case 'fbeta':
      return { rule, beta: o.fbeta, validationFraction: o.validationFraction };
    case 'dynamic':
      return { rule, ...TELEMANOM_DEFAULTS };
  }
}

/** `lstm-ae detect`: score every row of a series for anomalies, or follow a stream with a saved detector. */
export function registerDetect(program: Command): void {
  const d = DEFAULT_DETECTOR_SETTINGS;
  const command = program
    .command('detect')
    .description(
      'train an LSTM autoencoder on normal data and score every row of a time series (a CSV with a header, a time column and value columns): ' +
        'scores.csv, anomalies.json, detector.json with the model, report.html and metrics.json; or, with --model and --follow, score rows from standard input as they arrive',
    )
    .option('--input <csv>', 'the series to score: a header, a time column (found, or --time-column) and one or more value columns')
    .option('--train <csv>', 'a separate file of normal data to train on (same value columns); default: the first --train-fraction of --input')
    .addOption(new Option('--train-fraction <f>', 'share of --input, from its start, to train on').argParser(numberOption(0, 1, true)).default(0.3))
    .option('--window <n>', 'rows per window: the score of a row uses it and the rows before it', limitOption('detectWindow'), d.window)
    .option('--steps <n>', 'newest rows of each window whose reconstruction errors are scored', integerOption(1, LIMITS.detectWindow.max), d.steps)
    .option('--smoothing <rows>', 'EWMA span of the anomaly statistic (1: none)', numberOption(1, 1e6), d.smoothingSpan)
    .option('--calibration <kind>', 'what anomaly_score is a tail probability under: running (the held-out rows and every row scored since) or held-out (the held-out training rows only)', choiceOption(CALIBRATIONS), d.calibration.kind)
    .option('--history <rows>', 'rows the running calibration keeps', limitOption('history'), d.calibration.history)
    .option('--no-code', "score the reconstruction error alone, not also the code's novelty (its distance to the nearest training code)")
    .option('--no-time-of-day', 'no second model that also sees the time of day (trained when the time column holds dates and times)')
    .option('--time-column <name|index>', 'the time-stamp column (default: one named timestamp/time/date, else the first column of dates)')
    .option('--label-column <name|index>', "a 0/1 column of --input marking anomalous rows (default: one named label or is_anomaly; 'none': no label column): precision, recall, F1, the NAB score, and --threshold fbeta")
    .option('--time-order <order>', 'rows: take rows as they come (repeated or out-of-order stamps are counted in one warning); strict: refuse them', choiceOption(TIME_ORDERS), 'rows')
    .option('--threshold <rule>', `how rows are flagged: ${RULES.join(', ')} (default fpr, or the rule whose setting is given)`, choiceOption(RULES))
    .option('--threshold-fpr <p>', 'fpr: flag what normal rows reach with probability at most p (anomaly_score >= 1 - p)', numberOption(0, 1, true), 0.001)
    .option('--threshold-sigma <k>', 'sigma: flag a surprise (-log10 of the tail probability) above the held-out rows\' mean + k standard deviations', numberOption(0, 1e6), 3)
    .option('--fbeta <beta>', 'fbeta: the threshold with the best F-beta on labelled validation rows', numberOption(0, 1e6, true), 1)
    .option('--validation-fraction <f>', 'fbeta: share of the rows after the training span that the threshold is chosen on', numberOption(0, 1, true), 0.5)
    .option('--latent <n>', 'size of the code', limitOption('latentDim'), DETECT_MODEL.latentDim)
    .option('--ensemble <k>', 'detectors of seeds seed, seed + 1000, ... whose surprises are averaged (1: one detector, half the time)', integerOption(1, MAX_ENSEMBLE), DEFAULT_ENSEMBLE)
    .option('--epochs <n>', 'most epochs; training stops earlier when the held-out loss stops improving', limitOption('epochs'), DETECT_TRAINING.epochs)
    .option('--seed <n>', 'seed for the initial weights and the batch order', limitOption('seed'), d.seed)
    .option('--threads <n>', 'threads for training and scoring, all cores unless given', limitOption('threads'), availableParallelism())
    .option('--out <dir>', 'run folder (default: a new folder under runs/)')
    .option('--force', 'reuse --out even if it is not empty')
    .option('--no-report', 'do not write report.html')
    .option('--json', 'print one JSON summary line (with --follow: one JSON object per row)')
    .option('--model <detector.json>', 'a saved detector (with --follow)')
    .option('--follow', 'read CSV rows from standard input (its header first) and print each scored row as soon as it is in')
    .addHelpText(
      'after',
      '\nExamples:\n  $ lstm-ae data --anomalies --out data/anomalies\n  $ lstm-ae detect --input data/anomalies/series.csv --label-column label --out runs/detect\n' +
        '  $ tail -f live.csv | lstm-ae detect --model runs/detect/detector.json --follow',
    );
  command.action(async (options: DetectOptions) => {
    const given = (name: string) => command.getOptionValueSource(name) === 'cli';
    if (options.follow || options.model !== undefined) await follow(options, given);
    else await detect(options, given);
  });
}

async function follow(o: DetectOptions, given: (name: string) => boolean): Promise<void> {
  if (!o.follow) throw new InputError('--model is for --follow: add --follow to score rows from standard input with a saved detector');
  if (o.model === undefined) throw new InputError('--follow needs --model DIR/detector.json, a detector saved by an earlier lstm-ae detect');
  const ignored = ['input', 'train', 'out', 'labelColumn', 'timeColumn', 'threshold', 'window'].filter(given);
  if (ignored.length > 0) {
    throw new InputError(`--follow reads rows from standard input and takes its settings from --model; leave out ${ignored.map((n) => `--${n.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ')}`);
  }
  const { followDetect } = await import('../tasks/detect/job.js');
  const warn = (line: string) => process.stderr.write(`warning: ${line}\n`);
  const done = await followDetect(o.model, process.stdin, (line) => write(`${line}\n`), o.json ?? false, 'stdin', warn);
  const disordered = done.disordered > 0 ? `, ${done.disordered} with a repeated or out-of-order time stamp` : '';
  process.stderr.write(`followed ${done.rows} row(s)${disordered}; skipped ${done.skipped} bad row(s)\n`);
}

/** Writes to stdout, waiting when the pipe is full, so a slow reader slows us instead of filling memory. */
function write(text: string): Promise<void> | void {
  if (process.stdout.write(text)) return;
  return new Promise((resolve) => process.stdout.once('drain', () => resolve()));
}

async function detect(o: DetectOptions, given: (name: string) => boolean): Promise<void> {
  if (o.input === undefined) throw new InputError('detect needs --input SERIES.csv (or --model DIR/detector.json --follow to score standard input)');
  if (o.train !== undefined && given('trainFraction')) throw new InputError('--train and --train-fraction both say what to train on; give one');
  const threshold = thresholdChoice(o, given);
  const outDir = o.out ?? defaultRunFolder('detect');
  const say = (line: string) => {
    if (!o.json) process.stderr.write(`${line}\n`);
  };
  const { readDetectInputs, runDetectJob } = await import('../tasks/detect/job.js');
  const job: DetectJobOptions = {
    input: o.input,
    train: o.train,
    trainFraction: o.trainFraction,
    timeColumn: column(o.timeColumn),
    labelColumn: o.labelColumn === 'none' ? false : column(o.labelColumn),
    timeOrder: o.timeOrder,
    settings: {
      window: o.window,
      steps: o.steps,
      smoothingSpan: o.smoothing,
      heldOutShare: DEFAULT_DETECTOR_SETTINGS.heldOutShare,
      calibration: o.calibration === 'held-out' ? { kind: 'held-out' } : { ...DEFAULT_DETECTOR_SETTINGS.calibration, history: o.history },
      useCode: o.code,
      timeOfDay: o.timeOfDay,
      seed: o.seed,
      latentDim: o.latent,
      ensemble: o.ensemble,
      epochs: o.epochs,
      threads: o.threads,
    },
    threshold,
    outDir,
    report: o.report,
    log: say,
    // a bar on a terminal; elsewhere the stage lines are enough (epochs take milliseconds)
    progress: !o.json && process.stderr.isTTY ? (epochs: number, batches: number, models: number) => trainingProgressBar(epochs, batches, 0, models) : undefined,
  };
  // the inputs first, so a bad one is one line and leaves no folder behind
  const inputs = readDetectInputs(job);
  // what the run writes must not replace what it reads (--input X/scores.csv --out X --force)
  refuseInputs(DETECT_OUTPUTS.map((name) => join(outDir, name)), [o.input, ...(o.train === undefined ? [] : [o.train])]);
  prepareRunFolder(outDir, o.force ?? false);
  // one writer per folder: a second detect (or train) into it refuses
  const lock = lockFolder(outDir, 'detect');
  let result: Awaited<ReturnType<typeof runDetectJob>>;
  try {
    say(`lstm-ae detect: ${o.input}, window ${o.window}, latent ${o.latent}, ${o.ensemble} detector(s), threshold ${threshold.rule}, ${o.threads} thread(s) -> ${outDir}`);
    result = await runDetectJob({ ...job, lock }, inputs);
  } finally {
    lock.release();
  }
  const { metrics, intervals } = result;
  // warnings on stderr, whatever stdout holds; with --json they are in the summary too
  for (const w of metrics.warnings) process.stderr.write(`warning: ${w}\n`);
  if (o.json) process.stdout.write(JSON.stringify(snakeCase({ out: outDir, ...summary(metrics, intervals) })) + '\n');
  else process.stdout.write(resultLines(metrics, outDir).join('\n') + '\n');
}

function summary(m: DetectMetrics, intervals: readonly AnomalyInterval[]) {
  return {
    rows: m.rows,
    scored_rows: m.scored_rows,
    flagged_rows: m.flagged_rows,
    interval_count: m.intervals,
    intervals,
    threshold: m.threshold,
    ...(m.evaluation ? { evaluation: m.evaluation } : {}),
    warnings: m.warnings,
    seconds: m.timings.total,
  };
}

/** Every camelCase key of a JSON value in snake_case (peakScore -> peak_score), so --json speaks one style; NAB's profile names stay NAB's. */
function snakeCase(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeCase);
  if (value === null || typeof value !== 'object') return value;
  const key = (k: string) => (/^[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)+$/.test(k) ? k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) : k);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [key(k), snakeCase(v)]));
}

function resultLines(m: DetectMetrics, outDir: string): string[] {
  const lines = [`scored ${m.scored_rows} of ${m.rows} rows; flagged ${m.flagged_rows} rows in ${m.intervals} interval(s)`];
  const e = m.evaluation;
  if (e) {
    lines.push(`against the labels: by point precision ${e.point.precision.toFixed(3)} recall ${e.point.recall.toFixed(3)} F1 ${e.point.f1.toFixed(3)}; ` +
      `by event precision ${e.event.precision.toFixed(3)} recall ${e.event.recall.toFixed(3)} F1 ${e.event.f1.toFixed(3)}`);
    if (e.nab) lines.push(`NAB score: ${Object.entries(e.nab).map(([p, v]) => `${p} ${v.toFixed(2)}`).join(', ')}`);
  }
  lines.push(`results: ${outDir}/scores.csv, anomalies.json, detector.json${m.timings.report !== undefined ? ', report.html' : ''} (${(m.timings.total ?? 0).toFixed(1)} s)`);
  return lines;
}
