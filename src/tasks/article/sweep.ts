import { join } from 'node:path';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { median } from '../../analysis/metrics.js';
import { prepareRunFolder } from '../../io/run-folder.js';
import { FeatureCheckError, runArticleExperiment, type ArticleMetrics, type ArticleExperimentOptions } from './experiment.js';

/** The sweep's summary, written last: a sweep folder without it did not finish. */
export const SWEEP_COMPLETION_FILE = 'seeds.json';

/** What every run of a sweep shares: the experiment's options but the seed and where it goes. */
export type SweepSettings = Omit<ArticleExperimentOptions, 'seed' | 'outDir' | 'callbacks' | 'log'>;

export interface SeedSweepOptions extends SweepSettings {
  /** the sweep folder; seed s runs in `<outDir>/seed-<s>/` */
  outDir: string;
  seeds: readonly number[];
  /** called before each seed's run; returns the callbacks and log for that run */
  forEachSeed?: (seed: number, index: number) => Pick<ArticleExperimentOptions, 'callbacks' | 'log'>;
}

export interface SeedSweepRow {
  seed: number;
  test_accuracy: number;
  train_mse: number;
  feature_check_max_abs_diff: number;
  /** false: the run finished but its feature check failed, so its folder has no metrics.json */
  feature_check_passed: boolean;
  train_seconds: number;
  /** that seed's run folder, with its own report.html and metrics.json */
  out: string;
}

export interface SeedSweepSummary {
  settings: SweepSettings;
  rows: SeedSweepRow[];
  /** how many seeds reached test accuracy 1.0, the article's result */
  seeds_at_accuracy_1: number;
  median_train_mse: number;
  median_test_accuracy: number;
  /** the seeds whose feature check failed, each with the reason its run gave */
  feature_check_failures: { seed: number; message: string }[];
}

/**
 * The seed experiment once per seed, each a complete run folder of its own, then one table
 * of the results: the article reports a single run, and a sweep shows how much of that
 * result is the model and how much the draw of its initial weights.
 */
export async function runSeedSweep(o: SeedSweepOptions): Promise<SeedSweepSummary> {
  const { forEachSeed, seeds, outDir: sweepDir, ...settings } = o;
  const rows: SeedSweepRow[] = [];
  const failures: SeedSweepSummary['feature_check_failures'] = [];
  for (const [index, seed] of seeds.entries()) {
    const outDir = join(sweepDir, `seed-${seed}`);
    // the caller vetted the sweep folder; a seed folder left by an earlier sweep loses its metrics.json first
    prepareRunFolder(outDir, true);
    let metrics: ArticleMetrics;
    let checkPassed = true;
    try {
      metrics = await runArticleExperiment({ ...settings, ...forEachSeed?.(seed, index), outDir, seed });
    } catch (err) {
      // one seed's failed check is that seed's result, not the end of the sweep
      if (!(err instanceof FeatureCheckError)) throw err;
      failures.push({ seed, message: err.message });
      metrics = err.metrics;
      checkPassed = false;
    }
    rows.push({
      seed,
      test_accuracy: metrics.test_accuracy,
      train_mse: metrics.train_mse,
      feature_check_max_abs_diff: metrics.feature_check_max_abs_diff,
      feature_check_passed: checkPassed,
      train_seconds: metrics.train_seconds,
      out: outDir,
    });
  }
  const summary: SeedSweepSummary = {
    settings,
    rows,
    seeds_at_accuracy_1: rows.filter((r) => r.test_accuracy === 1).length,
    median_train_mse: median(rows.map((r) => r.train_mse)),
    median_test_accuracy: median(rows.map((r) => r.test_accuracy)),
    feature_check_failures: failures,
  };
  writeFileAtomic(join(sweepDir, SWEEP_COMPLETION_FILE), JSON.stringify(summary, null, 1) + '\n');
  return summary;
}
