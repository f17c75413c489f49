import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bandedDtwCost, classDistances, classReference } from '../src/analysis/class-distances.js';
import { distanceFeatures, distanceReference, shrinkSeries } from '../src/analysis/distance-features.js';
import { dtwCost } from '../src/analysis/dtw.js';
import { resampleSeries } from '../src/analysis/resample.js';
import { mulberry32 as generator } from './mulberry32.js';

const random = generator(7);
const series = (steps: number, channels: number) => Float64Array.from({ length: steps * channels }, () => 4 * random() - 2);

/**
 * Banded DTW by its definition, written apart from the library's: the full (n, m) table,
 * a cell usable only when |j − i·(m−1)/(n−1)| ≤ r with r = max(⌈w·max(n,m)⌉, ⌈slope⌉+1)
 * (all of b for a one-step a).
 */
function referenceBanded(a: Float64Array, b: Float64Array, channels: number, window: number): number {
  const n = a.length / channels;
  const m = b.length / channels;
  const slope = n > 1 ? (m - 1) / (n - 1) : 0;
  const r = n === 1 ? m : Math.max(Math.ceil(window * Math.max(n, m)), Math.ceil(slope) + 1);
  const D = Array.from({ length: n }, () => new Array<number>(m).fill(Infinity));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      if (j < Math.ceil(i * slope - r) || j > Math.floor(i * slope + r)) continue;
      let cost = 0;
      for (let c = 0; c < channels; c++) cost += (a[i * channels + c]! - b[j * channels + c]!) ** 2;
      const before = i === 0 && j === 0 ? 0 : Math.min(i > 0 ? D[i - 1]![j]! : Infinity, j > 0 ? D[i]![j - 1]! : Infinity, i > 0 && j > 0 ? D[i - 1]![j - 1]! : Infinity);
      D[i]![j] = cost + before;
    }
  }
  return D[n - 1]![m - 1]!;
}

test('bandedDtwCost: the definition\'s table for equal and unequal lengths, channels 1 and 3; a full window is plain DTW', () => {
  for (const [n, m, channels, window] of [[20, 20, 1, 0.1], [15, 40, 1, 0.1], [40, 9, 3, 0.2], [30, 31, 2, 0.05], [1, 5, 1, 0.1], [12, 12, 1, 1]] as const) {
    const a = series(n, channels);
    const b = series(m, channels);
    const expected = referenceBanded(a, b, channels, window);
    assert.ok(Math.abs(bandedDtwCost(a, b, channels, window) - expected) <= 1e-12 * expected, `${n}×${m}×${channels} w ${window}`);
    // a band can only make the cost larger; the full window is the whole grid
    assert.ok(expected >= dtwCost(a, b, channels) * (1 - 1e-12));
  }
  const a = series(25, 2);
  const b = series(33, 2);
  assert.ok(Math.abs(bandedDtwCost(a, b, 2, 1) - dtwCost(a, b, 2)) <= 1e-12 * dtwCost(a, b, 2));
  // abandoning: Infinity when the threshold is below the cost, the exact cost when above
  const cost = bandedDtwCost(a, b, 2, 0.1);
  assert.equal(bandedDtwCost(a, b, 2, 0.1, cost * 0.99), Infinity);
  assert.equal(bandedDtwCost(a, b, 2, 0.1, cost * 1.01), cost);
});

test('classDistances: per class the nearest by a plain scan, far classes at cap × the nearest, one left out on request', () => {
  const channels = 2;
  const refs = Array.from({ length: 30 }, (_, k) => series(10 + (k % 7) * 3, channels));
  const classOf = Int32Array.from(refs, (_, k) => k % 4);
  const ref = classReference(refs, classOf, 4, channels);
  for (let q = 0; q < 6; q++) {
    const query = series(14 + q * 2, channels);
    for (const skip of [undefined, 3]) {
      const plain = [0, 1, 2, 3].map((c) => Math.min(...refs.map((r, k) => (classOf[k] === c && k !== skip ? referenceBanded(query, r, channels, 0.1) : Infinity))));
      const nearest = Math.min(...plain);
      for (const cap of [1.05, 2, 100]) {
        const got = classDistances(query, ref, { window: 0.1, cap, ...(skip !== undefined ? { skip } : {}) });
        plain.forEach((cost, c) => {
          const expected = Math.sqrt(Math.min(cost, cap * cap * nearest));
          assert.ok(Math.abs(got[c]! - expected) <= 1e-9 * expected, `query ${q} class ${c} cap ${cap}: ${got[c]} vs ${expected}`);
        });
      }
    }
  }
  // an exact copy: the nearest is 0, the floor keeps the other classes apart
  const copy = classDistances(refs[5]!, ref, { window: 0.1, cap: 2, floor: 0.5 });
  assert.equal(copy[classOf[5]!], 0);
  assert.ok([0, 1, 2, 3].filter((c) => c !== classOf[5]).every((c) => copy[c]! > 0 && copy[c]! <= 1 + 1e-12));
});

test('distanceFeatures: log of each class\'s distance over the nearest (+ε), training series left out, series shrunk by PAA', () => {
  const channels = 1;
  const train = Array.from({ length: 16 }, (_, k) => series(40 + k, channels));
  const labels = train.map((_, k) => ['a', 'b', 'c'][k % 3]!);
  const settings = { window: 0.1, cap: 3, factor: 2.5 };
  const ref = distanceReference(train, labels, ['a', 'b', 'c'], channels, settings.factor);
  assert.deepEqual(ref.series.map((s) => s.length), train.map((s) => Math.ceil(s.length / 2.5)));
  assert.deepEqual(Array.from(ref.series[0]!), Array.from(resampleSeries(train[0]!, 1, 16)));
  assert.equal(shrinkSeries(train[0]!, 1, 1), train[0]);

  const check = (F: { data: ArrayLike<number> }, i: number, query: Float64Array, skip?: number) => {
    const mean = query.reduce((x, y) => x + y, 0) / query.length;
    const epsilon = 1e-3 * Math.sqrt(query.reduce((x, y) => x + (y - mean) ** 2, 0)) + 1e-12;
    const d = classDistances(query, ref, { window: 0.1, cap: 3, floor: epsilon, ...(skip !== undefined ? { skip } : {}) });
    const nearest = Math.min(...d);
    d.forEach((dc, c) => assert.ok(Math.abs(F.data[i * 3 + c]! - Math.log((dc + epsilon) / (nearest + epsilon))) <= 1e-12));
    assert.ok(Math.min(F.data[i * 3]!, F.data[i * 3 + 1]!, F.data[i * 3 + 2]!) === 0);
  };
  const loo = distanceFeatures(train, ref, settings, true);
  train.forEach((_, i) => check(loo, i, ref.series[i]!, i));
  // not left out, a training series is its own nearest: its class is 0, the others positive
  const own = distanceFeatures(train, ref, settings);
  train.forEach((_, i) => {
    check(own, i, ref.series[i]!);
    const c = ['a', 'b', 'c'].indexOf(labels[i]!);
    assert.equal(own.data[i * 3 + c], 0);
  });
});
