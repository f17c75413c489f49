import { statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../input-error.js';
import { LIMITS, rangeText } from '../limits.js';
import { firstNonFinite, FLOAT32_RANGE_TEXT } from '../train/non-finite.js';
import type { Sequences } from '../train/sequences.js';
import { readSeries, type ReadSeriesOptions } from './read-series.js';
import { toSequences, type SeriesSet } from './series-set.js';

import { MASK_VALUE } from '../models/autoencoder/config.js';

export { MASK_VALUE };

/** What `train` trains on: windows post-padded to one length T, with lengths when they differ. */
export interface TrainingData {
  /** the file read for training (a folder from `lstm-ae data` stands for its X_train.npy) */
  trainPath: string;
  validationPath?: string;
  x: Sequences;
  validation?: Sequences;
  /** the model's timesteps: the longest series in either file */
  timesteps: number;
  channels: number;
  /** true when any series is shorter than T: the model must be masked */
  masked: boolean;
}

/** `--data`: a file of series, or a folder written by `lstm-ae data`, which means its X_train.npy. */
export function trainingFilePath(data: string): string {
  let folder: boolean;
  try {
    folder = statSync(data).isDirectory();
  } catch {
    throw new InputError(`${data}: file not found; expected a .ts, .tsv, .csv or .npy file of series, or a folder from 'lstm-ae data'`);
  }
  return folder ? join(data, 'X_train.npy') : data;
}

/**
 * Reads the training file and, when given, the validation file with the reader their format
 * calls for (readers/), and pads every series (after its last real step, with the mask value)
 * to the longest of either. Only what was named is read: no file beside it is used unasked.
 */
export function readTrainingData(data: string, validationPath: string | undefined, options: ReadSeriesOptions = {}): TrainingData {
  const trainPath = trainingFilePath(data);
  const train = checkedSet(readSeries(trainPath, options), trainPath);
  const validation = validationPath === undefined ? undefined : checkedSet(readSeries(validationPath, options), validationPath);
  if (validation && validation.channels !== train.channels) {
    throw new InputError(`${validationPath}: series of ${validation.channels} channel${validation.channels === 1 ? "" : "s"}; the training data ${trainPath} has ${train.channels}`);
  }
  const longest = (set: SeriesSet) => set.series.reduce((m, s) => Math.max(m, s.length / set.channels), 0);
  const timesteps = Math.max(longest(train), validation ? longest(validation) : 0);
  const x = padded(train, MASK_VALUE, timesteps);
  const v = validation && padded(validation, MASK_VALUE, timesteps);
  return {
    trainPath,
    ...(validationPath === undefined ? {} : { validationPath }),
    x,
    ...(v ? { validation: v } : {}),
    timesteps,
    channels: train.channels,
    masked: x.lengths !== undefined || v?.lengths !== undefined,
  };
}

/** Every value a finite float32, the series within the model's limits; otherwise one line naming the file and where. */
function checkedSet(set: SeriesSet, path: string): SeriesSet {
  const { timesteps, inputDim } = LIMITS;
  if (set.channels > inputDim.max) throw new InputError(`${path}: ${set.channels} channels; expected ${rangeText(inputDim)}`);
  set.series.forEach((s, n) => {
    const steps = s.length / set.channels;
    if (steps > timesteps.max) throw new InputError(`${path}: series ${n} has ${steps} steps; expected ${rangeText(timesteps)}`);
    const bad = firstNonFinite(s, steps, set.channels);
    if (bad) throw new InputError(`${path}: series ${n}, step ${bad.step}, channel ${bad.feature} holds ${bad.value}; expected ${FLOAT32_RANGE_TEXT}`);
  });
  return set;
}

/**
 * Series for a trained model (encode, reconstruct): read with the reader their format calls
 * for, with the model's channels, at any length (the model's timesteps is only the pad
 * length it was trained at). A masked model takes series of unequal lengths, padded with
 * its mask value to the file's longest; one trained without masking would read padding as
 * data, so it takes one length per file.
 */
export function readModelInput(
  path: string,
  model: { timesteps: number; inputDim: number; maskValue?: number | null },
  what: string,
  options: ReadSeriesOptions = {},
): Sequences {
  const set = checkedSet(readSeries(path, options), path);
  const { inputDim: D } = model;
  if (set.channels !== D) throw new InputError(`${path}: series of ${set.channels} channel${set.channels === 1 ? '' : 's'}; ${what} takes ${D}`);
  const masked = model.maskValue !== undefined && model.maskValue !== null;
  const first = set.series.length > 0 ? set.series[0]!.length / D : 0;
  let longest = 0;
  set.series.forEach((s, n) => {
    const steps = s.length / D;
    longest = Math.max(longest, steps);
    if (!masked && steps !== first) {
      throw new InputError(`${path}: series ${n} has ${steps} steps, series 0 has ${first}; ${what} was trained without masking, so it takes series of one length per file`);
    }
    if (masked && steps < 2) throw new InputError(`${path}: series ${n} has ${steps} step; ${what} is masked and takes series of at least 2 steps`);
  });
  return padded(set, masked ? (model.maskValue as number) : 0, Math.max(longest, 1));
}

/** The most values a padded set may make: all a Float32Array holds in Node 20 (16 GiB). */
const MAX_PADDED_VALUES = 2 ** 32;

/**
 * The set padded to T steps. Many short series padded to one long one can make more values
 * than a Float32Array holds or memory allows (half a million 2-step rows beside one of 10,000
 * steps make 5 billion): one line naming the file (the set's source), not a RangeError.
 */
function padded(set: SeriesSet, pad: number, T: number): Sequences {
  const N = set.series.length;
  const D = set.channels;
  const tooMany = (why: string) =>
    new InputError(
      `${set.source}: ${N} series padded to ${T} steps of ${D} channel${D === 1 ? '' : 's'} make ${N * T * D} values, ${why}; ` +
        'expected fewer series in one file',
    );
  if (N * T * D > MAX_PADDED_VALUES) throw tooMany(`more than the ${MAX_PADDED_VALUES} a Float32Array holds`);
  try {
    return toSequences(set, pad, T);
  } catch (err) {
    if (err instanceof RangeError) throw tooMany(`more than can be allocated (${err.message})`);
    throw err;
  }
}
