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

/**
 * A command's speed line (`npm run bench`): ours against a yardstick timed in the same run,
 * ratio = ours / yardstick; `bar` the ratio an issue asked for, when one did.
 */
export interface TaskTiming {
  task: string;
  ours: { label: string; seconds: number };
  yardstick: { label: string; seconds: number };
  ratio: number;
  bar?: number;
  /** the command's peak resident memory, against a size it should stay near (a file's float32 size), ratio = peak / that */
  memory?: { peakMB: number; against: { label: string; MB: number }; ratio: number; bar?: number };
  details?: Record<string, unknown>;
}
