import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TopLevelSpec } from 'vega-lite';
import { InputError } from '../src/input-error.js';
import { featuresChart, lossChart, pcaChart, reconstructionChart, sineClassesChart } from '../src/report/charts.js';
import { reconstructionByClassChart } from '../src/report/classify-charts.js';
import { seriesChart } from '../src/report/anomaly-charts.js';
import { renderSvg } from '../src/report/render.js';
import { syntheticRun } from './report-synthetic.js';

const run = syntheticRun(); // class 0: 501 windows, class 1: 701 windows, L = 10
const RED = '#d62728';
const BLUE = '#1f77b4';

/** Render and insist that neither Vega-Lite nor Vega had anything to warn about. */
async function render(spec: TopLevelSpec): Promise<string> {
  const warnings: string[] = [];
  const svg = await renderSvg(spec, { warnings });
  assert.deepEqual(warnings, []);
  return svg;
}

function count(svg: string, needle: string): number {
  return svg.split(needle).length - 1;
}
const lines = (svg: string) => count(svg, 'aria-roledescription="line mark"');
const points = (svg: string) => count(svg, 'aria-roledescription="point"');
function lineColours(svg: string): string[] {
  return Array.from(svg.matchAll(/<path [^>]*aria-roledescription="line mark"[^>]*\sstroke="([^"]+)"/g), (m) => m[1]!);
}
function titles(svg: string): string[] {
  return Array.from(svg.matchAll(/aria-label="Title text '([^']*)'"/g), (m) => m[1]!);
}
function legendLabels(svg: string): string[] {
  return Array.from(svg.matchAll(/role-legend-label"[^>]*><text[^>]*>([^<]*)<\/text>/g), (m) => m[1]!);
}

test('sine classes: two lines of 80 points, class 0 red, class 1 blue, with a legend', async () => {
  const svg = await render(sineClassesChart(run.series0, run.series1));
  assert.equal(lines(svg), 2);
  assert.equal(points(svg), 160);
  assert.deepEqual(lineColours(svg), [RED, BLUE]);
  assert.deepEqual(legendLabels(svg), ['class 0', 'class 1']);
});

test('reconstructions: per start index five windows, original blue under reconstruction red', async () => {
  const spec = reconstructionChart({
    original: run.windows, reconstruction: run.reconstruction, shape: run.shape,
    windows: run.class0, classLabel: 'class 0', every: 200,
  });
  const svg = await render(spec);
  // 501 windows, every 200th start: panels at 0, 200, 400; 5 originals + 5 reconstructions each
  assert.equal(lines(svg), 3 * 10);
  const colours = lineColours(svg);
  assert.equal(colours.filter((c) => c === BLUE).length, 15);
  assert.equal(colours.filter((c) => c === RED).length, 15);
  // within each panel the reconstructions come last, so they are drawn on top
  for (let p = 0; p < 3; p++) assert.deepEqual(colours.slice(10 * p, 10 * p + 10), [...Array(5).fill(BLUE), ...Array(5).fill(RED)]);
  assert.deepEqual(legendLabels(svg), ['original', 'reconstruction']);
  const panelTitles = titles(svg).filter((t) => /^\d+$/.test(t));
  assert.deepEqual(panelTitles, ['0', '200', '400']);
});

test('reconstructions: the panels hold the selected windows, not others', async () => {
  // explicit indices: the class-1 windows in reverse order; panel 0 starts at the last one
  const indices = Array.from({ length: 701 }, (_, i) => run.class1.end - 1 - i);
  const spec = reconstructionChart({
    original: run.windows, reconstruction: run.windows, shape: run.shape, windows: indices, classLabel: 'class 1', every: 1000,
  }) as { data: { values: { start: number; window: number; t: number; value: number }[] } };
  const rows = spec.data.values;
  assert.equal(rows.length, 2 * 5 * run.timesteps);
  const first = rows.find((r) => r.window === 0 && r.t === 3)!;
  assert.equal(first.value, Math.round(run.windows[(run.class1.end - 1) * run.timesteps + 3]! * 1e6) / 1e6);
});

test('features: one line per feature in each of the two periods, legend 0..L-1', async () => {
  const svg = await render(featuresChart({
    features: run.features, latent: run.latent,
    classes: [{ label: 'class 0', windows: run.class0, period: 20 }, { label: 'class 1', windows: run.class1, period: 80 }],
  }));
  assert.equal(lines(svg), 2 * run.latent);
  assert.equal(points(svg), (20 + 80) * run.latent);
  assert.deepEqual(legendLabels(svg), Array.from({ length: run.latent }, (_, f) => String(f)));
  assert.ok(svg.includes('>class 0: 20 windows</text>') && svg.includes('>class 1: 80 windows</text>'), 'panel headers');
});

test('loss: training and validation lines over the epochs, log scale when all positive', async () => {
  const spec = lossChart(run.history);
  const svg = await render(spec);
  assert.equal(lines(svg), 2);
  assert.equal(points(svg), 2 * run.history.loss.length);
  assert.deepEqual(legendLabels(svg), ['training loss', 'validation loss']);
  assert.match(JSON.stringify(spec), /"type":"log"/);
  // a zero loss cannot go on a log axis: fall back to linear instead of drawing nothing
  const linear = lossChart({ loss: [0.5, 0] });
  assert.doesNotMatch(JSON.stringify(linear), /"type":"log"/);
  const trainingOnly = await render(linear);
  assert.equal(lines(trainingOnly), 1);
  assert.deepEqual(legendLabels(trainingOnly), ['training loss'], 'no legend entry for an absent val_loss');
});

test('PCA: one point per window, coloured by class', async () => {
  const svg = await render(pcaChart(run.projections, run.labels, { explainedVariance: [0.7, 0.1] }));
  assert.equal(points(svg), run.labels.length);
  assert.equal(count(svg, `fill="${RED}"`) - 1, run.labels.filter((k) => k === 0).length); // - 1: legend
  assert.deepEqual(legendLabels(svg), ['class 0', 'class 1']);
  assert.ok(svg.includes('principal component 1 (70.0% of variance)'), 'axis title with the explained variance');
});

test('chart inputs with the wrong shape are refused with one line', () => {
  const base = { original: run.windows, reconstruction: run.reconstruction, windows: run.class0, classLabel: 'c' };
  const cases: (() => unknown)[] = [
    () => reconstructionChart({ ...base, shape: [run.shape[0], run.timesteps / 2, 2] }),
    () => reconstructionChart({ ...base, shape: [run.shape[0] + 1, run.timesteps] }),
    () => reconstructionChart({ ...base, shape: run.shape, windows: { start: 0, end: run.shape[0] + 1 } }),
    () => reconstructionChart({ ...base, shape: run.shape, windows: { start: 0, end: 0 } }),
    () => featuresChart({ features: run.features, latent: 7, classes: [] }),
    () => featuresChart({ features: run.features, latent: 10, classes: [{ label: 'c', windows: [0, 1], period: 20 }] }),
    () => lossChart({ loss: [] }),
    () => pcaChart(new Float64Array(3), [0, 1]),
  ];
  for (const make of cases) {
    assert.throws(make, (err: unknown) => err instanceof InputError && !err.message.includes('\n'));
  }
});

test('reconstruction panels: titled "class: series n" when labelled, "series n" alone when not', async () => {
  const drawn = (label: string, name: string) => ({ label, name, channels: 1, values: [0, 1, 0, 1], reconstruction: [0.1, 0.9, 0.1, 0.9] });
  const svg = await render(reconstructionByClassChart([drawn('walk', 'series 0'), drawn('', 'series 3')], [], 'original blue, reconstruction red'));
  const panelTitles = Array.from(svg.matchAll(/<text[^>]*>(walk: series 0|series 3|: series 3)<\/text>/g), (m) => m[1]);
  assert.deepEqual(panelTitles, ['walk: series 0', 'series 3']);
});

test('the series chart marks every flagged interval with a red tick in a strip along the bottom, even one row of 200,000', async () => {
  const rows = 200_000;
  const values = Float64Array.from({ length: rows }, (_, r) => Math.sin(r / 50));
  const flagged = [{ start: 50_000, end: 50_000 }, { start: 150_000, end: 150_001 }];
  const svg = await render(seriesChart({ values, channels: ['v'], flagged, trainRows: 20_000 }));
  // each tick a rule mark: 2 px wide, 10 px tall, red, at its row
  const ticks = Array.from(svg.matchAll(/aria-roledescription="rule mark" transform="translate\(([\d.]+),([\d.]+)\)" x2="0" y2="([\d.]+)" stroke="([^"]+)" stroke-width="2"/g), (m) => ({ x: Number(m[1]), y: Number(m[2]), length: Number(m[3]), colour: m[4] }));
  assert.equal(ticks.length, 2);
  for (const [k, tick] of ticks.entries()) {
    assert.equal(tick.colour, RED);
    assert.equal(tick.length, 10);
    assert.equal(tick.y, 210);
    close(tick.x, (820 * flagged[k]!.start) / (rows - 1), 0.5);
  }
});

function close(actual: number, expected: number, tolerance: number): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} vs ${expected}`);
}
