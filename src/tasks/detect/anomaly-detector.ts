/**
 * AnomalyDetector, the detect task's estimator (no files, no Node module): what `lstm-ae
 * detect` does, as a library object.
 *
 *   const detector = new AnomalyDetector({ window: 16, threshold: { rule: 'fpr', fpr: 0.001 } });
 *   await detector.fit(normalRows, { channels: ['cpu', 'memory'] });   // or a TimeSeriesTable
 *   const result = await detector.score(rows);       // one entry per input row
 *   result.firstScoredRow;                            // W - 1: rows before it have no full window
 *   result.scored[t];                                 // 0 there (their scores are NaN), 1 from it on
 *   result.anomalyScore[t], result.flags[t], result.intervals
 *   const live = await detector.update(row);          // the same numbers, one row at a time
 *   const json = detector.toJSON();                   // detector.json's content, as the CLI writes it
 *   AnomalyDetector.fromJSON(json, detector.model);   // scores identically
 *   await detector.save(dir); await AnomalyDetector.load(`${dir}/detector.json`);   // Node only
 *
 * Defaults are the CLI's (DEFAULT_DETECTOR_SETTINGS, DETECT_MODEL, DETECT_TRAINING, the fpr
 * rule at 0.001), so the same data and settings give the CLI's scores bit for bit (the same
 * thread count too: a sum over threads rounds differently).
 */
import { InputError } from '../../input-error.js';
import type { TimeOrder, TimeSeriesTable } from '../../io/readers/timeseries-csv.js';
import type { AnomalyInterval } from '../../analysis/anomaly/intervals.js';
import { heldOutSurprises, OnlineThreshold, type ThresholdRule } from '../../analysis/anomaly/scorer.js';
import { TrainingDivergedError, type FitCallbacks, type LstmAutoencoder } from '../../models/autoencoder/lstm-autoencoder.js';
import { DEFAULT_DETECTOR_SETTINGS, disposeDetector, fitDetector, LiveDetector, scoreSeries, type Detector, type DetectorSettings, type FittedDetector, type ScoredSeries } from './detector.js';
import { checkDetectorOptions, columnsOf, detectorFromJson, detectorJson, parseDetectorJson, type DetectorColumns, type DetectorJson } from './detector-json.js';
import { DEFAULT_THRESHOLD, fitFBetaThreshold, fitUnlabelledThreshold, flagSeries, intervalsOf, type ThresholdChoice } from './flagging.js';
import { DETECT_MODEL, DETECT_TRAINING } from './model.js';
import { AlertRule, alertsOf } from './alerts.js';
import { scaleRow, unscaleValue } from '../../analysis/anomaly/scaling.js';

/** Settings: any of the detector's (the CLI's defaults otherwise), the threshold rule and the time order recorded for --follow. */
export interface AnomalyDetectorOptions extends Partial<Omit<DetectorSettings, 'callbacks'>> {
  threshold?: ThresholdChoice;
  /** what a saved detector's --follow does with time stamps that repeat or step back (default 'rows': takes them) */
  timeOrder?: TimeOrder;
}

/** Rows of values, (rows, channels): a table read by parseTimeSeriesCsv, or an array of rows. */
export type SeriesInput = TimeSeriesTable | ArrayLike<ArrayLike<number>>;

export interface FitDetectorOptions {
  /** the value columns' names (default: the table's, or x1, x2, ...) */
  channels?: string[];
  /** fit on the first `rows` rows only (default: all) */
  rows?: number;
  /** how the training rows are described in detector.json (default: the table's source, or 'rows given to fit') */
  describe?: string;
  /** the table whose time, value and label columns a saved detector expects (default: the one fitted on) */
  like?: TimeSeriesTable;
  /** each row's time stamp, for the second model that sees the time of day (default: the table's, when it has a time column) */
  times?: readonly string[];
  callbacks?: FitCallbacks;
}

export interface ScoreOptions {
  /** 0/1 per row: needed by the fbeta rule, which is chosen on them the first time */
  labels?: ArrayLike<number>;
  /** the first row not trained on (fbeta chooses its threshold from here); default 0 */
  from?: number;
  /** each row's time stamp, for the intervals and a detector with the time-of-day model (default: the table's, or the row numbers) */
  times?: readonly string[];
}

/** A table's time stamps when it has a time column (row numbers are no time of day). */
function tableTimes(input: SeriesInput): readonly string[] | undefined {
  return isTable(input) && input.timeColumn !== undefined ? input.times : undefined;
}

/** Every row's scores, one entry per input row. */
export interface Detection extends ScoredSeries {
  /** the first row with a full window (W - 1): rows before it are not scored */
  firstScoredRow: number;
  /** 1 for a scored row, 0 for one before the first full window (whose scores are NaN) */
  scored: Uint8Array;
  /** 1 where the threshold rule flags the row */
  flags: Uint8Array;
  /** 1 at an event's first flagged row: one alert per event (alerts.ts) */
  alerts: Uint8Array;
  /** the threshold each row was compared with (NaN before the first full window) */
  thresholds: Float64Array;
  /** the flagged rows grouped into events */
  intervals: AnomalyInterval[];
  /** the fitted rule */
  rule: ThresholdRule;
  /** fbeta: the rows its threshold was chosen on */
  validation?: [number, number];
}

/** One row scored live: `scored` false (and nulls) until the window is full. */
export interface LiveScore {
  /** the row's number in the stream, from 0 */
  row: number;
  scored: boolean;
  anomalyScore: number | null;
  surprise: number | null;
  flag: boolean | null;
  /** the flag opens a new event (alerts.ts) */
  alert: boolean;
  threshold: number | null;
  contributions: Float64Array | null;
}

/** The window ending at `row` (rows start..row) and its reconstruction, in the data's units. */
export interface WindowReconstruction {
  row: number;
  start: number;
  values: Float64Array;
  reconstruction: Float64Array;
}

/** What detector.json's "training" holds for a fitted detector (and metrics.json's "training"). */
export interface TrainingSummary {
  source: string;
  rows: number;
  train_windows: number;
  held_out_windows: number;
  epochs: number;
  best_epoch: number;
  stopped_early: boolean;
  loss: number[];
  val_loss: number[];
  seconds: number;
}

/** A fit's summary with the settings it ran with: detector.json's "training" as `fit` writes it. */
export type FitSummary = TrainingSummary & { settings: Record<string, unknown> };

/** A loss curve from a detector.json's "training" record, which a file may lack or hold otherwise: finite numbers, else none. */
function lossCurve(value: unknown): number[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'number' && Number.isFinite(v)) ? (value as number[]) : [];
}

function isTable(input: SeriesInput): input is TimeSeriesTable {
  return (input as TimeSeriesTable).values instanceof Float64Array && Array.isArray((input as TimeSeriesTable).valueColumns);
}

/** (rows, channels) values of any input, checked. */
function valuesOf(input: SeriesInput, channels: number | undefined, what: string): { values: Float64Array; channels: number } {
  if (isTable(input)) {
    if (channels !== undefined && input.channels !== channels) throw new InputError(`${input.source}: ${input.channels} value column(s); the detector was fitted on ${channels}`);
    return { values: input.values, channels: input.channels };
  }
  const rows = input.length;
  const D = channels ?? (rows > 0 ? input[0]!.length : 0);
  if (!(D >= 1)) throw new InputError(`${what}: no values; expected rows of one number per channel`);
  const values = new Float64Array(rows * D);
  for (let r = 0; r < rows; r++) {
    const row = input[r]!;
    if (row.length !== D) throw new InputError(`${what}: row ${r} has ${row.length} value(s); expected ${D}, one per channel`);
    for (let c = 0; c < D; c++) {
      const x = row[c]!;
      if (!Number.isFinite(x)) throw new InputError(`${what}: row ${r}, channel ${c}: ${x}; expected a finite number`);
      values[r * D + c] = x;
    }
  }
  return { values, channels: D };
}

export class AnomalyDetector {
  readonly settings: DetectorSettings;
  readonly thresholdChoice: ThresholdChoice;
  readonly timeOrder: TimeOrder;
  private fittedDetector: Detector | undefined;
  private cols: DetectorColumns | undefined;
  private rule: ThresholdRule | undefined;
  private summary: Record<string, unknown> = {};
  private fitted: FitSummary | undefined;
  private live: { detector: LiveDetector; threshold: OnlineThreshold; alerts: AlertRule; rows: number } | undefined;

  constructor(options: AnomalyDetectorOptions = {}) {
    checkDetectorOptions(options);
    const { threshold, timeOrder, ...settings } = options;
    this.settings = { ...DEFAULT_DETECTOR_SETTINGS, ...settings };
    this.thresholdChoice = threshold ?? DEFAULT_THRESHOLD;
    this.timeOrder = timeOrder ?? 'rows';
  }

  /** The fitted detector's parts (model, scaling, error model); throws before fit. */
  get detector(): Detector {
    if (!this.fittedDetector) throw new Error('AnomalyDetector: not fitted yet; call fit (or load a saved one)');
    return this.fittedDetector;
  }

  get model(): LstmAutoencoder {
    return this.detector.model;
  }

  get columns(): DetectorColumns {
    if (!this.cols) throw new Error('AnomalyDetector: not fitted yet; call fit (or load a saved one)');
    return this.cols;
  }

  /** The fitted threshold rule (fbeta: once score has seen labels); undefined before. */
  get threshold(): ThresholdRule | undefined {
    return this.rule;
  }

  /** How training went, as detector.json and metrics.json record it (for a loaded detector: as its file holds it). */
  get training(): Record<string, unknown> {
    return this.summary;
  }

  /** This object's own fit, typed; undefined for a detector loaded from detector.json. */
  get fitSummary(): FitSummary | undefined {
    return this.fitted;
  }

  /** The training and validation loss per epoch, from the fit or from detector.json ([] where the file holds none). */
  get lossCurves(): { loss: number[]; valLoss: number[] } {
    return { loss: lossCurve(this.summary.loss), valLoss: lossCurve(this.summary.val_loss) };
  }

  /**
   * Fits the model, the scaling and the error model on normal rows (their last share held
   * out, see DetectorSettings.heldOutShare), and every threshold rule that needs no labels.
   */
  async fit(normal: SeriesInput, options: FitDetectorOptions = {}): Promise<this> {
    const source = isTable(normal) ? normal.source : 'rows given to fit';
    const { values, channels } = valuesOf(normal, undefined, source);
    const names = options.channels ?? (isTable(normal) ? normal.valueColumns : Array.from({ length: channels }, (_, c) => `x${c + 1}`));
    if (names.length !== channels) throw new InputError(`${source}: ${names.length} channel name(s) for ${channels} channel(s)`);
    const trainRows = options.rows ?? values.length / channels;
    await this.dispose();
    let fitted: FittedDetector;
    try {
      fitted = await fitDetector(values, channels, trainRows, { ...this.settings, ...(options.callbacks ? { callbacks: options.callbacks } : {}) }, source, options.times ?? tableTimes(normal));
    } catch (err) {
      if (!(err instanceof TrainingDivergedError)) throw err;
      throw divergedInput(err, values, channels, trainRows, source);
    }
    this.fittedDetector = fitted;
    const like = options.like ?? (isTable(normal) ? normal : undefined);
    this.cols = {
      time: like?.timeColumn,
      values: names,
      label: like?.labelColumn,
      timeOrder: this.timeOrder,
    };
    this.rule = this.thresholdChoice.rule === 'fbeta' ? undefined : fitUnlabelledThreshold(this.thresholdChoice, fitted.scorer);
    const t = fitted.training;
    const summary: FitSummary = {
      source,
      rows: t.rows,
      train_windows: t.trainWindows,
      held_out_windows: t.heldOutWindows,
      epochs: t.loss.length,
      best_epoch: t.bestEpoch,
      stopped_early: t.stoppedEarly,
      loss: t.loss,
      val_loss: t.valLoss,
      seconds: t.seconds,
      settings: this.settingsRecord(options.describe ?? source),
    };
    this.fitted = summary;
    this.summary = { ...summary };
    this.live = undefined;
    return this;
  }

  /** The settings as metrics.json and detector.json record them. */
  private settingsRecord(train: string): Record<string, unknown> {
    const s = this.settings;
    return {
      window: s.window,
      steps: s.steps,
      latent: s.latentDim ?? DETECT_MODEL.latentDim,
      smoothing_span: s.smoothingSpan,
      held_out_share: s.heldOutShare,
      calibration: s.calibration,
      scoring: s.useCode ? 'reconstruction error and code novelty' : 'reconstruction error',
      time_of_day: this.fittedDetector?.context !== undefined,
      alert_gate: this.fittedDetector?.scorer.alerts ?? null,
      ensemble: (this.fittedDetector?.members?.length ?? 0) + 1,
      seed: s.seed,
      max_epochs: s.epochs ?? DETECT_TRAINING.epochs,
      patience: DETECT_TRAINING.patience,
      batch_size: DETECT_TRAINING.batchSize,
      optimizer: DETECT_TRAINING.optimizer,
      time_order: this.timeOrder,
      train,
    };
  }

  /**
   * Scores every row from the window ending at it (one predict over all windows), flags rows
   * by the threshold rule and groups the flags into intervals. Rows before the first full
   * window (firstScoredRow = W - 1) are marked unscored. Independent of update's stream.
   */
  async score(series: SeriesInput, options: ScoreOptions = {}): Promise<Detection> {
    const detector = this.detector;
    const source = isTable(series) ? series.source : 'rows given to score';
    const { values } = valuesOf(series, detector.channels, source);
    const scored = await scoreSeries(detector, values, this.settings.threads, options.times ?? tableTimes(series));
    const labels = options.labels ?? (isTable(series) ? series.labels : undefined);
    let validation: [number, number] | undefined;
    if (this.rule === undefined) {
      if (this.thresholdChoice.rule !== 'fbeta') throw new Error('AnomalyDetector: no threshold rule');
      ({ rule: this.rule, validation } = fitFBetaThreshold(this.thresholdChoice, scored, labels, options.from ?? 0, source));
    }
    const rule = this.rule;
    const { flags, thresholds } = flagSeries(rule, detector.scorer, scored);
    const times = options.times ?? (isTable(series) ? series.times : Array.from({ length: scored.rows }, (_, r) => String(r)));
    const scoredRows = new Uint8Array(scored.rows);
    scoredRows.fill(1, Math.min(scored.first, scored.rows));
    return {
      ...scored,
      firstScoredRow: scored.first,
      scored: scoredRows,
      flags,
      alerts: alertsOf(flags, detector.window),
      thresholds,
      intervals: intervalsOf(scored, flags, times, this.columns.values, detector.window),
      rule,
      ...(validation ? { validation } : {}),
    };
  }

  /**
   * The window ending at each of `rows` and the model's reconstruction of it, both in the
   * data's units, (window, channels) row-major: what the detector saw at an anomaly.
   */
  async reconstructAt(series: SeriesInput, rows: readonly number[]): Promise<WindowReconstruction[]> {
    const detector = this.detector;
    const { window: W, channels: D } = detector;
    const source = isTable(series) ? series.source : 'rows given to reconstructAt';
    const { values } = valuesOf(series, D, source);
    const total = values.length / D;
    for (const row of rows) {
      if (!(Number.isInteger(row) && row >= W - 1 && row < total)) throw new InputError(`${source}: row ${row} has no full window; expected a row from ${W - 1} to ${total - 1}`);
    }
    // only the windows asked for are scaled, not the whole series
    const x = new Float32Array(rows.length * W * D);
    rows.forEach((row, k) => {
      for (let i = 0; i < W; i++) scaleRow(detector.scaling, values.subarray((row - W + 1 + i) * D, (row + 2 - W + i) * D), x, (k * W + i) * D);
    });
    const out = (await detector.model.reconstruct({ data: x, shape: [rows.length, W, D] }, { threads: this.settings.threads })).data;
    return rows.map((row, k) => {
      const start = row - W + 1;
      const reconstruction = new Float64Array(W * D);
      for (let i = 0; i < W * D; i++) reconstruction[i] = unscaleValue(detector.scaling, i % D, out[k * W * D + i]!);
      return { row, start, values: values.slice(start * D, (row + 1) * D), reconstruction };
    });
  }

  /**
   * The next row of a live stream, scored as score would score it in a file that starts with
   * this stream's first row: the same numbers, bit for bit. The stream starts at the first
   * update after fit, load or resetStream. `time`: the row's time stamp, which a detector
   * with the time-of-day model needs.
   */
  async update(row: ArrayLike<number>, time?: string): Promise<LiveScore> {
    const detector = this.detector;
    if (this.rule === undefined) throw new Error('AnomalyDetector: the fbeta threshold is chosen on labelled rows; call score with labels first');
    if (row.length !== detector.channels) throw new InputError(`row of ${row.length} value(s); expected ${detector.channels}, one per channel`);
    this.live ??= { detector: new LiveDetector(detector), threshold: new OnlineThreshold(this.rule, heldOutSurprises(detector.scorer)), alerts: new AlertRule(detector.window), rows: 0 };
    const live = this.live;
    const result = await live.detector.push(row, time);
    const n = live.rows++;
    if (!result) {
      live.alerts.push(undefined);
      return { row: n, scored: false, anomalyScore: null, surprise: null, flag: null, alert: false, threshold: null, contributions: null };
    }
    const t = live.threshold.push(result);
    const alert = live.alerts.push(t.flag);
    return { row: n, scored: true, anomalyScore: result.anomalyScore, surprise: result.surprise, flag: t.flag, alert, threshold: t.threshold, contributions: result.contributions };
  }

  /** Starts update's stream afresh (its window and running calibration). */
  resetStream(): void {
    this.live = undefined;
  }

  /** detector.json's content, as `lstm-ae detect` writes it (`generation`: the model set's, which save fills in). */
  toJSON(generation?: number): DetectorJson {
    if (this.rule === undefined) throw new Error('AnomalyDetector: the fbeta threshold is chosen on labelled rows; call score with labels first');
    return detectorJson(this.detector, this.columns, this.rule, this.summary, generation);
  }

  /** A detector from detector.json's content (text or parsed) and its model (LstmAutoencoder.load of the file "model" names, or one in memory). */
  static fromJSON(json: string | unknown, model: LstmAutoencoder, source = 'detector.json'): AnomalyDetector {
    const parsed = parseDetectorJson(json, source);
    return AnomalyDetector.fromParsed(parsed, detectorFromJson(parsed, model, source));
  }

  private static fromParsed(json: DetectorJson, detector: Detector): AnomalyDetector {
    const s = json.training.settings as Record<string, unknown> | undefined;
    const out = new AnomalyDetector({
      window: json.window,
      steps: json.steps,
      smoothingSpan: json.smoothingSpan,
      calibration: json.calibration,
      useCode: json.code !== null,
      timeOfDay: detector.context !== undefined,
      alerts: detector.scorer.alerts ?? null,
      ensemble: (detector.members?.length ?? 0) + 1,
      latentDim: detector.model.config.latentDim,
      ...(typeof s?.seed === 'number' ? { seed: s.seed } : {}),
      ...(typeof s?.held_out_share === 'number' ? { heldOutShare: s.held_out_share } : {}),
      timeOrder: json.columns.timeOrder,
      threshold: choiceOf(json.threshold),
    });
    out.fittedDetector = detector;
    out.cols = columnsOf(json);
    out.rule = json.threshold;
    out.summary = json.training;
    return out;
  }

  /** Saves the model files and detector.json into `dir`, as `lstm-ae detect` does; Node only. Returns detector.json's path. */
  async save(dir: string): Promise<string> {
    const files = await detectorFiles();
    if (this.rule === undefined) throw new Error('AnomalyDetector: the fbeta threshold is chosen on labelled rows; call score with labels first');
    return files.saveDetector(dir, this.detector, this.columns, this.rule, this.summary);
  }

  /** A detector saved by save or by `lstm-ae detect` (its detector.json); Node only. */
  static async load(path: string): Promise<AnomalyDetector> {
    const { detector, json } = (await detectorFiles()).loadDetector(path);
    return AnomalyDetector.fromParsed(json, detector);
  }

  /** Frees the model's worker threads. */
  async dispose(): Promise<void> {
    if (this.fittedDetector) await disposeDetector(this.fittedDetector);
  }
}

/** A diverged fit as the one line a user can act on: almost always a value far outside the rest of the training span. */
function divergedInput(err: TrainingDivergedError, values: Float64Array, channels: number, trainRows: number, source: string): InputError {
  let at = 0;
  for (let i = 1; i < trainRows * channels; i++) if (Math.abs(values[i]!) > Math.abs(values[at]!)) at = i;
  return new InputError(
    `${source}: training diverged (${err.what}); the training span's largest value, ${values[at]} (row ${Math.floor(at / channels)}, channel ${(at % channels) + 1}), ` +
      'may lie far outside the rest: remove it, or train on a clean span',
  );
}

/** The choice a fitted rule came from (fbeta's validation share is not kept: its threshold is). */
function choiceOf(rule: ThresholdRule): ThresholdChoice {
  switch (rule.rule) {
    case 'fpr':
      return { rule: 'fpr', fpr: rule.fpr };
    case 'sigma':
      return { rule: 'sigma', k: rule.k };
    case 'fbeta':
      return { rule: 'fbeta', beta: rule.beta, validationFraction: 0.5 };
    case 'dynamic':
      return { rule: 'dynamic', window: rule.window, every: rule.every, errorBuffer: rule.errorBuffer, sdLimit: rule.sdLimit };
  }
}

/** detector.json files: Node's, loaded only when asked (browsers have none). */
async function detectorFiles(): Promise<typeof import('./detector-file.js')> {
  const onNode = typeof globalThis.process === 'object' && typeof globalThis.process.versions?.node === 'string';
  if (!onNode) throw new Error('saving and loading detector folders needs Node; in a browser use toJSON/fromJSON with the model from modelArtifacts');
  // not a literal, so a browser bundle of the core leaves the file code out
  const specifier: string = './detector-file.js';
  return (await import(specifier)) as typeof import('./detector-file.js');
}
