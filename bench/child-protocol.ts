/**
 * The one JSON line each bench child prints on stdout for the parent (bench/run.ts).
 * Children run one configuration each so their peak memory is theirs alone.
 */

import type { EngineName } from '../src/models/autoencoder/create-gradient-step.js';

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

export interface EncodeOnceResult {
  /** which engine encoded, in words */
  path: string;
  threads: number;
  windows: number;
  /** wall time of each repetition of encoding all windows */
  seconds: number[];
  peakRssKB: number;
}
