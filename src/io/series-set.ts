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
