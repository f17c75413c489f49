/**
 * The anomaly scoring chain and the threshold rules against values worked out by hand (in the
 * comments) or by a second, naive implementation written here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RandomState } from '../src/ops/random-state.js';
import { fitErrorGaussian, mahalanobis2 } from '../src/analysis/anomaly/gaussian.js';
import { cholesky, inverseSpd } from '../src/analysis/linear-algebra.js';
import { ewma, ewmaAlpha, Ewma } from '../src/analysis/anomaly/smoothing.js';
import { fitTail, tailProbability } from '../src/analysis/anomaly/tail.js';
import { bestFBetaThreshold, fprThreshold, meanStd, sigmaThreshold, telemanomEpsilon } from '../src/analysis/anomaly/thresholds.js';
import { groupIntervals } from '../src/analysis/anomaly/intervals.js';
import { eventMetrics, nabScores, pointMetrics, runsOf } from '../src/analysis/anomaly/evaluate.js';
import { heldOutSurprises, OnlineScorer, OnlineThreshold, type ScorerModel } from '../src/analysis/anomaly/scorer.js';
import { nearestCodeDistance, thinCodes } from '../src/analysis/anomaly/novelty.js';
import { fitScaling, scaleValues } from '../src/analysis/anomaly/scaling.js';
import { newestStepErrors, trailingWindows } from '../src/analysis/anomaly/windows.js';

const close = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

/** Solves A x = b by Gauss-Jordan elimination with partial pivoting: the direct computation. */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    [m[c], m[p]] = [m[p]!, m[c]!];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r]![c]! / m[c]![c]!;
      for (let k = c; k <= n; k++) m[r]![k] = m[r]![k]! - f * m[c]![k]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}

test('EncDec-AD Gaussian: the MLE mean and covariance of three 2-d vectors, by hand', () => {
  // vectors (1,2), (3,2), (2,5): mean (2,3); deviations (-1,-1), (1,-1), (0,2)
  // covariance / 3: xx = 2/3, xy = (1 - 1 + 0)/3 = 0, yy = (1 + 1 + 4)/3 = 2
  const g = fitErrorGaussian([1, 2, 3, 2, 2, 5], 3, 2, { ridge: 0, varianceFloor: 0 });
  assert.deepEqual([...g.mean], [2, 3]);
  close(g.covariance[0]!, 2 / 3, 1e-15, 'xx');
  close(g.covariance[1]!, 0, 1e-15, 'xy');
  close(g.covariance[3]!, 2, 1e-15, 'yy');
  // with a diagonal covariance d² is the sum of squared standardised errors: (4-2)²/(2/3) + (1-3)²/2 = 6 + 2
  const terms = new Float64Array(2);
  close(mahalanobis2(g, [4, 1], 0, terms), 8, 1e-14, 'd2');
  close(terms[0]!, 6, 1e-14, 'x term');
  close(terms[1]!, 2, 1e-14, 'y term');
  // the ridge adds ridge * mean variance + floor to the diagonal: 1e-3 * (2/3 + 2)/2 + 1e-6
  const ridged = fitErrorGaussian([1, 2, 3, 2, 2, 5], 3, 2);
  close(ridged.covariance[0]! - 2 / 3, 1e-3 * (4 / 3) + 1e-6, 1e-12, 'ridge');
});

test('Mahalanobis distance against a direct solve of Σ y = e - μ, on correlated random errors', () => {
  const rng = new RandomState(7);
  const n = 200;
  const dim = 4;
  const vectors = new Float64Array(n * dim);
  for (let i = 0; i < n; i++) {
    const common = rng.standardNormal();
    for (let j = 0; j < dim; j++) vectors[i * dim + j] = Math.abs(0.3 * common + (j + 1) * 0.1 * rng.standardNormal() + j);
  }
  const g = fitErrorGaussian(vectors, n, dim);
  const sigma = Array.from({ length: dim }, (_, a) => Array.from({ length: dim }, (_, b) => g.covariance[a * dim + b]!));
  // Σ Σ⁻¹ = I
  for (let a = 0; a < dim; a++) {
    for (let b = 0; b < dim; b++) {
      let s = 0;
      for (let k = 0; k < dim; k++) s += g.covariance[a * dim + k]! * g.precision[k * dim + b]!;
      close(s, a === b ? 1 : 0, 1e-12, `(Σ Σ⁻¹)[${a},${b}]`);
    }
  }
  const terms = new Float64Array(dim);
  for (const e of [[0.1, 1.2, 2.5, 3.1], [2, 0, 0, 9], [...g.mean]]) {
    const diff = e.map((v, j) => v - g.mean[j]!);
    const y = solve(sigma, diff);
    const direct = diff.reduce((s, d, j) => s + d * y[j]!, 0);
    const ours = mahalanobis2(g, e, 0, terms);
    close(ours, direct, 1e-10, 'd2');
    close(terms.reduce((s, t) => s + t, 0), ours, 1e-12, 'terms sum to d2');
    diff.forEach((d, j) => close(terms[j]!, d * y[j]!, 1e-9, `term ${j}`));
  }
  // Cholesky: L Lᵀ = Σ
  const l = cholesky(g.covariance, dim);
  for (let a = 0; a < dim; a++) for (let b = 0; b < dim; b++) {
    let s = 0;
    for (let k = 0; k < dim; k++) s += l[a * dim + k]! * l[b * dim + k]!;
    close(s, g.covariance[a * dim + b]!, 1e-12, `LLᵀ[${a},${b}]`);
  }
  assert.throws(() => inverseSpd(Float64Array.from([1, 2, 2, 1]), 2), /not positive definite/);
});

test('a constant error still gives an invertible Gaussian, and distance 0 at the constant', () => {
  const g = fitErrorGaussian(new Float64Array(10).fill(0.25), 10, 1);
  close(g.covariance[0]!, 1e-6, 1e-15, 'floor');
  assert.equal(mahalanobis2(g, [0.25]), 0);
  close(mahalanobis2(g, [0.25 + 1e-3]), 1, 1e-9, 'one floor-deviation away');
});

test('EWMA: span 3 is α = 0.5: 2, 4, 0 -> 2, 3, 1.5; span 1 is no smoothing', () => {
  assert.equal(ewmaAlpha(3), 0.5);
  assert.deepEqual([...ewma([2, 4, 0], 3)], [2, 3, 1.5]);
  assert.deepEqual([...ewma([2, 4, 0], 1)], [2, 4, 0]);
  const e = new Ewma(0.25);
  assert.deepEqual([e.push(8), e.push(0), e.push(4)], [8, 6, 5.5]);
  assert.throws(() => ewmaAlpha(0.5), /smoothing span 0.5/);
});

test('tail probability: conformal below the 90th percentile, exponential above, by hand', () => {
  // sample 1..10: u = sorted[ceil(0.9·10) - 1] = 9; above it only 10: pU = (1 + 1)/11, β = 10 - 9 = 1
  const tail = fitTail([3, 1, 4, 10, 5, 9, 2, 6, 8, 7]);
  assert.equal(tail.u, 9);
  assert.equal(tail.pU, 2 / 11);
  assert.equal(tail.beta, 1);
  // p(s) = (#{x >= s} + 1) / 11 up to u
  assert.equal(tailProbability(tail, 0), 11 / 11);
  assert.equal(tailProbability(tail, 1), 11 / 11);
  assert.equal(tailProbability(tail, 5), 7 / 11);
  assert.equal(tailProbability(tail, 5.5), 6 / 11);
  assert.equal(tailProbability(tail, 9), 3 / 11);
  // above u: (2/11)·exp(-(s - 9))
  close(tailProbability(tail, 11), (2 / 11) * Math.exp(-2), 1e-15, 'p(11)');
  close(tailProbability(tail, 40), (2 / 11) * Math.exp(-31), 1e-15, 'p(40)');
  // a constant sample: the constant itself is not rare, anything above it is
  const flat = fitTail(new Array(20).fill(3));
  assert.equal(tailProbability(flat, 3), 1);
  assert.ok(tailProbability(flat, 3.001) < 1e-100);
});

test('thresholds: false-alarm rate, k sigma, best F-beta by hand', () => {
  assert.equal(fprThreshold(0.001), 0.999);
  // held-out 1, 2, 3, 4: mean 2.5, population sd sqrt(1.25)
  close(sigmaThreshold([1, 2, 3, 4], 2), 2.5 + 2 * Math.sqrt(1.25), 1e-15, 'sigma');
  assert.deepEqual(meanStd([1, 2, 3, 4]), { mean: 2.5, std: Math.sqrt(1.25) });
  // scores 0.9 0.8 0.7 0.6 0.5 with labels 1 0 1 0 0 (2 positives):
  // >=0.9: P 1, R 1/2, F1 2/3; >=0.8: P 1/2, R 1/2, F1 1/2; >=0.7: P 2/3, R 1, F1 0.8 (best); lower: worse
  const f1 = bestFBetaThreshold([0.5, 0.9, 0.7, 0.6, 0.8], [0, 1, 1, 0, 0]);
  assert.equal(f1.threshold, 0.7);
  close(f1.fBeta, 0.8, 1e-15, 'F1');
  assert.deepEqual([f1.precision, f1.recall], [2 / 3, 1]);
  // F0.5 weighs precision: at 0.9 it is (1.25·1·0.5)/(0.25·1 + 0.5) = 0.8333 > at 0.7 (1.25·(2/3))/(0.25·(2/3) + 1) = 0.7143
  const f05 = bestFBetaThreshold([0.5, 0.9, 0.7, 0.6, 0.8], [0, 1, 1, 0, 0], 0.5);
  assert.equal(f05.threshold, 0.9);
  close(f05.fBeta, 0.625 / 0.75, 1e-15, 'F0.5');
  assert.throws(() => bestFBetaThreshold([0.1, 0.2], [0, 0]), /no.*labelled anomalies|there are none/);
});

/** Telemanom's find_epsilon written as its Python is, with index lists: the second implementation. */
function naiveTelemanom(e: number[], buffer: number, sdLimit = 12): number {
  const { mean, std } = meanStd(e);
  let maxScore = -1e7;
  let best = sdLimit;
  for (let z = 2.5; z < sdLimit; z += 0.5) {
    const eps = mean + z * std;
    const pruned = e.filter((v) => v < eps);
    const anom = new Set<number>();
    e.forEach((v, i) => {
      if (v >= eps) {
        anom.add(i);
        for (let b = 1; b < buffer; b++) {
          if (i + b < e.length) anom.add(i + b);
          if (i - b >= 0) anom.add(i - b);
        }
      }
    });
    if (anom.size === 0) continue;
    const sorted = [...anom].sort((a, b) => a - b);
    const groups: number[][] = [];
    for (const i of sorted) {
      const last = groups[groups.length - 1];
      if (last && i === last[last.length - 1]! + 1) last.push(i);
      else groups.push([i]);
    }
    const seqs = groups.filter((g) => g.length > 1).length;
    const p = meanStd(pruned);
    const score = ((mean - p.mean) / mean + (std - p.std) / std) / (seqs * seqs + anom.size);
    if (score >= maxScore && seqs <= 5 && anom.size < e.length * 0.5) {
      maxScore = score;
      best = z;
    }
  }
  return best;
}

test("Telemanom's epsilon: hand-worked windows, and its Python loop written out on random windows", () => {
  // 199 ones and one 10: every z from 2.5 to 11.5 flags only the 10 (10 is 14.1 sd out) with the
  // same score, and ties go to the later z: 11.5
  const spike = new Array<number>(200).fill(1);
  spike[100] = 10;
  const { mean, std } = meanStd(spike);
  close(mean, 1.045, 1e-12, 'mean');
  close(std, Math.sqrt(0.402975), 1e-12, 'sd');
  assert.deepEqual(telemanomEpsilon(spike, { errorBuffer: 5 }), { z: 11.5, epsilon: mean + 11.5 * std });
  // 1, 2 alternating: nothing reaches mean + 2.5 sd = 2.75, so z stays at the limit, 12
  const flat = Array.from({ length: 50 }, (_, i) => 1 + (i % 2));
  assert.deepEqual(telemanomEpsilon(flat), { z: 12, epsilon: 1.5 + 12 * 0.5 });
  // no spread: nothing can stand out
  assert.equal(telemanomEpsilon([2, 2, 2]).epsilon, Infinity);
  const rng = new RandomState(3);
  for (let trial = 0; trial < 20; trial++) {
    const e = Array.from({ length: 300 }, () => Math.abs(rng.standardNormal()) + (rng.uniform() < 0.02 ? rng.uniform(2, 8) : 0));
    if (trial % 4 === 0) for (let i = 150; i < 160; i++) e[i] = e[i]! + 4;
    const buffer = 1 + rng.randomInterval(20);
    assert.equal(telemanomEpsilon(e, { errorBuffer: buffer }).z, naiveTelemanom(e, buffer), `trial ${trial}`);
  }
});

test('intervals: runs of flags, merged across short gaps, with the peak and its severity', () => {
  const flags = [0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 1];
  const p = [1, 0.01, 0.001, 1, 1, 0.1, 1, 1, 1, 1, 1e-5];
  const surprises = p.map((x) => -Math.log10(x));
  const times = flags.map((_, i) => `t${i}`);
  const scores = p.map((x) => 1 - x);
  const adjacent = groupIntervals({ flags, scores, surprises, times });
  assert.deepEqual(adjacent.map((i) => [i.startRow, i.endRow, i.peakRow]), [[1, 2, 2], [5, 5, 5], [10, 10, 10]]);
  close(adjacent[0]!.severity, 3, 1e-12, 'severity');
  close(adjacent[0]!.peakTailProbability, 0.001, 1e-12, 'p');
  assert.equal(adjacent[2]!.start, 't10');
  // a gap of 2 unflagged rows merges with mergeGap 3, not 4 rows
  const merged = groupIntervals({ flags, scores, surprises, times, mergeGap: 3 });
  assert.deepEqual(merged.map((i) => [i.startRow, i.endRow, i.peakRow]), [[1, 5, 2], [10, 10, 10]]);
  // the channel with the largest contribution at the peak
  const contributions = { values: flags.flatMap((_, i) => (i === 2 ? [1, 5] : [3, 0])), channels: ['a', 'b'] };
  assert.equal(groupIntervals({ flags, scores, surprises, times, contributions })[0]!.peakChannel, 'b');
});

test('point and event precision and recall by hand, and NAB: a detection at the left edge of the only window is perfect', () => {
  const labels = [0, 1, 1, 1, 0, 0, 1, 0, 0, 0];
  const flags = [1, 0, 1, 0, 0, 0, 0, 0, 1, 1];
  // points: tp 1 (row 2), fp 3 (rows 0, 8, 9), fn 3 (rows 1, 3, 6)
  const point = pointMetrics(flags, labels);
  assert.deepEqual([point.truePositives, point.falsePositives, point.falseNegatives], [1, 3, 3]);
  assert.equal(point.precision, 0.25);
  // events: labelled runs [1,3], [6,6]; flagged runs [0,0], [2,2], [8,9]: one found, two false alarms
  assert.deepEqual(runsOf(labels), [[1, 3], [6, 6]]);
  const event = eventMetrics(flags, labels);
  assert.deepEqual([event.truePositives, event.falsePositives, event.falseNegatives], [1, 2, 1]);
  close(event.f1, (2 * (1 / 3) * 0.5) / (1 / 3 + 0.5), 1e-15, 'event F1');
  // NAB on 1000 rows with one labelled onset at row 500: its window is 100 rows, rows 450..550
  const n = 1000;
  const onset = new Array<number>(n).fill(0);
  onset[500] = 1;
  const perfect = new Array<number>(n).fill(0);
  perfect[450] = 1;
  const nab = nabScores(perfect, onset);
  assert.ok(nab);
  close(nab.standard!, 100, 1e-9, 'perfect');
  assert.equal(nabScores(new Array<number>(n).fill(0), onset)?.standard, 0);
});

test('scaling: the training span\'s 1st and 99th percentiles go to ±0.8; a constant channel is named', () => {
  // 0..100 in steps of 1: q01 = 1, q99 = 99, centre 50, half 49
  const values = Float64Array.from({ length: 202 }, (_, i) => (i % 2 === 0 ? i / 2 : 7));
  const s = fitScaling(values, 2, 101);
  assert.equal(s.centre[0], 50);
  assert.equal(s.half[0], 49);
  assert.deepEqual(s.constant, [1]);
  assert.deepEqual([s.centre[1], s.half[1]], [7, 1]);
  const scaled = scaleValues(s, Float64Array.from([99, 7, 1, 8]), 2);
  assert.deepEqual([...scaled], [0.8, 0, -0.8, 0.8]);
});

test('windows end at their row; errors are |x - x̂| of the newest steps', () => {
  // rows 0..4 of 2 channels (10r, 10r+1); windows of 3 end at rows 2, 3, 4
  const scaled = Float64Array.from({ length: 10 }, (_, i) => 10 * Math.floor(i / 2) + (i % 2));
  const w = trailingWindows(scaled, 2, 3, 0, 4);
  assert.deepEqual([...w.subarray(0, 6)], [0, 1, 10, 11, 20, 21]);
  assert.deepEqual([...w.subarray(12, 18)], [20, 21, 30, 31, 40, 41]);
  const recon = Float32Array.from(w, (v) => v + 0.5);
  recon[17] = 41 - 2;
  const e = newestStepErrors(w, recon, 3, 3, 2, 2);
  assert.deepEqual([...e.subarray(8, 12)], [0.5, 0.5, 0.5, 2]);
});

function scorerModel(held: number[], calibration: ScorerModel['calibration'], span = 1): ScorerModel {
  // one channel, one step, μ 0, Σ 1: d² = e²
  return {
    steps: 1, channels: 1, smoothingSpan: span, calibration, heldOutSmoothed: held,
    gaussian: { dim: 1, mean: Float64Array.of(0), covariance: Float64Array.of(1), precision: Float64Array.of(1) },
  };
}

test('the online scorer: d² -> EWMA -> tail probability under the held-out rows, contributions summing to the statistic', () => {
  const held = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const s = new OnlineScorer(scorerModel(held, { kind: 'held-out' }, 3));
  // e = 2 -> d² 4 -> s 4: p = (#{≥4} + 1)/11 = 8/11; then e = 0 -> s = 2: p = 10/11
  const a = s.push([2]);
  assert.deepEqual([a.distance2, a.smoothed], [4, 4]);
  close(a.tailProbability, 8 / 11, 1e-15, 'p');
  close(a.surprise, Math.log10(11 / 8), 1e-15, 'surprise');
  close(a.anomalyScore, 3 / 11, 1e-15, 'score');
  assert.ok(Number.isNaN(a.novelty));
  const b = s.push([0]);
  assert.equal(b.smoothed, 2);
  close(b.tailProbability, 10 / 11, 1e-15, 'p');
  assert.equal(b.contributions[0], b.smoothed);
  // two correlated channels: the smoothed terms still sum to the smoothed statistic
  const two = new OnlineScorer({
    ...scorerModel(held, { kind: 'held-out' }, 4),
    channels: 2,
    gaussian: fitErrorGaussian([0, 0, 1, 1.2, 2, 1.8, 0.5, 0.4], 4, 2),
  });
  for (const e of [[0.3, 0.1], [2, -1], [0, 0.4]]) {
    const r = two.push(e);
    close(r.contributions[0]! + r.contributions[1]!, r.smoothed, 1e-12, 'terms');
  }
});

test('running calibration: each row is measured against the held-out rows and every row before it', () => {
  const held = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const s = new OnlineScorer(scorerModel(held, { kind: 'running', history: 1000, every: 1 }));
  const seen = [...held];
  const rng = new RandomState(11);
  for (let t = 0; t < 40; t++) {
    const e = rng.uniform(0, 3);
    const row = s.push([e]);
    const tail = fitTail(seen);
    close(row.tailProbability, tailProbability(tail, e * e), 1e-14, `row ${t}`);
    seen.push(e * e);
  }
  // a history of 5: only the last 5 rows count
  const short = new OnlineScorer(scorerModel(held, { kind: 'running', history: 5, every: 1 }));
  short.push([0]);
  // history is 7, 8, 9, 10 and 0 (u = 10): 3² = 9 has 2 values >= it, so p = (2 + 1)/6
  close(short.push([3]).tailProbability, 3 / 6, 1e-15, 'p');
});

test('with the code: the surprises of the two statistics add, each against its own held-out rows', () => {
  const held = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const novelty = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0];
  const s = new OnlineScorer({ ...scorerModel(held, { kind: 'held-out' }), heldOutNovelty: novelty });
  // d² = 4: p = 8/11 as above; novelty 0.95: one held-out value (1.0) >= it, but 0.95 > u = 0.9, so the tail:
  // q = (1 + 1)/11 · exp(-(0.95 - 0.9)/0.1)
  const r = s.push([2], 0, 0.95);
  const q = (2 / 11) * Math.exp(-0.5);
  close(r.tailProbability, (8 / 11) * q, 1e-14, 'p·q');
  close(r.surprise, -Math.log10(8 / 11) - Math.log10(q), 1e-14, 'surprise');
  assert.equal(r.novelty, 0.95);
  assert.throws(() => s.push([1]), /pass its novelty/);
  // the held-out rows' own surprises: each against all of them
  const own = heldOutSurprises({ ...scorerModel(held, { kind: 'held-out' }), heldOutNovelty: novelty });
  close(own[0]!, 0 + 0, 1e-15, 'the smallest is not surprising');
  close(own[4]!, -Math.log10(7 / 11) * 2, 1e-14, 'the middle one, on both counts');
});

test('nearest training code: distances by hand, and an even thinning of the reference', () => {
  // reference codes (0,0), (3,4), (10,0); the code (3,0) is 3 from (0,0), 4 from (3,4), 7 from (10,0)
  const reference = [0, 0, 3, 4, 10, 0];
  assert.equal(nearestCodeDistance(reference, 2, [3, 0]), 3);
  assert.equal(nearestCodeDistance(reference, 2, [9, 9, 3, 5], 2), 1);
  // 10 codes of 1, at most 4 kept: every 3rd, codes 0, 3, 6, 9
  assert.deepEqual([...thinCodes([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 10, 1, 4)], [0, 3, 6, 9]);
  assert.deepEqual([...thinCodes([0, 1, 2], 3, 1, 4)], [0, 1, 2]);
});

test('the dynamic threshold is Telemanom\'s epsilon over the trailing window, chosen every `every` rows', () => {
  const rng = new RandomState(5);
  const held = Array.from({ length: 30 }, () => rng.uniform(0, 1));
  const rule = { rule: 'dynamic', window: 40, every: 7, errorBuffer: 3, sdLimit: 12 } as const;
  const online = new OnlineThreshold(rule, held);
  const seen = [...held];
  let expected = Infinity;
  for (let t = 0; t < 60; t++) {
    const s = t === 33 ? 9 : rng.uniform(0, 1);
    seen.push(s);
    if (t % 7 === 0) expected = telemanomEpsilon(seen.slice(-40), { errorBuffer: 3 }).epsilon;
    const r = online.push({ surprise: s, anomalyScore: 0 });
    assert.equal(r.threshold, expected, `row ${t}`);
    assert.equal(r.flag, s >= expected);
  }
  // fixed rules compare anomaly_score (fpr, fbeta) or the statistic (sigma)
  assert.equal(new OnlineThreshold({ rule: 'fpr', fpr: 0.01, score: 0.99 }).push({ surprise: 0, anomalyScore: 0.99 }).flag, true);
  assert.equal(new OnlineThreshold({ rule: 'sigma', k: 3, surprise: 5 }).push({ surprise: 4.9, anomalyScore: 1 }).flag, false);
});
