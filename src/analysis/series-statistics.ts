/**
 * What per-series scaling takes away, given back to the classifier as features: each
 * series' length (log), and per channel its mean and its standard deviation (log). A
 * model that sees each series scaled to mean 0 and deviation 1 sees its shape only; on
 * data where the level or the size tells the classes apart (an appliance's current, the
 * strength of a movement) these few numbers carry it.
 *
 * A column that is the same for every training series (all lengths equal, data already
 * z-normalised) carries nothing, and rounding noise in it would become a full-size feature
 * after standardisation, so such columns are left out: see `informativeColumns`.
 */
import type { SeriesSet } from '../io/series-set.js';
import type { FeatureMatrix } from './logistic-regression.js';

/** Floor under a deviation before its log: a constant channel gives log(1e-12), not -Infinity. */
const TINY = 1e-12;

/** Column names in order: 'log length', then 'mean c', 'log std c' for each channel c. */
export function seriesStatisticNames(channels: number): string[] {
  const names = ['log length'];
  for (let c = 0; c < channels; c++) names.push(`mean ${c}`, `log std ${c}`);
  return names;
}

/** (N, 1 + 2·channels): log length, then per channel the mean and log population deviation. */
export function seriesStatistics(set: Pick<SeriesSet, 'series' | 'channels'>): FeatureMatrix & { data: Float64Array } {
  const D = set.channels;
  const cols = 1 + 2 * D;
  const data = new Float64Array(set.series.length * cols);
  set.series.forEach((s, n) => {
    const steps = s.length / D;
    data[n * cols] = Math.log(steps);
    for (let c = 0; c < D; c++) {
      let sum = 0;
      for (let t = 0; t < steps; t++) sum += s[t * D + c]!;
      const mean = sum / steps;
      let squares = 0;
      for (let t = 0; t < steps; t++) squares += (s[t * D + c]! - mean) ** 2;
      data[n * cols + 1 + 2 * c] = mean;
      data[n * cols + 2 + 2 * c] = Math.log(Math.max(Math.sqrt(squares / steps), TINY));
    }
  });
  return { data, rows: set.series.length, cols };
}

/**
 * The columns whose spread over the rows is more than rounding: max − min above
 * 1e-5·max(1, |min|, |max|). (The archive's z-normalised series, written with a few
 * decimals, have means within 1e-8 of 0 and deviations within 1e-8 of 1: noise that
 * standardisation would blow up to a full-size feature.) Indices in order.
 */
export function informativeColumns(X: FeatureMatrix): number[] {
  const keep: number[] = [];
  for (let j = 0; j < X.cols; j++) {
    let low = Infinity;
    let high = -Infinity;
    for (let i = 0; i < X.rows; i++) {
      const v = X.data[i * X.cols + j]!;
      low = Math.min(low, v);
      high = Math.max(high, v);
    }
    if (high - low > 1e-5 * Math.max(1, Math.abs(low), Math.abs(high))) keep.push(j);
  }
  return keep;
}

/** The given columns of X, in that order. */
export function selectColumns(X: FeatureMatrix, columns: readonly number[]): FeatureMatrix & { data: Float64Array } {
  const data = new Float64Array(X.rows * columns.length);
  for (let i = 0; i < X.rows; i++) {
    columns.forEach((j, k) => {
      data[i * columns.length + k] = X.data[i * X.cols + j]!;
    });
  }
  return { data, rows: X.rows, cols: columns.length };
}

/** Matrices with the same rows, side by side. */
export function concatColumns(parts: readonly FeatureMatrix[]): FeatureMatrix & { data: Float64Array } {
  const rows = parts[0]?.rows ?? 0;
  const cols = parts.reduce((a, p) => a + p.cols, 0);
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    let offset = i * cols;
    for (const p of parts) {
      if (p.rows !== rows) throw new Error(`concatColumns: ${p.rows} rows beside ${rows}`);
      for (let j = 0; j < p.cols; j++) data[offset + j] = p.data[i * p.cols + j]!;
      offset += p.cols;
    }
  }
  return { data, rows, cols };
}
