import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { defaultRunFolder, prepareRunFolder } from '../pipeline/run-folder.js';
import type { SeedExperimentMetrics } from '../pipeline/seed-experiment.js';
import { ENGINES, type EngineName } from '../model/create-gradient-step.js';
import type { RecurrentActivation } from '../engine/activations.js';
import { SEED_ARTICLE } from '../pipeline/seed-article.js';
import { choiceOption, integerOption, LSTM_BIAS_PAIR_HELP } from './options.js';
import { trainingFeedback } from './train-progress.js';

const RECURRENT_ACTIVATIONS = ['sigmoid', 'hard_sigmoid'] as const satisfies readonly RecurrentActivation[];

interface DemoOptions {
  epochs: number;
  seed: number;
  latent: number;
  recurrentActivation: RecurrentActivation;
  out?: string;
  force?: boolean;
  threads: number;
  engine: EngineName;
  lstmBiasPair?: boolean;
  json?: boolean;
}

/** `lstm-ae demo`: the seed article's whole experiment, one command. */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description("the seed article's experiment end to end: data, training, reconstructions, features two ways, logistic regression, figures and report.html")
    .option('--epochs <n>', 'passes over the training data', integerOption(1, 100000), 30)
    .option('--seed <n>', 'seed for the initial weights and the batch order (the data are always the article\'s)', integerOption(0, 2 ** 32 - 1), 0)
    .option('--latent <n>', 'size of the code (the encoder\'s units)', integerOption(1, 1024), 10)
    .option('--recurrent-activation <name>', 'the gates\' function: sigmoid or hard_sigmoid', choiceOption(RECURRENT_ACTIVATIONS), 'sigmoid')
    .option('--out <dir>', 'run folder (default: a new folder under runs/)')
    .option('--force', 'reuse --out even if it is not empty')
    .option('--threads <n>', 'threads for training, all cores unless given', integerOption(1, 256), availableParallelism())
    .option('--engine <name>', `training engine: ${ENGINES.join(' or ')}`, choiceOption(ENGINES), 'fast')
    .option('--lstm-bias-pair', LSTM_BIAS_PAIR_HELP)
    .option('--json', 'print one JSON summary on stdout and nothing else')
    .action(async (options: DemoOptions) => demo(options));
}

async function demo(o: DemoOptions): Promise<void> {
  const outDir = o.out ?? defaultRunFolder('demo');
  prepareRunFolder(outDir, o.force ?? false);
  const say = (line: string) => {
    if (!o.json) process.stderr.write(`${line}\n`);
  };
  const progress = trainingFeedback(o.epochs, Math.ceil(SEED_ARTICLE.trainingWindows / SEED_ARTICLE.batchSize), o.json ?? false);
  say(`lstm-ae demo: ${o.epochs} epochs, latent ${o.latent}, seed ${o.seed}, ${o.threads} thread(s), ${o.engine} engine${o.lstmBiasPair ? ', paired LSTM biases' : ''} -> ${outDir}`);
  // loaded here, not at start-up: the charts and the report pull in Vega and resvg
  const { FeatureCheckError, runSeedExperiment } = await import('../pipeline/seed-experiment.js');
  let metrics: SeedExperimentMetrics;
  try {
    metrics = await runSeedExperiment({
      outDir,
      epochs: o.epochs,
      seed: o.seed,
      latentDim: o.latent,
      recurrentActivation: o.recurrentActivation,
      threads: o.threads,
      engine: o.engine,
      lstmBiasPair: o.lstmBiasPair ?? false,
      log: (line) => {
        if (line.startsWith('training')) progress.stop();
        say(line);
      },
      callbacks: progress,
    });
  } catch (err) {
    progress.stop();
    if (err instanceof FeatureCheckError) {
      // not bad input but a failed self-check of our own numbers: one line, exit 1
      process.stderr.write(`lstm-ae: ${err.message}\n`);
      process.exitCode = 1;
      return;
    }
    throw err;
  }
  if (o.json) {
    const { settings: _settings, ...summary } = metrics;
    process.stdout.write(JSON.stringify({ out: outDir, ...summary }) + '\n');
    return;
  }
  const [[tn, fp], [fn, tp]] = metrics.confusion_matrix_test as [[number, number], [number, number]];
  process.stdout.write(
    [
      `test accuracy ${metrics.test_accuracy.toFixed(4)}  (confusion, rows true: [${tn} ${fp}] [${fn} ${tp}])`,
      `final training MSE ${metrics.train_mse.toFixed(5)}`,
      `feature check: encode vs plain feed-forward max |diff| ${metrics.feature_check_max_abs_diff.toExponential(2)} (limit ${metrics.feature_check_tolerance.toExponential(0)})`,
      `training ${metrics.train_seconds.toFixed(1)} s, total ${metrics.total_seconds.toFixed(1)} s`,
      `report: ${outDir}/report.html`,
    ].join('\n') + '\n',
  );
}
