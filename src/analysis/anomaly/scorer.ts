/**
 * The scoring chain of one row, kept as state so that a whole file and a live stream go
 * through the same steps in the same order:
 *   error vector e_t (|x - x̂| of the newest steps of the window ending at t, every channel)
 *   -> d²_t, EncDec-AD's squared Mahalanobis distance, split into per-channel terms
 *   -> s_t, its EWMA (the terms smoothed alike, so they still sum to s_t)
 *   -> p_t, the tail probability of s_t: how often normal rows reach it (tail.ts)
 * and, when the detector uses the code too, the same for the code's novelty n_t (its distance
 * to the nearest training code, novelty.ts), whose tail probability q_t multiplies in:
 *   anomaly_score_t = 1 - p_t·q_t     (1 - p_t without the code)
 * the chance that a normal row is at least as unusual on both counts, were the two independent.
 * The surprise -log10(p_t·q_t) is the same number on a scale that does not run out at 1e-16.
 * A detector with a second model (one that also sees the time of day) scores each row through
 * the same chain twice, and the row's surprise is the larger of the two (`context`). An
 * ensemble's members (detectors of other seeds, each with its own calibration) score the row
 * too, and its raw surprise is the mean of theirs: -log10 of the tail probabilities'
 * geometric mean (`members`).
 * Two steps may follow, each causal (DEFAULT_SCORING: the gate on, the likelihood off):
 *   -> the anomaly likelihood (likelihood.ts): the surprise's short moving average against a
 *      Gaussian of its recent values, so a file's own noise level is its baseline;
 *   -> the alert gate (alerts.ts): the first red row of an event alerts, its later red rows
 *      may be damped unless they are the event's new peak, so a threshold sees about one
 *      detection per event.
 * `surprise` and `anomaly_score` = 1 - 10^-surprise are the result; `rawSurprise` is the
 * surprise before both. Flags come after, separately (thresholds can be chosen after scoring).
 */
import { type ErrorGaussian, mahalanobis2 } from './gaussian.js';
import { Ewma, ewmaAlpha } from './smoothing.js';
import { fitTail, tailOfSorted, type TailModel, tailSurprise } from './tail.js';
import { telemanomEpsilon } from './thresholds.js';
import { AnomalyLikelihood, LIKELIHOOD_MIN_SD, type LikelihoodSettings } from './likelihood.js';
import { AlertGate, type AlertSettings } from './alerts.js';
import { normalTailSurprise } from './normal-tail.js';
import { firstAbove, firstAtLeast } from '../sorted-search.js';

export interface ScoredRow {
  /** squared Mahalanobis distance of the row's error vector */
  distance2: number;
  /** its EWMA: the reconstruction statistic */
  smoothed: number;
  /** per channel: its share of `smoothed` */
  contributions: Float64Array;
  /** the EWMA of the code's distance to the nearest training code (NaN without the code) */
  novelty: number;
  /** -log10 of the tail probabilities, before the likelihood and the alert gate */
  rawSurprise: number;
  /** -log10 of the tail probability: the likelihood's, after the alert gate */
  surprise: number;
  tailProbability: number;
  anomalyScore: number;
  /** the first red row of an event (alerts.ts); false without the gate */
  alert: boolean;
}

/**
 * Which normal rows a tail probability is measured against: only the held-out training rows
 * ('held-out': a false-alarm rate then means one on training data), or those and every row
 * scored since, the latest `history` of them, refitted every `every` rows ('running': a level
 * or a noise floor that changes for good stops looking anomalous, as in HTM's anomaly
 * likelihood). Either way row t is measured against rows before it.
 */
export type Calibration = { readonly kind: 'held-out' } | { readonly kind: 'running'; readonly history: number; readonly every: number };

export interface ScorerModel {
  /** newest steps of each window whose errors make the error vector */
  steps: number;
  channels: number;
  gaussian: ErrorGaussian;
  smoothingSpan: number;
  calibration: Calibration;
  /** the held-out rows' reconstruction statistic, in time order: the first history */
  heldOutSmoothed: ArrayLike<number>;
  /** the held-out rows' code novelty, in time order; absent when the code is not used */
  heldOutNovelty?: ArrayLike<number>;
  /** the second model's raw surprises on the same held-out rows (in-sample), when the detector has one */
  heldOutContext?: ArrayLike<number>;
  /**
   * each other member's raw surprises on the same held-out rows (in-sample), when the detector
   * is an ensemble: a row's raw surprise is then the mean of the members' (`members` in push)
   */
  heldOutMembers?: readonly ArrayLike<number>[];
  /** the anomaly likelihood over the surprise; null: none; absent: DEFAULT_SCORING's (what a detector.json without it gets) */
  likelihood?: LikelihoodSettings | null;
  /** the alert gate; null: none; absent: DEFAULT_SCORING's */
  alerts?: AlertSettings | null;
}

/**
 * The likelihood and the gate a detector gets unless told otherwise. Measured on NAB's 18
 * files, seeds 0-2 (bench/nab.ts; standard / low FP / low FN, mean of the seeds):
 * - the gate damping the score (red 3, damped 2, events ending after 200 rows without a red
 *   row; chosen on the tuning half, where red 2, 5, 8 and spans of 50-400 also beat no gate)
 *   gave a detector of one model the tuning half 53.3 / 45.9 / 61.7 against 49.6 / 44.3 /
 *   53.8 without, but the confirming half 33.9 / 28.5 / 37.3 against 41.4 / 32.3 / 45.5. With
 *   the second model that sees the time of day (the default since), it held: tuning half
 *   62.7 / 57.7 / 70.9 against 55.2 / 50.4 / 61.6 without the gate, confirming half 46.7 /
 *   37.0 / 52.5 against 43.3 / 29.2 / 48.8 (docs/detect.md). So the gate is on by default
 *   (a detector.json written before has none: detector-json.ts). The alerts `detect` writes
 *   come from its flags (tasks/detect/alerts.ts). The red level 3 is a tail probability of
 *   0.001, `detect`'s default false-alarm rate.
 * - a later row of an event keeps its surprise only when it escalates the event by 2 (100
 *   times rarer than the event's last undamped row), not at every new peak. Before it, a
 *   metric climbing row by row (a machine heating) alerted at every new high. With a code of
 *   8 (the detector's then), on the tuning half (escalation 0, 1, 2, 3, 4, 5, 6, 7, 8, 12:
 *   62.7, 70.8, 73.4, 75.7, 77.3, 78.1, 78.4, 75.6, 75.7, 74.5 standard) 6 was best, but it
 *   lost on the confirming half (low FP 37.0 -> 27.5; with seeds 1000-1002 lower on all three
 *   profiles), so the confirming half was
 *   used as a veto: of the escalations that lost on none of its profiles for either set of
 *   seeds (1 and 2), 2 scores higher on the tuning half: 73.4 / 60.8 / 80.8 against 62.7 /
 *   57.7 / 70.9 without; confirming half 47.4 / 37.7 / 57.9 against 46.7 / 37.0 / 52.5
 *   (docs/detect.md).
 * - the likelihood lost on the tuning half at every setting tried (HTM's: 32.1 / 24.3 / 37.2;
 *   an average of 1 or 3 rows, a history of 2000: 43-44 standard; with the damping gate 37.0
 *   and 45.3): the surprise is already measured against each file's own recent rows (the
 *   running calibration), and a Gaussian fitted to it blurs the tail that separates. Off.
 */
export const DEFAULT_SCORING = {
  likelihood: null,
  alerts: { red: 3, damped: 2, refractory: 200, escalation: 2 },
} as const satisfies { likelihood: LikelihoodSettings | null; alerts: AlertSettings | null };

/** The red level online learning leaves out when the detector has no gate. */
export const ALERT_GATE = { red: 3, damped: null, refractory: 200 } as const satisfies AlertSettings;

/** The scorer's likelihood and gate settings, absent ones filled in from DEFAULT_SCORING. */
export function scoringSteps(model: Pick<ScorerModel, 'likelihood' | 'alerts'>): { likelihood: LikelihoodSettings | null; alerts: AlertSettings | null } {
  return {
    likelihood: model.likelihood === undefined ? DEFAULT_SCORING.likelihood : model.likelihood,
    alerts: model.alerts === undefined ? DEFAULT_SCORING.alerts : model.alerts,
  };
}

/**
 * One statistic's tail probabilities against the held-out rows, and with 'running' every row
 * since. A refit needs the last `history` values in order: rather than sort them again every
 * `every` rows (most of a long file's scoring time), the sorted copy is updated by the values
 * that left and arrived since the last fit, in one merge (the same array a sort gives).
 */
export class RunningTail {
  private readonly history: Float64Array;
  private filled = 0;
  private next = 0;
  private sinceFit = 0;
  /** the history in ascending order as of the last fit */
  private sorted: Float64Array;
  /** values that left the history and that joined it since the last fit */
  private readonly leaving: number[] = [];
  private readonly arriving: number[] = [];
  /** the model the next value is measured against */
  tail: TailModel;

  constructor(
    private readonly calibration: Calibration,
    heldOut: ArrayLike<number>,
  ) {
    this.history = new Float64Array(calibration.kind === 'running' ? calibration.history : 0);
    for (let i = Math.max(0, heldOut.length - this.history.length); i < heldOut.length; i++) this.remember(heldOut[i]!);
    this.tail = calibration.kind === 'running' ? fitTail(this.history.subarray(0, this.filled)) : fitTail(heldOut);
    this.sorted = this.tail.sorted;
    this.leaving.length = 0;
    this.arriving.length = 0;
  }

  private remember(s: number): void {
    if (this.history.length === 0) return;
    if (this.filled === this.history.length) this.leaving.push(this.history[this.next]!);
    this.arriving.push(s);
    this.history[this.next] = s;
    this.next = (this.next + 1) % this.history.length;
    this.filled = Math.min(this.filled + 1, this.history.length);
  }

  /** -log10 of the tail probability of s against the rows so far; then s joins them. */
  push(s: number): number {
    const surprise = tailSurprise(this.tail, s);
    const c = this.calibration;
    if (c.kind === 'running') {
      this.remember(s);
      if (++this.sinceFit >= c.every) {
        this.sorted = mergeSorted(this.sorted, this.leaving, this.arriving);
        this.leaving.length = 0;
        this.arriving.length = 0;
        this.tail = tailOfSorted(this.sorted);
        this.sinceFit = 0;
      }
    }
    return surprise;
  }
}

/**
 * `sorted` (ascending) without one occurrence of each value in `leaving`, with `arriving`
 * added, ascending: a new array equal to sorting the resulting values. The few values that
 * change are found by binary search and the runs of `sorted` between them copied whole (a
 * refit every 50 rows of a 10,000-row history changes 1% of it). Values that are not finite
 * go in as they are (last, as a typed array's sort puts NaN), so fitting refuses them as it
 * refuses them in a sort.
 */
export function mergeSorted(sorted: Float64Array, leaving: readonly number[], arriving: readonly number[]): Float64Array {
  const out = Float64Array.from(arriving).sort();
  const gone = Float64Array.from(leaving).sort();
  // where each leaving value is (each occurrence taken once), and where each arriving one goes: after the values at or below it
  const removed = new Array<number>(gone.length);
  for (let g = 0, from = 0; g < gone.length; g++) {
    const at = from + firstAtLeast(sorted.subarray(from), gone[g]!);
    if (!(sorted[at] === gone[g])) throw new Error(`mergeSorted: ${leaving.length} leaving values were not all in the history`);
    removed[g] = at;
    from = at + 1;
  }
  const inserted = new Array<number>(out.length);
  for (let a = 0, from = 0; a < out.length; a++) {
    const x = out[a]!;
    inserted[a] = from = Number.isNaN(x) ? sorted.length : from + firstAbove(sorted.subarray(from), x);
  }
  const merged = new Float64Array(sorted.length - gone.length + out.length);
  let from = 0;
  let m = 0;
  const copyUpTo = (end: number) => {
    merged.set(sorted.subarray(from, end), m);
    m += end - from;
  };
  for (let r = 0, a = 0; r < removed.length || a < inserted.length; ) {
    if (a < inserted.length && (r === removed.length || inserted[a]! <= removed[r]!)) {
      copyUpTo(inserted[a]!);
      from = inserted[a]!;
      merged[m++] = out[a++]!;
    } else {
      copyUpTo(removed[r]!);
      from = removed[r++]! + 1;
    }
  }
  copyUpTo(sorted.length);
  return merged;
}

/** The held-out rows' raw surprises, each against all the held-out rows (in-sample): the likelihood's first history. */
export function heldOutRawSurprises(model: ScorerModel): Float64Array {
  const reconstruction = fitTail(model.heldOutSmoothed);
  const code = model.heldOutNovelty ? fitTail(model.heldOutNovelty) : undefined;
  const context = model.heldOutContext;
  const members = model.heldOutMembers ?? [];
  return Float64Array.from({ length: model.heldOutSmoothed.length }, (_, i) => {
    const own = tailSurprise(reconstruction, model.heldOutSmoothed[i]!) + (code ? tailSurprise(code, model.heldOutNovelty![i]!) : 0);
    const combined = context ? Math.max(own, context[i]!) : own;
    return members.reduce((sum, m) => sum + m[i]!, combined) / (members.length + 1);
  });
}

/**
 * The held-out rows' own surprises on the scale of the scorer's output, in-sample: the raw
 * surprises, and with the likelihood their moving averages against the Gaussian of all of
 * them. Where the thresholds that work on the surprise (k·σ, Telemanom's) start from.
 */
export function heldOutSurprises(model: ScorerModel): Float64Array {
  const raw = heldOutRawSurprises(model);
  const { likelihood } = scoringSteps(model);
  if (likelihood === null) return raw;
  const averages = Float64Array.from(raw, (_, i) => {
    const from = Math.max(0, i - likelihood.average + 1);
    let sum = 0;
    for (let j = from; j <= i; j++) sum += raw[j]!;
    return sum / (i - from + 1);
  });
  const mean = averages.reduce((a, b) => a + b, 0) / averages.length;
  const sd = Math.max(LIKELIHOOD_MIN_SD, Math.sqrt(averages.reduce((a, b) => a + (b - mean) ** 2, 0) / averages.length));
  return averages.map((m) => normalTailSurprise((m - mean) / sd));
}

/** Error vectors (and codes' novelty) in, scored rows out, one at a time. */
export class OnlineScorer {
  private readonly smoothed: Ewma;
  private readonly noveltySmoother: Ewma;
  private readonly channelSmoothers: Ewma[];
  private readonly terms: Float64Array;
  private readonly reconstructionTail: RunningTail;
  private readonly codeTail: RunningTail | undefined;
  private readonly likelihood: AnomalyLikelihood | undefined;
  private readonly gate: AlertGate | undefined;

  constructor(readonly model: ScorerModel) {
    const alpha = ewmaAlpha(model.smoothingSpan);
    this.smoothed = new Ewma(alpha);
    this.noveltySmoother = new Ewma(alpha);
    this.channelSmoothers = Array.from({ length: model.channels }, () => new Ewma(alpha));
    this.terms = new Float64Array(model.gaussian.dim);
    this.reconstructionTail = new RunningTail(model.calibration, model.heldOutSmoothed);
    this.codeTail = model.heldOutNovelty ? new RunningTail(model.calibration, model.heldOutNovelty) : undefined;
    const steps = scoringSteps(model);
    this.likelihood = steps.likelihood ? new AnomalyLikelihood(steps.likelihood, heldOutRawSurprises(model)) : undefined;
    this.gate = steps.alerts ? new AlertGate(steps.alerts) : undefined;
  }

  /**
   * e: the row's error vector, (steps, channels) row-major, from `offset`; novelty: its
   * code's distance (when the code is used); context: the second model's raw surprise for
   * the row (when the detector has one), which the row's raw surprise takes when larger;
   * members: the sum of the other members' raw surprises for the row (an ensemble's), which
   * the row's raw surprise is averaged with.
   */
  push(e: ArrayLike<number>, offset = 0, novelty = NaN, context = NaN, members = NaN): ScoredRow {
    const { channels: D, steps } = this.model;
    const distance2 = mahalanobis2(this.model.gaussian, e, offset, this.terms);
    const smoothed = this.smoothed.push(distance2);
    const contributions = new Float64Array(D);
    for (let c = 0; c < D; c++) {
      let sum = 0;
      for (let s = 0; s < steps; s++) sum += this.terms[s * D + c]!;
      contributions[c] = this.channelSmoothers[c]!.push(sum);
    }
    let rawSurprise = this.reconstructionTail.push(smoothed);
    let smoothedNovelty = NaN;
    if (this.codeTail) {
      if (Number.isNaN(novelty)) throw new Error('OnlineScorer: this detector scores the code too; pass its novelty');
      smoothedNovelty = this.noveltySmoother.push(novelty);
      rawSurprise += this.codeTail.push(smoothedNovelty);
    }
    if (context > rawSurprise) rawSurprise = context;
    const others = this.model.heldOutMembers?.length ?? 0;
    if (others > 0) {
      if (Number.isNaN(members)) throw new Error("OnlineScorer: this detector is an ensemble; pass the other members' raw surprises");
      rawSurprise = (rawSurprise + members) / (others + 1);
    }
    let surprise = this.likelihood ? this.likelihood.push(rawSurprise) : rawSurprise;
    let alert = false;
    if (this.gate) ({ surprise, alert } = this.gate.push(surprise));
    const p = 10 ** -surprise;
    return { distance2, smoothed, contributions, novelty: smoothedNovelty, rawSurprise, surprise, tailProbability: p, anomalyScore: 1 - p, alert };
  }
}

/** How a row is flagged: a fixed threshold on anomaly_score or on the surprise, or Telemanom's dynamic one. */
export type ThresholdRule =
  | { readonly rule: 'fpr'; readonly fpr: number; readonly score: number }
  | { readonly rule: 'sigma'; readonly k: number; readonly surprise: number }
  | { readonly rule: 'fbeta'; readonly beta: number; readonly surprise: number }
  | {
      readonly rule: 'dynamic';
      /** the trailing window of surprises ε is chosen over (Telemanom: 30 batches of 70) */
      readonly window: number;
      /** ε is chosen again every this many rows (Telemanom's batch) */
      readonly every: number;
      readonly errorBuffer: number;
      readonly sdLimit: number;
    };

/** The threshold of one row, in the domain its rule works in, and the flag. */
export interface RowThreshold {
  /** 'score': compared with anomaly_score; 'surprise': with -log10 of the tail probability */
  domain: 'score' | 'surprise';
  threshold: number;
  flag: boolean;
}

/**
 * Thresholds row by row. fpr compares anomaly_score with 1 - fpr; fbeta compares the surprise
 * with the value chosen on labelled rows, sigma with the held-out mean + k·sd; the dynamic rule keeps the last
 * `window` surprises (starting from the held-out rows' own, so the first rows of a stream have
 * a history), chooses Telemanom's ε over them every `every` rows, and flags a surprise >= ε
 * (nothing when the window has no spread).
 */
export class OnlineThreshold {
  private readonly history: Float64Array;
  private filled = 0;
  private next = 0;
  private rows = 0;
  private epsilon = Infinity;

  constructor(
    readonly rule: ThresholdRule,
    heldOutSurprise: ArrayLike<number> = [],
  ) {
    this.history = new Float64Array(rule.rule === 'dynamic' ? rule.window : 0);
    if (rule.rule === 'dynamic') {
      const from = Math.max(0, heldOutSurprise.length - rule.window);
      for (let i = from; i < heldOutSurprise.length; i++) this.remember(heldOutSurprise[i]!);
    }
  }

  private remember(s: number): void {
    this.history[this.next] = s;
    this.next = (this.next + 1) % this.history.length;
    this.filled = Math.min(this.filled + 1, this.history.length);
  }

  push(row: { surprise: number; anomalyScore: number }): RowThreshold {
    const rule = this.rule;
    if (rule.rule === 'fpr') return { domain: 'score', threshold: rule.score, flag: row.anomalyScore >= rule.score };
    if (rule.rule === 'sigma' || rule.rule === 'fbeta') return { domain: 'surprise', threshold: rule.surprise, flag: row.surprise >= rule.surprise };
    this.remember(row.surprise);
    if (this.rows % rule.every === 0) {
      // the window in time order: oldest first
      const n = this.filled;
      const ordered = new Float64Array(n);
      const start = n < this.history.length ? 0 : this.next;
      for (let i = 0; i < n; i++) ordered[i] = this.history[(start + i) % this.history.length]!;
      this.epsilon = telemanomEpsilon(ordered, { errorBuffer: rule.errorBuffer, sdLimit: rule.sdLimit }).epsilon;
    }
    this.rows++;
    return { domain: 'surprise', threshold: this.epsilon, flag: row.surprise >= this.epsilon };
  }
}
