import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { RandomState } from '../src/ops/random-state.js';

const fixture = JSON.parse(
  readFileSync(new URL('../../test/fixtures/seed-sine-numpy.json', import.meta.url), 'utf8'),
) as { numpy_uniform_first10: number[] };

test('seed 0: the first ten uniform(-1, 1) equal numpy bit for bit (fixture)', () => {
  const rng = new RandomState(0);
  const draws = Array.from({ length: 10 }, () => rng.uniform(-1, 1));
  assert.deepEqual(draws, fixture.numpy_uniform_first10);
});

test('init_genrand(5489) gives the reference MT19937 first output 3499211612', () => {
  // the published first output of mt19937ar.c with its default seed: an independent check of the core
  assert.equal(new RandomState(5489).nextUint32(), 3499211612);
});

test('seeds outside [0, 2^32) and non-integers are refused', () => {
  for (const bad of [-1, 2 ** 32, 1.5, Number.NaN]) {
    assert.throws(() => new RandomState(bad), /seed must be an integer/);
  }
  assert.doesNotThrow(() => new RandomState(2 ** 32 - 1));
});

test('randomInterval stays within [0, max] and returns 0 for max 0 without drawing', () => {
  const rng = new RandomState(3);
  const twin = new RandomState(3);
  assert.equal(rng.randomInterval(0), 0);
  assert.equal(rng.nextUint32(), twin.nextUint32());
  for (let i = 0; i < 1000; i++) {
    const v = rng.randomInterval(6);
    assert.ok(v >= 0 && v <= 6 && Number.isInteger(v));
  }
});

test('shuffle permutes a plain array and a typed array the same way permutation does', () => {
  const plain = Array.from({ length: 50 }, (_, i) => i);
  const typed = new Float64Array(plain);
  new RandomState(11).shuffle(plain);
  new RandomState(11).shuffle(typed);
  const order = new RandomState(11).permutation(50);
  assert.deepEqual(plain, Array.from(order));
  assert.deepEqual(Array.from(typed), Array.from(order));
});

test('permutation, standard_normal and random_sample equal numpy for several seeds (fixture)', () => {
  // each seed: one continuing stream, as fixtures/sources/make_numpy_random_streams.py draws it
  const { streams } = JSON.parse(
    readFileSync(new URL('../../test/fixtures/numpy-random-streams.json', import.meta.url), 'utf8'),
  ) as { streams: Array<{ seed: number } & Record<'p10' | 'p1000' | 'normal' | 'sample' | 'uniform' | 'p37', number[]>> };
  assert.equal(streams.length, 5);
  for (const { seed, ...want } of streams) {
    const rng = new RandomState(seed);
    assert.deepEqual(Array.from(rng.permutation(10)), want.p10, `seed ${seed} permutation(10)`);
    assert.deepEqual(Array.from(rng.permutation(1000)), want.p1000, `seed ${seed} permutation(1000)`);
    const normals = Array.from({ length: 7 }, () => rng.standardNormal());
    normals.forEach((v, i) => {
      // log() in V8 and in C may differ in the last bit; everything else is exact
      assert.ok(Math.abs(v - want.normal[i]!) <= 4 * Number.EPSILON * Math.max(1, Math.abs(v)), `seed ${seed} normal ${i}: ${v} vs ${want.normal[i]}`);
    });
    assert.deepEqual(Array.from({ length: 5 }, () => rng.randomSample()), want.sample, `seed ${seed} random_sample`);
    assert.deepEqual(Array.from({ length: 3 }, () => rng.uniform(-2.5, 4)), want.uniform, `seed ${seed} uniform`);
    assert.deepEqual(Array.from(rng.permutation(37)), want.p37, `seed ${seed} permutation(37)`);
  }
});
