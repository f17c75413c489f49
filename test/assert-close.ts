import assert from 'node:assert/strict';
import { maxAbsDifference } from '../src/analysis/metrics.js';

/** The largest absolute value in a (NaN when any value is NaN; 0 when a is empty). */
export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

/** The first index whose |actual - expected| fails the bound (or is NaN), for a failure message. */
function firstBad(actual: ArrayLike<number>, expected: ArrayLike<number>, ok: (diff: number) => boolean): number {
  for (let i = 0; i < expected.length; i++) if (!ok(Math.abs(actual[i]! - expected[i]!))) return i;
  return -1;
}

/**
 * Asserts equal lengths and every |actual[i] - expected[i]| within an absolute tolerance.
 * `bound` says whether the tolerance itself passes: '<=' (the default) or '<' (strictly below).
 * NaN anywhere fails.
 */
export function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance: number,
  what: string,
  bound: '<=' | '<' = '<=',
): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  const ok = bound === '<' ? (d: number) => d < tolerance : (d: number) => d <= tolerance;
  const worst = maxAbsDifference(actual, expected);
  if (!ok(worst)) {
    const i = firstBad(actual, expected, ok);
    assert.fail(`${what}: max |actual - expected| = ${worst}, needed ${bound} ${tolerance}; first at [${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

/**
 * Asserts equal lengths and max |actual - expected| <= relativeTolerance * max |expected|:
 * a tolerance relative to the expected array's largest absolute value, not to each element.
 * NaN or Infinity anywhere fails.
 */
export function assertCloseRelativeToLargest(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  relativeTolerance: number,
  what: string,
): void {
  assert.equal(actual.length, expected.length, what);
  const scale = maxAbs(expected);
  const worst = maxAbsDifference(actual, expected);
  assert.ok(
    Number.isFinite(worst) && worst <= relativeTolerance * scale,
    `${what}: max |actual - expected| = ${worst}, allowed ${relativeTolerance} * ${scale}`,
  );
}
