import { Option, type Command } from 'commander';
import { AUTOENCODER_DEFAULTS } from '../models/autoencoder/config.js';
import { defaultRunFolder, prepareRunFolder } from '../io/run-folder.js';
import type { ArticleMetrics, ArticleExperimentOptions } from '../tasks/article/experiment.js';
import type { SeedSweepSummary, SweepSettings } from '../tasks/article/sweep.js';
import { ENGINES, type EngineName } from '../train/gradient-step.js';
import type { RecurrentActivation } from '../ops/activations.js';
import { ARTICLE } from '../tasks/article/experiment.js';
import { choiceOption, defaultThreads, limitOption, LSTM_BIAS_PAIR_HELP, seedListOption } from './options.js';
import { trainingFeedback } from './train-progress.js';

const RECURRENT_ACTIVATIONS = ['sigmoid', 'hard_sigmoid'] as const satisfies readonly RecurrentActivation[];

interface DemoOptions {
  epochs: number;
  seed: number;
  seeds?: number[];
  latent: number;
  recurrentActivation: RecurrentActivation;
  out?: string;
  force?: boolean;
  threads: number;
  engine: EngineName;
  lstmBiasPair?: boolean;
  json?: boolean;
}

/** `lstm-ae demo`: the article's whole experiment, one command (or once per seed with --seeds). */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description("the article's experiment end to end: data, training, reconstructions, features two ways, logistic regression, figures and report.html")
    .option('--epochs <n>', 'passes over the training data', limitOption('epochs'), 30)
    .option('--seed <n>', 'seed for the initial weights and the batch order (the data are always the article\'s)', limitOption('seed'), 0)
    .addOption(
      new Option('--seeds <list>', 'run the experiment once per seed (e.g. 0-4 or 0,3,7), each in <out>/seed-<n>/, and print one table; seeds.json is written last')
        .argParser(seedListOption)
        .conflicts('seed'),
    )
    .option('--latent <n>', 'size of the code (the encoder\'s units)', limitOption('latentDim'), AUTOENCODER_DEFAULTS.latentDim)
    .option('--recurrent-activation <name>', 'the gates\' function: sigmoid (today\'s Keras) or hard_sigmoid (the article\'s Keras 2.0.5)', choiceOption(RECURRENT_ACTIVATIONS), 'sigmoid')
    .option('--out <dir>', 'run folder (default: a new folder under runs/)')
    .option('--force', 'reuse --out even if it is not empty')
    .option('--threads <n>', 'threads for training, all cores unless given', limitOption('threads'), defaultThreads())
    .option('--engine <name>', `training engine: ${ENGINES.join(' or ')}`, choiceOption(ENGINES), 'fast')
    .option('--lstm-bias-pair', LSTM_BIAS_PAIR_HELP)
    .option('--json', 'print one JSON summary on stdout and nothing else')
    .action(async (options: DemoOptions) => (options.seeds ? demoSweep(options, options.seeds) : demo(options)));
}

/** What every run shares, whatever its seed. */
function experimentSettings(o: DemoOptions): SweepSettings {
  return {
    epochs: o.epochs,
    latentDim: o.latent,
    recurrentActivation: o.recurrentActivation,
    threads: o.threads,
    engine: o.engine,
    lstmBiasPair: o.lstmBiasPair ?? false,
  };
}

/** Lines for a person on stderr; nothing with --json, so stdout stays one JSON object. */
function sayer(o: DemoOptions) {
  return (line: string) => {
    if (!o.json) process.stderr.write(`${line}\n`);
  };
}

/** One run's progress display and stage log; the bar stops when training is done. */
function runFeedback(o: DemoOptions, say: (line: string) => void): Required<Pick<ArticleExperimentOptions, 'callbacks' | 'log'>> & { stop(): void } {
  const progress = trainingFeedback(o.epochs, Math.ceil(ARTICLE.trainingWindows / ARTICLE.batchSize), o.json ?? false);
  return {
    callbacks: progress,
    log: (line) => {
      if (line.startsWith('training')) progress.stop();
      say(line);
    },
    stop: () => progress.stop(),
  };
}

function describe(o: DemoOptions, seeds: string, outDir: string): string {
  return `lstm-ae demo: ${o.epochs} epochs, latent ${o.latent}, ${seeds}, ${o.threads} thread(s), ${o.engine} engine${o.lstmBiasPair ? ', paired LSTM biases' : ''} -> ${outDir}`;
}

/**
 * Runs `work`; a failed feature check (not bad input, but a failed self-check of our own
 * numbers) becomes one line and exit 1. Returns undefined then.
 */
async function exitOnFailedCheck<T>(work: () => Promise<T>, cleanUp: () => void): Promise<T | undefined> {
  const { FeatureCheckError } = await import('../tasks/article/experiment.js');
  try {
    return await work();
  } catch (err) {
    cleanUp();
    if (err instanceof FeatureCheckError) {
      process.stderr.write(`lstm-ae: ${err.message}\n`);
      process.exitCode = 1;
      return undefined;
    }
    throw err;
  }
}

async function demo(o: DemoOptions): Promise<void> {
  const outDir = o.out ?? defaultRunFolder('demo');
  prepareRunFolder(outDir, o.force ?? false);
  const say = sayer(o);
  say(describe(o, `seed ${o.seed}`, outDir));
  const feedback = runFeedback(o, say);
  // loaded here, not at start-up: the charts and the report pull in Vega and resvg
  const { runArticleExperiment } = await import('../tasks/article/experiment.js');
  const metrics = await exitOnFailedCheck(
    () => runArticleExperiment({ ...experimentSettings(o), outDir, seed: o.seed, callbacks: feedback.callbacks, log: feedback.log }),
    feedback.stop,
  );
  if (!metrics) return;
  if (o.json) {
    const { settings: _settings, ...summary } = metrics;
    process.stdout.write(JSON.stringify({ out: outDir, ...summary }) + '\n');
    return;
  }
  process.stdout.write(resultLines(metrics, outDir).join('\n') + '\n');
}

function resultLines(metrics: ArticleMetrics, outDir: string): string[] {
  const [[tn, fp], [fn, tp]] = metrics.confusion_matrix_test as [[number, number], [number, number]];
  return [
    `test accuracy ${metrics.test_accuracy.toFixed(4)}  (confusion, rows true: [${tn} ${fp}] [${fn} ${tp}])`,
    `final training MSE ${metrics.train_mse.toFixed(5)}`,
    `feature check: encode vs plain feed-forward max |diff| ${metrics.feature_check_max_abs_diff.toExponential(2)} (limit ${metrics.feature_check_tolerance.toExponential(0)})`,
    `standardised features (C = 1): test accuracy ${metrics.test_accuracy_standardized.toFixed(4)}`,
    `linearly separable? ${metrics.separability.answer}`,
    `training ${metrics.train_seconds.toFixed(1)} s, total ${metrics.total_seconds.toFixed(1)} s`,
    `report: ${outDir}/report.html`,
  ];
}

async function demoSweep(o: DemoOptions, seeds: number[]): Promise<void> {
  const { SWEEP_COMPLETION_FILE, runSeedSweep } = await import('../tasks/article/sweep.js');
  const outDir = o.out ?? defaultRunFolder('demo-seeds');
  prepareRunFolder(outDir, o.force ?? false, SWEEP_COMPLETION_FILE);
  const say = sayer(o);
  say(describe(o, `seeds ${seeds.join(', ')}`, outDir));
  let feedback: ReturnType<typeof runFeedback> | undefined;
  let summary: SeedSweepSummary;
  try {
    // a seed whose feature check fails is a row of the result, so only real errors land here
    summary = await runSeedSweep({
      ...experimentSettings(o),
      outDir,
      seeds,
      forEachSeed: (seed, index) => {
        say(`seed ${seed} (${index + 1} of ${seeds.length})`);
        feedback = runFeedback(o, say);
        return { callbacks: feedback.callbacks, log: feedback.log };
      },
    });
  } catch (err) {
    feedback?.stop();
    throw err;
  }
  if (o.json) process.stdout.write(JSON.stringify({ out: outDir, ...summary }) + '\n');
  else process.stdout.write(sweepTable(summary, `${outDir}/${SWEEP_COMPLETION_FILE}`).join('\n') + '\n');
  for (const failure of summary.feature_check_failures) process.stderr.write(`lstm-ae: seed ${failure.seed}: ${failure.message}\n`);
  if (summary.feature_check_failures.length > 0) process.exitCode = 1;
}

function sweepTable(summary: SeedSweepSummary, summaryFile: string): string[] {
  const header = ['seed', 'test accuracy', 'final training MSE', 'feature check', 'training s'];
  const rows = summary.rows.map((r) => [
    String(r.seed),
    r.test_accuracy.toFixed(4),
    r.train_mse.toFixed(5),
    `${r.feature_check_max_abs_diff.toExponential(2)}${r.feature_check_passed ? '' : ' FAILED'}`,
    r.train_seconds.toFixed(1),
  ]);
  const widths = header.map((h, k) => Math.max(h.length, ...rows.map((row) => row[k]!.length)));
  const line = (cells: string[]) => cells.map((c, k) => c.padStart(widths[k]!)).join('  ');
  return [
    line(header),
    ...rows.map(line),
    `test accuracy 1.0 for ${summary.seeds_at_accuracy_1} of ${summary.rows.length} seeds; median test accuracy ${summary.median_test_accuracy.toFixed(4)}; median final training MSE ${summary.median_train_mse.toFixed(5)}`,
    `summary: ${summaryFile}; each seed's report: seed-<n>/report.html beside it`,
  ];
}
