/**
 * The detect report's figures and page: the series with flags and labels, the score with its
 * threshold, the distribution of the anomaly statistic, and per-channel contributions when
 * there are several channels. Loaded only when a report is asked for (Vega and resvg are
 * heavy).
 */
import { writeFileAtomic } from '../../io/atomic-write.js';
import type { TimeSeriesTable } from '../../io/readers/timeseries-csv.js';
import type { AnomalyInterval } from '../../analysis/anomaly/intervals.js';
import { runsOf } from '../../analysis/anomaly/evaluate.js';
import type { ThresholdRule } from '../../analysis/anomaly/scorer.js';
import { contributionChart, distributionChart, scoreChart, seriesChart, type Span } from '../../report/anomaly-charts.js';
import { buildDetectReportHtml, type DetectReportData } from './report.js';
import type { ReportFigure } from '../../report/html-report.js';
import { renderSvg } from '../../report/render.js';
import type { DetectMetrics } from './job.js';
import type { ScoredSeries } from './detector.js';

export interface DetectReportInput {
  table: TimeSeriesTable;
  series: ScoredSeries;
  flags: Uint8Array;
  /** per row, in the rule's domain */
  thresholds: Float64Array;
  rule: ThresholdRule;
  intervals: readonly AnomalyInterval[];
  metrics: DetectMetrics;
  /** rows of the input the detector was trained on (0 with a separate training file) */
  trainRows: number;
  heldOutSmoothed?: ArrayLike<number>;
}

/** The threshold rule in words. */
export function describeRule(rule: ThresholdRule): string {
  switch (rule.rule) {
    case 'fpr':
      return `A row is flagged when its anomaly_score is at least ${rule.score} (1 - ${rule.fpr}): normal rows score that high with probability ${rule.fpr}.`;
    case 'sigma':
      return `A row is flagged when its surprise (-log10 of its tail probability) is at least ${rule.surprise.toPrecision(6)}: the held-out normal rows' mean surprise plus ${rule.k} standard deviations.`;
    case 'fbeta':
      return `A row is flagged when its surprise (-log10 of its tail probability) is at least ${rule.surprise.toPrecision(6)}: the threshold with the best F${rule.beta} on the labelled validation rows.`;
    case 'dynamic':
      return `A row is flagged by Telemanom's dynamic threshold: over the last ${rule.window} rows, chosen again every ${rule.every} rows (error buffer ${rule.errorBuffer}, z up to ${rule.sdLimit}).`;
  }
}

function spans(runs: [number, number][]): Span[] {
  return runs.map(([start, end]) => ({ start, end }));
}

export async function writeDetectReport(path: string, input: DetectReportInput): Promise<void> {
  const { table, series, flags, rule, metrics } = input;
  const flagged = spans(runsOf(flags));
  const labelled = table.labels ? spans(runsOf(table.labels)) : undefined;
  // every rule's threshold shown as a surprise: -log10 of the tail probability it stands for
  const scoreDomain = rule.rule === 'fpr';
  const thresholds = scoreDomain ? Float64Array.from(input.thresholds, (t) => (Number.isNaN(t) ? NaN : -Math.log10(1 - t))) : input.thresholds;

  const figure = async (title: string, caption: string, spec: Parameters<typeof renderSvg>[0]): Promise<ReportFigure> => ({ title, caption, svg: await renderSvg(spec) });
  const figures: ReportFigure[] = [
    await figure('The series', 'Each channel as read (missing values carried forward), with the flagged intervals, the labelled anomalies and the training span.',
      seriesChart({ values: table.values, channels: table.valueColumns, flagged, labelled, trainRows: input.trainRows })),
    await figure('Anomaly score',
      '-log10 of the tail probability (anomaly_score = 1 - that probability): 3 means normal rows are this unusual about once in 1000. The dashed line is the threshold.',
      scoreChart({ values: series.surprise, thresholds, title: '-log10 tail probability', scale: 'symlog', flagged })),
    await figure('Error distribution', 'The reconstruction statistic (smoothed squared Mahalanobis distance of the errors) on the held-out normal rows, where its tail probability starts from, and on the rows scored after the training span.',
      distributionChart({
        heldOut: Array.from(input.heldOutSmoothed ?? []),
        scored: series.smoothed.subarray(Math.max(series.first, input.trainRows)),
      })),
  ];
  if (table.channels > 1) {
    figures.push(await figure('Contributions', "Each channel's term of the smoothed statistic: the channel with the largest term drove the score.",
      contributionChart({ contributions: series.contributions, channels: table.valueColumns })));
  }
  const e = metrics.evaluation;
  const t = metrics.training;
  const data: DetectReportData = {
    title: `lstm-ae detect: ${table.source}`,
    subtitle: `${new Date().toISOString()}`,
    rows: metrics.rows,
    scoredRows: metrics.scored_rows,
    flaggedRows: metrics.flagged_rows,
    thresholdRule: describeRule(rule),
    intervals: input.intervals.map((i) => ({
      start: i.start, end: i.end, rows: i.endRow - i.startRow + 1, peakTime: i.peakTime, peakScore: i.peakScore, severity: i.severity,
      ...(i.peakChannel !== undefined && table.channels > 1 ? { peakChannel: i.peakChannel } : {}),
    })),
    ...(e ? { evaluation: { span: `rows ${e.rows[0]} to ${e.rows[1] - 1}`, point: e.point, event: e.event, ...(e.nab ? { nab: e.nab } : {}) } } : {}),
    warnings: metrics.warnings,
    settings: Object.fromEntries(Object.entries(metrics.settings).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : (v as string | number | boolean)])),
    training: {
      'trained on': `${t.source}, ${t.rows} rows`,
      'windows trained on / held out': `${t.train_windows} / ${t.held_out_windows}`,
      epochs: `${t.epochs} (best ${t.best_epoch}${t.stopped_early ? ', stopped early' : ''})`,
      'final training loss': t.loss[t.loss.length - 1] ?? NaN,
      'best held-out loss': t.val_loss[t.best_epoch - 1] ?? NaN,
    },
    timings: metrics.timings,
    figures,
  };
  writeFileAtomic(path, buildDetectReportHtml(data));
}
