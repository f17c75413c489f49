/**
 * A detector: the trained autoencoder plus everything that turns its reconstructions and codes
 * into scores (the scaling, the error Gaussian, the training codes, the smoothing, the
 * statistics of held-out normal rows). Fitted on a training span, then used two ways that give
 * the same numbers: scoreSeries on a whole file (one predict and one encode call for every
 * window) and LiveDetector row by row (one window per row, for --follow).
 */
import { InputError } from '../../input-error.js';
import { fitErrorGaussian, mahalanobis2, type ErrorGaussian } from '../../analysis/anomaly/gaussian.js';
import { fitScaling, scaleRow, scaleValues, type ChannelScaling } from '../../analysis/anomaly/scaling.js';
import { ALERT_GATE, DEFAULT_SCORING, OnlineScorer, scoringSteps, type Calibration, type ScorerModel } from '../../analysis/anomaly/scorer.js';
import type { LikelihoodSettings } from '../../analysis/anomaly/likelihood.js';
import type { AlertSettings } from '../../analysis/anomaly/alerts.js';
import { ewma } from '../../analysis/anomaly/smoothing.js';
import { newestStepErrors, trailingWindows } from '../../analysis/anomaly/windows.js';
import { nearestCodeDistance, thinCodes } from '../../analysis/anomaly/novelty.js';
import type { FitCallbacks, LstmAutoencoder } from '../../models/autoencoder/lstm-autoencoder.js';
import { createDetectModel, trainDetectModel, type TrainingOutcome } from './model.js';
import { rowsKept, tunableCopy, tune, tunesAfter, type OnlineLearningSettings } from './online-learning.js';

export interface DetectorSettings {
  /** rows per window (W) */
  window: number;
  /** newest steps of each window whose errors are scored */
  steps: number;
  /** EWMA span of the anomaly statistic, in rows */
  smoothingSpan: number;
  /** the last share of the training windows held out: early stopping, the error Gaussian and the score distribution */
  heldOutShare: number;
  /** what the tail probability is measured against (see Calibration) */
  calibration: Calibration;
  /** score the code's novelty beside the reconstruction error (see scorer.ts) */
  useCode: boolean;
  /** the anomaly likelihood over the surprise (likelihood.ts); null: none; absent: DEFAULT_SCORING's */
  likelihood?: LikelihoodSettings | null;
  /** alert once per event (alerts.ts); null: no gate; absent: DEFAULT_SCORING's */
  alerts?: AlertSettings | null;
  /** keep tuning the model on the rows scored (online-learning.ts); null: never; absent: DEFAULT_ONLINE_LEARNING */
  online?: OnlineLearningSettings | null;
  seed: number;
  latentDim?: number;
  epochs?: number;
  threads?: number;
  callbacks?: FitCallbacks;
}

/**
 * The defaults, chosen on NAB's 18 files over seeds 0-2 (bench/nab.ts): windows of 16 rows
 * beat 8, 24 and 32; no smoothing beat spans of 2 to 16; a running calibration over 10,000
 * rows beat 3,000 and the held-out rows alone (which scores 0 there: every file drifts away
 * from its first 15%).
 */
export const DEFAULT_DETECTOR_SETTINGS = {
  window: 16,
  steps: 1,
  smoothingSpan: 1,
  heldOutShare: 0.3,
  calibration: { kind: 'running', history: 10_000, every: 50 },
  useCode: true,
  likelihood: DEFAULT_SCORING.likelihood,
  alerts: DEFAULT_SCORING.alerts,
  seed: 0,
} as const satisfies Omit<DetectorSettings, 'threads' | 'epochs' | 'latentDim' | 'callbacks'>;

/**
 * Online learning unless told otherwise: none. Measured on the tuning half of NAB's 18 files,
 * seeds 0-2 (bench/nab.ts --learn-*; standard / low FP / low FN, mean of the seeds; without
 * it 49.6 / 44.3 / 53.8): tuning every 500 rows on the last 1000 for 2 epochs 40.5 / 36.0 /
 * 47.0; every 2000 (1000) rows on 4000 (3000), 1 epoch, 26.1 (15.0) standard; every 250 on
 * 500, 40.4; gentler and more often did best, every 100 rows on 400 at a learning rate of
 * 3e-4 47.6 / 39.0 / 59.7 (every 50: 51.0 / 39.0 / 62.1; keeping the fitted reference codes
 * instead of the tuned ones 45.2 standard; with the damping alert gate 54.0 / 46.4 / 62.0, the
 * best on the tuning half, but 38.5 / 30.2 / 43.8 on the confirming half against 41.4 / 32.3 /
 * 45.5 without either). Each tuning moves the statistics the running calibration has
 * learnt, which costs more than the drift it follows. Time: the 18 files took 10.0-11.1 s a
 * seed with it (every 100 rows, 2 threads) against 10.0-10.5 s without, on the same busy machine.
 */
export const DEFAULT_ONLINE_LEARNING: OnlineLearningSettings | null = null;

/** The fewest windows each part of the training span must give. */
const MIN_TRAIN_WINDOWS = 16;
const MIN_HELD_OUT_WINDOWS = 8;

export interface Detector {
  model: LstmAutoencoder;
  window: number;
  steps: number;
  channels: number;
  scaling: ChannelScaling;
  scorer: ScorerModel;
  /** the training windows' codes the novelty is measured against, (M, latent); absent when the code is not used */
  codeReference?: Float64Array;
  /** online learning; null: none; absent: DEFAULT_ONLINE_LEARNING (what a detector.json without it gets) */
  online?: OnlineLearningSettings | null;
}

function onlineLearning(detector: Detector): OnlineLearningSettings | null {
  return detector.online === undefined ? DEFAULT_ONLINE_LEARNING : detector.online;
}

/** The raw surprise at which a row is red: left out of online learning. */
function redLevel(detector: Detector): number {
  return (scoringSteps(detector.scorer).alerts ?? ALERT_GATE).red;
}

/** A detector just fitted, with how its training went. */
export interface FittedDetector extends Detector {
  training: TrainingOutcome & { rows: number; trainWindows: number; heldOutWindows: number };
}

/** Every row's scores; rows before the first full window hold NaN (and no flag). */
export interface ScoredSeries {
  rows: number;
  /** the first row with a full window: W - 1 */
  first: number;
  distance2: Float64Array;
  smoothed: Float64Array;
  /** the code's novelty (NaN without the code) */
  novelty: Float64Array;
  /** -log10 of the tail probabilities before the likelihood and the alert gate */
  rawSurprise: Float64Array;
  /** -log10 of the tail probability (after the likelihood and the gate) */
  surprise: Float64Array;
  tailProbability: Float64Array;
  anomalyScore: Float64Array;
  /** 1 on the first red row of each event (alerts.ts) */
  alert: Uint8Array;
  /** (rows, channels) */
  contributions: Float64Array;
}

function checkSettings(s: DetectorSettings): void {
  const whole = (name: string, v: number, min: number) => {
    if (!Number.isInteger(v) || v < min) throw new InputError(`${name} ${v}; expected a whole number from ${min} up`);
  };
  whole('window', s.window, 2);
  whole('steps', s.steps, 1);
  if (s.steps > s.window) throw new InputError(`steps ${s.steps} is more than the window's ${s.window} rows; expected 1 to ${s.window}`);
  if (!(s.smoothingSpan >= 1)) throw new InputError(`smoothing span ${s.smoothingSpan}; expected a number of rows from 1 up`);
  if (!(s.heldOutShare > 0 && s.heldOutShare < 1)) throw new InputError(`held-out share ${s.heldOutShare}; expected a number between 0 and 1`);
}

/** The windows a training span of `trainRows` rows gives, and how many of them are held out. */
export function trainingWindows(trainRows: number, settings: Pick<DetectorSettings, 'window' | 'heldOutShare'>): { windows: number; heldOut: number } {
  const windows = trainRows - settings.window + 1;
  return { windows, heldOut: Math.max(MIN_HELD_OUT_WINDOWS, Math.round(settings.heldOutShare * windows)) };
}

/** trainingWindows, or one InputError line when the span is too short to fit a detector on. */
export function checkedTrainingWindows(
  trainRows: number,
  settings: Pick<DetectorSettings, 'window' | 'heldOutShare'>,
  source: string,
): { windows: number; heldOut: number } {
  const { windows, heldOut } = trainingWindows(trainRows, settings);
  const W = settings.window;
  if (windows - heldOut < MIN_TRAIN_WINDOWS) {
    throw new InputError(
      `${source}: ${trainRows} training rows give ${Math.max(0, windows)} windows of ${W} rows; expected at least ${MIN_TRAIN_WINDOWS + MIN_HELD_OUT_WINDOWS + W - 1} rows ` +
        `(${MIN_TRAIN_WINDOWS} windows to train on and ${MIN_HELD_OUT_WINDOWS} held out): give a longer training span or a smaller --window`,
    );
  }
  return { windows, heldOut };
}

/**
 * Fits a detector on rows [0, trainRows) of `values` (rows, channels), raw: the scaling on
 * them, the model on their first windows, the error model on the rest (held out).
 */
export async function fitDetector(values: Float64Array, channels: number, trainRows: number, settings: DetectorSettings, source = 'the training span'): Promise<FittedDetector> {
  checkSettings(settings);
  const { window: W, steps } = settings;
  const { windows, heldOut } = checkedTrainingWindows(trainRows, settings, source);
  const scaling = fitScaling(values, channels, trainRows);
  const scaled = scaleValues(scaling, values.subarray(0, trainRows * channels), channels);
  // windows end at rows W-1 .. trainRows-1; those ending at split.. are held out, so the rows they score were never trained on
  const split = trainRows - heldOut;
  const trainX = trailingWindows(scaled, channels, W, W - 1, split - 1);
  const heldX = trailingWindows(scaled, channels, W, split, trainRows - 1);
  const model = createDetectModel({ window: W, channels, seed: settings.seed, latentDim: settings.latentDim });
  const shape = (n: number): [number, number, number] => [n, W, channels];
  const outcome = await trainDetectModel(model, { data: trainX, shape: shape(windows - heldOut) }, { data: heldX, shape: shape(heldOut) }, settings);

  const heldRecon = (await model.predict({ data: heldX, shape: shape(heldOut) }, { threads: settings.threads })).data;
  const errors = newestStepErrors(heldX, heldRecon, heldOut, W, channels, steps);
  const dim = steps * channels;
  const gaussian: ErrorGaussian = fitErrorGaussian(errors, heldOut, dim);
  const d2 = Float64Array.from({ length: heldOut }, (_, k) => mahalanobis2(gaussian, errors, k * dim));
  const heldOutSmoothed = ewma(d2, settings.smoothingSpan);
  let code: { reference: Float64Array; heldOutNovelty: Float64Array } | undefined;
  if (settings.useCode) {
    const L = model.config.latentDim;
    const reference = thinCodes((await model.encode({ data: trainX, shape: shape(windows - heldOut) }, { threads: settings.threads })).data, windows - heldOut, L);
    const heldCodes = (await model.encode({ data: heldX, shape: shape(heldOut) }, { threads: settings.threads })).data;
    const novelty = Float64Array.from({ length: heldOut }, (_, k) => nearestCodeDistance(reference, L, heldCodes, k * L));
    code = { reference, heldOutNovelty: ewma(novelty, settings.smoothingSpan) };
  }
  return {
    model,
    window: W,
    steps,
    channels,
    scaling,
    scorer: {
      steps, channels, gaussian, smoothingSpan: settings.smoothingSpan, calibration: settings.calibration, heldOutSmoothed,
      ...(code ? { heldOutNovelty: code.heldOutNovelty } : {}),
      ...(settings.likelihood !== undefined ? { likelihood: settings.likelihood } : {}),
      ...(settings.alerts !== undefined ? { alerts: settings.alerts } : {}),
    },
    ...(code ? { codeReference: code.reference } : {}),
    ...(settings.online !== undefined ? { online: settings.online } : {}),
    training: { ...outcome, rows: trainRows, trainWindows: windows - heldOut, heldOutWindows: heldOut },
  };
}

function emptySeries(rows: number, channels: number, first: number): ScoredSeries {
  const nan = () => new Float64Array(rows).fill(NaN);
  return {
    rows,
    first,
    distance2: nan(),
    smoothed: nan(),
    novelty: nan(),
    rawSurprise: nan(),
    surprise: nan(),
    tailProbability: nan(),
    anomalyScore: nan(),
    alert: new Uint8Array(rows),
    contributions: new Float64Array(rows * channels).fill(NaN),
  };
}

function record(series: ScoredSeries, t: number, row: ReturnType<OnlineScorer['push']>): void {
  series.distance2[t] = row.distance2;
  series.smoothed[t] = row.smoothed;
  series.novelty[t] = row.novelty;
  series.rawSurprise[t] = row.rawSurprise;
  series.surprise[t] = row.surprise;
  series.alert[t] = row.alert ? 1 : 0;
  series.tailProbability[t] = row.tailProbability;
  series.anomalyScore[t] = row.anomalyScore;
  series.contributions.set(row.contributions, t * row.contributions.length);
}

/**
 * Scores every row of `values` (rows, channels), raw, with one predict call over all windows,
 * or with online learning one per stretch between two tunings.
 */
export async function scoreSeries(detector: Detector, values: Float64Array, threads?: number): Promise<ScoredSeries> {
  const { window: W, channels: D, steps } = detector;
  const rows = values.length / D;
  const series = emptySeries(rows, D, W - 1);
  if (rows < W) return series;
  const scaled = scaleValues(detector.scaling, values, D);
  const online = onlineLearning(detector);
  const model = online ? tunableCopy(detector.model) : detector.model;
  let reference = detector.codeReference;
  const red = new Uint8Array(rows);
  const level = redLevel(detector);
  const scorer = new OnlineScorer(detector.scorer);
  for (let from = W - 1; from < rows; ) {
    let to = rows - 1;
    if (online) for (to = from; to < rows - 1 && !tunesAfter(online, to); to++);
    const x = trailingWindows(scaled, D, W, from, to);
    const n = to - from + 1;
    const recon = (await model.predict({ data: x, shape: [n, W, D] }, { threads })).data;
    const errors = newestStepErrors(x, recon, n, W, D, steps);
    const novelty = await codeNovelty(model, reference, x, n, threads);
    for (let k = 0; k < n; k++) {
      const row = scorer.push(errors, k * steps * D, novelty[k]);
      record(series, from + k, row);
      red[from + k] = row.rawSurprise >= level ? 1 : 0;
    }
    if (online && to < rows - 1) {
      const codes = await tune(model, { scaled, red, from: 0 }, to, online, { window: W, channels: D, codes: reference !== undefined, threads });
      if (codes) reference = codes;
    }
    from = to + 1;
  }
  if (online) await model.dispose();
  return series;
}

/** Each window's code's distance to the nearest reference code; NaN when the detector does not use the code. */
async function codeNovelty(model: LstmAutoencoder, reference: Float64Array | undefined, x: Float32Array, n: number, threads?: number): Promise<Float64Array> {
  if (reference === undefined) return new Float64Array(n).fill(NaN);
  const L = model.config.latentDim;
  const { timesteps, inputDim } = model.config;
  const codes = (await model.encode({ data: x, shape: [n, timesteps, inputDim] }, { threads })).data;
  return Float64Array.from({ length: n }, (_, k) => nearestCodeDistance(reference, L, codes, k * L));
}

/**
 * The same scores one row at a time, as rows arrive: the last W scaled rows are kept, and each
 * full window is reconstructed on its own (the model's forward pass gives a window the same
 * numbers alone as in a batch). With online learning, the rows a tuning needs are kept too,
 * and the model is tuned after the same rows as scoreSeries tunes it.
 */
export class LiveDetector {
  private readonly recent: Float32Array;
  private readonly x: Float32Array;
  private seen = 0;
  private readonly scorer: OnlineScorer;
  private readonly scaledRow: Float64Array;
  private readonly online: OnlineLearningSettings | null;
  private readonly model: LstmAutoencoder;
  private reference: Float64Array | undefined;
  /** with online learning: the last rowsKept rows, scaled, and their red flags, as rings */
  private readonly kept: { scaled: Float64Array; red: Uint8Array } | undefined;
  private readonly level: number;

  constructor(readonly detector: Detector) {
    this.recent = new Float32Array(detector.window * detector.channels);
    this.x = new Float32Array(detector.window * detector.channels);
    this.scorer = new OnlineScorer(detector.scorer);
    this.scaledRow = new Float64Array(detector.channels);
    this.online = onlineLearning(detector);
    this.model = this.online ? tunableCopy(detector.model) : detector.model;
    this.reference = detector.codeReference;
    const size = this.online ? rowsKept(this.online, detector.window) : 0;
    this.kept = this.online ? { scaled: new Float64Array(size * detector.channels), red: new Uint8Array(size) } : undefined;
    this.level = redLevel(detector);
  }

  /** The next row's raw values; its scores once its window is full, else undefined. */
  async push(values: ArrayLike<number>): Promise<ReturnType<OnlineScorer['push']> | undefined> {
    const { window: W, channels: D, steps } = this.detector;
    const t = this.seen;
    scaleRow(this.detector.scaling, values, this.scaledRow);
    this.recent.set(this.scaledRow, (t % W) * D);
    const slot = this.kept ? t % this.kept.red.length : 0;
    this.kept?.scaled.set(this.scaledRow, slot * D);
    this.seen++;
    if (this.seen < W) return undefined;
    // oldest first: the ring starts at the slot the next row will overwrite
    const start = this.seen % W;
    for (let k = 0; k < W; k++) this.x.set(this.recent.subarray(((start + k) % W) * D, ((start + k) % W + 1) * D), k * D);
    const recon = (await this.model.predict({ data: this.x, shape: [1, W, D] }, { threads: 1 })).data;
    const errors = newestStepErrors(this.x, recon, 1, W, D, steps);
    const novelty = await codeNovelty(this.model, this.reference, this.x, 1, 1);
    const row = this.scorer.push(errors, 0, novelty[0]);
    if (this.kept && this.online) {
      this.kept.red[slot] = row.rawSurprise >= this.level ? 1 : 0;
      if (tunesAfter(this.online, t)) await this.tune(t);
    }
    return row;
  }

  /** Tunes after row t, on the kept rows laid out in time order. */
  private async tune(t: number): Promise<void> {
    const kept = this.kept!;
    const { window: W, channels: D } = this.detector;
    const size = kept.red.length;
    const n = Math.min(this.seen, size);
    const from = t - n + 1;
    const scaled = new Float64Array(n * D);
    const red = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const slot = (from + i) % size;
      scaled.set(kept.scaled.subarray(slot * D, (slot + 1) * D), i * D);
      red[i] = kept.red[slot]!;
    }
    const codes = await tune(this.model, { scaled, red, from }, t, this.online!, { window: W, channels: D, codes: this.reference !== undefined, threads: 1 });
    if (codes) this.reference = codes;
  }
}
