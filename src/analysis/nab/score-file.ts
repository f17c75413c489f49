/**
 * Scoring one file's detections under a cost profile, by NAB's rules (numenta/NAB
 * nab/sweeper.py):
 * - rows in the probationary period are not scored at all;
 * - each window is worth the best of its detections, and the earliest is the best: a detection
 *   at row i of a window spanning rows s..e (width w = e - s + 1) is worth
 *   tpWeight · σ(-(e - i + 1)/w) / σ(-1), σ the scaled sigmoid, so tpWeight at the left edge,
 *   falling towards 0 at the right edge; later detections in the same window add nothing;
 * - a window without any detection costs fnWeight;
 * - a detection outside every window costs fpWeight · σ(d) with d = (i - e)/(w - 1) measured
 *   from the end e of the previous window (so it costs less just after a window, where a late
 *   detection of the anomaly is likely), and the full fpWeight before the first window.
 * A row is a detection when its anomaly score is >= the threshold.
 */
import { InputError } from '../../input-error.js';
import { type CostMatrix, PROBATION_PERCENT, checkProbationPercent, probationaryLength } from './profiles.js';
import { SCALED_SIGMOID_LEFT_EDGE, scaledSigmoid } from './scaled-sigmoid.js';
import { type RowWindow, checkRowWindows } from './windows.js';

/** What each row of one file would contribute if it were a detection. */
export interface SweptFile {
  readonly rowCount: number;
  /** Rows before this one are probationary and never scored. */
  readonly scoredFrom: number;
  /** Per row: the index of the window holding it, or -1 outside every window. */
  readonly windowOf: Int32Array;
  /** Per row: the reward (inside a window) or the cost, negative (outside), of a detection there. */
  readonly gain: Float64Array;
  /** Per window: true when it has scored rows, so that missing it costs fnWeight. */
  readonly windowScored: readonly boolean[];
  /** The profile's cost of a missed window. */
  readonly fnWeight: number;
}

/** One file's score at one threshold, with NAB's row counts (over the scored rows only). */
export interface FileScore {
  readonly score: number;
  /** Detected rows inside windows. */
  readonly tp: number;
  /** Undetected rows outside windows. */
  readonly tn: number;
  /** Detected rows outside windows. */
  readonly fp: number;
  /** Undetected rows inside windows. */
  readonly fn: number;
  /** Scored rows: tp + tn + fp + fn. */
  readonly total: number;
}

/** Sweeps one file under a profile: each row's worth as a detection. */
export function sweepFile(
  file: string,
  rowCount: number,
  windows: readonly RowWindow[],
  cost: CostMatrix,
  probationPercent: number = PROBATION_PERCENT,
): SweptFile {
  checkProbationPercent(probationPercent);
  checkRowWindows(file, rowCount, windows);
  const scoredFrom = Math.min(rowCount, Math.ceil(probationaryLength(rowCount, probationPercent)));
  const windowOf = new Int32Array(rowCount).fill(-1);
  const gain = new Float64Array(rowCount);
  let next = 0; // the next window to enter
  let previous: RowWindow | undefined; // the last window left behind
  for (let i = 0; i < rowCount; i++) {
    const w = windows[next];
    if (w !== undefined && i >= w.start && i <= w.end) {
      const width = w.end - w.start + 1;
      windowOf[i] = next;
      gain[i] = (scaledSigmoid(-(w.end - i + 1) / width) * cost.tpWeight) / SCALED_SIGMOID_LEFT_EDGE;
      if (i === w.end) {
        previous = w;
        next++;
      }
    } else {
      // Past a one-row window the distance is i/0 = Infinity: the full cost, as far from any window.
      const distance = previous === undefined ? 3.0 : Math.abs(i - previous.end) / (previous.end - previous.start);
      gain[i] = scaledSigmoid(distance) * cost.fpWeight;
    }
  }
  const windowScored = windows.map((w) => w.end >= scoredFrom);
  return { rowCount, scoredFrom, windowOf, gain, windowScored, fnWeight: cost.fnWeight };
}

/** Refuses anomaly scores that are not one finite number per row. */
export function checkScores(file: string, rowCount: number, scores: ArrayLike<number>): void {
  if (scores.length !== rowCount) {
    throw new InputError(`${file}: ${scores.length} anomaly scores for ${rowCount} rows; expected one score per row`);
  }
  for (let i = 0; i < rowCount; i++) {
    const s = scores[i];
    if (typeof s !== 'number' || !Number.isFinite(s)) {
      throw new InputError(`${file}, row ${i}: anomaly score ${String(s)}; expected a finite number`);
    }
  }
}

/** A swept file's score when every row scoring >= threshold is a detection. */
export function scoreSwept(swept: SweptFile, scores: ArrayLike<number>, threshold: number): FileScore {
  const best = swept.windowScored.map((scored) => (scored ? -swept.fnWeight : 0));
  let fpScore = 0;
  let tp = 0, tn = 0, fp = 0, fn = 0;
  for (let i = swept.scoredFrom; i < swept.rowCount; i++) {
    const w = swept.windowOf[i]!;
    const detected = scores[i]! >= threshold;
    if (w >= 0) {
      if (detected) {
        tp++;
        best[w] = Math.max(best[w]!, swept.gain[i]!);
      } else fn++;
    } else if (detected) {
      fp++;
      fpScore += swept.gain[i]!;
    } else tn++;
  }
  const score = best.reduce((sum, b) => sum + b, fpScore);
  return { score, tp, tn, fp, fn, total: tp + tn + fp + fn };
}

/** One file's NAB score: detections are the rows whose anomaly score is >= threshold. */
export function scoreFile(
  file: string,
  scores: ArrayLike<number>,
  windows: readonly RowWindow[],
  cost: CostMatrix,
  threshold: number,
  probationPercent: number = PROBATION_PERCENT,
): FileScore {
  checkScores(file, scores.length, scores);
  return scoreSwept(sweepFile(file, scores.length, windows, cost, probationPercent), scores, threshold);
}
