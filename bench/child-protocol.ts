/**
 * The one JSON line each bench child prints on stdout for the parent (bench/run.ts).
 * Children run one configuration each so their peak memory is theirs alone.
 */

import type { EngineName } from '../src/train/gradient-step.js';

export type Engine = EngineName;

export interface TrainOnceResult {
  engine: Engine;
  threads: number;
  windows: number;
  /** history.seconds: wall time of each epoch */
  epochSeconds: number[];
  /** history.loss: mean training loss of each epoch, to show the run really trained */
  epochLoss: number[];
  /** process.resourceUsage().maxRSS, kilobytes */
  peakRssKB: number;
}

export interface ForwardOnceResult {
  op: 'encode' | 'predict';
  /** which path ran, in words */
  path: string;
  /** the first call, which also starts the model's threads */
  firstCallSeconds: number;
  threads: number;
  windows: number;
  /** wall time of each repetition after the first call, all windows each */
  seconds: number[];
  peakRssKB: number;
}

export interface ClassifyOnceResult {
  /** the labelled file, split into even (training) and odd (test) series */
  data: string;
  trainSeries: number;
  testSeries: number;
  threads: number;
  /** the whole job, wall time */
  seconds: number;
  trainSeconds: number;
  /** the 1-NN DTW baseline within the same job: the yardstick */
  dtwSeconds: number;
  accuracy: number;
  dtwAccuracy: number;
  epochsTrained: number[];
  peakRssKB: number;
}
