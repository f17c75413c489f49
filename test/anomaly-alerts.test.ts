/**
 * The steps after the surprise: the Gaussian tail's surprise -log10 Q(z) (against Python's
 * math.erfc), the alert gate (by hand) and HTM's anomaly likelihood (against a direct,
 * recompute-everything version written here).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RandomState } from '../src/ops/random-state.js';
import { normalTailSurprise } from '../src/analysis/anomaly/normal-tail.js';
import { AlertGate } from '../src/analysis/anomaly/alerts.js';
import { AnomalyLikelihood, LIKELIHOOD_MIN_SD } from '../src/analysis/anomaly/likelihood.js';
import { ALERT_GATE, DEFAULT_SCORING, heldOutRawSurprises, OnlineScorer, type ScorerModel } from '../src/analysis/anomaly/scorer.js';
import { InputError } from '../src/input-error.js';
import { readNabJson } from './nab-fixture.js';

const close = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

test("the Gaussian tail's surprise is -log10 of Python's erfc(z/√2)/2, and stays finite and exact where Q underflows", () => {
  const { normalTail } = readNabJson<{ normalTail: [number, number][] }>('windowed-gaussian-python.json');
  for (const [z, q] of normalTail) close(normalTailSurprise(z), -Math.log10(q), 1e-13, `z ${z}`);
  close(normalTailSurprise(0), Math.log10(2), 1e-15, 'z 0');
  // below the mean: Q(-z) = 1 - Q(z)
  close(normalTailSurprise(-1.5), -Math.log10(1 - 10 ** -normalTailSurprise(1.5)), 1e-14, 'z -1.5');
  // Q(40) ≈ 3.7e-350 is below the smallest double; its log is still known: ln Q(z) ≈ -z²/2 - ln(z√(2π)) - 1/z² + 5/(2z⁴)
  const z = 40;
  const asymptotic = -(-(z * z) / 2 - Math.log(z * Math.sqrt(2 * Math.PI)) - 1 / z ** 2 + 2.5 / z ** 4) / Math.LN10;
  close(normalTailSurprise(z), asymptotic, 1e-9, 'z 40');
  assert.ok(Number.isFinite(normalTailSurprise(1e5)));
});

test('the alert gate: the first red row of an event alerts; later red rows are damped unless a new peak; 2 quiet rows past the span start a new event', () => {
  const gate = new AlertGate({ red: 3, damped: 2, refractory: 2 });
  const surprises = [1, 4, 3.5, 6, 1, 5, 0, 0, 3.2, 2.9];
  const out = surprises.map((s) => gate.push(s));
  // row 1 opens the event; 3.5 is below its peak 4 -> 2; 6 is a new peak; row 5 (5 < 6) is 2 rows after row 3: same event, damped;
  // rows 6-7 quiet, row 8 is 3 rows after row 5: a new event
  assert.deepEqual(out.map((r) => r.surprise), [1, 4, 2, 6, 1, 2, 0, 0, 3.2, 2.9]);
  assert.deepEqual(out.map((r) => r.alert), [false, true, false, false, false, false, false, false, true, false]);
  // damped null: the same alerts, the surprises untouched
  const marking = new AlertGate({ red: 3, damped: null, refractory: 2 });
  const marked = surprises.map((s) => marking.push(s));
  assert.deepEqual(marked.map((r) => r.surprise), surprises);
  assert.deepEqual(marked.map((r) => r.alert), out.map((r) => r.alert));
  assert.throws(() => new AlertGate({ red: 3, damped: 3, refractory: 2 }), InputError);
  assert.throws(() => new AlertGate({ red: 3, damped: null, refractory: 0 }), InputError);
  assert.throws(() => new AlertGate({ red: 3, damped: 2, refractory: 2, escalation: -1 }), InputError);
});

test('the alert gate with escalation: a later red row keeps its surprise only when it climbs more than the escalation above the last row that kept its own', () => {
  const gate = new AlertGate({ red: 3, damped: 2, refractory: 100, escalation: 5 });
  // a metric climbing row by row: 4 opens the event; 6, 8.9 and 9 are new highs but within 5 of the last kept row (4), so damped;
  // 9.5 is 5.5 above 4: kept, and the next bar is 14.5; 14 is not above it, 15 is
  const surprises = [4, 6, 8.9, 9, 9.5, 12, 14, 15, 1];
  const out = surprises.map((s) => gate.push(s));
  assert.deepEqual(out.map((r) => r.surprise), [4, 2, 2, 2, 9.5, 2, 2, 15, 1]);
  assert.deepEqual(out.map((r) => r.alert), [true, false, false, false, false, false, false, false, false]);
  // escalation 0 is the gate without it: every new high keeps its surprise
  const plain = new AlertGate({ red: 3, damped: 2, refractory: 100 });
  const zero = new AlertGate({ red: 3, damped: 2, refractory: 100, escalation: 0 });
  const both = surprises.map((s) => [plain.push(s).surprise, zero.push(s).surprise]);
  assert.deepEqual(both.map(([a]) => a), [4, 6, 8.9, 9, 9.5, 12, 14, 15, 1]);
  assert.deepEqual(both.map(([, b]) => b), both.map(([a]) => a));
});

test("HTM's anomaly likelihood: each row's moving average against the Gaussian of the averages before the last refit, as recomputed from scratch", () => {
  const settings = { average: 4, history: 30, every: 7 };
  const rng = new RandomState(3);
  const start = Array.from({ length: 12 }, () => rng.uniform(0, 1));
  const stream = Array.from({ length: 120 }, (_, t) => (t === 80 ? 9 : rng.uniform(0, 1.2)));
  const likelihood = new AnomalyLikelihood(settings, start);
  const raws = [...start];
  const averages = raws.map((_, i) => raws.slice(Math.max(0, i - 3), i + 1).reduce((a, b) => a + b, 0) / Math.min(4, i + 1));
  const fit = () => {
    const h = averages.slice(-settings.history);
    const mean = h.reduce((a, b) => a + b, 0) / h.length;
    return { mean, sd: Math.max(LIKELIHOOD_MIN_SD, Math.sqrt(h.reduce((a, b) => a + (b - mean) ** 2, 0) / h.length)) };
  };
  let gaussian = fit();
  stream.forEach((raw, t) => {
    raws.push(raw);
    const average = raws.slice(-4).reduce((a, b) => a + b, 0) / 4;
    averages.push(average);
    close(likelihood.push(raw), normalTailSurprise((average - gaussian.mean) / gaussian.sd), 1e-12, `row ${t}`);
    if ((t + 1) % settings.every === 0) gaussian = fit();
  });
  assert.throws(() => new AnomalyLikelihood({ average: 0, history: 5, every: 1 }, start), InputError);
});

test('the scorer with the damping gate and the likelihood: their output is the surprise; the raw surprise is kept; by default the damping gate runs and the likelihood does not, and the gate set to mark only leaves the surprise alone', () => {
  const held = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const base: ScorerModel = {
    steps: 1, channels: 1, smoothingSpan: 1, calibration: { kind: 'held-out' }, heldOutSmoothed: held,
    gaussian: { dim: 1, mean: Float64Array.of(0), covariance: Float64Array.of(1), precision: Float64Array.of(1) },
  };
  const errors = [0, 5, 4, 0, 5.1, 6];
  const plain = new OnlineScorer({ ...base, likelihood: null, alerts: null });
  const raw = errors.map((e) => plain.push([e]).surprise);
  // defaults: no likelihood, the damping gate (red 3, damped 2, 200 rows, escalation 2): row 1 opens the event, row 2 is
  // red but below it so it is damped to 2, row 4 is a new high but within 2 of row 1 so damped too, row 5 climbs more
  // than 2 above row 1 and keeps its surprise
  const defaults = new OnlineScorer(base);
  assert.ok(raw[2]! >= 3 && raw[2]! < raw[1]! && raw[3]! < 3, 'the example has a red row below the first');
  assert.ok(raw[4]! > raw[1]! && raw[4]! < raw[1]! + 2 && raw[5]! > raw[1]! + 2, 'and a new high within 2 of it, then one beyond');
  assert.deepEqual(errors.map((e) => defaults.push([e])).map((r) => [r.surprise, r.alert]), [
    [raw[0], false], [raw[1], true], [2, false], [raw[3], false], [2, false], [raw[5], false],
  ]);
  // with escalation 0 every new high keeps its surprise
  const everyHigh = new OnlineScorer({ ...base, alerts: { ...DEFAULT_SCORING.alerts, escalation: 0 } });
  assert.deepEqual(errors.map((e) => everyHigh.push([e]).surprise), [raw[0], raw[1], 2, raw[3], raw[4], raw[5]]);
  // a gate that marks only (damped null) leaves the surprise alone
  const marking = new OnlineScorer({ ...base, alerts: ALERT_GATE });
  const rows = errors.map((e) => marking.push([e]));
  assert.deepEqual(rows.map((r) => r.surprise), raw);
  assert.deepEqual(rows.map((r) => r.rawSurprise), raw);
  const red = raw.map((s) => s >= 3);
  assert.ok(red[1] && red[2] && !red[0], 'rows 1 and 2 are red in this example');
  assert.deepEqual(rows.map((r) => r.alert), [false, true, false, false, false, false]);
  // a damping gate and the likelihood: the gate works on the likelihood's surprise, in the same order
  const settings = { average: 2, history: 50, every: 1 };
  const both = new OnlineScorer({ ...base, likelihood: settings, alerts: { red: 1, damped: 0.5, refractory: 100 } });
  // the likelihood starts from the held-out rows' own raw surprises
  const direct = new AnomalyLikelihood(settings, heldOutRawSurprises(base));
  const gate = new AlertGate({ red: 1, damped: 0.5, refractory: 100 });
  errors.forEach((e, t) => {
    const row = both.push([e]);
    const expected = gate.push(direct.push(raw[t]!));
    close(row.surprise, expected.surprise, 1e-14, `row ${t}`);
    assert.equal(row.alert, expected.alert);
    close(row.anomalyScore, 1 - 10 ** -expected.surprise, 1e-15, `score ${t}`);
  });
});
