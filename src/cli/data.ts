import { statSync } from 'node:fs';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { InputError } from '../input-error.js';
import { encodeNpy, pythonTuple } from '../io/npy.js';
import { makeSineData } from '../data/sine-data.js';
import { DEFAULT_SINE_DATA_CONFIG, parseSineDataConfig, type SineDataOptionNames } from '../data/sine-data-config.js';
import { commitFileSet } from '../io/file-set.js';
import { integerOption, limitOption, numberOption } from './options.js';

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

/** `lstm-ae data`: the article's sine data set as .npy files. */
export function registerData(program: Command): void {
  const defaults = DEFAULT_SINE_DATA_CONFIG;
  program
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
    .addHelpText('after', '\nExample:\n  $ lstm-ae data --out data/seed\n  X_train (17802, 100, 1)\n  y_train (17802,)\n  X_test (1800, 100, 1)\n  y_test (1800,)')
    .action((options: DataOptions) => runData(options));
}
