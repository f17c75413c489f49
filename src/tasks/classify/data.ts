import { InputError } from '../../input-error.js';
import { toRaggedSequences, type SeriesSet } from '../../io/series-set.js';
import { sortedClasses } from '../../analysis/logistic-regression.js';
import { resampleSeries } from '../../analysis/resample.js';
import { RandomState } from '../../ops/random-state.js';
import type { AnySequences, Sequences } from '../../train/sequences.js';
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
   * unequal lengths up to this many steps are kept as they are (padded and masked); longer
   * ones are resampled to `length` like equal ones, each series' length staying a feature
   * (series statistics). PLAID at its own lengths (up to 1344 steps) scored 0.849 against
   * 0.816 at 128 steps without distance features, but trained three times as long; with
   * them the fine detail comes from the DTW features, and 128 steps keep the whole
   * classifier within twice 1-NN DTW's time
   */
  nativeUpTo: 128,
  /**
   * one model (each seed one, features side by side): three scatter less on ArrowHead
   * (single seeds ±0.05) but take three times as long, which PLAID's time (within twice
   * 1-NN DTW's) does not allow
   */
  seeds: [0],
  epochs: 1000,
  /** 10, not 30: PLAID's one model stops after about 90 epochs instead of about 200 */
  patience: 10,
  /** two of the fast path's 16-window chunks: both cores busy, and as accurate as 16 */
  batchSize: 32,
  /**
   * at native lengths: the fast path stages a batch longest first, so a larger batch groups
   * lengths better and wastes less on padding (PLAID: as accurate as 32, 30% faster)
   */
  nativeBatchSize: 64,
  learningRate: 1e-3,
  /**
   * scikit-learn's inverse regularisation. Without distance features 10 beat 1 and 100 on
   * all three sets; with them, 5-fold cross-validation on the training splits put 542 of
   * their 613 series right at C 1 against 534 at C 10 (PLAID 0.892 / 0.875, ArrowHead
   * 0.694 / 0.722, BasicMotions 0.95 / 0.95)
   */
  C: 1,
  standardize: true,
  validationFraction: 0.2,
  /**
   * per class, how much farther its nearest training series lies than the nearest of all,
   * by DTW (distance-block.ts): what 1-NN DTW sees, beside the encoder's features
   */
  distances: true,
  /** the band's half-width, a fraction of the longer series (Sakoe-Chiba) */
  distanceWindow: 0.1,
  /** classes farther than this many times the nearest count as that far */
  distanceCap: 2,
  /** series shrunk (PAA, one factor for all) so that the longest has at most this many steps */
  distanceSteps: 1024,
  /** and so that the shrunk training series hold at most this many values (the saved classifier keeps them) */
  distanceMaxValues: 1_000_000,
  /** no distance features above this many training series: the search grows with the square of the count */
  distanceMaxSeries: 5000,
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
  const { classes } = checkTrainingSet(train);
  checkLabelledSet(test, 'test');
  checkSeriesFor(test, { channels: train.channels, classes, source: `the training set ${train.source}` });
  return { train: train as LabelledSet, test: test as LabelledSet, classes };
}

/** A training set: series, a label each, at least two classes. Returns the classes in the classifier's order. */
export function checkTrainingSet(train: SeriesSet): { train: LabelledSet; classes: string[] } {
  checkLabelledSet(train, 'training');
  const classes = sortedClasses(train.labels!);
  if (classes.length < 2) throw new InputError(`${train.source}: every training series is of class ${JSON.stringify(classes[0])}; expected at least two classes`);
  return { train: train as LabelledSet, classes };
}

function checkLabelledSet(set: SeriesSet, role: 'training' | 'test'): void {
  if (set.series.length === 0) throw new InputError(`${set.source}: the ${role} set holds no series; expected at least one`);
  if (!set.labels) {
    throw new InputError(`${set.source}: the ${role} series have no class labels; expected a label per series (a .ts @classLabel column, a UCR .tsv's first column, a CSV --label-column, or --${role === 'training' ? 'train' : 'test'}-labels FILE)`);
  }
  if (set.labels.length !== set.series.length) {
    throw new InputError(`${set.source}: ${set.labels.length} labels for ${set.series.length} series; expected one label per series`);
  }
}

/**
 * Series to classify with what a classifier was fitted on (`source` says what, e.g. "the
 * training set X" or "the classifier M"): the same channels, and labels, when present, of its classes.
 */
export function checkSeriesFor(set: SeriesSet, fitted: { channels: number; classes: readonly string[]; source: string }): void {
  if (set.series.length === 0) throw new InputError(`${set.source}: holds no series; expected at least one`);
  if (set.channels !== fitted.channels) {
    throw new InputError(`${set.source}: ${set.channels} channel${set.channels === 1 ? '' : 's'} per step; expected ${fitted.channels}, as in ${fitted.source}`);
  }
  if (!set.labels) return;
  const known = new Set(fitted.classes);
  const unknown = [...new Set(set.labels.filter((label) => !known.has(label)))];
  if (unknown.length > 0) {
    const first = set.labels.findIndex((label) => label === unknown[0]);
    throw new InputError(
      `${set.source}: series ${first} is of class ${JSON.stringify(unknown[0])}${unknown.length > 1 ? ` (and ${unknown.length - 1} more unknown classes)` : ''}, which ${fitted.source} does not have; expected the classes ${fitted.classes.map((c) => JSON.stringify(c)).join(', ')}`,
    );
  }
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
 *   'native': the series as they are (ragged: a batch is padded only to its own longest
 *     series) and masked; `steps` is the longest in training, the models' pad length.
 * A saved model says which by itself: masked means native, otherwise its timesteps are
 * the length to resample to. So a test set is always treated as its training set was.
 */
export type SeriesShaping = { kind: 'resample'; steps: number } | { kind: 'native'; steps: number };

/** The mask value of native-length models: far outside any scaled data. */
export const NATIVE_MASK_VALUE = -1e9;

/** The series of `set` at `indices` (all when absent) as the models take them: windows (N, steps, channels), or ragged series for 'native'. */
export function shapeSeries(set: SeriesSet, shaping: SeriesShaping, indices?: readonly number[]): AnySequences {
  const D = set.channels;
  const chosen = indices ? indices.map((i) => set.series[i]!) : set.series;
  const T = shaping.steps;
  const N = chosen.length;
  if (shaping.kind === 'resample') {
    const data = new Float32Array(N * T * D);
    chosen.forEach((s, n) => data.set(resampleSeries(s, D, T), n * T * D));
    return { data, shape: [N, T, D] };
  }
  // any length, ragged (each batch is padded only to its own longest series): the models' pad length is only a default
  chosen.forEach((s, n) => {
    const steps = s.length / D;
    const index = indices ? indices[n]! : n;
    if (steps < 2) throw new InputError(`${set.source}: series ${index} has ${steps} step; a masked model needs at least 2 (or resample the series with --length N)`);
  });
  return toRaggedSequences({ ...set, series: chosen });
}

/**
 * Resample to `length` steps, or 'native', judged from the training set alone (test series
 * of any length follow). By default (CLASSIFY_DEFAULTS): series of unequal lengths, the
 * longest up to nativeUpTo steps, as they are; otherwise resampled to
 * CLASSIFY_DEFAULTS.length steps, never up (shorter series keep their length).
 */
export function shapingFor(train: SeriesSet, length: number | 'native' | undefined): SeriesShaping {
  const longest = longestSeries(train);
  if (length === 'native') return { kind: 'native', steps: longest };
  if (length === undefined) {
    const D = train.channels;
    const first = train.series[0]!.length / D;
    const unequal = train.series.some((s) => s.length / D !== first);
    // a loop, not Math.min(...): a spread of 150,000 series overflows the stack
    const shortest = train.series.reduce((least, s) => Math.min(least, s.length / D), Infinity);
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
export function shapingOfModels(models: readonly { model: LstmAutoencoder; path: string }[], train: SeriesSet): SeriesShaping {
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


/**
 * Windows (N, T, D), with their lengths when they have them, as a set of series, each cut
 * to its length: what the classifier takes besides the readers' sets.
 */
export function seriesSetOf(x: Sequences | SeriesSet, source = 'the series'): SeriesSet {
  if ('series' in x) return x;
  const [N, T, D] = x.shape;
  if (x.data.length !== N * T * D) throw new InputError(`${source}: ${x.data.length} values for shape (${N}, ${T}, ${D}); expected ${N * T * D}`);
  if (x.lengths && x.lengths.length !== N) throw new InputError(`${source}: ${x.lengths.length} lengths for ${N} series; expected one each`);
  const series = Array.from({ length: N }, (_, n) => {
    const steps = x.lengths ? x.lengths[n]! : T;
    if (!Number.isInteger(steps) || steps < 1 || steps > T) throw new InputError(`${source}: series ${n} has length ${steps}; expected 1 to ${T}`);
    return Float64Array.from(x.data.subarray(n * T * D, (n * T + steps) * D));
  });
  return { series, channels: D, source };
}
