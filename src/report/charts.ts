import type { TopLevelSpec } from 'vega-lite';
import { InputError } from '../input-error.js';
import { BLUE, RED, chartConfig, classColours, classLabel } from './chart-style.js';

/**
 * One Vega-Lite spec per figure of the article, built from plain arrays. The specs
 * hold their data inline, so a spec alone renders the figure (see render.ts).
 */

export type Numbers = Float32Array | Float64Array | readonly number[];

/** A class's windows, in order: a half-open index range [start, end) or explicit indices. */
export type WindowSelection = { start: number; end: number } | ArrayLike<number>;

/** Values are rounded for the inline data: 1e-6 is far below a pixel and halves the spec. */
function round6(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

function selectionIndices(selection: WindowSelection, windowCount: number, what: string): number[] {
  const indices = 'start' in selection && 'end' in selection && !('length' in selection)
    ? Array.from({ length: Math.max(0, selection.end - selection.start) }, (_, i) => selection.start + i)
    : Array.from(selection as ArrayLike<number>);
  for (const i of indices) {
    if (!Number.isInteger(i) || i < 0 || i >= windowCount) {
      throw new InputError(`${what}: window index ${i} is outside 0..${windowCount - 1}`);
    }
  }
  return indices;
}

/** (N, T) or (N, T, 1) -> [N, T]; the article's series are univariate. */
function windowShape(values: Numbers, shape: readonly number[], what: string): [number, number] {
  const [n, t, d = 1] = shape;
  if (shape.length < 2 || shape.length > 3 || n === undefined || t === undefined || d !== 1) {
    throw new InputError(`${what}: expected shape (N, T) or (N, T, 1), got (${shape.join(', ')})`);
  }
  if (values.length !== n * t) {
    throw new InputError(`${what}: shape (${shape.join(', ')}) needs ${n * t} values, got ${values.length}`);
  }
  return [n, t];
}

/** Figure 1: the first `points` samples of each class's sine series. */
export function sineClassesChart(series0: Numbers, series1: Numbers, points = 80): TopLevelSpec {
  const rows: { t: number; value: number; series: string }[] = [];
  [series0, series1].forEach((series, k) => {
    const n = Math.min(points, series.length);
    for (let t = 0; t < n; t++) rows.push({ t, value: round6(series[t]!), series: classLabel(k) });
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: chartConfig,
    title: { text: 'The two sine classes', subtitle: `first ${points} samples of each series` },
    width: 560,
    height: 220,
    data: { values: rows },
    mark: { type: 'line', point: { size: 14 }, strokeWidth: 1.5 },
    encoding: {
      x: { field: 't', type: 'quantitative', title: 'time step' },
      y: { field: 'value', type: 'quantitative', title: 'value' },
      color: {
        field: 'series', type: 'nominal', title: null,
        scale: { domain: [classLabel(0), classLabel(1)], range: [RED, BLUE] },
        legend: { orient: 'top', direction: 'horizontal', symbolType: 'stroke', symbolStrokeWidth: 2 },
      },
    },
  };
}

export interface ReconstructionChartInput {
  /** Flat (N, T) or (N, T, 1) windows and their reconstructions. */
  original: Numbers;
  reconstruction: Numbers;
  shape: readonly number[];
  /** The windows of the class to draw, in series order. */
  windows: WindowSelection;
  classLabel: string;
  /** Draw from every `every`-th start position within the class (the article: 1000). */
  every?: number;
  /** Windows overlaid per panel, starting at each start position (the article: 5). */
  consecutive?: number;
  columns?: number;
}

/**
 * Figure 2 (one per class): for every 1000th start position within the class's windows,
 * five consecutive windows overlaid, original blue and reconstruction red, one panel each.
 */
export function reconstructionChart(input: ReconstructionChartInput): TopLevelSpec {
  const { original, reconstruction, shape, every = 1000, consecutive = 5, columns = 4 } = input;
  const [n, t] = windowShape(original, shape, 'reconstruction chart, original');
  windowShape(reconstruction, shape, 'reconstruction chart, reconstruction');
  if (!Number.isInteger(every) || every < 1 || !Number.isInteger(consecutive) || consecutive < 1) {
    throw new InputError(`reconstruction chart: every (${every}) and consecutive (${consecutive}) must be positive integers`);
  }
  const indices = selectionIndices(input.windows, n, 'reconstruction chart');
  if (indices.length === 0) throw new InputError(`reconstruction chart: ${input.classLabel} has no windows`);

  const rows: { start: number; window: number; t: number; value: number; series: string }[] = [];
  for (const [series, values] of [['original', original], ['reconstruction', reconstruction]] as const) {
    for (let start = 0; start < indices.length; start += every) {
      for (let w = start; w < Math.min(start + consecutive, indices.length); w++) {
        const base = indices[w]! * t;
        for (let s = 0; s < t; s++) rows.push({ start, window: w, t: s, value: round6(values[base + s]!), series });
      }
    }
  }
  const panels = Math.ceil(indices.length / every);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: chartConfig,
    title: {
      text: `Reconstructions, ${input.classLabel}`,
      subtitle: `${consecutive} consecutive windows overlaid per panel; panels ${every} windows apart (${indices.length} windows in the class)`,
    },
    data: { values: rows },
    columns: Math.min(columns, panels),
    facet: {
      field: 'start', type: 'ordinal',
      header: { title: 'first window of the panel (index within the class)', labelFontSize: 10 },
    },
    spec: {
      width: 200,
      height: 110,
      mark: { type: 'line', strokeWidth: 1.2, clip: true },
      encoding: {
        x: { field: 't', type: 'quantitative', title: 'time step', scale: { domain: [0, t - 1], nice: false } },
        y: { field: 'value', type: 'quantitative', title: 'value' },
        color: {
          field: 'series', type: 'nominal', title: null,
          scale: { domain: ['original', 'reconstruction'], range: [BLUE, RED] },
          legend: { orient: 'top', direction: 'horizontal' },
        },
        detail: { field: 'window', type: 'nominal' },
        // reconstructions drawn after (over) the originals, as in the article
        order: { field: 'series', sort: 'ascending' },
      },
    },
  };
}

export interface FeatureClass {
  label: string;
  /** The class's windows, in series order; the first `period` are drawn. */
  windows: WindowSelection;
  /** Windows in one period of the class's sine (the article: 20 and 80). */
  period: number;
}

export interface FeaturesChartInput {
  /** Flat (N, L) encoder features. */
  features: Numbers;
  latent: number;
  classes: readonly FeatureClass[];
}

/** Figure 3: the L encoder features over one period of each class, one panel per class. */
export function featuresChart(input: FeaturesChartInput): TopLevelSpec {
  const { features, latent } = input;
  if (!Number.isInteger(latent) || latent < 1 || features.length % latent !== 0) {
    throw new InputError(`features chart: ${features.length} values do not split into rows of ${latent}`);
  }
  const n = features.length / latent;
  const rows: { panel: string; window: number; feature: number; value: number }[] = [];
  const panels: string[] = [];
  for (const cls of input.classes) {
    const indices = selectionIndices(cls.windows, n, `features chart, ${cls.label}`);
    if (indices.length < cls.period) {
      throw new InputError(`features chart: ${cls.label} has ${indices.length} windows, fewer than one period (${cls.period})`);
    }
    const panel = `${cls.label}: ${cls.period} windows`;
    panels.push(panel);
    for (let w = 0; w < cls.period; w++) {
      for (let f = 0; f < latent; f++) {
        rows.push({ panel, window: w, feature: f, value: round6(features[indices[w]! * latent + f]!) });
      }
    }
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: chartConfig,
    title: { text: 'Encoder features over one period of each class', subtitle: `the ${latent} values of the code, window by window` },
    data: { values: rows },
    facet: { column: { field: 'panel', type: 'nominal', sort: panels, header: { title: null, labelFontSize: 12 } } },
    spec: {
      width: 300,
      height: 220,
      mark: { type: 'line', strokeWidth: 1.4, point: { size: 10 } },
      encoding: {
        x: { field: 'window', type: 'quantitative', title: 'window index within the period' },
        y: { field: 'value', type: 'quantitative', title: 'feature value' },
        color: {
          field: 'feature', type: 'nominal', title: 'feature',
          scale: { scheme: latent <= 10 ? 'category10' : 'tableau20' },
        },
      },
    },
    resolve: { scale: { x: 'independent' } },
  };
}

/** Keras's `history.history`: one value per epoch. */
export interface LossHistory {
  loss: Numbers;
  val_loss?: Numbers;
}

/** Figure 4: training and validation loss per epoch. */
export function lossChart(history: LossHistory): TopLevelSpec {
  const rows: { epoch: number; loss: number; series: string }[] = [];
  const add = (values: Numbers | undefined, series: string): void => {
    if (values) for (let e = 0; e < values.length; e++) rows.push({ epoch: e + 1, loss: values[e]!, series });
  };
  add(history.loss, 'training loss');
  add(history.val_loss, 'validation loss');
  if (rows.length === 0) throw new InputError('loss chart: the history has no epochs');
  // a log axis shows the late, small improvements; it needs every value positive
  const logScale = rows.every((r) => Number.isFinite(r.loss) && r.loss > 0);
  // only the series present, so a history without val_loss has no legend entry for it
  const domain = ['training loss', 'validation loss'].filter((name) => rows.some((r) => r.series === name));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: chartConfig,
    title: { text: 'Loss per epoch', subtitle: logScale ? 'mean squared error, log scale' : 'mean squared error' },
    width: 480,
    height: 240,
    data: { values: rows },
    mark: { type: 'line', point: { size: 24, filled: true }, strokeWidth: 1.5 },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epoch', scale: { zero: false, nice: false }, axis: { tickMinStep: 1, format: 'd' } },
      y: { field: 'loss', type: 'quantitative', title: 'loss (MSE)', scale: logScale ? { type: 'log' } : { zero: false } },
      color: {
        field: 'series', type: 'nominal', title: null,
        scale: { domain, range: [BLUE, '#ff7f0e'].slice(0, domain.length) },
        legend: { orient: 'top', direction: 'horizontal', symbolType: 'stroke', symbolStrokeWidth: 2 },
      },
      // dashed validation line: with the training data as validation data the two overlap
      strokeDash: { field: 'series', type: 'nominal', title: null, scale: { domain, range: [[1, 0], [5, 3]].slice(0, domain.length) } },
    },
  };
}

export interface PcaChartOptions {
  /** Fraction of variance each of the two components explains, shown in the axis titles. */
  explainedVariance?: readonly [number, number];
  title?: string;
}

/** Figure 5: features projected to two principal components, coloured by class. */
export function pcaChart(projections: Numbers, labels: ArrayLike<number>, options: PcaChartOptions = {}): TopLevelSpec {
  if (projections.length !== 2 * labels.length) {
    throw new InputError(`PCA chart: ${projections.length} values are not (x, y) pairs for ${labels.length} labels`);
  }
  const rows: { pc1: number; pc2: number; cls: string }[] = [];
  let maxClass = 0;
  for (let i = 0; i < labels.length; i++) {
    const k = labels[i]!;
    if (!Number.isInteger(k) || k < 0) throw new InputError(`PCA chart: label ${k} is not a class index`);
    maxClass = Math.max(maxClass, k);
    rows.push({ pc1: round6(projections[2 * i]!), pc2: round6(projections[2 * i + 1]!), cls: classLabel(k) });
  }
  const domain = Array.from({ length: maxClass + 1 }, (_, k) => classLabel(k));
  const axisTitle = (c: 0 | 1): string => {
    const share = options.explainedVariance?.[c];
    return share === undefined ? `principal component ${c + 1}` : `principal component ${c + 1} (${(100 * share).toFixed(1)}% of variance)`;
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: chartConfig,
    title: { text: options.title ?? 'Features projected to two dimensions (PCA)', subtitle: `${labels.length} windows, coloured by class` },
    width: 380,
    height: 300,
    data: { values: rows },
    mark: { type: 'point', filled: true, size: 18, opacity: 0.6 },
    encoding: {
      x: { field: 'pc1', type: 'quantitative', title: axisTitle(0), scale: { zero: false } },
      y: { field: 'pc2', type: 'quantitative', title: axisTitle(1), scale: { zero: false } },
      color: { field: 'cls', type: 'nominal', title: null, scale: { domain, range: classColours(domain.length) } },
      shape: { field: 'cls', type: 'nominal', title: null, scale: { domain } },
    },
  };
}
