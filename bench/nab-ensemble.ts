/**
 * What `npm run nab` measures beyond one detector, kept out of `detect` because none of it
 * held on NAB (docs/detect.md): several detectors (other seeds, other window lengths) whose
 * surprises are combined row by row, and the time of day as two more input channels. Each
 * member is a whole detector (its own scaling, error model and running calibration), so a
 * member's surprise is a calibrated -log10 tail probability, and the combination of causal
 * scores row by row is causal.
 */
import { median } from '../src/analysis/metrics.js';
import type { TimeSeriesTable } from '../src/io/readers/timeseries-csv.js';

export const COMBINATIONS = ['mean', 'median', 'max'] as const;
export type Combination = (typeof COMBINATIONS)[number];

/**
 * The members' surprises combined row by row: their mean (-log10 of the geometric mean of
 * the tail probabilities), median or max. NaN (no full window yet) in any member gives NaN.
 */
export function combineSurprises(members: readonly Float64Array[], how: Combination): Float64Array {
  if (members.length === 0) throw new Error('combineSurprises: no members');
  const rows = members[0]!.length;
  const out = new Float64Array(rows);
  const row: number[] = new Array<number>(members.length);
  for (let t = 0; t < rows; t++) {
    for (let k = 0; k < members.length; k++) row[k] = members[k]![t]!;
    out[t] = how === 'mean' ? row.reduce((a, b) => a + b, 0) / row.length : how === 'median' ? median(row) : Math.max(...row);
  }
  return out;
}

/** The seed of member k of an ensemble of seed `seed`: member 0 is the single detector's. */
export function memberSeed(seed: number, k: number): number {
  return seed + 1000 * k;
}

/**
 * The table with sin and cos of each row's time of day (UTC) as two more value channels, so
 * the model sees where in the day a window lies. Time stamps as NAB writes them
 * ("2014-07-01 00:05:00") or ISO 8601.
 */
export function withTimeOfDay(table: TimeSeriesTable): TimeSeriesTable {
  const D = table.channels;
  const rows = table.times.length;
  const values = new Float64Array(rows * (D + 2));
  for (let r = 0; r < rows; r++) {
    const stamp = table.times[r]!;
    const ms = Date.parse(/Z|[+-]\d\d:?\d\d$/.test(stamp) ? stamp.replace(' ', 'T') : `${stamp.replace(' ', 'T')}Z`);
    if (!Number.isFinite(ms)) throw new Error(`${table.source}: row ${r}: time stamp ${JSON.stringify(stamp)} is not a date and time`);
    const phase = (2 * Math.PI * (((ms % 86_400_000) + 86_400_000) % 86_400_000)) / 86_400_000;
    values.set(table.values.subarray(r * D, (r + 1) * D), r * (D + 2));
    values[r * (D + 2) + D] = Math.sin(phase);
    values[r * (D + 2) + D + 1] = Math.cos(phase);
  }
  return { ...table, values, channels: D + 2, valueColumns: [...table.valueColumns, 'time_of_day_sin', 'time_of_day_cos'] };
}
