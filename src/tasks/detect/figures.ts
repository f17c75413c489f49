/**
 * The detect report's figures and page: the series with flags and labels, the score with its
 * threshold, the distribution of the anomaly statistic, and per-channel contributions when
 * there are several channels. Loaded only when a report is asked for (Vega and resvg are
 * heavy).
 */
import { writeFileAtomic } from '../../io/atomic-write.js';
import type { TimeSeriesTable } from '../../io/readers/timeseries-csv.js';
import type { AnomalyInterval } from '../../analysis/anomaly/intervals.js';
import type { ThresholdRule } from '../../analysis/anomaly/scorer.js';
import { buildDetectReportHtml, type DetectReportData } from './report.js';
import { detectFigureSpecs, type DetectFigureInput } from './figure-specs.js';
import { describeRule } from './describe-rule.js';

export { describeRule } from './describe-rule.js';
import type { ReportFigure } from '../../report/html-report.js';
import { renderSvg } from '../../report/render.js';
import type { DetectMetrics } from './job.js';
import type { ScoredSeries } from './detector.js';

export interface DetectReportInput extends DetectFigureInput {
  intervals: readonly AnomalyInterval[];
  metrics: DetectMetrics;
}



export async function writeDetectReport(path: string, input: DetectReportInput): Promise<void> {
  const { table, rule, metrics } = input;
  const figures: ReportFigure[] = [];
  for (const f of detectFigureSpecs(input)) figures.push({ title: f.title, caption: f.caption, svg: await renderSvg(f.spec) });
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
      start: i.start, end: i.end, rows: i.endRow - i.startRow + 1, peakTime: i.peakTime, severity: i.severity,
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
