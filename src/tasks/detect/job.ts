/**
 * `lstm-ae detect`, the job: read a time series, fit a detector on its training span (or on a
 * separate training file), score every row from the window ending at it, flag rows by the
 * chosen threshold rule, group flags into intervals, and write scores.csv, anomalies.json,
 * detector.json with the model files, report.html and, last, metrics.json. And its live
 * form: rows from a stream, scored one by one by a saved detector (followDetect), which
 * prints what scores.csv holds for the same rows.
 */
import { join } from 'node:path';
import { InputError } from '../../input-error.js';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { readTimeSeriesCsv } from '../../io/read-series.js';
import { streamTimeSeriesCsv, type ColumnPlan, type TimeOrder, type TimeSeriesTable } from '../../io/readers/timeseries-csv.js';
import { eventMetrics, nabScores, pointMetrics, type PrecisionRecall } from '../../analysis/anomaly/evaluate.js';
import { groupIntervals, type AnomalyInterval } from '../../analysis/anomaly/intervals.js';
import { heldOutSurprises, OnlineThreshold, type ThresholdRule } from '../../analysis/anomaly/scorer.js';
import { bestFBetaThreshold, fprThreshold, sigmaThreshold } from '../../analysis/anomaly/thresholds.js';
import { COMPLETION_FILE } from '../../io/run-folder.js';
import { checkedTrainingWindows, fitDetector, LiveDetector, scoreSeries, type DetectorSettings, type FittedDetector, type ScoredSeries } from './detector.js';
import { loadDetector, saveDetector } from './detector-file.js';
import { DETECT_MODEL, DETECT_TRAINING } from './model.js';
import type { FitCallbacks } from '../../models/autoencoder/lstm-autoencoder.js';
import { stageTimer } from '../../train/stage-timer.js';

/** The rule the user chose, before it is fitted to data. */
export type ThresholdChoice =
  | { rule: 'fpr'; fpr: number }
  | { rule: 'sigma'; k: number }
  | { rule: 'fbeta'; beta: number; validationFraction: number }
  | { rule: 'dynamic'; window: number; every: number; errorBuffer: number; sdLimit: number };

/** Telemanom's settings: 30 batches of 70 rows of history, ε chosen per batch, an error buffer of 100, z up to 12. */
export const TELEMANOM_DEFAULTS = { window: 2100, every: 70, errorBuffer: 100, sdLimit: 12 } as const;

export interface DetectJobOptions {
  input: string;
  /** a separate file of normal data to train on; else the first trainFraction of the input */
  train?: string;
  trainFraction: number;
  timeColumn?: string | number;
  labelColumn?: string | number | false;
  timeOrder: TimeOrder;
  settings: DetectorSettings;
  threshold: ThresholdChoice;
  outDir: string;
  /** write report.html (Vega and resvg: a second or two) */
  report: boolean;
  log?: (line: string) => void;
  /** training feedback, made once the number of batches per epoch is known */
  progress?: (epochs: number, batchesPerEpoch: number) => FitCallbacks & { stop(): void };
}

export interface DetectMetrics {
  input: string;
  rows: number;
  channels: string[];
  scored_rows: number;
  training: {
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
  };
  threshold: ThresholdRule;
  flagged_rows: number;
  intervals: number;
  /** with labels: point and event metrics over the evaluated rows, and NAB's scores of anomaly_score */
  evaluation?: {
    rows: [number, number];
    point: PrecisionRecall;
    event: PrecisionRecall;
    nab?: Record<string, number>;
  };
  warnings: string[];
  timings: Record<string, number>;
  settings: Record<string, unknown>;
}

/** Numbers at full precision, so a saved file and a live run print the same text. */
function cell(x: number): string {
  return Number.isNaN(x) ? '' : String(x);
}

function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** scores.csv's columns: the input's (time, values, label), then the scores. */
export function scoresHeader(plan: ColumnPlan, channels: readonly string[]): string {
  const input = [plan.time, ...plan.values, plan.label].filter((k) => k >= 0).map((k) => plan.header[k]!);
  return [...input, 'anomaly_score', 'is_anomaly', ...channels.map((c) => `contribution_${c}`)].map(csvField).join(',');
}

export interface OutputRow {
  time: string;
  values: ArrayLike<number>;
  label: number | undefined;
  anomalyScore: number;
  flag: boolean | undefined;
  contributions: ArrayLike<number> | undefined;
}

/** One line of scores.csv (and of --follow's output). */
export function scoresLine(plan: ColumnPlan, row: OutputRow): string {
  const cells: string[] = [];
  if (plan.time >= 0) cells.push(csvField(row.time));
  for (let c = 0; c < row.values.length; c++) cells.push(cell(row.values[c]!));
  if (plan.label >= 0) cells.push(String(row.label ?? ''));
  cells.push(cell(row.anomalyScore), row.flag === undefined ? '' : row.flag ? '1' : '0');
  for (let c = 0; c < row.values.length; c++) cells.push(row.contributions ? cell(row.contributions[c]!) : '');
  return cells.join(',');
}

/** The threshold rule fitted to what it needs: the held-out statistics, or labelled rows. */
function fitThreshold(choice: ThresholdChoice, detector: FittedDetector, series: ScoredSeries, table: TimeSeriesTable, from: number): { rule: ThresholdRule; validation?: [number, number] } {
  switch (choice.rule) {
    case 'fpr':
      return { rule: { rule: 'fpr', fpr: choice.fpr, score: fprThreshold(choice.fpr) } };
    case 'sigma':
      return { rule: { rule: 'sigma', k: choice.k, surprise: sigmaThreshold(heldOutSurprises(detector.scorer), choice.k) } };
    case 'dynamic':
      return { rule: { rule: 'dynamic', window: choice.window, every: choice.every, errorBuffer: choice.errorBuffer, sdLimit: choice.sdLimit } };
    case 'fbeta': {
      if (!table.labels) throw new InputError(`${table.source}: the F-beta threshold needs labels; name the label column with --label-column`);
      const start = Math.max(from, series.first);
      const end = start + Math.floor(choice.validationFraction * (series.rows - start));
      if (end <= start) throw new InputError(`${table.source}: no rows to choose the F-beta threshold on after the training span; give a larger --validation-fraction`);
      if (!table.labels.subarray(start, end).some((l) => l === 1)) {
        throw new InputError(`${table.source}: the F-beta threshold needs labelled anomalies in its span (rows ${start} to ${end - 1}), and there are none; give a larger --validation-fraction or choose another --threshold`);
      }
      // on the surprise: anomaly_score runs out of digits at 1 - 1e-16, the surprise does not
      const best = bestFBetaThreshold(series.surprise.subarray(start, end), table.labels.subarray(start, end), choice.beta);
      // when no threshold catches anything, one above every surprise flags nothing
      const surprise = Number.isFinite(best.threshold) ? best.threshold : Number.MAX_VALUE;
      return { rule: { rule: 'fbeta', beta: choice.beta, surprise }, validation: [start, end] };
    }
  }
}

function checkSameColumns(train: TimeSeriesTable, input: TimeSeriesTable): void {
  if (train.valueColumns.join('\u0000') !== input.valueColumns.join('\u0000')) {
    throw new InputError(
      `${train.source}: value columns ${train.valueColumns.map((c) => `'${c}'`).join(', ')} differ from ${input.source}'s ${input.valueColumns.map((c) => `'${c}'`).join(', ')}; expected the same columns`,
    );
  }
}

function warningsOf(table: TimeSeriesTable, detector: FittedDetector): string[] {
  const warnings: string[] = [];
  table.filled.forEach((n, c) => {
    if (n > 0) warnings.push(`${table.source}: ${n} missing value(s) in '${table.valueColumns[c]}' took the previous row's value`);
  });
  if (table.gaps > 0) warnings.push(`${table.source}: ${table.gaps} step(s) in time longer than 1.5 times the median step; rows are taken as consecutive steps`);
  for (const c of detector.scaling.constant) {
    warnings.push(`'${table.valueColumns[c]}' is constant over the training span (${detector.scaling.centre[c]}): it is scaled by 1 unit, so any change in it stands out`);
  }
  return warnings;
}

/** The files a detect job reads, read and checked: what the caller does before it makes a folder or says anything. */
export interface DetectInputs {
  table: TimeSeriesTable;
  trainTable: TimeSeriesTable | undefined;
  /** rows the detector is fitted on */
  trainRows: number;
  windows: number;
  heldOut: number;
  /** seconds the reading took */
  seconds: number;
}

/** Reads --input (and --train) and checks the training span holds enough windows; every problem is one InputError line. */
export function readDetectInputs(o: Pick<DetectJobOptions, 'input' | 'train' | 'trainFraction' | 'timeColumn' | 'labelColumn' | 'timeOrder' | 'settings'>): DetectInputs {
  const t0 = performance.now();
  const table = readTimeSeriesCsv(o.input, { timeColumn: o.timeColumn, labelColumn: o.labelColumn, timeOrder: o.timeOrder });
  const trainTable = o.train === undefined ? undefined : readTimeSeriesCsv(o.train, { timeColumn: o.timeColumn, timeOrder: o.timeOrder });
  if (trainTable) checkSameColumns(trainTable, table);
  const trainRows = trainTable ? trainTable.times.length : Math.floor(o.trainFraction * table.times.length);
  const { windows, heldOut } = checkedTrainingWindows(trainRows, o.settings, (trainTable ?? table).source);
  return { table, trainTable, trainRows, windows, heldOut, seconds: (performance.now() - t0) / 1000 };
}

/** The whole job; the caller has prepared outDir (and may have read the inputs already). Returns what metrics.json holds. */
export async function runDetectJob(o: DetectJobOptions, inputs: DetectInputs = readDetectInputs(o)): Promise<DetectMetrics> {
  const log = o.log ?? (() => {});
  const started = performance.now() - inputs.seconds * 1000;
  const { seconds: timings, timed } = stageTimer(log);
  timings.reading = inputs.seconds;
  log(`reading: ${inputs.seconds.toFixed(2)} s`);
  const { table, trainTable, trainRows, windows, heldOut } = inputs;
  const rows = table.times.length;
  const trainSource = trainTable ?? table;
  const feedback = o.progress?.(o.settings.epochs ?? DETECT_TRAINING.epochs, Math.max(1, Math.ceil((windows - heldOut) / DETECT_TRAINING.batchSize)));
  let detector: FittedDetector;
  try {
    detector = await timed('training', () => fitDetector(trainSource.values, table.channels, trainRows, { ...o.settings, callbacks: feedback }, trainSource.source));
  } finally {
    feedback?.stop();
  }
  try {
    const series = await timed('scoring', () => scoreSeries(detector, table.values, o.settings.threads));
    // rows the detector was fitted on are in-sample: evaluation starts after them
    const evaluatedFrom = trainTable ? 0 : trainRows;
    const { rule, validation } = fitThreshold(o.threshold, detector, series, table, evaluatedFrom);
    const thresholds = new Float64Array(rows).fill(NaN);
    const flags = new Uint8Array(rows);
    const online = new OnlineThreshold(rule, heldOutSurprises(detector.scorer));
    for (let t = series.first; t < rows; t++) {
      const r = online.push({ surprise: series.surprise[t]!, anomalyScore: series.anomalyScore[t]! });
      thresholds[t] = r.threshold;
      flags[t] = r.flag ? 1 : 0;
    }
    const intervals: AnomalyInterval[] = groupIntervals({
      flags,
      scores: series.anomalyScore,
      surprises: series.surprise,
      times: table.times,
      contributions: { values: series.contributions, channels: table.valueColumns },
      // one event moves the windows of the next W rows: flags closer than that are one interval
      mergeGap: detector.window,
    });

    let evaluation: DetectMetrics['evaluation'];
    if (table.labels) {
      const from = Math.max(validation?.[1] ?? evaluatedFrom, series.first);
      const scores = Float64Array.from(series.anomalyScore, (s) => (Number.isNaN(s) ? 0 : s));
      evaluation = {
        rows: [from, rows],
        point: pointMetrics(flags, table.labels, from, rows),
        event: eventMetrics(flags, table.labels, from, rows),
        nab: nabScores(scores, table.labels),
      };
    }

    const settings = {
      window: detector.window,
      steps: detector.steps,
      latent: o.settings.latentDim ?? DETECT_MODEL.latentDim,
      smoothing_span: o.settings.smoothingSpan,
      held_out_share: o.settings.heldOutShare,
      calibration: o.settings.calibration,
      scoring: o.settings.useCode ? 'reconstruction error and code novelty' : 'reconstruction error',
      seed: o.settings.seed,
      max_epochs: o.settings.epochs ?? DETECT_TRAINING.epochs,
      patience: DETECT_TRAINING.patience,
      batch_size: DETECT_TRAINING.batchSize,
      optimizer: DETECT_TRAINING.optimizer,
      time_order: o.timeOrder,
      train: o.train ?? `first ${trainRows} rows of the input (--train-fraction ${o.trainFraction})`,
    };
    const t = detector.training;
    const metrics: DetectMetrics = {
      input: o.input,
      rows,
      channels: table.valueColumns,
      scored_rows: Math.max(0, rows - series.first),
      training: {
        source: trainSource.source,
        rows: t.rows,
        train_windows: t.trainWindows,
        held_out_windows: t.heldOutWindows,
        epochs: t.loss.length,
        best_epoch: t.bestEpoch,
        stopped_early: t.stoppedEarly,
        loss: t.loss,
        val_loss: t.valLoss,
        seconds: t.seconds,
      },
      threshold: rule,
      flagged_rows: flags.reduce((a, b) => a + b, 0),
      intervals: intervals.length,
      ...(evaluation ? { evaluation } : {}),
      warnings: warningsOf(table, detector),
      timings,
      settings,
    };

    await timed('writing', () => {
      const lines = [scoresHeader(table.plan, table.valueColumns)];
      for (let r = 0; r < rows; r++) {
        const scored = r >= series.first;
        lines.push(
          scoresLine(table.plan, {
            time: table.times[r]!,
            values: table.values.subarray(r * table.channels, (r + 1) * table.channels),
            label: table.labels?.[r],
            anomalyScore: series.anomalyScore[r]!,
            flag: scored ? flags[r] === 1 : undefined,
            contributions: scored ? series.contributions.subarray(r * table.channels, (r + 1) * table.channels) : undefined,
          }),
        );
      }
      writeFileAtomic(join(o.outDir, 'scores.csv'), lines.join('\n') + '\n');
      writeFileAtomic(join(o.outDir, 'anomalies.json'), JSON.stringify({ threshold: rule, intervals }, null, 1) + '\n');
      saveDetector(
        o.outDir,
        detector,
        { time: table.timeColumn, values: table.valueColumns, label: table.labelColumn, timeOrder: o.timeOrder },
        rule,
        { ...metrics.training, settings },
      );
    });
    if (o.report) {
      const { writeDetectReport } = await import('./figures.js');
      await timed('report', () => writeDetectReport(join(o.outDir, 'report.html'), {
        table, series, flags, thresholds, rule, intervals, metrics, trainRows: trainTable ? 0 : trainRows, heldOutSmoothed: detector.scorer.heldOutSmoothed,
      }));
    }
    metrics.timings.total = (performance.now() - started) / 1000;
    writeFileAtomic(join(o.outDir, COMPLETION_FILE), JSON.stringify(metrics, null, 1) + '\n');
    return metrics;
  } finally {
    await detector.model.dispose();
  }
}

/**
 * --follow: rows from `input` (a CSV stream with a header), scored by the saved detector one
 * by one; `write` receives scores.csv's header and then one line per row as soon as the row is
 * in (rows before the first full window get empty scores), or with `json` one JSON object per
 * row. Returns the number of rows.
 */
export async function followDetect(detectorPath: string, input: AsyncIterable<string | Uint8Array>, write: (line: string) => void | Promise<void>, json = false, source = 'stdin'): Promise<number> {
  const { detector, columns, threshold } = loadDetector(detectorPath);
  const live = new LiveDetector(detector);
  const online = new OnlineThreshold(threshold, heldOutSurprises(detector.scorer));
  let plan: ColumnPlan | undefined;
  let rows = 0;
  try {
    const stream = streamTimeSeriesCsv(input, source, { timeColumn: columns.time, valueColumns: columns.values, labelColumn: columns.label }, columns.timeOrder, (p) => {
      plan = p;
    });
    let headerDone = false;
    for await (const row of stream) {
      if (!plan) throw new Error('followDetect: no header plan');
      if (!headerDone && !json) await write(scoresHeader(plan, columns.values));
      headerDone = true;
      const scored = await live.push(row.values);
      const flag = scored ? online.push(scored).flag : undefined;
      const out: OutputRow = {
        time: row.time,
        values: row.values,
        label: row.label,
        anomalyScore: scored?.anomalyScore ?? NaN,
        flag,
        contributions: scored?.contributions,
      };
      if (json) {
        const contributions = Object.fromEntries(columns.values.map((c, k) => [c, scored ? scored.contributions[k]! : null]));
        const values = Object.fromEntries(columns.values.map((c, k) => [c, row.values[k]!]));
        await write(JSON.stringify({ time: row.time, ...values, anomaly_score: scored?.anomalyScore ?? null, is_anomaly: flag ?? null, contributions }));
      } else await write(scoresLine(plan, out));
      rows++;
    }
    if (!headerDone && !json && plan) await write(scoresHeader(plan, columns.values));
  } finally {
    await detector.model.dispose();
  }
  return rows;
}
