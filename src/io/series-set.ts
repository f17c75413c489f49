import { MASK_VALUE } from '../models/autoencoder/config.js';
import type { RaggedSequences, Sequences } from '../train/sequences.js';

/**
 * A labelled set of time series as the readers give it: each series its own length,
 * every series the same number of channels. The common currency between io/ (readers),
 * the models (which pad and mask them) and analysis/ (baselines, classifiers).
 */
export interface SeriesSet {
  /** one Float64Array per series, row-major (length, channels): step t, channel c at t*channels + c */
  series: Float64Array[];
  /** channels per step, the same for every series */
  channels: number;
  /** one class name per series when the file has labels, as the file spells them */
  labels?: string[];
  /** where the set came from (a path), for messages */
  source: string;
}


/** Steps in series i. */
export function seriesLength(set: SeriesSet, i: number): number {
  const s = set.series[i];
  if (!s) throw new RangeError(`series ${i} is outside 0..${set.series.length - 1}`);
  return s.length / set.channels;
}

/**
 * The set as the model takes it: (N, T, channels) float32, T the longest series (or
 * `timesteps`, when given, at least that), each series post-padded with `padValue` (its real
 * steps first, as Keras's pad_sequences(padding='post')), and its length in `lengths` when
 * the lengths differ from T.
 */
export function toSequences(set: SeriesSet, padValue = MASK_VALUE, timesteps?: number): Sequences {
  const D = set.channels;
  const lengths = Int32Array.from(set.series, (s) => s.length / D);
  const T = timesteps ?? lengths.reduce((a, b) => Math.max(a, b), 0);
  if (lengths.some((len) => len > T)) throw new RangeError(`toSequences: a series is longer than timesteps ${T}`);
  const N = set.series.length;
  const data = new Float32Array(N * T * D).fill(padValue);
  set.series.forEach((s, n) => data.set(s, n * T * D));
  const equal = lengths.every((len) => len === T);
  return { data, shape: [N, T, D], ...(equal ? {} : { lengths }) };
}

/**
 * The set as ragged series for the model: every series' steps end to end in one float32
 * array, with their lengths, no padding. What `train`, `encode` and `reconstruct` give the
 * model when lengths differ: padding all of them to the longest (toSequences) takes memory
 * for steps nobody has (25,000 two-step series beside one of 10,000 steps: 250 million).
 */
export function toRaggedSequences(set: SeriesSet): RaggedSequences {
  const D = set.channels;
  const lengths = Int32Array.from(set.series, (s) => s.length / D);
  const data = new Float32Array(set.series.reduce((sum, s) => sum + s.length, 0));
  let at = 0;
  for (const s of set.series) {
    data.set(s, at);
    at += s.length;
  }
  return { data, lengths, features: D };
}
