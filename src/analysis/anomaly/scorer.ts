/**
 * The scoring chain of one row, kept as state so that a whole file and a live stream go
 * through the same steps in the same order:
 *   error vector e_t (|x - x̂| of the newest steps of the window ending at t, every channel)
 *   -> d²_t, EncDec-AD's squared Mahalanobis distance, split into per-channel terms
 *   -> s_t, their EWMA (the terms smoothed alike, so they still sum to s_t)
 *   -> p_t, the tail probability of s_t under the held-out normal rows
 *   -> anomaly_score_t = 1 - p_t
 * and then, separately (thresholds can be chosen after scoring), a flag per row.
 */
import { type ErrorGaussian, mahalanobis2 } from './gaussian.js';
import { Ewma, ewmaAlpha } from './smoothing.js';
import { fitTail, type TailModel, tailProbability } from './tail.js';
import { telemanomEpsilon } from './thresholds.js';

export interface ScoredRow {
  /** squared Mahalanobis distance of the row's error vector */
  distance2: number;
  /** its EWMA: the anomaly statistic */
  smoothed: number;
  /** per channel: its share of `smoothed` */
  contributions: Float64Array;
  tailProbability: number;
  anomalyScore: number;
}

/**
 * Which normal rows the tail probability is measured against: only the held-out training rows
 * ('held-out': a false-alarm rate then means one on training data), or those and every row
 * scored since, the latest `history` of them, refitted every `every` rows ('running': a level
 * or a noise floor that changes for good stops looking anomalous, as in HTM's anomaly
 * likelihood). Either way p_t is measured against rows before t.
 */
export type Calibration = { readonly kind: 'held-out' } | { readonly kind: 'running'; readonly history: number; readonly every: number };

export interface ScorerModel {
  /** newest steps of each window whose errors make the error vector */
  steps: number;
  channels: number;
  gaussian: ErrorGaussian;
  smoothingSpan: number;
  calibration: Calibration;
  /** the held-out rows' smoothed scores, in time order: the first history */
  heldOutSmoothed: ArrayLike<number>;
}

/** Error vectors in, scored rows out, one at a time. */
export class OnlineScorer {
  private readonly smoothed: Ewma;
  private readonly channelSmoothers: Ewma[];
  private readonly terms: Float64Array;
  /** the running calibration's scores, a ring (order does not matter to the tail fit) */
  private readonly history: Float64Array;
  private filled = 0;
  private next = 0;
  private sinceFit = 0;
  /** the tail model the last row was measured against */
  tail: TailModel;

  constructor(readonly model: ScorerModel) {
    const alpha = ewmaAlpha(model.smoothingSpan);
    this.smoothed = new Ewma(alpha);
    this.channelSmoothers = Array.from({ length: model.channels }, () => new Ewma(alpha));
    this.terms = new Float64Array(model.gaussian.dim);
    const held = model.heldOutSmoothed;
    const c = model.calibration;
    this.history = new Float64Array(c.kind === 'running' ? c.history : 0);
    for (let i = Math.max(0, held.length - this.history.length); i < held.length; i++) this.remember(held[i]!);
    this.tail = c.kind === 'running' ? fitTail(this.history.subarray(0, this.filled)) : fitTail(held);
  }

  private remember(s: number): void {
    if (this.history.length === 0) return;
    this.history[this.next] = s;
    this.next = (this.next + 1) % this.history.length;
    this.filled = Math.min(this.filled + 1, this.history.length);
  }

  /** e: the row's error vector, (steps, channels) row-major, from `offset`. */
  push(e: ArrayLike<number>, offset = 0): ScoredRow {
    const { channels: D, steps } = this.model;
    const distance2 = mahalanobis2(this.model.gaussian, e, offset, this.terms);
    const smoothed = this.smoothed.push(distance2);
    const contributions = new Float64Array(D);
    for (let c = 0; c < D; c++) {
      let sum = 0;
      for (let s = 0; s < steps; s++) sum += this.terms[s * D + c]!;
      contributions[c] = this.channelSmoothers[c]!.push(sum);
    }
    const p = tailProbability(this.tail, smoothed);
    const c = this.model.calibration;
    if (c.kind === 'running') {
      this.remember(smoothed);
      if (++this.sinceFit >= c.every) {
        this.tail = fitTail(this.history.subarray(0, this.filled));
        this.sinceFit = 0;
      }
    }
    return { distance2, smoothed, contributions, tailProbability: p, anomalyScore: 1 - p };
  }
}

/** How a row is flagged: a fixed threshold on anomaly_score, or Telemanom's dynamic one. */
export type ThresholdRule =
  | { readonly rule: 'fpr'; readonly fpr: number; readonly score: number }
  | { readonly rule: 'sigma'; readonly k: number; readonly statistic: number }
  | { readonly rule: 'fbeta'; readonly beta: number; readonly score: number }
  | {
      readonly rule: 'dynamic';
      /** the trailing window of smoothed scores ε is chosen over (Telemanom: 30 batches of 70) */
      readonly window: number;
      /** ε is chosen again every this many rows (Telemanom's batch) */
      readonly every: number;
      readonly errorBuffer: number;
      readonly sdLimit: number;
    };

/** The threshold of one row, in the domain its rule works in, and the flag. */
export interface RowThreshold {
  /** 'score': compared with anomaly_score; 'statistic': with the smoothed statistic */
  domain: 'score' | 'statistic';
  threshold: number;
  flag: boolean;
}

/**
 * Thresholds row by row. fpr and fbeta compare anomaly_score with a fixed value; sigma
 * compares the smoothed statistic with the held-out mean + k·sd; the dynamic rule keeps the
 * last `window` smoothed statistics (starting from the held-out rows' own, so the first rows of
 * a stream have a history), chooses Telemanom's ε over them every `every` rows, and flags a
 * statistic >= ε (nothing when the window has no spread).
 */
export class OnlineThreshold {
  private readonly history: Float64Array;
  private filled = 0;
  private next = 0;
  private rows = 0;
  private epsilon = Infinity;

  constructor(
    readonly rule: ThresholdRule,
    heldOutSmoothed: ArrayLike<number> = [],
  ) {
    this.history = new Float64Array(rule.rule === 'dynamic' ? rule.window : 0);
    if (rule.rule === 'dynamic') {
      const from = Math.max(0, heldOutSmoothed.length - rule.window);
      for (let i = from; i < heldOutSmoothed.length; i++) this.remember(heldOutSmoothed[i]!);
    }
  }

  private remember(s: number): void {
    this.history[this.next] = s;
    this.next = (this.next + 1) % this.history.length;
    this.filled = Math.min(this.filled + 1, this.history.length);
  }

  push(row: { smoothed: number; anomalyScore: number }): RowThreshold {
    const rule = this.rule;
    if (rule.rule === 'fpr' || rule.rule === 'fbeta') return { domain: 'score', threshold: rule.score, flag: row.anomalyScore >= rule.score };
    if (rule.rule === 'sigma') return { domain: 'statistic', threshold: rule.statistic, flag: row.smoothed >= rule.statistic };
    this.remember(row.smoothed);
    if (this.rows % rule.every === 0) {
      // the window in time order: oldest first
      const n = this.filled;
      const ordered = new Float64Array(n);
      const start = n < this.history.length ? 0 : this.next;
      for (let i = 0; i < n; i++) ordered[i] = this.history[(start + i) % this.history.length]!;
      this.epsilon = telemanomEpsilon(ordered, { errorBuffer: rule.errorBuffer, sdLimit: rule.sdLimit }).epsilon;
    }
    this.rows++;
    return { domain: 'statistic', threshold: this.epsilon, flag: row.smoothed >= this.epsilon };
  }
}
