/**
 * The time of day the detector's second model sees (analysis/anomaly/time-of-day.ts), against
 * angles worked out by hand.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coversDay, dayPhase, withTimeOfDay } from '../src/analysis/anomaly/time-of-day.js';
import { InputError } from '../src/input-error.js';

test('dayPhase: UTC unless the stamp has an offset; no phase for what is not a date and time', () => {
  assert.equal(dayPhase('2014-07-01 00:00:00'), 0);
  assert.equal(dayPhase('2014-07-01 06:00:00'), 0.25);
  assert.equal(dayPhase('2014-07-01T18:00:00Z'), 0.75);
  // 12:00 at +02:00 is 10:00 UTC; 03:00 at -05:00 is 08:00 UTC
  assert.equal(dayPhase('2014-07-02T12:00:00+02:00'), 10 / 24);
  assert.equal(dayPhase('2014-07-02T03:00:00-0500'), 8 / 24);
  assert.equal(dayPhase('2014-07-02'), 0);
  for (const stamp of ['17', '1404172800', 'monday', '2014-13-45 99:00:00']) assert.equal(dayPhase(stamp), undefined, stamp);
});

test('coversDay: dates and times a whole day apart or more, in any order', () => {
  assert.equal(coversDay(['2014-07-01 00:05:00', '2014-07-02 00:05:00']), true);
  assert.equal(coversDay(['2014-07-02 00:05:00', '2014-07-01 12:00:00', '2014-07-01 00:05:00']), true);
  assert.equal(coversDay(['2014-07-01 00:05:00', '2014-07-02 00:04:59']), false);
  // 23:00 at -02:00 is 01:00 UTC the next day: 25 hours after 00:00 UTC
  assert.equal(coversDay(['2014-07-01T00:00:00Z', '2014-07-01T23:00:00-02:00']), true);
  assert.equal(coversDay(['2014-07-01 00:00:00', '2014-07-09 00:00:00', '17']), false);
  assert.equal(coversDay([]), false);
});

test('withTimeOfDay: sin and cos of the time of day after each row\'s values', () => {
  const out = withTimeOfDay(Float64Array.of(5, 50, 6, 60, 7, 70, 8, 80), 2, ['2014-07-01 00:00:00', '2014-07-01 06:00:00', '2014-07-02T12:00:00+02:00', '2014-07-02 18:00:00'], 'x.csv');
  const expected = [
    [5, 50, 0, 1],
    [6, 60, 1, 0],
    [7, 70, 0.5, -Math.sqrt(3) / 2],
    [8, 80, -1, 0],
  ];
  expected.forEach((row, r) => row.forEach((v, c) => assert.ok(Math.abs(out[r * 4 + c]! - v) < 1e-12, `row ${r}, channel ${c}: ${out[r * 4 + c]} vs ${v}`)));
  assert.throws(
    () => withTimeOfDay(Float64Array.of(1, 2), 1, ['2014-07-01 00:00:00', 'monday'], 'x.csv'),
    (e: unknown) => e instanceof InputError && /^x\.csv: row 1: time stamp 'monday' is not a date and time/.test(e.message),
  );
});
