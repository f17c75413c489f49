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
import { ALERT_GATE, DEFAULT_SCORING, heldOutRawSurprises, OnlineScorer, scoringSteps, type Calibration, type ScorerModel } from '../../analysis/anomaly/scorer.js';
import { coversDay, withTimeOfDay, writeTimeOfDay } from '../../analysis/anomaly/time-of-day.js';
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
  /** a second model that also sees the time of day, when the rows have dates and times (see fitDetector) */
  timeOfDay: boolean;
  /** the anomaly likelihood over the surprise (likelihood.ts); null: none; absent: DEFAULT_SCORING's */
  likelihood?: LikelihoodSettings | null;
  /** alert once per event (alerts.ts); null: no gate; absent: DEFAULT_SCORING's */
  alerts?: AlertSettings | null;
  /** keep tuning the model on the rows scored (online-learning.ts); null: never; absent: DEFAULT_ONLINE_LEARNING */
  online?: OnlineLearningSettings | null;
  /** detectors in the ensemble, of seeds seed, seed + 1000, ... (memberSeed), their raw surprises averaged; absent: DEFAULT_ENSEMBLE */
  ensemble?: number;
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
 * from its first 15%). The second model that sees the time of day, its surprise taking the
 * row's when larger, with the alert gate (scorer.ts DEFAULT_SCORING), gave the tuning half
 * 62.7 / 57.7 / 70.9 against 49.6 / 44.3 / 53.8 with neither, and held on the confirming
 * half, 46.7 / 37.0 / 52.5 against 41.4 / 32.3 / 45.5 (docs/detect.md).
 */
export const DEFAULT_DETECTOR_SETTINGS = {
  window: 16,
  steps: 1,
  smoothingSpan: 1,
  heldOutShare: 0.3,
  calibration: { kind: 'running', history: 10_000, every: 50 },
  useCode: true,
  timeOfDay: true,
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

/**
 * Two detectors unless told otherwise, of seeds seed and seed + 1000, each with its own
 * scaling, models and running calibration; a row's raw surprise is the mean of theirs, before
 * the alert gate. A detector of one seed is a draw: over 18 seeds the standard NAB score of
 * the 18 files ranged from 58.5 to 74.5. Chosen on the tuning half over those 18 seeds (one,
 * two and three detectors: 71.3 / 61.3 / 78.2, 73.9 / 64.0 / 80.5 and 73.3 / 62.7 / 80.3,
 * standard / low FP / low FN), confirmed on the confirming half (60.5 / 50.6 / 67.9 with
 * one, 62.9 / 53.8 / 71.1 with two); docs/detect.md. Fitting and scoring take twice as long.
 */
export const DEFAULT_ENSEMBLE = 2;

/** The most detectors an ensemble may have. */
export const MAX_ENSEMBLE = 16;

/** The seed of member k of an ensemble of seed `seed`: member 0 is the detector's own. */
export function memberSeed(seed: number, k: number): number {
  return seed + 1000 * k;
}

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
  /** the second model, which also sees the time of day; absent: none */
  context?: ContextModel;
  /**
   * the ensemble's other detectors (seeds memberSeed(seed, 1), ...), each without likelihood,
   * gate or members of its own; their raw surprises are averaged with this one's (scorer.ts);
   * absent: none, a detector of one seed
   */
  members?: Detector[];
}

/**
 * The second model: its input is each row's values and the time of day's sin and cos
 * (channels + 2, scaled by its own scaling), its scorer scores the values' errors only, with
 * neither likelihood nor gate: its raw surprise goes into the detector's (OnlineScorer.push).
 * Online learning does not tune it.
 */
export interface ContextModel {
  model: LstmAutoencoder;
  scaling: ChannelScaling;
  scorer: ScorerModel;
  codeReference?: Float64Array;
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
  if (s.ensemble !== undefined && !(Number.isInteger(s.ensemble) && s.ensemble >= 1 && s.ensemble <= MAX_ENSEMBLE)) {
    throw new InputError(`ensemble of ${s.ensemble} detectors; expected a whole number from 1 to ${MAX_ENSEMBLE}`);
  }
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

/** One model just fitted, with the statistics that turn its errors and codes into raw surprises, and how its training went. */
interface FittedMember extends ContextModel {
  outcome: TrainingOutcome;
}

/**
 * Fits one model on rows [0, trainRows) of `values` (rows, channels), raw: the scaling on
 * them, the model on their first windows, the error model of the first `scored` channels
 * on the rest (held out). The scorer has neither likelihood nor gate: the caller adds them.
 */
async function fitMember(values: Float64Array, channels: number, scored: number, trainRows: number, settings: DetectorSettings): Promise<FittedMember> {
  const { window: W, steps } = settings;
  const { windows, heldOut } = trainingWindows(trainRows, settings);
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
  const errors = newestStepErrors(heldX, heldRecon, heldOut, W, channels, steps, scored);
  const dim = steps * scored;
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
    scaling,
    scorer: {
      steps, channels: scored, gaussian, smoothingSpan: settings.smoothingSpan, calibration: settings.calibration, heldOutSmoothed,
      ...(code ? { heldOutNovelty: code.heldOutNovelty } : {}),
      likelihood: null,
      alerts: null,
    },
    ...(code ? { codeReference: code.reference } : {}),
    outcome,
  };
}

/** Whether a fit on these training rows adds the second model: asked for, and rows with dates and times over at least a day. */
function fitsTimeOfDay(settings: Pick<DetectorSettings, 'timeOfDay'>, trainRows: number, times: readonly string[] | undefined): times is readonly string[] {
  return settings.timeOfDay && times !== undefined && coversDay(times.slice(0, trainRows));
}

/** How many models fitDetector trains, one after another: each member of the ensemble, and its time-of-day model when it has one. */
export function modelsFitted(settings: Pick<DetectorSettings, 'timeOfDay' | 'ensemble'>, trainRows: number, times: readonly string[] | undefined): number {
  return (settings.ensemble ?? DEFAULT_ENSEMBLE) * (fitsTimeOfDay(settings, trainRows, times) ? 2 : 1);
}

/**
 * Fits a detector on rows [0, trainRows) of `values` (rows, channels), raw (fitMember), and
 * with `settings.timeOfDay` and training rows whose times are dates and times over at least
 * a day (coversDay), a second model that sees each row's time of day as two more input
 * channels (its errors are not scored: the values' are), on the same rows with the same seed.
 * With `settings.ensemble` above 1, the other members are fitted the same way with their
 * seeds, after this one (whose training is the one reported).
 */
export async function fitDetector(
  values: Float64Array,
  channels: number,
  trainRows: number,
  settings: DetectorSettings,
  source = 'the training span',
  times?: readonly string[],
): Promise<FittedDetector> {
  checkSettings(settings);
  const { windows, heldOut } = checkedTrainingWindows(trainRows, settings, source);
  const main = await fitMember(values, channels, channels, trainRows, settings);
  let context: ContextModel | undefined;
  if (fitsTimeOfDay(settings, trainRows, times)) {
    const { outcome: _, ...fitted } = await fitMember(withTimeOfDay(values.subarray(0, trainRows * channels), channels, times, source), channels + 2, channels, trainRows, settings);
    context = fitted;
  }
  const members: Detector[] = [];
  for (let k = 1; k < (settings.ensemble ?? DEFAULT_ENSEMBLE); k++) {
    const memberSettings = { ...settings, seed: memberSeed(settings.seed, k), ensemble: 1, likelihood: null, alerts: null };
    const { training: _, ...member } = await fitDetector(values, channels, trainRows, memberSettings, source, times);
    members.push(member);
  }
  const { likelihood, alerts } = settings;
  return {
    model: main.model,
    window: settings.window,
    steps: settings.steps,
    channels,
    scaling: main.scaling,
    scorer: {
      ...main.scorer,
      ...(context ? { heldOutContext: heldOutRawSurprises(context.scorer) } : {}),
      ...(members.length > 0 ? { heldOutMembers: members.map((m) => heldOutRawSurprises(m.scorer)) } : {}),
      ...(likelihood !== undefined ? { likelihood } : { likelihood: DEFAULT_SCORING.likelihood }),
      ...(alerts !== undefined ? { alerts } : { alerts: DEFAULT_SCORING.alerts }),
    },
    ...(main.codeReference ? { codeReference: main.codeReference } : {}),
    ...(context ? { context } : {}),
    ...(settings.online !== undefined ? { online: settings.online } : {}),
    ...(members.length > 0 ? { members } : {}),
    training: { ...main.outcome, rows: trainRows, trainWindows: windows - heldOut, heldOutWindows: heldOut },
  };
}

/** Frees the detector's models: its own, its second model's and its members'. */
export async function disposeDetector(detector: Detector): Promise<void> {
  await detector.model.dispose();
  await detector.context?.model.dispose();
  for (const member of detector.members ?? []) await disposeDetector(member);
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

/** The one line a detector with the second model gives when it is not given the rows' times. */
function needsTimes(): InputError {
  return new InputError("this detector reads the time of day from each row's time stamp (it was fitted on rows with dates and times); give the rows' time stamps");
}

/**
 * The second model's raw surprise of every row of `values` (rows, channels), raw (NaN
 * before the first full window): one predict over all windows, then the scoring chain.
 */
async function contextSurprises(detector: Detector, context: ContextModel, values: Float64Array, times: readonly string[], threads?: number): Promise<Float64Array> {
  const { window: W, channels: D, steps } = detector;
  const C = D + 2;
  const rows = values.length / D;
  const scaled = scaleValues(context.scaling, withTimeOfDay(values, D, times, 'the rows scored'), C);
  const n = rows - W + 1;
  const x = trailingWindows(scaled, C, W, W - 1, rows - 1);
  const { errors, novelty } = await windowScores(context.model, context.codeReference, x, n, steps, D, threads);
  const scorer = new OnlineScorer(context.scorer);
  const out = new Float64Array(rows).fill(NaN);
  for (let k = 0; k < n; k++) out[W - 1 + k] = scorer.push(errors, k * steps * D, novelty[k]).rawSurprise;
  return out;
}

/** The sum of the members' raw surprises of every row (NaN before the first full window): each member scores the whole series. */
async function membersSurprises(members: readonly Detector[], values: Float64Array, threads?: number, times?: readonly string[]): Promise<Float64Array> {
  const sum = new Float64Array(values.length / members[0]!.channels);
  for (const member of members) {
    const { rawSurprise } = await scoreSeries(member, values, threads, times);
    rawSurprise.forEach((r, t) => (sum[t] = sum[t]! + r));
  }
  return sum;
}

/**
 * Scores every row of `values` (rows, channels), raw, with one predict call over all windows,
 * or with online learning one per stretch between two tunings. `times`: each row's time
 * stamp, which a detector with the second model needs.
 */
export async function scoreSeries(detector: Detector, values: Float64Array, threads?: number, times?: readonly string[]): Promise<ScoredSeries> {
  const { window: W, channels: D, steps } = detector;
  const rows = values.length / D;
  const series = emptySeries(rows, D, W - 1);
  if (detector.context && times === undefined) throw needsTimes();
  if (rows < W) return series;
  const context = detector.context ? await contextSurprises(detector, detector.context, values, times!, threads) : undefined;
  const members = detector.members ? await membersSurprises(detector.members, values, threads, times) : undefined;
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
    const { errors, novelty } = await windowScores(model, reference, x, n, steps, D, threads);
    for (let k = 0; k < n; k++) {
      const row = scorer.push(errors, k * steps * D, novelty[k], context ? context[from + k] : NaN, members ? members[from + k] : NaN);
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

/**
 * What one model makes of n scaled windows x (n, W, its channels): the errors of the newest
 * `steps` rows in the first `scored` channels (the values, not the time of day), and each
 * window's code's distance to the nearest reference code. Batch and live scoring, and both
 * models, go through here.
 */
async function windowScores(
  model: LstmAutoencoder,
  reference: Float64Array | undefined,
  x: Float32Array,
  n: number,
  steps: number,
  scored: number,
  threads?: number,
): Promise<{ errors: Float64Array; novelty: Float64Array }> {
  const { timesteps: W, inputDim: C } = model.config;
  const recon = (await model.predict({ data: x, shape: [n, W, C] }, { threads })).data;
  return { errors: newestStepErrors(x, recon, n, W, C, steps, scored), novelty: await codeNovelty(model, reference, x, n, threads) };
}

/** Each window's code's distance to the nearest reference code; NaN when the detector does not use the code. */
async function codeNovelty(model: LstmAutoencoder, reference: Float64Array | undefined, x: Float32Array, n: number, threads?: number): Promise<Float64Array> {
  if (reference === undefined) return new Float64Array(n).fill(NaN);
  const L = model.config.latentDim;
  const { timesteps, inputDim } = model.config;
  const codes = (await model.encode({ data: x, shape: [n, timesteps, inputDim] }, { threads })).data;
  return Float64Array.from({ length: n }, (_, k) => nearestCodeDistance(reference, L, codes, k * L));
}

/** The last W rows of a stream, scaled, and the window they make (oldest first) once there are W. */
class WindowRing {
  private readonly recent: Float32Array;
  readonly x: Float32Array;
  private seen = 0;

  constructor(
    readonly window: number,
    readonly channels: number,
  ) {
    this.recent = new Float32Array(window * channels);
    this.x = new Float32Array(window * channels);
  }

  /** Adds a scaled row; true once the window is full (`x` then holds it). */
  push(row: ArrayLike<number>): boolean {
    const { window: W, channels: D } = this;
    this.recent.set(row, (this.seen % W) * D);
    this.seen++;
    if (this.seen < W) return false;
    // oldest first: the ring starts at the slot the next row will overwrite
    const start = this.seen % W;
    for (let k = 0; k < W; k++) this.x.set(this.recent.subarray(((start + k) % W) * D, ((start + k) % W + 1) * D), k * D);
    return true;
  }
}

/** The second model row by row: its raw surprise of each row once its window is full. */
class LiveContext {
  private readonly ring: WindowRing;
  private readonly scorer: OnlineScorer;
  private readonly raw: Float64Array;
  private readonly scaledRow: Float64Array;

  constructor(
    private readonly detector: Detector,
    private readonly context: ContextModel,
  ) {
    this.ring = new WindowRing(detector.window, detector.channels + 2);
    this.scorer = new OnlineScorer(context.scorer);
    this.raw = new Float64Array(detector.channels + 2);
    this.scaledRow = new Float64Array(detector.channels + 2);
  }

  async push(values: ArrayLike<number>, time: string | undefined, row: number): Promise<number> {
    const { channels: D, steps } = this.detector;
    if (time === undefined) throw needsTimes();
    for (let c = 0; c < D; c++) this.raw[c] = values[c]!;
    writeTimeOfDay(time, this.raw, D, `row ${row}`);
    scaleRow(this.context.scaling, this.raw, this.scaledRow);
    if (!this.ring.push(this.scaledRow)) return NaN;
    const x = this.ring.x;
    const { errors, novelty } = await windowScores(this.context.model, this.context.codeReference, x, 1, steps, D, 1);
    return this.scorer.push(errors, 0, novelty[0]).rawSurprise;
  }
}

/**
 * The same scores one row at a time, as rows arrive: the last W scaled rows are kept, and each
 * full window is reconstructed on its own (the model's forward pass gives a window the same
 * numbers alone as in a batch). With online learning, the rows a tuning needs are kept too,
 * and the model is tuned after the same rows as scoreSeries tunes it.
 */
export class LiveDetector {
  private readonly ring: WindowRing;
  private readonly context: LiveContext | undefined;
  /** the ensemble's other members, each scoring the same rows */
  private readonly members: LiveDetector[];
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
    this.ring = new WindowRing(detector.window, detector.channels);
    this.context = detector.context ? new LiveContext(detector, detector.context) : undefined;
    this.members = (detector.members ?? []).map((m) => new LiveDetector(m));
    this.scorer = new OnlineScorer(detector.scorer);
    this.scaledRow = new Float64Array(detector.channels);
    this.online = onlineLearning(detector);
    this.model = this.online ? tunableCopy(detector.model) : detector.model;
    this.reference = detector.codeReference;
    const size = this.online ? rowsKept(this.online, detector.window) : 0;
    this.kept = this.online ? { scaled: new Float64Array(size * detector.channels), red: new Uint8Array(size) } : undefined;
    this.level = redLevel(detector);
  }

  /** The next row's raw values (and time stamp, which a detector with the second model needs); its scores once its window is full, else undefined. */
  async push(values: ArrayLike<number>, time?: string): Promise<ReturnType<OnlineScorer['push']> | undefined> {
    const { channels: D, steps } = this.detector;
    const t = this.seen;
    const context = this.context ? await this.context.push(values, time, t) : NaN;
    let members = this.members.length > 0 ? 0 : NaN;
    for (const member of this.members) members += (await member.push(values, time))?.rawSurprise ?? NaN;
    scaleRow(this.detector.scaling, values, this.scaledRow);
    const slot = this.kept ? t % this.kept.red.length : 0;
    this.kept?.scaled.set(this.scaledRow, slot * D);
    this.seen++;
    if (!this.ring.push(this.scaledRow)) return undefined;
    const x = this.ring.x;
    const { errors, novelty } = await windowScores(this.model, this.reference, x, 1, steps, D, 1);
    const row = this.scorer.push(errors, 0, novelty[0], context, members);
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
