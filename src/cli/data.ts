import { join } from 'node:path';
import { statSync } from 'node:fs';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { InputError } from '../input-error.js';
import { encodeNpy, pythonTuple } from '../io/npy.js';
import { makeSineData } from '../data/sine-data.js';
import { DEFAULT_SINE_DATA_CONFIG, parseSineDataConfig, type SineDataOptionNames } from '../data/sine-data-config.js';
import { commitFileSet } from '../io/file-set.js';
import { integerOption, limitOption, numberOption } from './options.js';
import { anomalySeriesCsv, DEFAULT_ANOMALY_SERIES, makeAnomalySeries } from '../data/anomaly-series.js';

/** How errors about the data settings name them here: by the flags the user typed. */
const FLAG_NAMES: SineDataOptionNames = {
  seed: '--seed',
  randomFactor: '--random-factor',
  numberOfCycles: '--cycles',
  timesteps: '--timesteps',
  samplingNumPair: '--sampling',
  testSize: '--test-size',
};

/** `A,B`: the samples per period of class 0 and class 1. */
function samplingPair(value: string): [number, number] {
  const parts = value.split(',').map((part) => part.trim());
  const numbers = parts.map(Number);
  if (parts.length !== 2 || !parts.every((part) => /^\d+$/.test(part)) || !numbers.every((n) => Number.isSafeInteger(n) && n >= 2)) {
    throw new InvalidArgumentError('expected two integers of at least 2 separated by a comma, e.g. 20,80.');
  }
  return [numbers[0]!, numbers[1]!];
}

interface DataOptions {
  out: string;
  seed: number;
  randomFactor: number;
  cycles: number;
  timesteps: number;
  sampling: [number, number];
  testSize: number;
  anomalies?: boolean;
  rows: number;
  channels: number;
  events: number;
}

function assertFolderUsable(out: string): void {
  try {
    if (!statSync(out).isDirectory()) throw new InputError(`--out ${out}: exists and is not a folder; give a folder path`);
  } catch (err) {
    if (err instanceof InputError) throw err;
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new InputError(`--out ${out}: cannot be used (${(err as NodeJS.ErrnoException).code}); give a writable folder path`);
    }
  }
}

function runData(options: DataOptions): void {
  // validate everything, and compute everything, before the first byte is written
  const config = parseSineDataConfig(
    {
      seed: options.seed,
      randomFactor: options.randomFactor,
      numberOfCycles: options.cycles,
      timesteps: options.timesteps,
      samplingNumPair: options.sampling,
      testSize: options.testSize,
    },
    FLAG_NAMES,
  );
  assertFolderUsable(options.out);
  const data = makeSineData(config);
  const toInt64 = (labels: Int32Array) => BigInt64Array.from(labels, (label) => BigInt(label));
  const files = [
    { name: 'X_train', shape: data.trainShape, bytes: encodeNpy({ dtype: 'float64', shape: data.trainShape, data: data.xTrain }) },
    { name: 'y_train', shape: [data.trainShape[0]], bytes: encodeNpy({ dtype: 'int64', shape: [data.trainShape[0]], data: toInt64(data.yTrain) }) },
    { name: 'X_test', shape: data.testShape, bytes: encodeNpy({ dtype: 'float64', shape: data.testShape, data: data.xTest }) },
    { name: 'y_test', shape: [data.testShape[0]], bytes: encodeNpy({ dtype: 'int64', shape: [data.testShape[0]], data: toInt64(data.yTest) }) },
  ];

  // as one set (io/file-set.ts): an earlier data set in the folder is replaced whole or not at all
  try {
    commitFileSet(options.out, files.map((file) => ({ name: `${file.name}.npy`, data: file.bytes })));
  } catch (err) {
    if (err instanceof InputError) throw new InputError(`--out ${err.message}`);
    const code = (err as NodeJS.ErrnoException).code;
    if (typeof code !== 'string') throw err;
    throw new InputError(`--out ${options.out}: cannot write the data files (${code}); give a writable folder path`);
  }
  // the article prints each array's shape; numpy's notation lets a Python user compare at a glance
  for (const file of files) process.stdout.write(`${file.name} ${pythonTuple(file.shape)}\n`);
}

/** --anomalies: a labelled series for `detect`, as series.csv and the anomalies' list. */
function runAnomalyData(options: DataOptions, given: (name: string) => boolean): void {
  const sineOnly = ['randomFactor', 'cycles', 'timesteps', 'sampling', 'testSize'].filter(given);
  if (sineOnly.length > 0) {
    throw new InputError(`${sineOnly.map((n) => `--${n.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ')}: for the article's sine data, not --anomalies; leave them out`);
  }
  const series = makeAnomalySeries({ rows: options.rows, channels: options.channels, events: options.events, seed: options.seed });
  assertFolderUsable(options.out);
  const csvPath = join(options.out, 'series.csv');
  const eventsPath = join(options.out, 'anomalies.json');
  // as one set, like the sine data: the series and its anomalies' list never disagree
  try {
    commitFileSet(options.out, [
      { name: 'series.csv', data: anomalySeriesCsv(series) },
      { name: 'anomalies.json', data: JSON.stringify({ config: series.config, channels: series.channels, events: series.events }, null, 1) + '\n' },
    ]);
  } catch (err) {
    if (err instanceof InputError) throw new InputError(`--out ${err.message}`);
    const code = (err as NodeJS.ErrnoException).code;
    if (typeof code !== 'string') throw err;
    throw new InputError(`--out ${options.out}: cannot write the data files (${code}); give a writable folder path`);
  }
  const labelled = series.labels.reduce((a, b) => a + b, 0);
  process.stdout.write(`${csvPath}: ${options.rows} rows, ${series.channels.length} channel(s), ${series.events.length} anomalies (${labelled} labelled rows); the first ${Math.round(100 * series.config.normalFraction)}% is normal\n`);
  process.stdout.write(`${eventsPath}: each anomaly's kind, channel, first and last row\n`);
}

/** `lstm-ae data`: the article's sine data set as .npy files, or with --anomalies a labelled series for detect. */
export function registerData(program: Command): void {
  const defaults = DEFAULT_SINE_DATA_CONFIG;
  const anomalies = DEFAULT_ANOMALY_SERIES;
  const command = program
    .command('data')
    .description(
      "write the article's sine data set (two noisy sine waves cut into windows, class 0 then class 1) " +
        'as X_train.npy, y_train.npy, X_test.npy, y_test.npy (X float64 (N, T, 1), y int64)',
    )
    .requiredOption('--out <dir>', 'folder to write the four .npy files into (created if missing)')
    .addOption(new Option('--seed <n>', 'np.random.seed for the phase noise').argParser(limitOption('seed')).default(defaults.seed))
    .addOption(
      new Option('--random-factor <f>', 'phase noise: each value is shifted by uniform(-1, 1) times this')
        .argParser(numberOption(0, Number.POSITIVE_INFINITY))
        .default(defaults.randomFactor),
    )
    .addOption(new Option('--cycles <n>', 'periods in each series').argParser(integerOption(1)).default(defaults.numberOfCycles))
    .addOption(new Option('--timesteps <n>', 'window length T').argParser(limitOption('timesteps')).default(defaults.timesteps))
    .addOption(
      new Option('--sampling <a,b>', 'samples per period of class 0 and class 1')
        .argParser(samplingPair)
        .default([...defaults.samplingNumPair], defaults.samplingNumPair.join(',')),
    )
    .addOption(
      new Option('--test-size <f>', 'fraction at the end of each series kept for testing')
        .argParser(numberOption(0, 1, true))
        .default(defaults.testSize),
    )
    .option('--anomalies', 'instead: a labelled series for lstm-ae detect (sines with spikes, level shifts, frequency changes, noise bursts) as series.csv and anomalies.json')
    .addOption(new Option('--rows <n>', 'with --anomalies: rows of the series').argParser(integerOption(100, 10_000_000)).default(anomalies.rows))
    .addOption(new Option('--channels <n>', 'with --anomalies: value columns').argParser(integerOption(1, 64)).default(anomalies.channels))
    .addOption(new Option('--events <n>', 'with --anomalies: anomalies after the normal first 30%').argParser(integerOption(0, 100_000)).default(anomalies.events))
    .addHelpText(
      'after',
      '\nExamples:\n  $ lstm-ae data --out data/seed\n  X_train (17802, 100, 1)\n  y_train (17802,)\n  X_test (1800, 100, 1)\n  y_test (1800,)\n' +
        '  $ lstm-ae data --anomalies --out data/anomalies\n  data/anomalies/series.csv: 4000 rows, 2 channel(s), 8 anomalies (382 labelled rows); the first 30% is normal',
    );
  command.action((options: DataOptions) => {
    const given = (name: string) => command.getOptionValueSource(name) === 'cli';
    if (options.anomalies) runAnomalyData(options, given);
    else {
      const anomalyOnly = ['rows', 'channels', 'events'].filter(given);
      if (anomalyOnly.length > 0) throw new InputError(`${anomalyOnly.map((n) => `--${n}`).join(', ')}: for --anomalies; add --anomalies or leave them out`);
      runData(options);
    }
  });
}
