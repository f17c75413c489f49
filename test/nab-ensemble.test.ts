/**
 * The ensemble and time-of-day inputs `npm run nab` measures (bench/nab-ensemble.ts), against
 * figures worked out by hand.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { combineSurprises, memberSeed, withTimeOfDay } from '../bench/nab-ensemble.js';
import { parseTimeSeriesCsv } from '../src/io/readers/timeseries-csv.js';

const members = [Float64Array.of(NaN, 1, 9, 2), Float64Array.of(NaN, 3, 0, 2), Float64Array.of(NaN, 8, 3, 5)];

test('combineSurprises: mean, median and max of each row; a row without a score in a member stays without one', () => {
  assert.deepEqual(Array.from(combineSurprises(members, 'mean')), [NaN, 4, 4, 3]);
  assert.deepEqual(Array.from(combineSurprises(members, 'median')), [NaN, 3, 3, 2]);
  assert.deepEqual(Array.from(combineSurprises(members, 'max')), [NaN, 8, 9, 5]);
  assert.deepEqual(Array.from(combineSurprises(members.slice(0, 2), 'median')), [NaN, 2, 4.5, 2]);
  // one member: its own surprises, as the single detector's
  assert.deepEqual(Array.from(combineSurprises([members[2]!], 'mean')), [NaN, 8, 3, 5]);
});

test('memberSeed: member 0 is the single detector, the others 1000 apart', () => {
  assert.deepEqual([0, 1, 2].map((k) => memberSeed(2, k)), [2, 1002, 2002]);
});

test('withTimeOfDay: sin and cos of the UTC time of day follow the values; offsets are honoured', () => {
  const table = parseTimeSeriesCsv('timestamp,value\n2014-07-01 00:00:00,5\n2014-07-01 06:00:00,6\n2014-07-02T12:00:00+02:00,7\n2014-07-02 18:00:00,8\n', 'x.csv');
  const out = withTimeOfDay(table);
  assert.equal(out.channels, 3);
  assert.deepEqual(out.valueColumns, ['value', 'time_of_day_sin', 'time_of_day_cos']);
  // 00:00 -> angle 0, 06:00 -> pi/2, 12:00+02:00 = 10:00 UTC -> 5pi/6, 18:00 -> 3pi/2
  const expected = [
    [5, 0, 1],
    [6, 1, 0],
    [7, 0.5, -Math.sqrt(3) / 2],
    [8, -1, 0],
  ];
  expected.forEach((row, r) => row.forEach((v, c) => assert.ok(Math.abs(out.values[r * 3 + c]! - v) < 1e-12, `row ${r}, channel ${c}: ${out.values[r * 3 + c]} vs ${v}`)));
  // rows numbered, not timed: no time of day to give
  assert.throws(() => withTimeOfDay({ ...table, times: ['monday', '1', '2', '3'] }), /x\.csv: row 0: time stamp "monday" is not a date and time/);
});
