/**
 * The Numenta Anomaly Benchmark's cost profiles and probationary period (numenta/NAB,
 * config/profiles.json and nab/util.py, MIT licence).
 */
import { InputError } from '../../input-error.js';

/** How much each outcome weighs; NAB's `CostMatrix`. `tnWeight` is carried but never used, as in NAB. */
export interface CostMatrix {
  readonly tpWeight: number;
  readonly fpWeight: number;
  readonly fnWeight: number;
  readonly tnWeight?: number;
}

/** Profiles by name, in the shape of NAB's profiles.json, so that file can be passed as parsed. */
export type NabProfiles = Readonly<Record<string, { readonly CostMatrix: CostMatrix }>>;

/** NAB's three profiles: false positives cost 0.11 (standard), 0.22 (low FP rate); a miss costs 2 in low FN rate. */
export const NAB_PROFILES: NabProfiles = {
  standard: { CostMatrix: { tpWeight: 1.0, fnWeight: 1.0, fpWeight: 0.11, tnWeight: 1.0 } },
  reward_low_FP_rate: { CostMatrix: { tpWeight: 1.0, fnWeight: 1.0, fpWeight: 0.22, tnWeight: 1.0 } },
  reward_low_FN_rate: { CostMatrix: { tpWeight: 1.0, fnWeight: 2.0, fpWeight: 0.11, tnWeight: 1.0 } },
};

/** The fraction of each file a detector may learn from without being scored. */
export const PROBATION_PERCENT = 0.15;

/**
 * Rows at the start of a file that are never scored: 15% of the file, but at most 750 rows
 * (15% of 5000), so long files do not hide their anomalies in the probation.
 */
export function probationaryLength(rowCount: number, probationPercent: number = PROBATION_PERCENT): number {
  return Math.min(Math.floor(probationPercent * rowCount), probationPercent * 5000);
}

/** Refuses a cost matrix whose weights are not finite non-negative numbers. */
export function checkCostMatrix(profile: string, cost: CostMatrix): void {
  for (const key of ['tpWeight', 'fpWeight', 'fnWeight'] as const) {
    const w: unknown = cost[key];
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) {
      throw new InputError(`NAB profile '${profile}': CostMatrix.${key} is ${String(w)}; expected a finite number >= 0`);
    }
  }
}

/** Refuses a probationary fraction outside [0, 1). */
export function checkProbationPercent(probationPercent: number): void {
  if (!Number.isFinite(probationPercent) || probationPercent < 0 || probationPercent >= 1) {
    throw new InputError(`NAB probationary fraction is ${probationPercent}; expected a number in [0, 1)`);
  }
}
