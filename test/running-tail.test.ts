import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeSorted, RunningTail } from '../src/analysis/anomaly/scorer.js';
import { fitTail } from '../src/analysis/anomaly/tail.js';
import { mulberry32 } from './mulberry32.js';

// The running calibration keeps its history sorted by merging in what arrived and taking out
// what left since the last fit, instead of sorting it again: its tail must be, at every
// refit, exactly fitTail of the last `history` values (the held-out rows, then the scored ones).

test('RunningTail refits exactly as fitTail over the last `history` values: while filling, once full, with ties', () => {
  for (const [history, every, heldOut, draws, ties] of [[40, 5, 12, 300, false], [64, 7, 100, 500, true], [10, 1, 3, 80, true], [1000, 50, 700, 3000, false]] as const) {
    const random = mulberry32(history * 31 + every);
    const draw = () => (ties ? Math.floor(random() * 6) / 2 : -Math.log(random()) * 3);
    const seen = Array.from({ length: heldOut }, draw);
    const running = new RunningTail({ kind: 'running', history, every }, seen);
    assert.deepEqual(running.tail, fitTail(seen.slice(-history)));
    for (let k = 1; k <= draws; k++) {
      const s = draw();
      running.push(s);
      seen.push(s);
      // the tail a refit leaves (every `every` pushes) is fitTail of the window as it then is
      if (k % every === 0) assert.deepEqual(running.tail, fitTail(seen.slice(-history)), `history ${history}, every ${every}: after ${k} values`);
    }
  }
});

test('mergeSorted takes out one occurrence per leaving value and merges the arriving ones in order; a value never there is an error', () => {
  const sorted = Float64Array.from([1, 2, 2, 3, 5, 8]);
  assert.deepEqual(mergeSorted(sorted, [2, 8], [4, 0, 2]), Float64Array.from([0, 1, 2, 2, 3, 4, 5]));
  assert.deepEqual(mergeSorted(sorted, [], []), sorted);
  assert.deepEqual(mergeSorted(sorted, [1, 2, 2, 3, 5, 8], [7]), Float64Array.from([7]));
  assert.throws(() => mergeSorted(sorted, [4], [1]), /leaving values were not all in the history/);
});

test('mergeSorted equals sorting what remains, on random histories with many ties, values leaving from anywhere and arriving at the ends', () => {
  const random = mulberry32(7);
  for (let trial = 0; trial < 200; trial++) {
    const n = 1 + Math.floor(random() * 60);
    const values = Array.from({ length: n }, () => Math.floor(random() * 8) - 2);
    const sorted = Float64Array.from(values).sort();
    const leaving = values.filter(() => random() < 0.3);
    // arrivals below, among and above the history, some equal to values already there
    const arriving = Array.from({ length: Math.floor(random() * 12) }, () => Math.floor(random() * 14) - 5);
    const rest = [...values];
    for (const v of leaving) rest.splice(rest.indexOf(v), 1);
    assert.deepEqual(mergeSorted(sorted, leaving, arriving), Float64Array.from([...rest, ...arriving]).sort(), `trial ${trial}`);
  }
});
