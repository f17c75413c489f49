/**
 * Online learning (tasks/detect/online-learning.ts), on the estimator: still causal (the
 * scores of the first K rows do not change when the series is cut after row K, with tunings
 * before and after K), the same row by row (LiveDetector) as on the whole series, and really
 * learning (the scores part from those without it after the first tuning, not before). Tiny
 * models: windows of 8, a code of 4, 3 epochs, 1 thread.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeAnomalySeries } from '../src/data/anomaly-series.js';
import { fitDetector, LiveDetector, scoreSeries, type DetectorSettings, type FittedDetector } from '../src/tasks/detect/detector.js';

const series = makeAnomalySeries({ rows: 900, channels: 2, events: 3, seed: 5 });
const D = 2;
const TRAIN_ROWS = 250;
const online = { every: 100, span: 300, epochs: 1 };
const settings: DetectorSettings = {
  window: 8, steps: 1, smoothingSpan: 1, heldOutShare: 0.3, calibration: { kind: 'running', history: 500, every: 10 },
  useCode: true, timeOfDay: false, online, seed: 4, latentDim: 4, epochs: 3, threads: 1,
};

async function fitted(s: DetectorSettings): Promise<FittedDetector> {
  return fitDetector(series.values, D, TRAIN_ROWS, s);
}

test('with online learning the scores of the first K rows are the same whether the series ends after row K or not', async () => {
  const detector = await fitted(settings);
  const weights = Float32Array.from(detector.model.params);
  const full = await scoreSeries(detector, series.values, 1);
  const k = 650; // tunings after rows 99, 199, ... 599 come before it, 699 and later after
  const cut = await scoreSeries(detector, series.values.subarray(0, (k + 1) * D), 1);
  assert.deepEqual([...cut.surprise], [...full.surprise.subarray(0, k + 1)]);
  assert.deepEqual([...cut.alert], [...full.alert.subarray(0, k + 1)]);
  assert.ok(full.surprise.subarray(7).every(Number.isFinite));
  // scoring tunes a copy: the fitted model (the one a detector.json saves) is left as it was
  assert.deepEqual(detector.model.params, weights);
});

test('online learning row by row (LiveDetector) gives exactly the whole-series scores', async () => {
  const detector = await fitted(settings);
  const batch = await scoreSeries(detector, series.values, 1);
  const live = new LiveDetector(detector);
  for (let t = 0; t < series.values.length / D; t++) {
    const row = await live.push(series.values.subarray(t * D, (t + 1) * D));
    if (t < settings.window - 1) assert.equal(row, undefined);
    else {
      assert.equal(row!.surprise, batch.surprise[t], `row ${t}`);
      assert.equal(row!.novelty, batch.novelty[t], `row ${t} novelty`);
      assert.equal(row!.alert, batch.alert[t] === 1, `row ${t} alert`);
    }
  }
});

test('the model learns: the scores equal those without online learning up to the first tuning, and differ after it', async () => {
  const learning = await scoreSeries(await fitted(settings), series.values, 1);
  const fixed = await scoreSeries(await fitted({ ...settings, online: null }), series.values, 1);
  const first = online.every - 1; // the first tuning follows row 99
  assert.deepEqual([...learning.surprise.subarray(0, first + 1)], [...fixed.surprise.subarray(0, first + 1)]);
  let differ = 0;
  for (let t = first + 1; t < learning.rows; t++) if (learning.distance2[t] !== fixed.distance2[t]) differ++;
  assert.ok(differ > 0.9 * (learning.rows - first - 1), `${differ} rows after the first tuning differ`);
});
