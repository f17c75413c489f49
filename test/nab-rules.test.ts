/**
 * NAB's scoring rules on small hand-made files, each figure worked out by hand from the rules
 * (numenta/NAB nab/sweeper.py) and the identity 2·sigmoid(-5x) - 1 = -tanh(2.5x).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../src/input-error.js';
import { optimizeThreshold, thresholdSweep } from '../src/analysis/nab/optimize-threshold.js';
import { probationaryLength } from '../src/analysis/nab/profiles.js';
import { SCALED_SIGMOID_LEFT_EDGE, scaledSigmoid } from '../src/analysis/nab/scaled-sigmoid.js';
import { scoreCorpus } from '../src/analysis/nab/score-corpus.js';
import { type FileScore, scoreFile, sweepFile } from '../src/analysis/nab/score-file.js';
import { type RowWindow, resolveWindows, windowsFromLabels } from '../src/analysis/nab/windows.js';

const STANDARD = { tpWeight: 1, fpWeight: 0.11, fnWeight: 1 };
const close = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) < 1e-14, `${what}: ${actual} vs ${expected}`);

/** Scores with 1 at the given rows and 0 elsewhere. */
function spikes(n: number, rows: number[]): number[] {
  const s = new Array<number>(n).fill(0);
  for (const r of rows) s[r] = 1;
  return s;
}

/** A 100-row file, probation 15 rows, one window over rows 40..49 (width 10), standard profile, threshold 0.5. */
function score100(rows: number[], windows: RowWindow[] = [{ start: 40, end: 49 }]): FileScore {
  return scoreFile('hand', spikes(100, rows), windows, STANDARD, 0.5);
}

test('the scaled sigmoid: 0.98661 at a window\'s left edge, 0 at its right edge, -1 from 3 widths after', () => {
  close(scaledSigmoid(-1), Math.tanh(2.5), 'left edge');
  close(SCALED_SIGMOID_LEFT_EDGE, 0.9866142981514303, 'left edge value');
  close(scaledSigmoid(-0.5), Math.tanh(1.25), 'middle'); // 0.84828
  assert.equal(scaledSigmoid(0), 0);
  close(scaledSigmoid(1), -Math.tanh(2.5), 'one width after');
  close(scaledSigmoid(2.9), -Math.tanh(7.25), 'just under 3');
  assert.equal(scaledSigmoid(3), -1);
  assert.equal(scaledSigmoid(Infinity), -1);
});

test('probation: 15% of the rows, at most 750', () => {
  assert.equal(probationaryLength(100), 15);
  assert.equal(probationaryLength(4032), 604);
  assert.equal(probationaryLength(22695), 750);
});

test('no detection: the window costs fnWeight; counts cover the 85 rows after probation', () => {
  assert.deepEqual(score100([]), { score: -1, tp: 0, tn: 75, fp: 0, fn: 10, total: 85 });
});

test('a detection inside the window earns more the earlier it is', () => {
  // row i of window 40..49 sits at -(49 - i + 1)/10, and the reward is divided by the left edge's value
  close(score100([40]).score, 1, 'left edge: the full tpWeight');
  close(score100([45]).score, Math.tanh(1.25) / Math.tanh(2.5), 'middle (-0.5)');
  close(score100([49]).score, Math.tanh(0.25) / Math.tanh(2.5), 'right edge (-0.1)');
  assert.deepEqual({ ...score100([45]), score: 0 }, { score: 0, tp: 1, tn: 75, fp: 0, fn: 9, total: 85 });
});

test('two detections in one window: only the earlier one counts, both count as TP rows', () => {
  const two = score100([45, 42]);
  close(two.score, Math.tanh(2) / Math.tanh(2.5), 'row 42 (-0.8)');
  assert.equal(two.tp, 2);
  assert.equal(two.fn, 8);
});

test('false positives: the full fpWeight before the first window, less just after a window', () => {
  close(score100([20]).score, -1 - 0.11, 'before the window, window missed');
  // row 52 lies (52 - 49)/(10 - 1) = 1/3 widths after the window's end
  close(score100([52]).score, -1 - 0.11 * Math.tanh(2.5 / 3), 'just after');
  close(score100([90]).score, -1 - 0.11, '41/9 > 3 widths after: full cost');
  close(score100([40, 52]).score, 1 - 0.11 * Math.tanh(2.5 / 3), 'a hit and a late FP');
  assert.deepEqual({ ...score100([20, 52]), score: 0 }, { score: 0, tp: 0, tn: 73, fp: 2, fn: 10, total: 85 });
});

test('the probationary period is not scored, not even inside a window', () => {
  assert.deepEqual(score100([3, 14]), score100([]));
  // a window wholly inside the probation costs nothing when missed and earns nothing when hit
  assert.equal(score100([], [{ start: 5, end: 12 }]).score, 0);
  assert.equal(score100([6], [{ start: 5, end: 12 }]).score, 0);
  // a window straddling the probation: its scored rows still sit at their place in the whole window
  close(score100([15], [{ start: 10, end: 19 }]).score, Math.tanh(1.25) / Math.tanh(2.5), 'row 15 of 10..19');
  assert.equal(score100([12], [{ start: 10, end: 19 }]).score, -1);
});

test('after a one-row window a false positive costs the full fpWeight', () => {
  close(score100([50, 60], [{ start: 50, end: 50 }]).score, 1 - 0.11, 'hit then FP');
});

test('a row is a detection when its score is >= the threshold', () => {
  const scores = spikes(100, []);
  scores[40] = 0.5;
  assert.equal(scoreFile('t', scores, [{ start: 40, end: 49 }], STANDARD, 0.5).score, 1);
  assert.equal(scoreFile('t', scores, [{ start: 40, end: 49 }], STANDARD, 0.50001).score, -1);
});

test('the optimiser: each sweep entry is the corpus score at that threshold, and the best wins', () => {
  // two files with windows, scores from a fixed pseudo-random sequence
  let seed = 7;
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const windows = [[{ start: 30, end: 39 }, { start: 70, end: 79 }], [{ start: 50, end: 59 }]];
  const scores = windows.map(() => Array.from({ length: 100 }, () => Math.round(random() * 20) / 20));
  const swept = windows.map((w, f) => ({ swept: sweepFile(`f${f}`, 100, w, STANDARD), scores: scores[f] ?? [] }));
  const sweep = thresholdSweep(swept);
  for (const { threshold, score } of sweep) {
    const direct = windows.reduce((s, w, f) => s + scoreFile(`f${f}`, scores[f] ?? [], w, STANDARD, threshold).score, 0);
    assert.ok(Math.abs(score - direct) < 1e-12, `threshold ${threshold}: ${score} vs ${direct}`);
  }
  const best = optimizeThreshold(swept);
  assert.equal(best.score, Math.max(...sweep.map((t) => t.score)));
});

test('the optimiser breaks ties towards the higher threshold', () => {
  // 0.9 at row 45 and 0.8 at row 46, both in the window: lowering to 0.8 adds nothing
  const scores = spikes(100, []);
  scores[45] = 0.9;
  scores[46] = 0.8;
  const swept = [{ swept: sweepFile('t', 100, [{ start: 40, end: 49 }], STANDARD), scores }];
  assert.equal(optimizeThreshold(swept).threshold, 0.9);
  assert.deepEqual(thresholdSweep(swept).map((t) => t.threshold), [1.1, 0.9, 0.8, 0]);
});

test('normalisation: the perfect detector scores 100, the null one 0, one hit of two windows in between', () => {
  const timestamps = Array.from({ length: 100 }, (_, i) => `2020-01-01 ${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00`);
  const windows = { a: [[timestamps[40] ?? '', timestamps[49] ?? ''] as const], b: [[timestamps[60] ?? '', timestamps[69] ?? ''] as const] };
  const run = (a: number[], b: number[]) => scoreCorpus([{ name: 'a', timestamps, scores: spikes(100, a) }, { name: 'b', timestamps, scores: spikes(100, b) }], windows);
  const perfect = run([40], [60]).perProfile;
  const none = run([], []).perProfile;
  const half = run([40], []).perProfile;
  for (const profile of ['standard', 'reward_low_FP_rate', 'reward_low_FN_rate']) {
    assert.equal(perfect[profile]?.normalizedScore, 100, profile);
    assert.equal(none[profile]?.normalizedScore, 0, profile);
  }
  // standard: raw 1 - 1 = 0, null -2, perfect 2: 100 · 2/4 = 50; low FN rate: raw 1 - 2, null -4, perfect 2: 100 · 3/6
  assert.equal(half.standard?.normalizedScore, 50);
  assert.equal(half.reward_low_FN_rate?.normalizedScore, 50);
});

test('windows from labels: floor(0.1·N/n) rows centred on each label, the first dropped inside the probation, overlaps merged', () => {
  const timestamps = Array.from({ length: 200 }, (_, i) => new Date(Date.UTC(2020, 0, 1) + i * 60000).toISOString().slice(0, 19).replace('T', ' '));
  const at = (i: number) => timestamps[i] ?? '';
  // one label at row 100: length floor(0.1 · 200) = 20, 10 rows each side
  assert.deepEqual(windowsFromLabels('f', timestamps, [at(100)]), [[at(90), at(110)]]);
  // two labels: length 10, 5 rows each side; rows 100 and 108 overlap and merge
  assert.deepEqual(windowsFromLabels('f', timestamps, [at(100), at(108)]), [[at(95), at(113)]]);
  // a label at row 30: its window 20..40 starts before the probation's end (row 30) and is dropped
  assert.deepEqual(windowsFromLabels('f', timestamps, [at(30), at(150)]), [[at(145), at(155)]]);
  // clipped at the file's end
  assert.deepEqual(windowsFromLabels('f', timestamps, [at(195)]), [[at(185), at(199)]]);
  assert.deepEqual(windowsFromLabels('f', timestamps, []), []);
});

test('bad input is an InputError that names the file and what was expected', () => {
  const timestamps = ['2020-01-01 00:00:00', '2020-01-01 00:01:00', '2020-01-01 00:02:00'];
  assert.deepEqual(resolveWindows('f', timestamps, [['2020-01-01 00:01:00.000000', '2020-01-01 00:02:00']]), [{ start: 1, end: 2 }]);
  assert.throws(() => resolveWindows('f', timestamps, [['2020-01-01 00:01:30', '2020-01-01 00:02:00']]), /f: anomaly window 0 starts at 2020-01-01 00:01:30, which is not a timestamp of the file/);
  assert.throws(() => resolveWindows('f', timestamps, [['2020-01-01 00:02:00', '2020-01-01 00:01:00']]), InputError);
  assert.throws(() => resolveWindows('f', ['1 Jan 2020'], []), /f, row 0: timestamp '1 Jan 2020' is not of the form/);
  assert.throws(() => sweepFile('f', 100, [{ start: 10, end: 20 }, { start: 20, end: 30 }], STANDARD), /window 1 starts at row 20, inside or before window 0/);
  assert.throws(() => scoreFile('f', [0, NaN, 0], [], STANDARD, 0.5), /f, row 1: anomaly score NaN; expected a finite number/);
  const file = { name: 'f', timestamps, scores: [0, 0, 0] };
  assert.throws(() => scoreCorpus([file], {}), /f: no entry in the anomaly windows/);
  assert.throws(() => scoreCorpus([{ ...file, scores: [0, 0] }], { f: [] }), /f: 3 timestamps but 2 anomaly scores/);
  assert.throws(() => scoreCorpus([file], { f: [] }), /no anomaly window/);
  assert.throws(() => scoreCorpus([file], { f: [] }, { bad: { CostMatrix: { tpWeight: 1, fpWeight: -1, fnWeight: 1 } } }), /profile 'bad': CostMatrix.fpWeight is -1/);
  assert.throws(() => windowsFromLabels('f', timestamps, ['2020-02-01 00:00:00']), /f: label 0 \(2020-02-01 00:00:00\) is not a timestamp of the file/);
});
