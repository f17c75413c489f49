import { InputError } from '../../input-error.js';
import type { SeriesSet } from '../../io/series-set.js';
import { sortedClasses } from '../../analysis/logistic-regression.js';
import { resampleSeries } from '../../analysis/resample.js';
import { RandomState } from '../../ops/random-state.js';
import type { Sequences } from '../../train/sequences.js';
import type { Normalization } from '../../train/scaling.js';
import type { StateBlock } from '../../analysis/encoder-states.js';
import type { DecoderKind } from '../../models/autoencoder/config.js';
import type { LstmAutoencoder } from '../../models/autoencoder/lstm-autoencoder.js';

/**
 * The data side of `classify`: checking a labelled training set against its test set,
 * holding out a stratified validation part for early stopping, and turning series of any
 * length into the model's input.
 */

/**
 * The defaults, chosen by measurement on ArrowHead, BasicMotions and PLAID (README,
 * "Classifying labelled series", has the numbers).
 */
export const CLASSIFY_DEFAULTS = {
  latent: 32,
  decoder: 'conditional' as DecoderKind,
  /** shape only; what it hides (level, size, length) goes to the classifier as series statistics */
  normalize: 'per-series' as Normalization,
  /** equal-length series resampled to this many steps, unless they are shorter */
  length: 128,
  /**
   * unequal lengths up to this many steps are kept as they are (padded and masked):
   * resampling each to one length would stretch each by its own factor, and on PLAID the
   * series at their own time scale score 0.849 against 0.816 at 128 steps
   */
  nativeUpTo: 2048,
  /** one model each, features side by side: single seeds scatter by ±0.05 on ArrowHead */
  seeds: [0, 1, 2],
  epochs: 1000,
  patience: 30,
  /** two of the fast path's 16-window chunks: both cores busy, and as accurate as 16 */
  batchSize: 32,
  /**
   * at native lengths: the fast path stages a batch longest first, so a larger batch groups
   * lengths better and wastes less on padding (PLAID: as accurate as 32, 30% faster)
   */
  nativeBatchSize: 64,
  learningRate: 1e-3,
  /** scikit-learn's inverse regularisation; 10 beat 1 and 100 on all three sets */
  C: 10,
  standardize: true,
  validationFraction: 0.2,
  /** the encoder states each model contributes (encoder-states.ts) */
  blocks: ['meanHidden', 'maxHidden'] as StateBlock[],
};

/** A labelled set: labels present, one per series. */
export type LabelledSet = SeriesSet & { labels: string[] };

/**
 * Both sets labelled, with the same channels; at least two classes in training; no test
 * label the training set lacks (the classifier could never predict it). Returns the
 * classes in the classifier's order. Every problem is one line naming the file.
 */
export function checkClassificationSets(train: SeriesSet, test: SeriesSet): { train: LabelledSet; test: LabelledSet; classes: string[] } {
  for (const [set, role] of [[train, 'training'], [test, 'test']] as const) {
    if (set.series.length === 0) throw new InputError(`${set.source}: the ${role} set holds no series; expected at least one`);
    if (!set.labels) {
      throw new InputError(`${set.source}: the ${role} series have no class labels; expected a label per series (a .ts @classLabel column, a UCR .tsv's first column, a CSV --label-column, or --${role === 'training' ? 'train' : 'test'}-labels FILE)`);
    }
    if (set.labels.length !== set.series.length) {
      throw new InputError(`${set.source}: ${set.labels.length} labels for ${set.series.length} series; expected one label per series`);
    }
  }
  if (test.channels !== train.channels) {
    throw new InputError(`${test.source}: ${test.channels} channel${test.channels === 1 ? '' : 's'} per step; expected ${train.channels}, as in the training set ${train.source}`);
  }
  const classes = sortedClasses(train.labels!);
  if (classes.length < 2) throw new InputError(`${train.source}: every training series is of class ${JSON.stringify(classes[0])}; expected at least two classes`);
  const known = new Set(classes);
  const unknown = [...new Set(test.labels!.filter((label) => !known.has(label)))];
  if (unknown.length > 0) {
    const first = test.labels!.findIndex((label) => label === unknown[0]);
    throw new InputError(
      `${test.source}: series ${first} is of class ${JSON.stringify(unknown[0])}${unknown.length > 1 ? ` (and ${unknown.length - 1} more unknown classes)` : ''}, which the training set ${train.source} does not have; expected the training classes ${classes.map((c) => JSON.stringify(c)).join(', ')}`,
    );
  }
  return { train: train as LabelledSet, test: test as LabelledSet, classes };
}

/**
 * A stratified split of the training series: from each class, shuffled with `seed`,
 * round(fraction·count) series for validation, the rest for fitting. The files of the
 * archive are often sorted by class, so Keras's "the last 20%" would validate on one class.
 * At least one series goes to validation (from the largest class) and one stays.
 * Indices into the set, each part in ascending order.
 */
export function stratifiedSplit(labels: readonly string[], fraction: number, seed: number): { fit: number[]; validation: number[] } {
  if (labels.length < 2) throw new InputError(`a validation split needs at least 2 training series; there ${labels.length === 1 ? 'is 1' : `are ${labels.length}`}`);
  const rng = new RandomState(seed);
  const byClass = new Map<string, number[]>();
  labels.forEach((label, i) => {
    const list = byClass.get(label);
    if (list) list.push(i);
    else byClass.set(label, [i]);
  });
  const validation: number[] = [];
  const largest = [...byClass.values()].reduce((a, b) => (b.length > a.length ? b : a));
  for (const label of sortedClasses([...byClass.keys()])) {
    const members = Int32Array.from(byClass.get(label)!);
    rng.shuffle(members);
    let take = Math.round(fraction * members.length);
    if (take >= members.length && members.length > 1) take = members.length - 1;
    validation.push(...members.subarray(0, take));
  }
  if (validation.length === 0) validation.push(largest[0]!);
  const held = new Set(validation);
  const fit = labels.map((_, i) => i).filter((i) => !held.has(i));
  return { fit, validation: validation.sort((a, b) => a - b) };
}

/**
 * How series become the model's windows:
 *   'resample': every series (training and test) brought to `steps` steps (resample.ts),
 *     so all have one length and the model needs no masking;
 *   'native': the series as they are, post-padded to `steps` (the longest) and masked.
 * A saved model says which by itself: masked means native, otherwise its timesteps are
 * the length to resample to. So a test set is always treated as its training set was.
 */
export type SeriesShaping = { kind: 'resample'; steps: number } | { kind: 'native'; steps: number };

/** The mask value of native-length models: far outside any scaled data. */
export const NATIVE_MASK_VALUE = -1e9;

/** The series of `set` at `indices` (all when absent) as windows, (N, steps, channels). */
export function shapeSeries(set: SeriesSet, shaping: SeriesShaping, indices?: readonly number[]): Sequences {
  const D = set.channels;
  const chosen = indices ? indices.map((i) => set.series[i]!) : set.series;
  const T = shaping.steps;
  const N = chosen.length;
  const data = new Float32Array(N * T * D);
  if (shaping.kind === 'resample') {
    chosen.forEach((s, n) => data.set(resampleSeries(s, D, T), n * T * D));
    return { data, shape: [N, T, D] };
  }
  const lengths = new Int32Array(N);
  chosen.forEach((s, n) => {
    const steps = s.length / D;
    const index = indices ? indices[n]! : n;
    if (steps > T) throw new InputError(`${set.source}: series ${index} has ${steps} steps; the model takes at most ${T} (the longest series it was made for)`);
    if (steps < 2) throw new InputError(`${set.source}: series ${index} has ${steps} step; a masked model needs at least 2 (or resample the series with --length N)`);
    data.set(s, n * T * D);
    lengths[n] = steps;
  });
  return { data, shape: [N, T, D], lengths };
}

/**
 * Resample to `length` steps, or 'native'. By default (CLASSIFY_DEFAULTS): series of unequal
 * lengths, the longest up to nativeUpTo steps, as they are; otherwise resampled to
 * CLASSIFY_DEFAULTS.length steps, never up (shorter series keep their length).
 */
export function shapingFor(train: LabelledSet, test: LabelledSet, length: number | 'native' | undefined): SeriesShaping {
  const longest = longestSeries(train, test);
  if (length === 'native') return { kind: 'native', steps: longest };
  if (length === undefined) {
    const D = train.channels;
    const first = train.series[0]!.length / D;
    const unequal = [train, test].some((set) => set.series.some((s) => s.length / D !== first));
    const shortest = Math.min(...[train, test].flatMap((set) => set.series.map((s) => s.length / D)));
    if (unequal && longest <= CLASSIFY_DEFAULTS.nativeUpTo && shortest >= 2) return { kind: 'native', steps: longest };
    return { kind: 'resample', steps: Math.max(2, Math.min(CLASSIFY_DEFAULTS.length, longest)) };
  }
  if (!Number.isInteger(length) || length < 2) throw new InputError(`length ${length}: expected an integer from 2 up, or 'native'`);
  return { kind: 'resample', steps: length };
}

/** The batch size for this shaping when none is given (CLASSIFY_DEFAULTS). */
export function defaultBatchSize(shaping: SeriesShaping): number {
  return shaping.kind === 'native' ? CLASSIFY_DEFAULTS.nativeBatchSize : CLASSIFY_DEFAULTS.batchSize;
}

/** The length the raw logistic baseline resamples every series to: the models' own, or the default length for native ones. */
export function rawBaselineSteps(shaping: SeriesShaping): number {
  return shaping.kind === 'resample' ? shaping.steps : Math.min(CLASSIFY_DEFAULTS.length, shaping.steps);
}

/** Longest series in the sets, in steps. */
export function longestSeries(...sets: SeriesSet[]): number {
  let longest = 0;
  for (const set of sets) for (const s of set.series) longest = Math.max(longest, s.length / set.channels);
  return longest;
}

/** How given models want their series: all alike (a masked model takes them as they are, any other resampled to its timesteps). */
export function shapingOfModels(models: readonly { model: LstmAutoencoder; path: string }[], train: LabelledSet): SeriesShaping {
  const [first, ...rest] = models;
  const key = (m: LstmAutoencoder) => JSON.stringify([m.config.timesteps, m.config.inputDim, m.config.maskValue ?? null, m.config.normalize ?? 'none']);
  for (const other of rest) {
    if (key(other.model) !== key(first!.model)) {
      throw new InputError(`--model ${other.path}: (timesteps, channels, mask, normalisation) ${key(other.model)} differ from ${first!.path}'s ${key(first!.model)}; expected models made for the same series`);
    }
  }
  const { timesteps, inputDim, maskValue } = first!.model.config;
  if (inputDim !== train.channels) {
    throw new InputError(`--model ${first!.path}: the model takes ${inputDim} channel${inputDim === 1 ? '' : 's'}; ${train.source} has ${train.channels}`);
  }
  return maskValue !== undefined && maskValue !== null ? { kind: 'native', steps: timesteps } : { kind: 'resample', steps: timesteps };
}

