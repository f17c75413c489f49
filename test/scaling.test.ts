import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyScaling, fitScaling, invertScaling } from '../src/train/scaling.js';

// Two windows of up to 3 steps, 2 channels; window 1 is 2 steps long, its third step padding (junk).
const x = {
  data: Float64Array.from([
    1, 10, 2, 20, 3, 30, // window 0
    5, -4, 7, -4, 99, 99, // window 1: steps 0-1 real, step 2 padding
  ]),
  shape: [2, 3, 2] as const,
  lengths: Int32Array.from([3, 2]),
};

test('per-channel: mean and population deviation of each channel over real steps only', () => {
  const s = fitScaling(x, 'per-channel');
  // channel 0: 1, 2, 3, 5, 7 -> mean 3.6, var (6.76+2.56+0.36+1.96+11.56)/5 = 4.64
  // channel 1: 10, 20, 30, -4, -4 -> mean 10.4, var (0.16+92.16+384.16+207.36+207.36)/5 = 178.24
  assert.deepEqual(s.mean.map((m) => +m.toFixed(12)), [3.6, 10.4]);
  assert.deepEqual(s.std.map((v) => +v.toFixed(12)), [+Math.sqrt(4.64).toFixed(12), +Math.sqrt(178.24).toFixed(12)]);
});

test('global: one mean and deviation over every real value', () => {
  const s = fitScaling(x, 'global');
  const values = [1, 10, 2, 20, 3, 30, 5, -4, 7, -4];
  const mean = values.reduce((a, b) => a + b) / values.length;
  const std = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length);
  assert.ok(Math.abs(s.mean[0]! - mean) < 1e-12 && Math.abs(s.std[0]! - std) < 1e-12);
});

test('per-series: each window by its own statistics; a constant channel is only centred; the inverse gives the data back', () => {
  const s = fitScaling(x, 'per-series');
  assert.deepEqual(s, { normalize: 'per-series', mean: [], std: [] });
  const { data, perSeries } = applyScaling(x, s);
  const sd = Math.sqrt(2 / 3); // 1, 2, 3
  assert.ok(Math.abs(data[0]! - -1 / sd) < 1e-6 && Math.abs(data[4]! - 1 / sd) < 1e-6);
  // window 1 channel 1 is constant -4: centred to 0, deviation taken as 1
  assert.equal(data[7], 0);
  assert.equal(data[9], 0);
  assert.deepEqual([...data.subarray(10)], [0, 0], 'padding stays 0');
  assert.ok(perSeries);
  const back = invertScaling(Float32Array.from(data), x, s, perSeries);
  for (let i = 0; i < 10; i++) assert.ok(Math.abs(back[i]! - x.data[i]!) < 1e-5, `value ${i}`);
});

test('per-channel scaling and its inverse round-trip, and none changes nothing', () => {
  const s = fitScaling(x, 'per-channel');
  const { data } = applyScaling(x, s);
  assert.ok(Math.abs(data[0]! - (1 - 3.6) / Math.sqrt(4.64)) < 1e-6);
  const back = invertScaling(Float32Array.from(data), x, s);
  for (let i = 0; i < 10; i++) assert.ok(Math.abs(back[i]! - x.data[i]!) < 1e-5);
  assert.deepEqual([...applyScaling(x, fitScaling(x, 'none')).data.subarray(0, 10)], [1, 10, 2, 20, 3, 30, 5, -4, 7, -4]);
});

test('an unknown normalisation is one InputError naming the choices', () => {
  assert.throws(() => fitScaling(x, 'zscore' as never), /normalize "zscore" is unknown: expected one of none, global, per-channel, per-series/);
});
