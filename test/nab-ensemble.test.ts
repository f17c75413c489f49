/**
 * The combinations `npm run nab` measures (bench/nab-ensemble.ts) and the seeds of an
 * ensemble's members (detector.ts), against
 * figures worked out by hand.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { combineSurprises } from '../bench/nab-ensemble.js';
import { memberSeed } from '../src/tasks/detect/detector.js';

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
