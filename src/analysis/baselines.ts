/**
 * Baselines for time-series classification, to set the autoencoder's features against:
 * 1-NN under the Euclidean distance or DTW, and logistic regression on the raw series.
 *
 * Unequal lengths: DTW compares series as they are. The Euclidean distance and the raw
 * logistic regression need one length, so every series, training and test, is resampled
 * by linear interpolation to the length of the LONGEST TRAINING series (first and last
 * steps kept, the steps between spread evenly over the same span); where every series
 * already has that length nothing changes. No series is z-normalised here: the archive's
 * sets mostly are already, and a baseline should see what the model sees.
 */
import { InputError } from '../input-error.js';
import type { SeriesSet } from '../io/series-set.js';
import { nearestNeighbourDtw, seriesBox } from './dtw.js';
import { fitClassifier } from './logistic-regression.js';

export interface BaselineResult {
  /** The predicted class name of each test series. */
  predictions: string[];
  /** Fraction of test series predicted right; null when the test set has no labels. */
  accuracy: number | null;
}

export interface NearestNeighbourResult extends BaselineResult {
  /** For each test series, the index of its nearest training series (the first of equals). */
  neighbours: Int32Array;
  /** Its distance: Euclidean after resampling, or √(DTW cost) (dtwDistance). */
  distances: Float64Array;
}

export interface RawLogisticResult extends BaselineResult {
  /** The length every series was resampled to (the longest training series). */
  length: number;
  /** Whether the logistic regression met its gradient tolerance. */
  converged: boolean;
}

/**
 * A (steps, channels) series resampled to `length` steps by linear interpolation: step t
 * of the result sits at position t·(steps−1)/(length−1) of the input. A one-step series
 * stays constant.
 */
export function resampleLinear(series: Float64Array, channels: number, length: number): Float64Array {
  if (!Number.isInteger(length) || length < 1) throw new InputError(`resampleLinear: length is ${length}; expected a positive integer`);
  const steps = series.length / channels;
  if (!Number.isInteger(steps) || steps < 1) {
    throw new InputError(`resampleLinear: a series has ${series.length} values; expected a positive multiple of ${channels} channels`);
  }
  if (steps === length) return series.slice();
  const out = new Float64Array(length * channels);
  for (let t = 0; t < length; t++) {
    // (t·(steps−1)) / (length−1): an integer over an integer, so exact at the ends.
    const position = length === 1 ? 0 : (t * (steps - 1)) / (length - 1);
    const left = Math.min(Math.floor(position), steps - 1);
    const right = Math.min(left + 1, steps - 1);
    const fraction = position - left;
    for (let c = 0; c < channels; c++) {
      const a = series[left * channels + c]!;
      const b = series[right * channels + c]!;
      out[t * channels + c] = a + fraction * (b - a);
    }
  }
  return out;
}

function checkSets(what: string, train: SeriesSet, test: SeriesSet): string[] {
  if (train.series.length === 0) throw new InputError(`${what}: the training set ${train.source} has no series; expected at least one`);
  if (test.series.length === 0) throw new InputError(`${what}: the test set ${test.source} has no series; expected at least one`);
  if (!train.labels) throw new InputError(`${what}: the training set ${train.source} has no class labels; expected one per series`);
  if (train.labels.length !== train.series.length) {
    throw new InputError(`${what}: the training set ${train.source} has ${train.labels.length} labels for ${train.series.length} series; expected one per series`);
  }
  if (test.labels && test.labels.length !== test.series.length) {
    throw new InputError(`${what}: the test set ${test.source} has ${test.labels.length} labels for ${test.series.length} series; expected one per series`);
  }
  if (train.channels !== test.channels) {
    throw new InputError(`${what}: the test set ${test.source} has ${test.channels} channels; expected ${train.channels}, as the training set ${train.source}`);
  }
  for (const set of [train, test]) {
    set.series.forEach((s, i) => {
      if (s.length === 0 || s.length % set.channels !== 0) {
        throw new InputError(`${what}: ${set.source} series ${i} has ${s.length} values; expected a positive multiple of ${set.channels} channels`);
      }
    });
  }
  return train.labels;
}

function scoreOf(test: SeriesSet, predictions: string[]): number | null {
  const labels = test.labels;
  if (!labels) return null;
  let correct = 0;
  predictions.forEach((p, i) => {
    if (p === labels[i]) correct++;
  });
  return correct / predictions.length;
}

function longestSteps(set: SeriesSet): number {
  return set.series.reduce((longest, s) => Math.max(longest, s.length / set.channels), 0);
}

/** 1-NN: each test series takes the label of its nearest training series. */
export function oneNearestNeighbour(train: SeriesSet, test: SeriesSet, distance: 'euclidean' | 'dtw'): NearestNeighbourResult {
  const trainLabels = checkSets('oneNearestNeighbour', train, test);
  const channels = train.channels;
  const neighbours = new Int32Array(test.series.length);
  const distances = new Float64Array(test.series.length);
  if (distance === 'dtw') {
    const boxes = train.series.map((s) => seriesBox(s, channels));
    test.series.forEach((query, i) => {
      const nearest = nearestNeighbourDtw(query, train.series, channels, { boxes });
      neighbours[i] = nearest.index;
      distances[i] = Math.sqrt(nearest.cost);
    });
  } else if (distance === 'euclidean') {
    const length = longestSteps(train);
    const reference = train.series.map((s) => resampleLinear(s, channels, length));
    test.series.forEach((s, i) => {
      const query = resampleLinear(s, channels, length);
      let best = -1;
      let bestSquared = Infinity;
      reference.forEach((r, k) => {
        let sum = 0;
        for (let m = 0; m < r.length && sum <= bestSquared; m++) { // stop once it cannot win
          const d = query[m]! - r[m]!;
          sum += d * d;
        }
        if (sum < bestSquared) [best, bestSquared] = [k, sum];
      });
      neighbours[i] = best;
      distances[i] = Math.sqrt(bestSquared);
    });
  } else {
    throw new InputError(`oneNearestNeighbour: distance is ${JSON.stringify(distance)}; expected "euclidean" or "dtw"`);
  }
  const predictions = Array.from(neighbours, (k) => trainLabels[k]!);
  return { predictions, accuracy: scoreOf(test, predictions), neighbours, distances };
}

/**
 * Logistic regression on the raw values: each series resampled to the longest training
 * length and flattened step by step (t·channels + c), every feature standardised by the
 * training mean and std, then scikit-learn's LogisticRegression(C) (multinomial for three
 * or more classes) via fitClassifier.
 */
export function logisticOnRaw(train: SeriesSet, test: SeriesSet, options: { C?: number } = {}): RawLogisticResult {
  const trainLabels = checkSets('logisticOnRaw', train, test);
  const channels = train.channels;
  const length = longestSteps(train);
  const flatten = (set: SeriesSet) => {
    const data = new Float64Array(set.series.length * length * channels);
    set.series.forEach((s, i) => data.set(resampleLinear(s, channels, length), i * length * channels));
    return { data, rows: set.series.length, cols: length * channels };
  };
  const classifier = fitClassifier(flatten(train), trainLabels, { C: options.C ?? 1, standardize: true });
  const predictions = classifier.predict(flatten(test));
  return { predictions, accuracy: scoreOf(test, predictions), length, converged: classifier.converged };
}
