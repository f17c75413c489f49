/**
 * What `npm run nab` measures beyond `detect`'s detector, kept out of `detect` because it did
 * not hold on NAB (docs/detect.md): detectors of other window lengths whose surprises are
 * combined row by row. Each is a whole detector (its own scaling, error model and running
 * calibration), so its surprise is a calibrated -log10 tail probability, and the combination
 * of causal scores row by row is causal. (Detectors of other seeds, averaged: `detect`'s own
 * ensemble, detector.ts.)
 */
import { median } from '../src/analysis/metrics.js';

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
