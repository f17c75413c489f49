/**
 * NAB's threshold optimiser (numenta/NAB nab/optimizer.py with nab/sweeper.py): the corpus
 * score for every threshold that changes anything, in one sweep. All scored rows of all files
 * are sorted by anomaly score, highest first; lowering the threshold past each distinct score
 * turns those rows into detections, and the corpus score is updated as it goes. The best
 * threshold is the one with the highest corpus score, the highest such threshold on a tie (NAB
 * sorts its list, highest threshold first, with Python's stable sort).
 */
import { type SweptFile } from './score-file.js';

/** A threshold and the corpus score (the sum of the files' raw scores) it gives. */
export interface ThresholdScore {
  readonly threshold: number;
  readonly score: number;
}

/** One file of the corpus: its sweep under the profile, and its anomaly scores. */
export interface SweptScores {
  readonly swept: SweptFile;
  readonly scores: ArrayLike<number>;
}

/**
 * The threshold that detects nothing: NAB's 1.1, above any score in [0, 1]; for detectors
 * whose scores reach 1.1, twice their largest score.
 */
function thresholdAboveAll(files: readonly SweptScores[]): number {
  let largest = -Infinity;
  for (const { swept, scores } of files) {
    for (let i = swept.scoredFrom; i < swept.rowCount; i++) largest = Math.max(largest, scores[i]!);
  }
  return largest < 1.1 ? 1.1 : 2 * largest;
}

/** The corpus score for each candidate threshold, highest threshold first; the first entry detects nothing. */
export function thresholdSweep(files: readonly SweptScores[]): ThresholdScore[] {
  // Flatten the scored rows of all files; windows get corpus-wide numbers.
  const score: number[] = [];
  const gain: number[] = [];
  const window: number[] = [];
  const windowBest: number[] = [];
  for (const { swept, scores } of files) {
    const offset = windowBest.length;
    for (const scored of swept.windowScored) windowBest.push(scored ? -swept.fnWeight : 0);
    for (let i = swept.scoredFrom; i < swept.rowCount; i++) {
      score.push(scores[i]!);
      gain.push(swept.gain[i]!);
      const w = swept.windowOf[i]!;
      window.push(w < 0 ? -1 : offset + w);
    }
  }
  // Highest score first; rows with equal scores keep corpus order (a stable sort, as NAB's).
  const order = Array.from(score.keys()).sort((a, b) => score[b]! - score[a]!);

  let windowSum = windowBest.reduce((s, b) => s + b, 0);
  let fpSum = 0;
  const sweep: ThresholdScore[] = [{ threshold: thresholdAboveAll(files), score: windowSum }];
  let k = 0;
  while (k < order.length) {
    const threshold = score[order[k]!]!;
    for (; k < order.length && score[order[k]!] === threshold; k++) {
      const row = order[k]!;
      const w = window[row]!;
      if (w < 0) fpSum += gain[row]!;
      else if (gain[row]! > windowBest[w]!) {
        windowSum += gain[row]! - windowBest[w]!;
        windowBest[w] = gain[row]!;
      }
    }
    sweep.push({ threshold, score: fpSum + windowSum });
  }
  return sweep;
}

/** The threshold with the best corpus score (the highest threshold among equals). */
export function optimizeThreshold(files: readonly SweptScores[]): ThresholdScore {
  // Strictly better only, so among equal scores the first (highest) threshold stays.
  return thresholdSweep(files).reduce((best, t) => (t.score > best.score ? t : best));
}
