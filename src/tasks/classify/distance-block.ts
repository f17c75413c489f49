import * as v from 'valibot';
import { classReference, type ClassReference } from '../../analysis/class-distances.js';
import { distanceFeatures, shrinkFactor, shrinkSeries, type DistanceFeatureSettings } from '../../analysis/distance-features.js';
import type { FeatureMatrix } from '../../analysis/linear-algebra.js';
import { InputError } from '../../input-error.js';
import { base64ToBytes, bytesToBase64 } from '../../io/base64.js';
import type { SeriesSet } from '../../io/series-set.js';
import { finiteNumber, integerIn } from '../../settings.js';
import { CLASSIFY_DEFAULTS, longestSeries, type LabelledSet } from './data.js';

/**
 * The classifier's distance features (analysis/distance-features.ts): how much farther each
 * class's nearest training series lies than the nearest of all, by banded DTW on series
 * shrunk by one factor. The classifier keeps what they need: the shrunk training series
 * (float32, which the features are computed from at fit time too, so a saved classifier
 * predicts exactly what the run did), their classes and the settings.
 */
export interface DistanceBlock {
  settings: DistanceFeatureSettings;
  reference: ClassReference;
}

/**
 * The block for a training set, or null when the set is too large for it (more than
 * CLASSIFY_DEFAULTS.distanceMaxSeries series: the search grows with the square of the
 * count). The factor shrinks the longest series to distanceSteps steps, and further when
 * the shrunk series would hold more than distanceMaxValues values (what the saved form keeps).
 */
export function distanceBlockFor(train: LabelledSet, classes: readonly string[]): DistanceBlock | null {
  const d = CLASSIFY_DEFAULTS;
  if (train.series.length > d.distanceMaxSeries) return null;
  const total = train.series.reduce((sum, s) => sum + s.length, 0);
  const factor = Math.max(shrinkFactor(longestSeries(train), d.distanceSteps), total / d.distanceMaxValues, 1);
  const index = new Map(classes.map((c, k) => [c, k] as const));
  const shrunk = train.series.map((s) => Float64Array.from(Float32Array.from(shrinkSeries(s, train.channels, factor))));
  return {
    settings: { window: d.distanceWindow, cap: d.distanceCap, factor },
    reference: classReference(shrunk, Int32Array.from(train.labels, (l) => index.get(l)!), classes.length, train.channels),
  };
}

/** The features of `set` (leave-one-out when it is the training set the block was made from, in order). */
export function distanceBlockFeatures(block: DistanceBlock, set: SeriesSet, leaveOneOut = false): FeatureMatrix {
  return distanceFeatures(set.series, block.reference, block.settings, leaveOneOut);
}

/** The saved form: settings, each shrunk series' length in steps, their classes, all values as float32 little-endian base64. */
export function distanceBlockToJSON(block: DistanceBlock): DistanceBlockJson {
  const { reference: ref, settings } = block;
  const values = new Float32Array(ref.series.reduce((sum, s) => sum + s.length, 0));
  let at = 0;
  for (const s of ref.series) {
    values.set(s, at);
    at += s.length;
  }
  return {
    ...settings,
    steps: ref.series.map((s) => s.length / ref.channels),
    classOf: Array.from(ref.classOf),
    values: bytesToBase64(new Uint8Array(values.buffer)),
  };
}

const finite = finiteNumber();
export const distanceBlockSchema = v.object({
  window: v.pipe(finite, v.gtValue(0), v.maxValue(1)),
  cap: v.pipe(finite, v.minValue(1)),
  factor: v.pipe(finite, v.minValue(1)),
  steps: v.pipe(v.array(integerIn(1)), v.minLength(1)),
  classOf: v.array(integerIn(0)),
  values: v.string(),
});
export type DistanceBlockJson = v.InferOutput<typeof distanceBlockSchema>;

/** The block a saved form describes, checked against the classifier's classes and channels. */
export function distanceBlockFromJSON(j: DistanceBlockJson, classes: number, channels: number, source: string): DistanceBlock {
  const where = `${source}: distances`;
  if (j.classOf.length !== j.steps.length) throw new InputError(`${where}: ${j.classOf.length} classes for ${j.steps.length} series; expected one each`);
  if (j.classOf.some((c) => c >= classes)) throw new InputError(`${where}: classOf names a class past the classifier's ${classes}`);
  const bytes = base64ToBytes(j.values, `${where}.values`);
  const count = j.steps.reduce((sum, n) => sum + n * channels, 0);
  if (bytes.length !== count * 4) throw new InputError(`${where}.values: ${bytes.length} bytes; expected ${count * 4} (float32 values of ${j.steps.length} series of ${channels} channel${channels === 1 ? '' : 's'})`);
  const values = new Float32Array(bytes.buffer, bytes.byteOffset, count);
  if (!values.every(Number.isFinite)) throw new InputError(`${where}.values: holds a value that is not a finite number`);
  let at = 0;
  const series = j.steps.map((n) => {
    const s = Float64Array.from(values.subarray(at, at + n * channels));
    at += n * channels;
    return s;
  });
  return { settings: { window: j.window, cap: j.cap, factor: j.factor }, reference: classReference(series, Int32Array.from(j.classOf), classes, channels) };
}
