import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ANOMALY_KINDS, ANOMALY_LENGTH, anomalySeriesCsv, makeAnomalySeries } from '../src/data/anomaly-series.js';
import { parseTimeSeriesCsv } from '../src/io/readers/timeseries-csv.js';
import { runsOf } from '../src/analysis/anomaly/evaluate.js';

test('the labels are exactly the anomalies\' rows, none in the normal span, kinds in turn', () => {
  const s = makeAnomalySeries({ rows: 3000, channels: 3, events: 8, seed: 4 });
  assert.deepEqual(s.events.map((e) => e.kind), [...ANOMALY_KINDS, ...ANOMALY_KINDS]);
  assert.deepEqual(runsOf(s.labels), s.events.map((e) => [e.start, e.end]));
  for (const e of s.events) {
    assert.equal(e.end - e.start + 1, ANOMALY_LENGTH[e.kind]);
    assert.ok(e.start >= 900, `${e.kind} starts at ${e.start}, inside the normal 30%`);
    assert.ok(e.channel >= 0 && e.channel < 3);
  }
  assert.equal(s.labels.reduce((a, b) => a + b, 0), 2 * (1 + 60 + 80 + 50));
});

test('the anomalies change their channel on their rows and nowhere else', () => {
  const s = makeAnomalySeries({ rows: 2000, channels: 2, events: 4, seed: 1 });
  const D = 2;
  for (let t = 0; t < 2000; t++) {
    for (let c = 0; c < D; c++) {
      const event = s.events.find((e) => e.channel === c && t >= e.start && t <= e.end);
      const diff = s.values[t * D + c]! - s.clean[t * D + c]!;
      if (!event) assert.equal(diff, 0, `row ${t}, channel ${c}`);
      else if (event.kind === 'spike') assert.ok(Math.abs(diff) >= 3 && Math.abs(diff) <= 4, `spike ${diff}`);
      else if (event.kind === 'level_shift') assert.ok(Math.abs(Math.abs(diff) - 1.5) < 1e-12, `shift ${diff}`);
    }
  }
  // the frequency change starts in phase (its first row is unchanged) and then departs
  const change = s.events.find((e) => e.kind === 'frequency_change')!;
  const at = (t: number) => s.values[t * D + change.channel]! - s.clean[t * D + change.channel]!;
  assert.ok(Math.abs(at(change.start)) < 1e-12);
  assert.ok(Array.from({ length: 80 }, (_, k) => Math.abs(at(change.start + k))).filter((d) => d > 0.1).length > 40);
  // the noise burst adds noise of 0.6: far above the base noise of 0.05
  const burst = s.events.find((e) => e.kind === 'noise_burst')!;
  const burstSd = Math.sqrt(Array.from({ length: 50 }, (_, k) => (s.values[(burst.start + k) * D + burst.channel]! - s.clean[(burst.start + k) * D + burst.channel]!) ** 2).reduce((a, b) => a + b) / 50);
  assert.ok(burstSd > 0.35 && burstSd < 0.9, `burst sd ${burstSd}`);
});

test('a seed fixes the series; the CSV reads back as the same rows and labels', () => {
  const a = makeAnomalySeries({ rows: 500, channels: 1, events: 2, seed: 9 });
  const b = makeAnomalySeries({ rows: 500, channels: 1, events: 2, seed: 9 });
  assert.deepEqual(a.values, b.values);
  assert.notDeepEqual(makeAnomalySeries({ rows: 500, channels: 1, events: 2, seed: 10 }).values, a.values);
  const t = parseTimeSeriesCsv(anomalySeriesCsv(a), 'a.csv', { labelColumn: 'label' });
  assert.deepEqual(t.valueColumns, ['value']);
  assert.deepEqual([...t.values], [...a.values]);
  assert.deepEqual([...(t.labels ?? [])], [...a.labels]);
  assert.equal(t.times[61], '2024-01-01 01:01:00');
  assert.throws(() => makeAnomalySeries({ rows: 500, events: 20 }), /do not fit/);
});
