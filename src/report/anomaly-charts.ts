import type { TopLevelSpec } from 'vega-lite';
import { BLUE, RED, chartConfig } from './chart-style.js';
import { buckets, extent, minMaxPoints, round6, type Numbers } from './series-reduce.js';

export { buckets, CHART_BUCKETS, minMaxPoints, type Numbers } from './series-reduce.js';

/**
 * The figures of `lstm-ae detect`'s report, as Vega-Lite specs with their data inline. Long
 * series are drawn from buckets of rows (each bucket's lowest and highest value, so that a
 * one-row spike still shows), which keeps a report of a million rows as small as one of a
 * thousand.
 */

const ORANGE = '#ff7f0e';
const GREY = '#7f7f7f';

export interface Span {
  start: number;
  /** last row, inclusive */
  end: number;
}

export interface SeriesChartInput {
  /** (rows, channels) */
  values: Numbers;
  channels: readonly string[];
  /** flagged intervals, shaded */
  flagged: readonly Span[];
  /** labelled anomalous runs, marked above the plot */
  labelled?: readonly Span[];
  /** rows the detector was trained on (from row 0), shaded grey */
  trainRows: number;
  /** each row's time stamp: the x axis shows time when they read as dates */
  times?: readonly string[];
}

/** The series with the flagged intervals shaded red, the labelled runs marked, the training span grey. */
/**
 * The x axis of the charts over rows: the rows' time stamps when the input has a time column
 * whose values read as dates in order (sampled every 1/1000 of the rows), else the row
 * numbers. Points keep their `row`; with time stamps they also carry `time` (ms), and spans
 * `startTime`/`endTime`, which the encodings then use.
 */
interface RowAxis {
  /** a row's time in ms (rows past the end continue at the last step), or undefined on the row axis */
  time(row: number): number | undefined;
  x(field: 'row' | 'start', rows: number): Record<string, unknown>;
  x2(): Record<string, unknown>;
}

function rowAxis(rows: number, times: readonly string[] | undefined): RowAxis {
  const at = (r: number) => Date.parse(times![r]!);
  let ok = times !== undefined && times.length === rows && rows > 1;
  if (ok) {
    const step = Math.max(1, Math.floor(rows / 1000));
    const samples: number[] = [];
    for (let r = 0; r < rows; r += step) samples.push(r);
    if (samples[samples.length - 1] !== rows - 1) samples.push(rows - 1);
    let previous = -Infinity;
    for (const r of samples) {
      const t = at(r);
      if (!(Number.isFinite(t) && t >= previous)) {
        ok = false;
        break;
      }
      previous = t;
    }
  }
  if (!ok) {
    return {
      time: () => undefined,
      x: (field, n) => (field === 'row' ? { field: 'row', type: 'quantitative', title: 'row', scale: { domain: [0, Math.max(1, n - 1)], nice: false } } : { field: 'start', type: 'quantitative' }),
      x2: () => ({ field: 'end' }),
    };
  }
  const last = at(rows - 1);
  const stepMs = last - at(rows - 2);
  return {
    time: (r) => (r < rows ? at(r) : last + stepMs * (r - rows + 1)),
    x: (field) => (field === 'row' ? { field: 'time', type: 'temporal', title: 'time' } : { field: 'startTime', type: 'temporal' }),
    x2: () => ({ field: 'endTime' }),
  };
}

/** A point or span with its time stamps added where the axis has them. */
function timed<T extends { row?: number; start?: number; end?: number }>(axis: RowAxis, item: T): T {
  if (axis.time(0) === undefined) return item;
  if (item.row !== undefined) return { ...item, time: axis.time(item.row) };
  return { ...item, startTime: axis.time(item.start!), endTime: axis.time(item.end!) };
}

/** Colours for the channels: Tableau's, without the red, orange and grey the spans use. */
function channelColours(count: number): string[] {
  const palette = [BLUE, '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#bcbd22', '#17becf'];
  return Array.from({ length: count }, (_, c) => palette[c % palette.length]!);
}

export function seriesChart(input: SeriesChartInput): TopLevelSpec {
  const D = input.channels.length;
  const rows = input.values.length / Math.max(1, D);
  const axis = rowAxis(rows, input.times);
  const lines: { row: number; value: number; channel: string }[] = [];
  input.channels.forEach((channel, c) => {
    for (const p of minMaxPoints(input.values, D, c)) lines.push(timed(axis, { ...p, channel }));
  });
  const spans = [
    ...(input.trainRows > 0 ? [{ start: 0, end: input.trainRows - 1, kind: 'training span' }] : []),
    ...input.flagged.map((s) => ({ start: s.start, end: s.end + 1, kind: 'flagged' })),
    ...(input.labelled ?? []).map((s) => ({ start: s.start, end: s.end + 1, kind: 'labelled anomaly' })),
  ].map((span) => timed(axis, span));
  const kinds = ['training span', 'flagged', 'labelled anomaly'];
  const colours = [GREY, RED, ORANGE];
  const height = D > 1 ? 280 : 220;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: chartConfig,
    title: {
      text: 'The series and what was flagged',
      subtitle: `${rows} rows${D > 1 ? `, ${D} channels` : ''}; flagged intervals red (a tick below marks each), labelled anomalies orange (above), training span grey`,
    },
    width: 820,
    height,
    layer: [
      {
        data: { values: spans.filter((s) => s.kind !== 'labelled anomaly') },
        mark: { type: 'rect', opacity: 0.18 },
        encoding: {
          x: axis.x('start', rows),
          x2: axis.x2(),
          color: { field: 'kind', type: 'nominal', title: null, scale: { domain: kinds, range: colours }, legend: { orient: 'top', direction: 'horizontal' } },
        },
      },
      {
        data: { values: spans.filter((s) => s.kind === 'labelled anomaly') },
        mark: { type: 'rect', y: 0, y2: 8, opacity: 0.9 },
        encoding: {
          x: axis.x('start', rows),
          x2: axis.x2(),
          color: { field: 'kind', type: 'nominal', title: null, scale: { domain: kinds, range: colours }, legend: null },
        },
      },
      {
        // with the alert gate an event is often flagged for a row or two, a band narrower than a pixel on a long
        // series: a tick in a strip along the bottom marks where each flagged interval starts, at any length
        data: { values: spans.filter((s) => s.kind === 'flagged') },
        mark: { type: 'rule', y: height - 10, y2: height, strokeWidth: 2, color: RED },
        encoding: { x: axis.x('start', rows) },
      },
      {
        data: { values: lines },
        mark: { type: 'line', strokeWidth: 1, clip: true },
        encoding: {
          x: axis.x('row', rows),
          y: { field: 'value', type: 'quantitative', title: D > 1 ? 'value' : input.channels[0] ?? 'value', scale: { zero: false } },
          // one colour per channel, none of them the spans' red, orange or grey
          color: D > 1 ? { field: 'channel', type: 'nominal', title: 'channel', scale: { domain: [...input.channels], range: channelColours(D) } } : { value: BLUE },
        },
      },
    ],
    resolve: { scale: { color: 'independent' } },
  };
}

export interface ScoreChartInput {
  /** per row: -log10 of the tail probability */
  values: Numbers;
  /** per row, the threshold in the same domain (NaN where there is none) */
  thresholds: Numbers;
  /** what the y axis shows */
  title: string;
  /** 'log' for a positive statistic; 'symlog' for -log10 probabilities, which start at 0 and reach hundreds */
  scale: 'log' | 'symlog';
  flagged: readonly Span[];
  /** each row's time stamp: the x axis shows time when they read as dates */
  times?: readonly string[];
}

/** The anomaly score over time with the threshold line and the flagged intervals. */
export function scoreChart(input: ScoreChartInput): TopLevelSpec {
  const rows = input.values.length;
  const axis = rowAxis(rows, input.times);
  // the highest value per bucket: a flag is a peak, and a peak must show
  const points: { row: number; value: number; series: string }[] = [];
  for (const [start, end] of buckets(rows)) {
    let hi = -Infinity;
    let threshold = NaN;
    for (let r = start; r < end; r++) {
      const v = input.values[r]!;
      if (Number.isFinite(v)) hi = Math.max(hi, v);
      const t = input.thresholds[r]!;
      if (Number.isFinite(t)) threshold = Number.isNaN(threshold) ? t : Math.min(threshold, t);
    }
    const log = input.scale === 'log';
    if (Number.isFinite(hi) && (!log || hi > 0)) points.push(timed(axis, { row: start, value: round6(hi), series: 'score' }));
    if (Number.isFinite(threshold) && (!log || threshold > 0)) points.push(timed(axis, { row: start, value: round6(threshold), series: 'threshold' }));
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: chartConfig,
    title: { text: 'Anomaly score and threshold', subtitle: `${input.title}; the highest value of each bucket of rows, ${input.scale === 'log' ? 'log' : 'symmetric log'} scale` },
    width: 820,
    height: 200,
    layer: [
      {
        data: { values: input.flagged.map((s) => timed(axis, { start: s.start, end: s.end + 1 })) },
        mark: { type: 'rect', opacity: 0.15, color: RED },
        encoding: { x: axis.x('start', rows), x2: axis.x2() },
      },
      {
        data: { values: points },
        mark: { type: 'line', strokeWidth: 1, clip: true },
        encoding: {
          x: axis.x('row', rows),
          y: { field: 'value', type: 'quantitative', title: input.title, scale: { type: input.scale } },
          color: {
            field: 'series', type: 'nominal', title: null,
            scale: { domain: ['score', 'threshold'], range: [BLUE, RED] },
            legend: { orient: 'top', direction: 'horizontal', symbolType: 'stroke', symbolStrokeWidth: 2 },
          },
          strokeDash: { field: 'series', type: 'nominal', title: null, scale: { domain: ['score', 'threshold'], range: [[1, 0], [5, 3]] } },
        },
      },
    ],
  };
}

export interface DistributionChartInput {
  /** the held-out rows' anomaly statistic */
  heldOut: Numbers;
  /** the scored rows' (after the training span) */
  scored: Numbers;
}

/** Histograms of log10 of the anomaly statistic: held-out normal rows against the scored rows. */
export function distributionChart(input: DistributionChartInput): TopLevelSpec {
  const logs = (values: Numbers) => Array.from(values).filter((v) => Number.isFinite(v) && v > 0).map((v) => Math.log10(v));
  const sets = [['held-out normal rows', logs(input.heldOut)], ['scored rows', logs(input.scored)]] as const;
  // loops, not Math.min(...all): a spread of 150,000 arguments overflows the stack
  const [held, scored] = [extent(sets[0][1]), extent(sets[1][1])];
  const lo = Math.min(held.min, scored.min);
  const hi = Math.max(held.max, scored.max, lo + 1e-9);
  const bins = 40;
  const width = (hi - lo) / bins;
  const rows: { bin: number; binEnd: number; share: number; set: string }[] = [];
  for (const [set, values] of sets) {
    const counts = new Array<number>(bins).fill(0);
    for (const v of values) counts[Math.min(bins - 1, Math.floor((v - lo) / width))]!++;
    counts.forEach((n, b) => rows.push({ bin: round6(lo + b * width), binEnd: round6(lo + (b + 1) * width), share: values.length ? n / values.length : 0, set }));
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: chartConfig,
    title: { text: 'Distribution of the anomaly statistic', subtitle: 'smoothed squared Mahalanobis distance of the reconstruction errors, share of rows per bin' },
    width: 520,
    height: 200,
    layer: [
      {
        data: { values: rows },
        mark: { type: 'rect', opacity: 0.55 },
        encoding: {
          x: { field: 'bin', type: 'quantitative', title: 'log10 of the statistic' },
          x2: { field: 'binEnd' },
          y: { field: 'share', type: 'quantitative', title: 'share of rows', stack: null },
          color: { field: 'set', type: 'nominal', title: null, scale: { domain: ['held-out normal rows', 'scored rows'], range: [GREY, BLUE] }, legend: { orient: 'top', direction: 'horizontal' } },
        },
      },
    ],
  } as TopLevelSpec;
}

export interface ContributionChartInput {
  /** (rows, channels) */
  contributions: Numbers;
  channels: readonly string[];
  /** each row's time stamp: the x axis shows time when they read as dates */
  times?: readonly string[];
}

/** Per channel, its share of the anomaly statistic over time (multivariate series). */
export function contributionChart(input: ContributionChartInput): TopLevelSpec {
  const D = input.channels.length;
  const n = input.contributions.length / D;
  const axis = rowAxis(n, input.times);
  const rows: { row: number; value: number; channel: string }[] = [];
  input.channels.forEach((channel, c) => {
    for (const [start, end] of buckets(n)) {
      let hi = -Infinity;
      for (let r = start; r < end; r++) {
        const v = input.contributions[r * D + c]!;
        if (Number.isFinite(v)) hi = Math.max(hi, v);
      }
      if (Number.isFinite(hi)) rows.push(timed(axis, { row: start, value: round6(hi), channel }));
    }
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: chartConfig,
    title: { text: 'Which channel drove the score', subtitle: "each channel's term of the statistic (they sum to it); the highest of each bucket of rows" },
    width: 820,
    height: 200,
    data: { values: rows },
    mark: { type: 'line', strokeWidth: 1, clip: true },
    encoding: {
      x: axis.x('row', n),
      y: { field: 'value', type: 'quantitative', title: 'contribution' },
      color: { field: 'channel', type: 'nominal', title: 'channel', scale: { domain: [...input.channels], range: channelColours(D) }, legend: { orient: 'top', direction: 'horizontal' } },
    },
  };
}
