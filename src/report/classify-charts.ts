import type { TopLevelSpec } from 'vega-lite';
import { InputError } from '../input-error.js';
import { BLUE, RED, chartConfig, classColours } from './chart-style.js';

/**
 * The charts of `classify`'s report, for labelled data of any number of classes and
 * channels, classes named as the data names them. Each spec holds its data inline.
 */

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

function round6(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

/** One series as drawn: its class, a name, and (steps, channels) values row-major. */
export interface DrawnSeries {
  /** its class; '' for an unlabelled series (its panel is then titled by its name alone) */
  label: string;
  /** e.g. 'series 12' */
  name: string;
  values: ArrayLike<number>;
  channels: number;
}

/** A colour scale over the class names, in the order given. */
function classScale(classes: readonly string[]) {
  return { domain: [...classes], range: classColours(classes.length) };
}

/** A few series of each class, one panel per class, every channel a line of its own. */
export function seriesByClassChart(series: readonly DrawnSeries[], classes: readonly string[], title = 'The data: a few training series per class'): TopLevelSpec {
  if (series.length === 0) throw new InputError('series chart: no series to draw');
  const rows: { cls: string; series: string; channel: string; t: number; value: number }[] = [];
  const channels = series[0]!.channels;
  for (const s of series) {
    const steps = s.values.length / s.channels;
    for (let t = 0; t < steps; t++) {
      for (let c = 0; c < s.channels; c++) rows.push({ cls: s.label, series: s.name, channel: `channel ${c}`, t, value: round6(s.values[t * s.channels + c]!) });
    }
  }
  return {
    $schema: SCHEMA,
    config: chartConfig,
    title: { text: title, subtitle: channels === 1 ? 'one line per series' : `one line per series and channel (${channels} channels, coloured)` },
    data: { values: rows },
    columns: Math.min(4, classes.length),
    facet: { field: 'cls', type: 'nominal', sort: [...classes], header: { title: null, labelFontSize: 11 } },
    spec: {
      width: 200,
      height: 110,
      mark: { type: 'line', strokeWidth: 1, opacity: 0.8, clip: true },
      encoding: {
        x: { field: 't', type: 'quantitative', title: 'step' },
        y: { field: 'value', type: 'quantitative', title: 'value' },
        detail: { field: 'series', type: 'nominal' },
        color: channels === 1
          ? { field: 'cls', type: 'nominal', title: null, scale: classScale(classes), legend: null }
          : { field: 'channel', type: 'nominal', title: null, scale: { scheme: 'category10' }, legend: { orient: 'top', direction: 'horizontal' } },
      },
    },
    // each class on its own axes: one class's amplitude (or length) must not flatten another's
    resolve: { scale: { x: 'independent', y: 'independent' } },
  };
}

/** One series per class as the model sees it (resampled), and its reconstruction. */
export interface ReconstructedSeries extends DrawnSeries {
  reconstruction: ArrayLike<number>;
}

const panelTitle = (s: DrawnSeries) => (s.label === '' ? s.name : `${s.label}: ${s.name}`);

export function reconstructionByClassChart(
  series: readonly ReconstructedSeries[],
  classes: readonly string[],
  subtitle: string,
  words: { title?: string; step?: string } = {},
): TopLevelSpec {
  if (series.length === 0) throw new InputError('reconstruction chart: no series to draw');
  const rows: { panel: string; line: string; kind: string; t: number; value: number }[] = [];
  for (const s of series) {
    if (s.reconstruction.length !== s.values.length) throw new InputError(`reconstruction chart: ${s.name} has ${s.values.length} values and ${s.reconstruction.length} reconstructed`);
    const steps = s.values.length / s.channels;
    const panel = panelTitle(s);
    for (const [kind, values] of [['original', s.values], ['reconstruction', s.reconstruction]] as const) {
      for (let c = 0; c < s.channels; c++) {
        for (let t = 0; t < steps; t++) rows.push({ panel, line: `${kind} ${c}`, kind, t, value: round6(values[t * s.channels + c]!) });
      }
    }
  }
  return {
    $schema: SCHEMA,
    config: chartConfig,
    title: { text: words.title ?? 'Reconstructions, one training series per class', subtitle },
    data: { values: rows },
    columns: Math.min(4, series.length),
    facet: { field: 'panel', type: 'nominal', sort: series.map(panelTitle), header: { title: null, labelFontSize: 11 } },
    spec: {
      width: 200,
      height: 110,
      mark: { type: 'line', strokeWidth: 1.2, clip: true },
      encoding: {
        x: { field: 't', type: 'quantitative', title: words.step ?? 'step (as the model sees it)' },
        y: { field: 'value', type: 'quantitative', title: 'value' },
        color: { field: 'kind', type: 'nominal', title: null, scale: { domain: ['original', 'reconstruction'], range: [BLUE, RED] }, legend: { orient: 'top', direction: 'horizontal' } },
        detail: { field: 'line', type: 'nominal' },
        order: { field: 'kind', sort: 'ascending' },
      },
    },
    resolve: { scale: { x: 'independent', y: 'independent' } },
  };
}

/** One model's history: loss and val_loss per epoch, and the epoch (1-based) whose weights it kept. */
export interface ModelHistory {
  name: string;
  loss: readonly number[];
  valLoss?: readonly number[];
  bestEpoch?: number;
}

/** Training and validation loss of every model, the kept epoch marked by a dot on the validation curve. */
export function ensembleLossChart(models: readonly ModelHistory[]): TopLevelSpec {
  const rows: { model: string; series: string; epoch: number; loss: number }[] = [];
  const best: { model: string; epoch: number; loss: number }[] = [];
  for (const m of models) {
    m.loss.forEach((v, e) => rows.push({ model: m.name, series: 'training', epoch: e + 1, loss: v }));
    m.valLoss?.forEach((v, e) => rows.push({ model: m.name, series: 'validation', epoch: e + 1, loss: v }));
    const kept = m.bestEpoch !== undefined ? m.valLoss?.[m.bestEpoch - 1] : undefined;
    if (kept !== undefined) best.push({ model: m.name, epoch: m.bestEpoch!, loss: kept });
  }
  if (rows.length === 0) throw new InputError('loss chart: no epochs');
  const logScale = rows.every((r) => Number.isFinite(r.loss) && r.loss > 0);
  const names = models.map((m) => m.name);
  const colour = { field: 'model', type: 'nominal' as const, title: null, scale: { domain: names, scheme: 'category10' }, legend: { orient: 'top' as const, direction: 'horizontal' as const } };
  const y = { field: 'loss', type: 'quantitative' as const, title: 'loss (MSE, scaled data)', scale: logScale ? { type: 'log' as const } : { zero: false } };
  return {
    $schema: SCHEMA,
    config: chartConfig,
    title: { text: 'Loss per epoch', subtitle: 'training solid, validation dashed; the dot is the epoch each model kept (lowest validation loss)' },
    width: 520,
    height: 240,
    layer: [
      {
        data: { values: rows },
        mark: { type: 'line', strokeWidth: 1.3 },
        encoding: {
          x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1, format: 'd' } },
          y,
          color: colour,
          strokeDash: { field: 'series', type: 'nominal', title: null, scale: { domain: ['training', 'validation'], range: [[1, 0], [5, 3]] }, legend: null },
          detail: { field: 'series', type: 'nominal' },
        },
      },
      {
        data: { values: best },
        mark: { type: 'point', filled: true, size: 60, stroke: 'black', strokeWidth: 0.8 },
        encoding: { x: { field: 'epoch', type: 'quantitative' }, y, color: colour },
      },
    ],
  };
}

/** Two principal components of the features, one point per series, coloured by class. */
export function classPcaChart(projections: ArrayLike<number>, labels: readonly string[], classes: readonly string[], explained: readonly [number, number], subtitle: string): TopLevelSpec {
  if (projections.length !== 2 * labels.length) throw new InputError(`PCA chart: ${projections.length} values are not (x, y) pairs for ${labels.length} labels`);
  const rows = labels.map((cls, i) => ({ pc1: round6(projections[2 * i]!), pc2: round6(projections[2 * i + 1]!), cls }));
  const axis = (c: 0 | 1) => `principal component ${c + 1} (${(100 * explained[c]).toFixed(1)}% of variance)`;
  return {
    $schema: SCHEMA,
    config: chartConfig,
    title: { text: 'The features in two dimensions (PCA)', subtitle },
    width: 400,
    height: 300,
    data: { values: rows },
    mark: { type: 'point', filled: true, size: 28, opacity: 0.7 },
    encoding: {
      x: { field: 'pc1', type: 'quantitative', title: axis(0), scale: { zero: false } },
      y: { field: 'pc2', type: 'quantitative', title: axis(1), scale: { zero: false } },
      color: { field: 'cls', type: 'nominal', title: 'class', scale: classScale(classes) },
      shape: { field: 'cls', type: 'nominal', title: 'class', scale: { domain: [...classes] } },
    },
  };
}

/** Test accuracy of each method, ours first, as horizontal bars with their values. */
export function accuracyChart(scores: readonly { method: string; accuracy: number; ours?: boolean }[]): TopLevelSpec {
  const rows = scores.map((s) => ({ method: s.method, accuracy: round6(s.accuracy), kind: s.ours ? 'autoencoder features' : 'baseline', text: s.accuracy.toFixed(3) }));
  const y = { field: 'method', type: 'nominal' as const, title: null, sort: scores.map((s) => s.method) };
  return {
    $schema: SCHEMA,
    config: chartConfig,
    title: { text: 'Test accuracy against the baselines', subtitle: 'the same training and test series for every method' },
    width: 420,
    height: { step: 26 },
    data: { values: rows },
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
          x: { field: 'accuracy', type: 'quantitative', title: 'test accuracy', scale: { domain: [0, 1] } },
          y,
          color: { field: 'kind', type: 'nominal', title: null, scale: { domain: ['autoencoder features', 'baseline'], range: [BLUE, '#9e9e9e'] }, legend: { orient: 'top', direction: 'horizontal' } },
        },
      },
      {
        mark: { type: 'text', align: 'left', dx: 4, fontSize: 11 },
        encoding: { x: { field: 'accuracy', type: 'quantitative' }, y, text: { field: 'text' } },
      },
    ],
  };
}
