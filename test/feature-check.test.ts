import { ARTICLE_VARIANT } from '../src/models/autoencoder/config.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lstmFinalHidden } from '../src/analysis/lstm-feed-forward.js';
import { LstmAutoencoder, type Sequences } from '../src/models/autoencoder/lstm-autoencoder.js';
import { checkFeatures, type FeatureSet } from '../src/tasks/article/feature-check.js';
import { runSeedSweep } from '../src/tasks/article/sweep.js';

// a small random model and windows: the check does not care what the model learned
const model = LstmAutoencoder.create({ ...ARTICLE_VARIANT, timesteps: 12, inputDim: 1, latentDim: 3, seed: 5 });
const N = 20;
const windows: Sequences = { data: Float64Array.from({ length: N * 12 }, (_, i) => Math.sin(i / 3) + 0.1 * Math.cos(i)), shape: [N, 12, 1] };
const labels = Int32Array.from({ length: N }, (_, i) => i % 2);
const w = model.getWeights();
const plain = lstmFinalHidden({ kernel: w['encoder/kernel'], recurrentKernel: w['encoder/recurrent_kernel'], bias: w['encoder/bias'] }, windows);
const set = (encoded: Float32Array, plainFeatures = plain): FeatureSet => ({ name: 'training', windows, labels, encoded, plain: plainFeatures });

test('the feature check passes the model\'s float32 encode against the float64 feed-forward', async () => {
  const check = checkFeatures(model, [set(((await model.encode(windows, { engine: 'reference' })).data))]);
  assert.ok(check.passed);
  assert.ok(check.maxAbsDiff > 0 && check.maxAbsDiff < 1e-6, `float32 rounding only: ${check.maxAbsDiff}`);
  assert.equal(check.tolerance, 1e-5);
  assert.equal(check.diagnosis, undefined);
});

test('a failed check that is float32 rounding says so: the engine in float64 agrees with the feed-forward', async () => {
  const check = checkFeatures(model, [set(((await model.encode(windows, { engine: 'reference' })).data))], 0);
  assert.equal(check.passed, false);
  assert.match(check.diagnosis ?? '', /^The same engine run in float64 agrees with the feed-forward to (0\.0e\+0|\d\.\de-1\d), so both compute the same equations; /);
  assert.match(check.diagnosis ?? '', /furthest off on training window \d+ \(class [01]\)/);
});

test('a failed check where the equations differ says it is a bug, and names the window', async () => {
  const wrong = Float64Array.from(plain);
  wrong[7 * 3 + 1] = wrong[7 * 3 + 1]! + 1e-3; // window 7, unit 1: a feed-forward that computes something else
  const check = checkFeatures(model, [set(((await model.encode(windows, { engine: 'reference' })).data), wrong)]);
  assert.equal(check.passed, false);
  assert.ok(Math.abs(check.maxAbsDiff - 1e-3) < 1e-6, String(check.maxAbsDiff));
  assert.match(check.diagnosis ?? '', /differs from the feed-forward too, by 1\.0e-3 \(most on training window 7 \(class 1\)\): .* a bug/);
});

test('a sweep records a seed whose check failed and goes on; that seed\'s folder has the report but no metrics.json', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sweep-check-'));
  try {
    const summary = await runSeedSweep({
      outDir: dir,
      seeds: [3, 4],
      epochs: 1,
      latentDim: 2,
      recurrentActivation: 'sigmoid',
      threads: 1,
      engine: 'fast',
      lstmBiasPair: false,
      featureCheckTolerance: 0, // every float32 encode fails it
    });
    assert.deepEqual(summary.rows.map((r) => [r.seed, r.feature_check_passed]), [[3, false], [4, false]]);
    assert.deepEqual(summary.feature_check_failures.map((f) => f.seed), [3, 4]);
    for (const f of summary.feature_check_failures) assert.match(f.message, /^feature check failed: .* \(> 0e\+0\)\. The same engine run in float64 agrees/);
    for (const row of summary.rows) {
      assert.ok(row.feature_check_max_abs_diff > 0 && row.feature_check_max_abs_diff < 1e-5);
      assert.ok(row.test_accuracy >= 0 && row.test_accuracy <= 1);
      assert.equal(existsSync(join(row.out, 'metrics.json')), false, 'an incomplete run does not look complete');
      assert.match(readFileSync(join(row.out, 'report.html'), 'utf8'), /<p id="feature-check-note">The same engine run in float64 agrees/);
    }
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'seeds.json'), 'utf8')).feature_check_failures, summary.feature_check_failures);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
