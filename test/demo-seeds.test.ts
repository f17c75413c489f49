import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './run-cli.js';

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

test('demo --seeds runs each seed as its own complete run, with the numbers a single run of that seed gives', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'demo-seeds-'));
  try {
    const small = ['--epochs', '1', '--latent', '2', '--json'];
    const [sweep, single] = await Promise.all([
      runCli('demo', '--seeds', '1,0', ...small, '--out', join(dir, 'sweep')),
      runCli('demo', '--seed', '1', ...small, '--out', join(dir, 'single')),
    ]);
    assert.equal(sweep.code, 0, sweep.stderr);
    assert.equal(single.code, 0, single.stderr);
    assert.equal(sweep.stderr, '', '--json keeps stderr quiet');
    const summary = JSON.parse(sweep.stdout);
    const alone = JSON.parse(single.stdout);

    // seeds.json, written last, is what stdout says
    const { out, ...printed } = summary;
    assert.equal(out, join(dir, 'sweep'));
    assert.deepEqual(readJson(join(dir, 'sweep', 'seeds.json')), printed);
    assert.deepEqual(summary.settings, { epochs: 1, latentDim: 2, recurrentActivation: 'sigmoid', threads: availableParallelism(), engine: 'fast', lstmBiasPair: false });

    assert.deepEqual(summary.rows.map((r: { seed: number }) => r.seed), [1, 0], 'in the order given');
    for (const row of summary.rows) {
      assert.equal(row.out, join(dir, 'sweep', `seed-${row.seed}`));
      const metrics = readJson(join(row.out, 'metrics.json'));
      for (const key of ['test_accuracy', 'train_mse', 'feature_check_max_abs_diff']) assert.equal(row[key], metrics[key], `seed ${row.seed} ${key}`);
      assert.ok(row.feature_check_max_abs_diff <= 1e-5);
    }
    // a seed in a sweep is the same run as that seed alone: same weights, same batches, same numbers
    const [one, zero] = summary.rows;
    assert.equal(one.train_mse, alone.train_mse);
    assert.equal(one.test_accuracy, alone.test_accuracy);
    assert.notEqual(one.train_mse, zero.train_mse, 'different seeds draw different weights');
    assert.equal(summary.median_train_mse, (one.train_mse + zero.train_mse) / 2);
    assert.equal(summary.seeds_at_accuracy_1, summary.rows.filter((r: { test_accuracy: number }) => r.test_accuracy === 1).length);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
