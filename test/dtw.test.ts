import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boxLowerBound, dtwCost, dtwDistance, nearestNeighbourDtw, seriesBox } from '../src/analysis/dtw.js';
import { InputError } from '../src/input-error.js';
import { mulberry32 as generator } from './mulberry32.js';

function randomSeries(random: () => number, steps: number, channels: number): Float64Array {
  return Float64Array.from({ length: steps * channels }, () => 4 * random() - 2);
}

/**
 * DTW by its definition: enumerate every warping path from (0, 0) to (n−1, m−1) that moves
 * by (1,0), (0,1) or (1,1), sum ‖a_i − b_j‖² along each, keep the least. No table, no
 * shared subproblems: exponential, fine for a few steps.
 */
function bruteForceCost(a: Float64Array, b: Float64Array, channels: number): number {
  const n = a.length / channels;
  const m = b.length / channels;
  const cell = (i: number, j: number): number => {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += (a[i * channels + c]! - b[j * channels + c]!) ** 2;
    return sum;
  };
  let best = Infinity;
  let paths = 0;
  const walk = (i: number, j: number, sum: number): void => {
    const total = sum + cell(i, j);
    if (i === n - 1 && j === m - 1) {
      paths++;
      best = Math.min(best, total);
      return;
    }
    if (i + 1 < n) walk(i + 1, j, total);
    if (j + 1 < m) walk(i, j + 1, total);
    if (i + 1 < n && j + 1 < m) walk(i + 1, j + 1, total);
  };
  walk(0, 0, 0);
  assert.ok(paths >= 1);
  return best;
}

test('univariate, unequal lengths: the hand-computed cost matrix', () => {
  // a = [0, 1, 2], b = [0, 2]. Cells c(i, j) = (a_i − b_j)²  |  accumulated D(i, j):
  //          b=0  b=2                                       |          j=0   j=1
  //   a=0     0    4                                        |   i=0    0     0+4 = 4
  //   a=1     1    1                                        |   i=1    0+1 = 1   1+min(0, 4, 1) = 1
  //   a=2     4    0                                        |   i=2    1+4 = 5   0+min(1, 1, 5) = 1
  // Cost D(2, 1) = 1, e.g. along (0,0) (1,1) (2,1): 0 + 1 + 0.
  const a = Float64Array.of(0, 1, 2);
  const b = Float64Array.of(0, 2);
  assert.equal(dtwCost(a, b, 1), 1);
  assert.equal(dtwCost(b, a, 1), 1);
  assert.equal(dtwDistance(a, b, 1), 1);
  // Warping beats the diagonal: [0, 0, 1, 2] vs [0, 1, 2, 2] costs 0 (Euclidean² would be 0 + 1 + 1 + 0 = 2).
  assert.equal(dtwCost(Float64Array.of(0, 0, 1, 2), Float64Array.of(0, 1, 2, 2), 1), 0);
});

test('two channels (dependent DTW): the hand-computed cost matrix', () => {
  // a = [(0,0), (1,1)], b = [(0,1), (1,1), (2,2)]; c(i, j) = ‖a_i − b_j‖²:
  //   c row 0:  1, 2, 8        D row 0:  1, 1+2 = 3, 3+8 = 11
  //   c row 1:  1, 0, 2        D row 1:  1+1 = 2, 0+min(1, 3, 2) = 1, 2+min(3, 11, 1) = 3
  // Cost 3 along (0,0) (1,1) (1,2): 1 + 0 + 2.
  const a = Float64Array.of(0, 0, 1, 1);
  const b = Float64Array.of(0, 1, 1, 1, 2, 2);
  assert.equal(dtwCost(a, b, 2), 3);
  assert.equal(dtwDistance(a, b, 2), Math.sqrt(3));
});

test('agrees with the brute-force definition on random series of unequal lengths and 1-3 channels', () => {
  const random = generator(7);
  for (let trial = 0; trial < 120; trial++) {
    const channels = 1 + (trial % 3);
    const a = randomSeries(random, 1 + Math.floor(random() * 6), channels);
    const b = randomSeries(random, 1 + Math.floor(random() * 6), channels);
    const expected = bruteForceCost(a, b, channels);
    const cost = dtwCost(a, b, channels);
    assert.ok(Math.abs(cost - expected) <= 1e-12 * Math.max(1, expected), `trial ${trial}: ${cost} vs ${expected}`);
    assert.ok(Math.abs(dtwCost(b, a, channels) - cost) <= 1e-12 * Math.max(1, cost), 'symmetric');
    assert.ok(boxLowerBound(a, channels, seriesBox(b, channels)) <= cost + 1e-12, 'box bound is a lower bound');
  }
});

test('equal lengths: DTW never exceeds the Euclidean distance, and a series is at 0 from itself', () => {
  const random = generator(11);
  for (let trial = 0; trial < 30; trial++) {
    const channels = 1 + (trial % 3);
    const steps = 2 + (trial % 9);
    const a = randomSeries(random, steps, channels);
    const b = randomSeries(random, steps, channels);
    const euclidean = Math.sqrt(a.reduce((sum, v, k) => sum + (v - b[k]!) ** 2, 0));
    assert.ok(dtwDistance(a, b, channels) <= euclidean + 1e-12);
    assert.equal(dtwCost(a, a, channels), 0);
  }
});

test('early abandoning returns the exact cost or Infinity, and Infinity only above the threshold', () => {
  const random = generator(3);
  for (let trial = 0; trial < 60; trial++) {
    const channels = 1 + (trial % 3);
    const a = randomSeries(random, 3 + Math.floor(random() * 20), channels);
    const b = randomSeries(random, 3 + Math.floor(random() * 20), channels);
    const exact = dtwCost(a, b, channels);
    assert.equal(dtwCost(a, b, channels, exact), exact, 'a threshold equal to the cost never abandons');
    assert.equal(dtwCost(a, b, channels, 2 * exact), exact);
    for (const fraction of [0, 0.25, 0.5, 0.9, 0.999]) {
      const got = dtwCost(a, b, channels, fraction * exact);
      assert.ok(got === exact || got === Infinity, `${got} is neither ${exact} nor Infinity`);
    }
    assert.equal(dtwCost(a, b, channels, -1), Infinity, 'every cost is ≥ 0 > −1: abandons after the first row');
  }
  // All the cost in the last step: rows 0-3 of D are 0 on their diagonals, every D(4, j) ≥ 10² = 100.
  const a = Float64Array.of(0, 0, 0, 0, 10);
  const b = Float64Array.of(0, 0, 0, 0, 0);
  assert.equal(dtwCost(a, b, 1, 100), 100, 'the exact cost at a threshold equal to it');
  assert.equal(dtwCost(a, b, 1, 99.999), Infinity, 'abandons once the last row is all above the threshold');
  assert.equal(dtwCost(a, b, 1, 1e-9), Infinity);
});

test('1-NN with bounds and abandoning finds exactly what the full scan finds, ties included', () => {
  const random = generator(5);
  for (let trial = 0; trial < 12; trial++) {
    const channels = 1 + (trial % 3);
    const candidates = Array.from({ length: 25 }, () => randomSeries(random, 5 + Math.floor(random() * 30), channels));
    candidates.push(candidates[3]!.slice(), candidates[17]!.slice()); // exact duplicates: ties the scan settles by index
    const boxes = candidates.map((c) => seriesBox(c, channels));
    for (let q = 0; q < 8; q++) {
      // Half the queries are near copies of a candidate, so that one is the clear nearest.
      const query = q % 2 === 0 ? randomSeries(random, 5 + Math.floor(random() * 30), channels)
        : candidates[Math.floor(random() * candidates.length)]!.map((v) => v + 0.01 * (random() - 0.5));
      const full = nearestNeighbourDtw(query, candidates, channels, { prune: false });
      const scan = candidates.map((c) => dtwCost(query, c, channels));
      assert.equal(full.index, scan.indexOf(Math.min(...scan)));
      const pruned = nearestNeighbourDtw(query, candidates, channels, { boxes });
      assert.deepEqual(pruned, full, `trial ${trial}, query ${q}`);
    }
    // A query equal to a duplicated candidate: cost 0 at both copies, the first index wins.
    assert.deepEqual(nearestNeighbourDtw(candidates[17]!, candidates, channels), { index: 17, cost: 0 });
  }
});

test('1-NN among close competitors: the bounds and abandoning still change nothing', () => {
  // Every candidate is one base series plus its own small noise, so many costs lie within a
  // few per cent of the best and a bound or an abandon that cut too early would show.
  const random = generator(9);
  for (let trial = 0; trial < 12; trial++) {
    const channels = 1 + (trial % 3);
    const base = randomSeries(random, 10 + Math.floor(random() * 20), channels);
    const noisy = (scale: number) => base.map((v) => v + scale * (random() - 0.5));
    const candidates = Array.from({ length: 30 }, () => noisy(0.5));
    const boxes = candidates.map((c) => seriesBox(c, channels));
    for (let q = 0; q < 6; q++) {
      const query = noisy(0.5);
      assert.deepEqual(nearestNeighbourDtw(query, candidates, channels, { boxes }), nearestNeighbourDtw(query, candidates, channels, { prune: false }), `trial ${trial}, query ${q}`);
    }
  }
});

test('1-NN: a tie between different series goes to the lower index even when the bounds visit it last', () => {
  // Query 0,0,0,0. Candidate 0 = 1,1,1,1: cost 4, box [1, 1], so its box bound is 4 too.
  // Candidate 1 = 0,0,0,2: cost 4 (only the last steps differ), box [0, 2], bound 0: visited first.
  // The scan must still compute candidate 0 in full (bound 4 is not above the best 4) and pick it.
  const query = Float64Array.of(0, 0, 0, 0);
  const candidates = [Float64Array.of(1, 1, 1, 1), Float64Array.of(0, 0, 0, 2), Float64Array.of(3, 3, 3, 3)];
  assert.equal(boxLowerBound(query, 1, seriesBox(candidates[0]!, 1)), 4);
  assert.equal(boxLowerBound(query, 1, seriesBox(candidates[1]!, 1)), 0);
  assert.deepEqual(nearestNeighbourDtw(query, candidates, 1), { index: 0, cost: 4 });
  assert.deepEqual(nearestNeighbourDtw(query, candidates, 1, { prune: false }), { index: 0, cost: 4 });
});

test('1-NN with informative bounds (level-shifted candidates) agrees with the full scan', () => {
  const random = generator(13);
  for (let trial = 0; trial < 10; trial++) {
    const channels = 1 + (trial % 3);
    const base = randomSeries(random, 8 + Math.floor(random() * 20), channels);
    const shifted = (offset: number) => base.map((v) => v + offset + 0.3 * (random() - 0.5));
    const candidates = Array.from({ length: 30 }, (_, k) => shifted(0.1 * (k % 10)));
    for (let q = 0; q < 6; q++) {
      const query = shifted(random());
      assert.deepEqual(nearestNeighbourDtw(query, candidates, channels), nearestNeighbourDtw(query, candidates, channels, { prune: false }), `trial ${trial}, query ${q}`);
    }
  }
});

test('bad input is an InputError', () => {
  assert.throws(() => dtwCost(Float64Array.of(1, 2, 3), Float64Array.of(1, 2), 2), /3 values; expected a positive multiple of 2 channels/);
  assert.throws(() => dtwCost(new Float64Array(0), Float64Array.of(1), 1), InputError);
  assert.throws(() => nearestNeighbourDtw(Float64Array.of(1), [], 1), /no candidates/);
});
