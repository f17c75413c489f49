import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CHART_BUCKETS, contributionChart, distributionChart, scoreChart, seriesChart } from '../src/report/anomaly-charts.js';
import { extent, minMaxPoints } from '../src/report/series-reduce.js';

// Issue 23: detect's report crashed drawing 150,000 rows (Math.min(...all) overflows the
// stack). Every chart of the report takes a million rows of two channels, and draws them from
// at most CHART_BUCKETS buckets, each its lowest and highest value, so a one-row spike shows.

const ROWS = 1_000_000;
const D = 2;
const values = new Float64Array(ROWS * D);
for (let r = 0; r < ROWS; r++) {
  values[r * D] = Math.sin(r / 500);
  values[r * D + 1] = Math.cos(r / 700) * 2;
}
const SPIKE_ROW = 654_321;
values[SPIKE_ROW * D + 1] = 40; // one row, far above the rest
const statistic = Float64Array.from({ length: ROWS }, (_, r) => 1 + (r % 997) / 10);
statistic[SPIKE_ROW] = 1e6;

type Data = { data: { values: Record<string, number | string>[] } };
const layers = (spec: unknown) => (spec as { layer: Data[] }).layer;
/** Every data point with a `value` and a `series` or `channel` anywhere in a spec. */
function collect(node: unknown, out: Record<string, number | string>[] = []): Record<string, number | string>[] {
  if (Array.isArray(node)) node.forEach((n) => collect(n, out));
  else if (typeof node === 'object' && node !== null) {
    const values = (node as { data?: { values?: unknown } }).data?.values;
    if (Array.isArray(values)) out.push(...values.filter((p) => typeof p === 'object' && p !== null && 'value' in p && ('channel' in p || 'series' in p)));
    Object.values(node).forEach((n) => collect(n, out));
  }
  return out;
}

test('extent and minMaxPoints loop over a million values: the true extremes, at most two points a bucket', () => {
  assert.deepEqual(extent(statistic), { min: 1, max: 1e6 });
  const points = minMaxPoints(values, D, 1);
  assert.ok(points.length <= 2 * CHART_BUCKETS, `${points.length} points`);
  assert.deepEqual(extent(points.map((p) => p.value)), { min: -2, max: 40 });
  assert.ok(points.some((p) => p.value === 40 && Math.abs(p.row - SPIKE_ROW) < ROWS / CHART_BUCKETS), 'the spike is drawn where it is');
});

test('seriesChart, scoreChart, distributionChart and contributionChart draw a million rows of two channels', () => {
  const spec = seriesChart({ values, channels: ['a', 'b'], flagged: [{ start: SPIKE_ROW, end: SPIKE_ROW }], trainRows: ROWS / 5 });
  const series = JSON.stringify(spec).length < 1e6 ? collect(spec) : assert.fail('the spec holds more than a chart can show');
  assert.ok(series.length > D && series.length <= 2 * D * CHART_BUCKETS, `${series.length} points`);
  assert.equal(Math.max(...series.map((p) => p.value as number)), 40);

  const thresholds = new Float64Array(ROWS).fill(50);
  const score = scoreChart({ values: statistic, thresholds, title: 'statistic', scale: 'log', flagged: [{ start: SPIKE_ROW, end: SPIKE_ROW }] });
  const scorePoints = collect(score).filter((p) => p.series === 'score');
  assert.ok(scorePoints.length <= CHART_BUCKETS, `${scorePoints.length} points`);
  assert.equal(Math.max(...scorePoints.map((p) => p.value as number)), 1e6);

  // halves of the statistic as held-out and scored rows: log10 from 0 to 6 in 40 bins
  const bins = layers(distributionChart({ heldOut: statistic.subarray(0, ROWS / 2), scored: statistic.subarray(ROWS / 2) }))[0]!.data.values;
  assert.equal(bins.length, 80);
  assert.equal(bins[0]!.bin, 0);
  assert.equal(bins.at(-1)!.binEnd, 6);
  for (const set of ['held-out normal rows', 'scored rows']) {
    const shares = bins.filter((b) => b.set === set).reduce((sum, b) => sum + (b.share as number), 0);
    assert.ok(Math.abs(shares - 1) < 1e-9, `${set}: shares add up to ${shares}`);
  }

  const contributions = collect(contributionChart({ contributions: values.map(Math.abs), channels: ['a', 'b'] }));
  assert.ok(contributions.length > D && contributions.length <= D * CHART_BUCKETS, `${contributions.length} points`);
});

test('with a time column the charts put time on the x axis; stamps that are not dates in order leave it at rows', () => {
  const rows = 3000;
  const minute = (r: number) => new Date(Date.UTC(2024, 0, 1) + r * 60_000).toISOString().replace('T', ' ').slice(0, 19);
  const small = values.subarray(0, rows * D);
  const xOf = (spec: unknown) => JSON.stringify(spec).match(/"x":\{"field":"(time|row)","type":"(temporal|quantitative)"/)!.slice(1);
  const dated = seriesChart({ values: small, channels: ['a', 'b'], flagged: [{ start: 10, end: 12 }], trainRows: 100, times: Array.from({ length: rows }, (_, r) => minute(r)) });
  assert.deepEqual(xOf(dated), ['time', 'temporal']);
  // the flagged span carries its stamps: rows 10 to 12 end where row 13 begins
  assert.match(JSON.stringify(dated), new RegExp(`"start":10,"end":13,"kind":"flagged","startTime":${Date.parse(minute(10))},"endTime":${Date.parse(minute(13))}`));
  const backwards = Array.from({ length: rows }, (_, r) => minute(rows - r));
  assert.deepEqual(xOf(seriesChart({ values: small, channels: ['a', 'b'], flagged: [], trainRows: 0, times: backwards })), ['row', 'quantitative']);
  assert.deepEqual(xOf(scoreChart({ values: small.subarray(0, rows), thresholds: small.subarray(0, rows), title: 't', scale: 'log', flagged: [], times: Array.from({ length: rows }, (_, r) => `batch ${r}`) })), ['row', 'quantitative']);
  assert.deepEqual(xOf(contributionChart({ contributions: small, channels: ['a', 'b'], times: Array.from({ length: rows }, (_, r) => minute(r)) })), ['time', 'temporal']);
});
