/**
 * The detect report's figures as Vega-Lite specs, with their titles and captions: the series
 * with flags and labels, the score with its threshold, the distribution of the anomaly
 * statistic, per-channel contributions when there are several channels, and the
 * reconstruction at the most severe events. The HTML report renders them (figures.ts); the
 * browser page draws the same specs, interactive.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { TimeSeriesTable } from '../../io/readers/timeseries-csv.js';
import { runsOf } from '../../analysis/anomaly/evaluate.js';
import type { ThresholdRule } from '../../analysis/anomaly/scorer.js';
import type { AnomalyInterval } from '../../analysis/anomaly/intervals.js';
import { contributionChart, distributionChart, scoreChart, seriesChart, type Span } from '../../report/anomaly-charts.js';
import { reconstructionByClassChart } from '../../report/classify-charts.js';
import type { ScoredSeries } from './detector.js';
import type { WindowReconstruction } from './anomaly-detector.js';

export interface DetectFigureInput {
  table: Pick<TimeSeriesTable, 'values' | 'valueColumns' | 'channels' | 'labels' | 'times' | 'source' | 'timeColumn'>;
  series: ScoredSeries;
  flags: Uint8Array;
  /** per row, in the rule's domain */
  thresholds: Float64Array;
  rule: ThresholdRule;
  /** rows of the input the detector was trained on (0 with a separate training file) */
  trainRows: number;
  heldOutSmoothed?: ArrayLike<number>;
  /** the windows ending at the most severe events' peaks, and their reconstructions (AnomalyDetector.reconstructAt) */
  reconstructions?: readonly WindowReconstruction[];
}

export interface FigureSpec {
  title: string;
  caption: string;
  spec: TopLevelSpec;
}

function spans(runs: [number, number][]): Span[] {
  return runs.map(([start, end]) => ({ start, end }));
}

export function detectFigureSpecs(input: DetectFigureInput): FigureSpec[] {
  const { table, series, flags, rule } = input;
  // the time column's stamps on the x axis (the charts fall back to rows when they do not read as dates in order)
  const times = table.timeColumn !== undefined ? { times: table.times } : {};
  const flagged = spans(runsOf(flags));
  const labelled = table.labels ? spans(runsOf(table.labels)) : undefined;
  // every rule's threshold shown as a surprise: -log10 of the tail probability it stands for
  const thresholds = rule.rule === 'fpr' ? Float64Array.from(input.thresholds, (t) => (Number.isNaN(t) ? NaN : -Math.log10(1 - t))) : input.thresholds;
  const figures: FigureSpec[] = [
    {
      title: 'The series',
      caption: 'Each channel as read (missing values carried forward), with the flagged intervals, the labelled anomalies and the training span.',
      spec: seriesChart({ values: table.values, channels: table.valueColumns, flagged, ...(labelled ? { labelled } : {}), trainRows: input.trainRows, ...times }),
    },
    {
      title: 'Anomaly score',
      caption: '-log10 of the tail probability (anomaly_score = 1 - that probability): 3 means normal rows are this unusual about once in 1000. The dashed line is the threshold.',
      spec: scoreChart({ values: series.surprise, thresholds, title: '-log10 tail probability', scale: 'symlog', flagged, ...times }),
    },
    {
      title: 'Error distribution',
      caption: 'The reconstruction statistic (smoothed squared Mahalanobis distance of the errors) on the held-out normal rows, where its tail probability starts from, and on the rows scored after the training span.',
      spec: distributionChart({ heldOut: Array.from(input.heldOutSmoothed ?? []), scored: series.smoothed.subarray(Math.max(series.first, input.trainRows)) }),
    },
  ];
  if (table.channels > 1) {
    figures.push({
      title: 'Contributions',
      caption: "Each channel's term of the smoothed statistic: the channel with the largest term drove the score.",
      spec: contributionChart({ contributions: series.contributions, channels: table.valueColumns, ...times }),
    });
  }
  const windows = input.reconstructions ?? [];
  if (windows.length > 0) {
    figures.push({
      title: 'Reconstruction at the anomalies',
      caption: "The window that ends at each of the most severe events' peaks, every channel as read (blue) and as the model rebuilds it (red), in the data's units: where they part is what made the row unusual.",
      spec: windowReconstructionChart(windows, table, 'Reconstruction at the most severe events', 'the window ending at each peak; data blue, reconstruction red'),
    });
  }
  return figures;
}

/** How many of the most severe events the figures show the reconstruction at. */
export const RECONSTRUCTED_EVENTS = 4;

/** The peak rows of the `count` most severe intervals, in row order: where the reconstruction figure looks. */
export function mostSevereRows(intervals: readonly AnomalyInterval[], count = RECONSTRUCTED_EVENTS): number[] {
  return [...intervals].sort((a, b) => b.severity - a.severity).slice(0, count).map((i) => i.peakRow).sort((a, b) => a - b);
}

/** Windows and their reconstructions (AnomalyDetector.reconstructAt), one panel each, named by their last row and its time stamp. */
export function windowReconstructionChart(windows: readonly WindowReconstruction[], table: Pick<TimeSeriesTable, 'times' | 'channels'>, title: string, subtitle: string): TopLevelSpec {
  const drawn = windows.map((w) => ({
    label: `row ${w.row}${table.times[w.row] !== undefined && table.times[w.row] !== String(w.row) ? ` (${table.times[w.row]})` : ''}`,
    name: `rows ${w.start}-${w.row}`,
    values: w.values,
    reconstruction: w.reconstruction,
    channels: table.channels,
  }));
  return reconstructionByClassChart(drawn, drawn.map((d) => d.label), subtitle, { title, step: 'row of the window' });
}
