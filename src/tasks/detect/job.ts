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
import type { ThresholdRule } from '../../analysis/anomaly/scorer.js';
import type { AnomalyInterval } from '../../analysis/anomaly/intervals.js';
import { COMPLETION_FILE } from '../../io/run-folder.js';
import { checkedTrainingWindows, modelsFitted, type Detector, type DetectorSettings } from './detector.js';
import { saveDetector } from './detector-file.js';
import type { FolderLock } from '../../io/folder-lock.js';
import { AnomalyDetector, type TrainingSummary } from './anomaly-detector.js';
import type { ThresholdChoice } from './flagging.js';
import { DETECT_TRAINING } from './model.js';
import { anomaliesJson, scoresCsv, scoresHeader, scoresLine } from './outputs.js';
import type { FitCallbacks } from '../../models/autoencoder/lstm-autoencoder.js';
import { stageTimer } from '../../train/stage-timer.js';

export { TELEMANOM_DEFAULTS, type ThresholdChoice } from './flagging.js';

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
  /** the folder's lock, when the caller holds it (the model set's commit takes it otherwise) */
  lock?: FolderLock;
  /** training feedback, made once the number of batches per epoch is known; `models`: how many train one after another (modelsFitted) */
  progress?: (epochs: number, batchesPerEpoch: number, models: number) => FitCallbacks & { stop(): void };
}

export interface DetectMetrics {
  input: string;
  rows: number;
  channels: string[];
  scored_rows: number;
  training: TrainingSummary;
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

function checkSameColumns(train: TimeSeriesTable, input: TimeSeriesTable): void {
  if (train.valueColumns.join('\u0000') !== input.valueColumns.join('\u0000')) {
    throw new InputError(
      `${train.source}: value columns ${train.valueColumns.map((c) => `'${c}'`).join(', ')} differ from ${input.source}'s ${input.valueColumns.map((c) => `'${c}'`).join(', ')}; expected the same columns`,
    );
  }
}

function warningsOf(tables: readonly TimeSeriesTable[], detector: Detector): string[] {
  const warnings: string[] = [];
  for (const t of tables) {
    const { rows, firstLine } = t.disordered;
    if (rows > 0) warnings.push(`${t.source}: ${rows} row(s) with a time stamp that repeats or comes before the previous row's, the first on line ${firstLine}; taken in file order (--time-order strict refuses them)`);
  }
  const table = tables[tables.length - 1]!;
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

/** The whole job; the caller has prepared outDir (and may have read the inputs already). Returns what metrics.json holds, and the intervals. */
export async function runDetectJob(o: DetectJobOptions, inputs: DetectInputs = readDetectInputs(o)): Promise<{ metrics: DetectMetrics; intervals: AnomalyInterval[] }> {
  const log = o.log ?? (() => {});
  const started = performance.now() - inputs.seconds * 1000;
  const { seconds: timings, timed } = stageTimer(log);
  timings.reading = inputs.seconds;
  log(`reading: ${inputs.seconds.toFixed(2)} s`);
  const { table, trainTable, trainRows, windows, heldOut } = inputs;
  const rows = table.times.length;
  const trainSource = trainTable ?? table;
  const models = modelsFitted(o.settings, trainRows, trainSource.times);
  const feedback = o.progress?.(o.settings.epochs ?? DETECT_TRAINING.epochs, Math.max(1, Math.ceil((windows - heldOut) / DETECT_TRAINING.batchSize)), models);
  const estimator = new AnomalyDetector({ ...o.settings, threshold: o.threshold, timeOrder: o.timeOrder });
  await timed('training', async () => {
    try {
      await estimator.fit(trainSource, {
        rows: trainRows,
        channels: table.valueColumns,
        like: table,
        describe: o.train ?? `first ${trainRows} rows of the input (--train-fraction ${o.trainFraction})`,
        ...(feedback ? { callbacks: feedback } : {}),
      });
    } finally {
      // the bar ends its line before the stage's line is printed
      feedback?.stop();
    }
  });
  try {
    const detector = estimator.detector;
    // rows the detector was fitted on are in-sample: evaluation starts after them
    const evaluatedFrom = trainTable ? 0 : trainRows;
    const series = await timed('scoring', () => estimator.score(table, { from: evaluatedFrom }));
    const { rule, validation, flags, thresholds, intervals } = series;

    let evaluation: DetectMetrics['evaluation'];
    if (table.labels) {
      const from = Math.max(validation?.[1] ?? evaluatedFrom, series.first);
      // NAB's threshold on the surprise: the rows in anomaly_score's order, without its ties at 1
      const scores = Float64Array.from(series.surprise, (s) => (Number.isNaN(s) ? 0 : s));
      evaluation = {
        rows: [from, rows],
        point: pointMetrics(flags, table.labels, from, rows),
        event: eventMetrics(flags, table.labels, from, rows),
        nab: nabScores(scores, table.labels),
      };
    }

    const fit = estimator.fitSummary;
    if (fit === undefined) throw new Error('runDetectJob: the estimator has no fit summary right after its fit');
    const { settings, ...training } = fit;
    const metrics: DetectMetrics = {
      input: o.input,
      rows,
      channels: table.valueColumns,
      scored_rows: Math.max(0, rows - series.first),
      training,
      threshold: rule,
      flagged_rows: flags.reduce((a, b) => a + b, 0),
      intervals: intervals.length,
      ...(evaluation ? { evaluation } : {}),
      warnings: warningsOf(trainTable ? [trainTable, table] : [table], detector),
      timings,
      settings,
    };

    await timed('writing', () => {
      writeFileAtomic(join(o.outDir, 'scores.csv'), scoresCsv(table, series));
      writeFileAtomic(join(o.outDir, 'anomalies.json'), anomaliesJson(series, detector.window));
      saveDetector(o.outDir, detector, estimator.columns, rule, estimator.training, o.lock);
    });
    if (o.report) {
      const { writeDetectReport } = await import('./figures.js');
      const { mostSevereRows } = await import('./figure-specs.js');
      await timed('report', async () => writeDetectReport(join(o.outDir, 'report.html'), {
        table, series, flags, thresholds, rule, intervals, metrics, trainRows: trainTable ? 0 : trainRows, heldOutSmoothed: detector.scorer.heldOutSmoothed,
        reconstructions: await estimator.reconstructAt(table, mostSevereRows(intervals)),
      }));
    }
    metrics.timings.total = (performance.now() - started) / 1000;
    writeFileAtomic(join(o.outDir, COMPLETION_FILE), JSON.stringify(metrics, null, 1) + '\n');
    return { metrics, intervals };
  } finally {
    await estimator.dispose();
  }
}

/** What a --follow run went through. */
export interface FollowSummary {
  /** rows scored (or given empty scores before the first full window) */
  rows: number;
  /** bad rows skipped, each with one warning */
  skipped: number;
  /** rows taken although their time stamp repeats or steps back */
  disordered: number;
}

/**
 * --follow: rows from `input` (a CSV stream with a header), scored by the saved detector one
 * by one; `write` receives scores.csv's header and then one line per row as soon as the row is
 * in (rows before the first full window get empty scores), or with `json` one JSON object per
 * row. A live feed goes on past a bad row: a malformed one (a cell that is not a number, a
 * stray quote, a line too long) is skipped with one `warn` line naming it, and so is a row
 * whose time stamp repeats or steps back when the detector's time order is strict; with the
 * time order 'rows' such a row is scored, with a warning naming it, as the batch run takes it.
 * A bad header still ends the run (nothing could be scored).
 */
export async function followDetect(
  detectorPath: string,
  input: AsyncIterable<string | Uint8Array>,
  write: (line: string) => void | Promise<void>,
  json = false,
  source = 'stdin',
  warn: (line: string) => void = () => {},
): Promise<FollowSummary> {
  const estimator = await AnomalyDetector.load(detectorPath);
  const columns = estimator.columns;
  let plan: ColumnPlan | undefined;
  const summary: FollowSummary = { rows: 0, skipped: 0, disordered: 0 };
  try {
    const stream = streamTimeSeriesCsv(
      input,
      source,
      { timeColumn: columns.time, valueColumns: columns.values, labelColumn: columns.label },
      columns.timeOrder,
      (p) => {
        plan = p;
      },
      {
        onBadRow: (error) => {
          summary.skipped++;
          warn(`${error.message}; row skipped`);
        },
      },
    );
    let headerDone = false;
    for await (const row of stream) {
      if (!plan) throw new Error('followDetect: no header plan');
      if (!headerDone && !json) await write(scoresHeader(plan, columns.values));
      headerDone = true;
      if (row.outOfOrder) {
        summary.disordered++;
        warn(`${source}: line ${row.line}: time stamp '${row.time.slice(0, 40)}' repeats or comes before the previous row's; taken in stream order`);
      }
      const scored = await estimator.update(row.values, row.time);
      if (json) {
        const contributions = Object.fromEntries(columns.values.map((c, k) => [c, scored.contributions ? scored.contributions[k]! : null]));
        const values = Object.fromEntries(columns.values.map((c, k) => [c, row.values[k]!]));
        await write(JSON.stringify({ time: row.time, ...values, anomaly_score: scored.anomalyScore, surprise: scored.surprise, is_anomaly: scored.flag, alert: scored.scored ? scored.alert : null, contributions }));
      } else {
        await write(scoresLine(plan, {
          time: row.time,
          values: row.values,
          label: row.label,
          anomalyScore: scored.anomalyScore ?? NaN,
          surprise: scored.surprise ?? NaN,
          flag: scored.flag ?? undefined,
          alert: scored.scored ? scored.alert : undefined,
          contributions: scored.contributions ?? undefined,
        }));
      }
      summary.rows++;
    }
    if (!headerDone && !json && plan) await write(scoresHeader(plan, columns.values));
  } finally {
    await estimator.dispose();
  }
  return summary;
}
