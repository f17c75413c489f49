import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nearestCodeDistance } from '../src/analysis/anomaly/novelty.js';
import { mulberry32 } from './mulberry32.js';

/** The plain search: every reference code's distance, the least. */
function bruteForce(reference: Float64Array, latent: number, codes: Float64Array, offset: number): number {
  let best = Infinity;
  for (let j = 0; j < reference.length / latent; j++) {
    let d = 0;
    for (let l = 0; l < latent; l++) d += (codes[offset + l]! - reference[j * latent + l]!) ** 2;
    best = Math.min(best, d);
  }
  return Math.sqrt(best);
}

test('the nearest-code search that skips codes far along one axis gives the plain search\'s distance bit for bit', () => {
  const random = mulberry32(21);
  for (const [m, latent, spread, grid] of [[2000, 8, 1, false], [500, 4, 10, false], [300, 3, 1, true], [1, 5, 1, false], [64, 1, 1, true]] as const) {
    // grid: values on a coarse grid, so many codes tie on the axis and in distance
    const value = () => (grid ? Math.round(random() * 4) / 2 : (random() - 0.5) * spread * (1 + random()));
    const reference = Float64Array.from({ length: m * latent }, value);
    const queries = Float64Array.from({ length: 400 * latent }, value);
    // some queries exactly on reference codes (distance 0)
    for (let k = 0; k < 20; k++) queries.set(reference.subarray((k % m) * latent, (k % m + 1) * latent), k * latent);
    for (let k = 0; k < 400; k++) {
      const ours = nearestCodeDistance(reference, latent, queries, k * latent);
      const plain = bruteForce(reference, latent, queries, k * latent);
      assert.ok(Object.is(ours, plain), `m ${m}, latent ${latent}, query ${k}: ${ours} against ${plain}`);
    }
  }
});
