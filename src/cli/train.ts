import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../input-error.js';
import { LstmAutoencoder, TrainingDivergedError, type OptimizerName } from '../models/autoencoder/lstm-autoencoder.js';
import type { History } from '../train/fit.js';
import { writeHistoryFile } from '../io/history-file.js';
import { readTfjsModel } from '../io/tfjs/read.js';
import { saveModel } from '../io/tfjs/format.js';
import { WEIGHTS_FILE } from '../io/tfjs/write.js';
import { ENGINES, type EngineName } from '../train/gradient-step.js';
import { choiceOption, defaultThreads, limitOption, LSTM_BIAS_PAIR_HELP, numberOption } from './options.js';
import { ensureOutputFolder, refuseInputs } from '../io/output-location.js';
import { readSequences } from '../io/read-sequences.js';
import { trainingFeedback } from './train-progress.js';

const OPTIMIZERS = ['rmsprop', 'adam', 'sgd'] as const satisfies readonly OptimizerName[];
/** Keras's default learning rates, so `--optimizer adam` alone means what it means in Keras. */
const DEFAULT_LEARNING_RATE: Record<OptimizerName, number> = { rmsprop: 1e-3, adam: 1e-3, sgd: 0.01 };
const DEFAULT_LATENT = 10;

interface TrainOptions {
  data: string;
  out: string;
  epochs: number;
  batchSize: number;
  latent?: number;
  optimizer: OptimizerName;
  lr?: number;
  seed: number;
  shuffle: boolean;
  init?: string;
  json?: boolean;
  threads: number;
  engine: EngineName;
  lstmBiasPair?: boolean;
}

/** `lstm-ae train`: fit the autoencoder on DIR/X_train.npy and save it in the TF.js Layers format. */
export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('train the LSTM autoencoder on DIR/X_train.npy (DIR/X_test.npy, if present, is the validation data)')
    .requiredOption('--data <dir>', 'folder holding X_train.npy (and optionally X_test.npy), (N, T, D) float64 or float32')
    .requiredOption('--out <run>', 'folder to write model.json, weights.bin and history.json to')
    .option('--epochs <n>', 'passes over the training data', limitOption('epochs'), 30)
    .option('--batch-size <n>', 'windows per gradient step (more than the data hold means all of them)', limitOption('batchSize'), 500)
    .option('--latent <n>', `size of the code (default ${DEFAULT_LATENT}; with --init, the model's)`, limitOption('latentDim'))
    .option('--optimizer <name>', OPTIMIZERS.join(', '), choiceOption(OPTIMIZERS), 'rmsprop')
    .option('--lr <rate>', 'learning rate (default Keras\'s: rmsprop 1e-3, adam 1e-3, sgd 0.01)', numberOption(0, Infinity, true))
    .option('--seed <n>', 'seed for the initial weights and the batch order', limitOption('seed'), 0)
    .option('--no-shuffle', 'keep the windows in file order')
    .option('--init <model>', 'start from the weights of a saved model.json (its T, D and latent size must fit)')
    .option('--threads <n>', 'threads for training, all cores unless given', limitOption('threads'), defaultThreads())
    .option('--engine <name>', `${ENGINES.join(' or ')}: the SIMD engine, or the readable one it is tested against`, choiceOption(ENGINES), 'fast')
    .option('--lstm-bias-pair', LSTM_BIAS_PAIR_HELP)
    .option('--json', 'print one JSON summary line on stdout')
    .action(async (options: TrainOptions) => train(options));
}

async function train(o: TrainOptions): Promise<void> {
  // Everything the user gave is checked before any training or writing starts: the inputs
  // first, so a bad one leaves no trace, then the output folder, so a long run can save.
  const trainPath = join(o.data, 'X_train.npy');
  const x = readSequences(trainPath);
  const [N, T, D] = x.shape;
  const testPath = join(o.data, 'X_test.npy');
  // lstat, not exists: a dangling X_test.npy link is an error to report, not "no validation"
  const validation = lstatSync(testPath, { throwIfNoEntry: false }) ? readSequences(testPath, { timesteps: T, inputDim: D, what: trainPath }) : undefined;

  let model: LstmAutoencoder;
  if (o.init !== undefined) {
    const init = readTfjsModel(o.init);
    const { timesteps, inputDim, latentDim } = init.dims;
    if (timesteps !== T || inputDim !== D) {
      throw new InputError(`${trainPath}: windows of T=${T} steps and D=${D} features; the --init model ${o.init} expects T=${timesteps}, D=${inputDim}`);
    }
    if (o.latent !== undefined && o.latent !== latentDim) {
      throw new InputError(`--latent ${o.latent} contradicts the --init model ${o.init}, whose latent size is ${latentDim}`);
    }
    model = LstmAutoencoder.fromWeights({ ...init.dims, recurrentActivation: init.recurrentActivation, ...init.variant, seed: o.seed }, init.weights);
  } else {
    model = LstmAutoencoder.create({ timesteps: T, inputDim: D, latentDim: o.latent ?? DEFAULT_LATENT, seed: o.seed });
  }

  ensureOutputFolder(o.out);
  // a model or history written over the data being trained on (through links) would destroy it
  refuseInputs(['model.json', WEIGHTS_FILE, 'history.json'].map((name) => join(o.out, name)), [trainPath, testPath]);

  const batchSize = Math.min(o.batchSize, N);
  const progress = trainingFeedback(o.epochs, Math.ceil(N / batchSize), o.json ?? false);
  const started = performance.now();
  let history: History;
  let diverged: TrainingDivergedError | undefined;
  try {
    history = await model.fit(x, {
      epochs: o.epochs,
      batchSize,
      shuffle: o.shuffle,
      validationData: validation,
      engine: o.engine,
      threads: o.threads,
      lstmBiasPair: o.lstmBiasPair ?? false,
      optimizer: { name: o.optimizer, learningRate: o.lr ?? DEFAULT_LEARNING_RATE[o.optimizer] },
      callbacks: progress,
    });
  } catch (err) {
    if (!(err instanceof TrainingDivergedError)) throw err;
    diverged = err; // fit has put the last good weights back: save them and the epochs before below
    history = err.history;
  } finally {
    progress.stop();
  }

  const modelPath = saveModel(o.out, model);
  const historyPath = join(o.out, 'history.json');
  writeHistoryFile(historyPath, history);
  if (diverged) {
    throw new InputError(
      `training diverged at epoch ${diverged.epoch}, batch ${diverged.batch} (${diverged.what}); ` +
        `the last good weights are saved in ${modelPath} (try a smaller --lr)`,
    );
  }

  const { loss, val_loss } = history.history;
  const lastLoss = loss[loss.length - 1];
  const lastValLoss = val_loss?.[val_loss.length - 1];
  const summary = {
    model: modelPath,
    history: historyPath,
    epochs: history.epoch.length,
    loss: lastLoss,
    ...(lastValLoss !== undefined ? { val_loss: lastValLoss } : {}),
    seconds: Number(((performance.now() - started) / 1000).toFixed(3)),
  };
  if (o.json) process.stdout.write(JSON.stringify(summary) + '\n');
  else {
    const val = summary.val_loss !== undefined ? `, val_loss ${summary.val_loss.toPrecision(4)}` : '';
    process.stderr.write(`loss ${summary.loss?.toPrecision(4)}${val}; saved ${modelPath}\n`);
  }
}
