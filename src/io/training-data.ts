import { statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../input-error.js';
import { LIMITS, rangeText } from '../limits.js';
import { firstNonFinite, FLOAT32_RANGE_TEXT } from '../train/non-finite.js';
import type { AnySequences, Sequences } from '../train/sequences.js';
import { readNpyWindows, type NpyWindows } from './npy-windows.js';
import { seriesFormat } from './parse-series.js';
import { readSeries, type ReadSeriesOptions } from './read-series.js';
import { toRaggedSequences, toSequences, type SeriesSet } from './series-set.js';

import { MASK_VALUE } from '../models/autoencoder/config.js';

export { MASK_VALUE };

/**
 * What `train` trains on: windows of one length T; or, when lengths differ, series as they
 * are (ragged: a batch is padded only to its own longest), a .npy's windows padded to T as
 * the file holds them.
 */
export interface TrainingData {
  /** the file read for training (a folder from `lstm-ae data` stands for its X_train.npy) */
  trainPath: string;
  validationPath?: string;
  x: AnySequences;
  validation?: AnySequences;
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
 * A file's series, read and checked but not yet padded: how many steps each has, and how to
 * give them to the model: all padded to T steps (once: a .npy's windows are padded in place),
 * or, for unequal lengths, as the model best holds them (ragged series; a .npy's windows
 * padded, as the file already is).
 */
interface ReadInput {
  channels: number;
  lengths: Int32Array;
  padTo(pad: number, T: number): Sequences;
  unequal(pad: number, T: number): AnySequences;
}

/**
 * The series in `path` with the reader their format calls for (read-series.ts), checked
 * as checkedSet says. A .npy goes straight into the model's float32 windows (npy-windows.ts):
 * at most its float32 size in memory, where a set of Float64Array series and a padded copy
 * of them took four times that.
 */
function readInput(path: string, options: ReadSeriesOptions): ReadInput {
  if (seriesFormat(path, options) === 'npy' && options.labelsPath === undefined) return readNpyInput(path);
  const set = checkedSet(readSeries(path, options), path);
  return {
    channels: set.channels,
    lengths: Int32Array.from(set.series, (s) => s.length / set.channels),
    padTo: (pad, T) => padded(set, pad, T),
    unequal: () => toRaggedSequences(set),
  };
}

function readNpyInput(path: string): ReadInput {
  // checkedSet's checks, in its order: after the reader's own, the channels, then each series
  let problem: InputError | undefined;
  const windows = readNpyWindows(path, (series, n, channels) => {
    problem ??= seriesProblem(series, n, channels, path);
  });
  checkChannels(windows.shape[2], path);
  if (problem) throw problem;
  const padTo = (pad: number, T: number) => padWindows(windows, pad, T, path);
  return { channels: windows.shape[2], lengths: windows.lengths, padTo, unequal: padTo };
}

/**
 * Reads the training file and, when given, the validation file with the reader their format
 * calls for (readers/). Series of one length are windows of that length; series of unequal
 * lengths stay ragged (a .npy's windows are padded with the mask value to the longest of
 * either file). Only what was named is read: no file beside it is used unasked.
 */
export function readTrainingData(data: string, validationPath: string | undefined, options: ReadSeriesOptions = {}): TrainingData {
  const trainPath = trainingFilePath(data);
  const train = readInput(trainPath, options);
  const validation = validationPath === undefined ? undefined : readInput(validationPath, options);
  if (validation && validation.channels !== train.channels) {
    throw new InputError(`${validationPath}: series of ${validation.channels} channel${validation.channels === 1 ? "" : "s"}; the training data ${trainPath} has ${train.channels}`);
  }
  const longest = (input: ReadInput) => input.lengths.reduce((m, steps) => Math.max(m, steps), 0);
  const timesteps = Math.max(longest(train), validation ? longest(validation) : 0);
  const equal = (input: ReadInput) => input.lengths.every((steps) => steps === timesteps);
  const masked = !equal(train) || (validation !== undefined && !equal(validation));
  const give = (input: ReadInput) => (masked ? input.unequal(MASK_VALUE, timesteps) : input.padTo(MASK_VALUE, timesteps));
  const x = give(train);
  const v = validation && give(validation);
  return {
    trainPath,
    ...(validationPath === undefined ? {} : { validationPath }),
    x,
    ...(v ? { validation: v } : {}),
    timesteps,
    channels: train.channels,
    masked,
  };
}

/** Every value a finite float32, the series within the model's limits; otherwise one line naming the file and where. */
function checkedSet(set: SeriesSet, path: string): SeriesSet {
  checkChannels(set.channels, path);
  set.series.forEach((s, n) => {
    const problem = seriesProblem(s, n, set.channels, path);
    if (problem) throw problem;
  });
  return set;
}

function checkChannels(channels: number, path: string): void {
  const { inputDim } = LIMITS;
  if (channels > inputDim.max) throw new InputError(`${path}: ${channels} channels; expected ${rangeText(inputDim)}`);
}

/** What is wrong with series n (row-major, `channels` per step) for a model, if anything. */
function seriesProblem(s: Float32Array | Float64Array, n: number, channels: number, path: string): InputError | undefined {
  const { timesteps } = LIMITS;
  const steps = s.length / channels;
  if (steps > timesteps.max) return new InputError(`${path}: series ${n} has ${steps} steps; expected ${rangeText(timesteps)}`);
  const bad = firstNonFinite(s, steps, channels);
  if (bad) return new InputError(`${path}: series ${n}, step ${bad.step}, channel ${bad.feature} holds ${bad.value}; expected ${FLOAT32_RANGE_TEXT}`);
  return undefined;
}

/**
 * Series for a trained model (encode, reconstruct): read with the reader their format calls
 * for, with the model's channels, at any length (the model's timesteps is only the pad
 * length it was trained at). A masked model takes series of unequal lengths, ragged (a
 * .npy's windows padded with its mask value, as the file holds them); one trained without
 * masking would read padding as data, so it takes one length per file.
 */
export function readModelInput(
  path: string,
  model: { timesteps: number; inputDim: number; maskValue?: number | null },
  what: string,
  options: ReadSeriesOptions = {},
): AnySequences {
  const input = readInput(path, options);
  const { inputDim: D } = model;
  if (input.channels !== D) throw new InputError(`${path}: series of ${input.channels} channel${input.channels === 1 ? '' : 's'}; ${what} takes ${D}`);
  const masked = model.maskValue !== undefined && model.maskValue !== null;
  const first = input.lengths.length > 0 ? input.lengths[0]! : 0;
  let longest = 0;
  input.lengths.forEach((steps, n) => {
    longest = Math.max(longest, steps);
    if (!masked && steps !== first) {
      throw new InputError(`${path}: series ${n} has ${steps} steps, series 0 has ${first}; ${what} was trained without masking, so it takes series of one length per file`);
    }
    if (masked && steps < 2) throw new InputError(`${path}: series ${n} has ${steps} step; ${what} is masked and takes series of at least 2 steps`);
  });
  const T = Math.max(longest, 1);
  const pad = masked ? (model.maskValue as number) : 0;
  return input.lengths.every((steps) => steps === T) ? input.padTo(pad, T) : input.unequal(pad, T);
}

/** The most values a padded set may make: all a Float32Array holds in Node 20 (16 GiB). */
const MAX_PADDED_VALUES = 2 ** 32;

/**
 * The set padded to T steps. Many short series padded to one long one can make more values
 * than a Float32Array holds or memory allows (half a million 2-step rows beside one of 10,000
 * steps make 5 billion): one line naming the file (the set's source), not a RangeError.
 */
function padded(set: SeriesSet, pad: number, T: number): Sequences {
  return allocated(set.series.length, T, set.channels, set.source, () => toSequences(set, pad, T));
}

/** `make()`, the N*T*D values it allocates checked first, and a failed allocation one line naming the file. */
function allocated<R>(N: number, T: number, D: number, source: string, make: () => R): R {
  const tooMany = (why: string) =>
    new InputError(
      `${source}: ${N} series padded to ${T} steps of ${D} channel${D === 1 ? '' : 's'} make ${N * T * D} values, ${why}; ` +
        'expected fewer series in one file',
    );
  if (N * T * D > MAX_PADDED_VALUES) throw tooMany(`more than the ${MAX_PADDED_VALUES} a Float32Array holds`);
  try {
    return make();
  } catch (err) {
    if (err instanceof RangeError) throw tooMany(`more than can be allocated (${err.message})`);
    throw err;
  }
}

/**
 * A .npy's windows padded to T steps with `pad`, in their own buffer when T is at most
 * theirs (each window moves down to n*T*D, never over one not yet moved), in a new one
 * only when another file's series are longer.
 */
function padWindows(windows: NpyWindows, pad: number, T: number, source: string): Sequences {
  const [N, W, D] = windows.shape;
  const { lengths } = windows;
  const data = T <= W ? windows.data : allocated(N, T, D, source, () => new Float32Array(N * T * D));
  for (let n = 0; n < N; n++) {
    const real = lengths[n]! * D;
    if (data !== windows.data) data.set(windows.data.subarray(n * W * D, n * W * D + real), n * T * D);
    else if (T !== W) data.copyWithin(n * T * D, n * W * D, n * W * D + real);
    data.fill(pad, n * T * D + real, (n + 1) * T * D);
  }
  const equal = lengths.every((steps) => steps === T);
  return { data: T < W ? data.subarray(0, N * T * D) : data, shape: [N, T, D], ...(equal ? {} : { lengths }) };
}
