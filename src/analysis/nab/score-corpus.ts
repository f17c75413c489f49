/**
 * A detector's NAB score on a corpus, per profile (numenta/NAB nab/runner.py: optimize, score,
 * normalize). For each profile the threshold optimiser picks one threshold for the whole
 * corpus, every file is scored at it, and the summed raw score is normalised so that the null
 * detector (never detects: every window missed) scores 0 and the perfect detector (every window
 * detected at its left edge, no false positives) scores 100:
 *   normalized = 100 · (raw - null) / (perfect - null),  perfect = tpWeight · number of windows.
 */
import { InputError } from '../../input-error.js';
import { optimizeThreshold, type SweptScores } from './optimize-threshold.js';
import { type NabProfiles, NAB_PROFILES, PROBATION_PERCENT, checkCostMatrix, checkProbationPercent } from './profiles.js';
import { type FileScore, checkScores, scoreSwept, sweepFile } from './score-file.js';
import { type RowWindow, type WindowLimits, resolveWindows } from './windows.js';

/** One file's detector output: a timestamp and an anomaly score per row, in time order. */
export interface NabFile {
  /** The key of its windows, e.g. 'realKnownCause/nyc_taxi.csv' as in NAB's label files. */
  readonly name: string;
  readonly timestamps: readonly string[];
  readonly scores: ArrayLike<number>;
}

/** Anomaly windows per file name, as NAB's combined_windows.json holds them. */
export type NabWindows = Readonly<Record<string, readonly WindowLimits[]>>;

export interface ScoreCorpusOptions {
  /** The fraction of each file not scored (NAB: 0.15, at most 750 rows). */
  readonly probationPercent?: number;
  /** Fixed thresholds per profile name, instead of optimising them on this corpus (e.g. tuned on another). */
  readonly thresholds?: Readonly<Record<string, number>>;
}

export interface ProfileScore {
  /** The threshold used: the optimiser's choice, or the one given. */
  readonly threshold: number;
  /** The normalised score: 0 for the null detector, 100 for the perfect one. */
  readonly normalizedScore: number;
  /** The sum of the files' raw scores. */
  readonly rawScore: number;
  /** The null detector's raw score: -fnWeight per window with scored rows. */
  readonly nullScore: number;
  /** The perfect detector's raw score: tpWeight per window. */
  readonly perfectScore: number;
  /** Each file's raw score and row counts at the threshold. */
  readonly perFile: Readonly<Record<string, FileScore>>;
  /** Totals over the files, as the last row of NAB's results table. */
  readonly totals: FileScore;
}

export interface CorpusScore {
  readonly perProfile: Readonly<Record<string, ProfileScore>>;
}

/** Totals of per-file scores and counts. */
function totalScore(perFile: readonly FileScore[]): FileScore {
  const sum = (key: keyof FileScore) => perFile.reduce((s, f) => s + f[key], 0);
  return { score: sum('score'), tp: sum('tp'), tn: sum('tn'), fp: sum('fp'), fn: sum('fn'), total: sum('total') };
}

/** Scores a detector's anomaly scores on a corpus under each profile, with NAB's rules. */
export function scoreCorpus(
  files: readonly NabFile[],
  windows: NabWindows,
  profiles: NabProfiles = NAB_PROFILES,
  options: ScoreCorpusOptions = {},
): CorpusScore {
  const probationPercent = options.probationPercent ?? PROBATION_PERCENT;
  checkProbationPercent(probationPercent);
  if (files.length === 0) throw new InputError('NAB corpus: no files given; expected at least one');

  const rowWindows = new Map<string, RowWindow[]>();
  for (const file of files) {
    if (rowWindows.has(file.name)) throw new InputError(`NAB corpus: file '${file.name}' is given twice`);
    if (file.timestamps.length !== file.scores.length) {
      throw new InputError(`${file.name}: ${file.timestamps.length} timestamps but ${file.scores.length} anomaly scores; expected one score per row`);
    }
    checkScores(file.name, file.timestamps.length, file.scores);
    const limits = Object.hasOwn(windows, file.name) ? windows[file.name] : undefined;
    if (!Array.isArray(limits)) {
      throw new InputError(`${file.name}: no entry in the anomaly windows; expected a list of [first, last] timestamps (empty when the file has no anomaly)`);
    }
    rowWindows.set(file.name, resolveWindows(file.name, file.timestamps, limits));
  }
  const windowCount = [...rowWindows.values()].reduce((n, w) => n + w.length, 0);

  const perProfile: Record<string, ProfileScore> = {};
  for (const [profile, { CostMatrix: cost }] of Object.entries(profiles)) {
    checkCostMatrix(profile, cost);
    const swept: (SweptScores & { name: string })[] = files.map((file) => ({
      name: file.name,
      swept: sweepFile(file.name, file.scores.length, rowWindows.get(file.name) ?? [], cost, probationPercent),
      scores: file.scores,
    }));
    const fixed = options.thresholds?.[profile];
    const threshold = fixed ?? optimizeThreshold(swept).threshold;
    if (!Number.isFinite(threshold)) throw new InputError(`NAB profile '${profile}': threshold ${threshold}; expected a finite number`);

    const scored = swept.map((s) => [s.name, scoreSwept(s.swept, s.scores, threshold)] as const);
    const perFile: Record<string, FileScore> = Object.fromEntries(scored);
    const totals = totalScore(scored.map(([, score]) => score));
    // The null detector misses every window that has scored rows.
    const nullScore = swept.reduce((s, { swept: f }) => s - f.fnWeight * f.windowScored.filter(Boolean).length, 0);
    const perfectScore = windowCount * cost.tpWeight;
    if (perfectScore - nullScore === 0) {
      throw new InputError(`NAB profile '${profile}': the corpus has no anomaly window (or tpWeight and fnWeight are 0), so the normalised score is undefined`);
    }
    const normalizedScore = (100 * (totals.score - nullScore)) / (perfectScore - nullScore);
    perProfile[profile] = { threshold, normalizedScore, rawScore: totals.score, nullScore, perfectScore, perFile, totals };
  }
  return { perProfile };
}
