/**
 * Distance features: for each series and each class, how much farther the class's nearest
 * training series lies than the nearest of all, log((d_c + ε) / (d_min + ε)) (0 for the
 * nearest class, up to log(cap) for far ones), with d the banded DTW distance of
 * class-distances.ts on the series shrunk by PAA (resample.ts) by one factor for all, so
 * that series of unequal lengths keep their relative time scale. ε is a thousandth of the
 * series' own size (its norm about its mean), so an exact copy among the training series
 * still leaves the other classes apart. A training series is compared with the others
 * only (leave-one-out), so its features look like a new series' would.
 */
import { classDistances, classReference, type ClassReference } from './class-distances.js';
import type { FeatureMatrix } from './linear-algebra.js';
import { resampleSeries } from './resample.js';

export interface DistanceFeatureSettings {
  /** the band's half-width as a fraction of the longer series */
  window: number;
  /** classes farther than cap × the nearest count as cap × the nearest */
  cap: number;
  /** every series shrunk to ⌈steps / factor⌉ steps (1: as it is) */
  factor: number;
}

/** A series shrunk by `factor` (PAA), at least 2 steps; as it is when the factor is 1 or it is that short already. */
export function shrinkSeries(series: Float64Array, channels: number, factor: number): Float64Array {
  const steps = series.length / channels;
  const target = Math.max(2, Math.ceil(steps / factor));
  return target >= steps ? series : resampleSeries(series, channels, target);
}

/** The factor that brings the longest of `steps` down to `cap` steps (1 when it is no longer). */
export function shrinkFactor(longest: number, cap: number): number {
  return Math.max(1, longest / cap);
}

/** The reference the features compare with: the training series, shrunk, with their classes. */
export function distanceReference(
  series: readonly Float64Array[], labels: readonly string[], classes: readonly string[], channels: number, factor: number,
): ClassReference {
  const index = new Map(classes.map((c, k) => [c, k] as const));
  return classReference(series.map((s) => shrinkSeries(s, channels, factor)), Int32Array.from(labels, (l) => index.get(l)!), classes.length, channels);
}

/** The series' norm about its per-channel mean. */
function spread(series: Float64Array, channels: number): number {
  const steps = series.length / channels;
  let squares = 0;
  for (let c = 0; c < channels; c++) {
    let sum = 0;
    for (let t = 0; t < steps; t++) sum += series[t * channels + c]!;
    const mean = sum / steps;
    for (let t = 0; t < steps; t++) squares += (series[t * channels + c]! - mean) ** 2;
  }
  return Math.sqrt(squares);
}

/**
 * (N, classes) features of `series` against `ref`; with `leaveOneOut`, series i is ref's
 * own series i and is left out of its comparison.
 */
export function distanceFeatures(
  series: readonly Float64Array[], ref: ClassReference, settings: DistanceFeatureSettings, leaveOneOut = false,
): FeatureMatrix & { data: Float64Array } {
  const K = ref.classes;
  const data = new Float64Array(series.length * K);
  series.forEach((raw, i) => {
    const query = leaveOneOut ? ref.series[i]! : shrinkSeries(raw, ref.channels, settings.factor);
    const epsilon = 1e-3 * spread(query, ref.channels) + 1e-12;
    const d = classDistances(query, ref, { window: settings.window, cap: settings.cap, floor: epsilon, ...(leaveOneOut ? { skip: i } : {}) });
    let nearest = Infinity;
    for (let c = 0; c < K; c++) nearest = Math.min(nearest, d[c]!);
    for (let c = 0; c < K; c++) data[i * K + c] = Math.log((d[c]! + epsilon) / (nearest + epsilon));
  });
  return { data, rows: series.length, cols: K };
}
