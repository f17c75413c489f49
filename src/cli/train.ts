import { InvalidArgumentError, type Command } from 'commander';
import { DEFAULT_DIVERGENCE_FACTOR } from '../train/divergence.js';
import { ENGINES } from '../train/gradient-step.js';
import { SERIES_FORMATS } from '../io/read-series.js';
import { NORMALIZATIONS } from '../train/scaling.js';
import { LIMITS } from '../limits.js';
import { TRAIN_DEFAULTS } from '../tasks/train/defaults.js';
import { runTrainJob, SIGNAL_EXIT, type TrainOptions } from '../tasks/train/job.js';
import { AUTOENCODER_DEFAULTS, DECODERS, OUTPUT_ACTIVATIONS } from '../models/autoencoder/config.js';
import { OPTIMIZERS } from '../train/optimizer-config.js';
import { choiceOption, defaultThreads, integerOption, limitOption, LSTM_BIAS_PAIR_HELP, numberOption } from './options.js';
import { trainingFeedback } from './train-progress.js';

/** `lstm-ae train`: fit the autoencoder on a file of series and save it in the TF.js Layers format. */
export function registerTrain(program: Command): void {
  program
    .command('train')
    .description(
      'train the LSTM autoencoder on a file of series (.ts, .tsv, .csv, .npy; unequal lengths are masked, each batch padded only to its longest), ' +
        'keeping the epoch with the best validation loss',
    )
    .option('--data <file>', "training series: a .ts, .tsv, .csv or .npy file ((N, T) or (N, T, D)); a folder from 'lstm-ae data' means its X_train.npy")
    .option('--validation <file>', 'validation series, in any of those formats (default: the last --validation-split of --data)')
    .option(
      '--validation-split <f>',
      "without --validation, validate on the last fraction F of --data, as Keras's validation_split (0: none); " +
        'by default a random 20% chosen by --seed, since UCR/UEA files sorted by class would leave classes out of training',
      numberOption(0, 0.99),
      TRAIN_DEFAULTS.validationSplit,
    )
    .option('--patience <n>', 'stop after N epochs without a better validation loss, and keep the best epoch', integerOption(0, LIMITS.epochs.max), TRAIN_DEFAULTS.patience)
    .option('--no-early-stopping', 'train every --epochs epoch and keep the last')
    .option('--normalize <how>', `${NORMALIZATIONS.join(', ')}: how the data is scaled (saved with the model)`, choiceOption(NORMALIZATIONS), AUTOENCODER_DEFAULTS.normalize)
    .option('--decoder <kind>', 'conditional: the decoder also reads the input reversed (the article); unconditional: the code alone', choiceOption(DECODERS), AUTOENCODER_DEFAULTS.decoder)
    .option('--reverse-target', 'reconstruct each series in reverse order (Srivastava et al.)')
    .option('--output-activation <f>', 'linear (any range) or tanh (the article, data in [-1, 1])', choiceOption(OUTPUT_ACTIVATIONS), AUTOENCODER_DEFAULTS.outputActivation)
    .option('--format <f>', `read --data and --validation as ${SERIES_FORMATS.join(', ')} whatever their extension`, choiceOption(SERIES_FORMATS))
    .option('--label-column <name|index>', 'CSV: the column holding labels (skipped when training)')
    .option('--force', 'write into a non-empty --out folder (replacing the model there)')
    .option('--out <run>', 'folder to save the model in: model.json (naming weights.G.bin and training.G.json), history.json')
    .option('--resume <run>', "continue the run saved in RUN from its last checkpoint, with its settings: the same weights, bit for bit, as if it had never stopped")
    .option('--epochs <n>', 'the most passes over the training data (with --resume: the total to reach, default the run\'s)', limitOption('epochs'), TRAIN_DEFAULTS.epochs)
    .option('--batch-size <n>', `series per gradient step (default Keras's ${TRAIN_DEFAULTS.kerasBatch}, but at most a quarter of the training series, so a small set still takes several steps an epoch)`, limitOption('batchSize'))
    .option('--latent <n>', `size of the code (default ${AUTOENCODER_DEFAULTS.latentDim}; with --init, the model's)`, limitOption('latentDim'))
    .option('--optimizer <name>', OPTIMIZERS.join(', '), choiceOption(OPTIMIZERS), 'rmsprop')
    .option('--lr <rate>', 'learning rate (default Keras\'s: rmsprop 1e-3, adam 1e-3, sgd 0.01)', numberOption(0, Infinity, true))
    .option('--seed <n>', 'seed for the initial weights and the batch order', limitOption('seed'), 0)
    .option('--no-shuffle', 'keep the windows in file order')
    .option('--init <model>', "start from the weights of a saved model.json (its T, D and latent size must fit); its history goes on, its optimizer state does not")
    .option('--checkpoint-every <n>', 'save the model and a resumable checkpoint every N epochs (0: only at the end or when stopped)', integerOption(0), 1)
    .option(
      '--divergence-factor <f>',
      "stop when an epoch's loss exceeds F times the untrained loss (the larger of the first batch's and the data's mean square); 0: only a non-finite loss stops",
      divergenceFactorOption,
      DEFAULT_DIVERGENCE_FACTOR,
    )
    .option('--threads <n>', 'threads for training, all cores unless given (with --resume: the run\'s; others change the last bits)', limitOption('threads'), defaultThreads())
    .option('--engine <name>', `${ENGINES.join(' or ')}: the SIMD engine, or the readable one it is tested against`, choiceOption(ENGINES), 'fast')
    .option('--lstm-bias-pair', LSTM_BIAS_PAIR_HELP)
    .option('--json', 'print one JSON summary line on stdout')
    .action(async (options: TrainOptions, command: Command) => train(options, (name) => command.getOptionValueSource(name) === 'cli'));
}

function divergenceFactorOption(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || !(n === 0 || n >= 1)) throw new InvalidArgumentError('expected 0 (off) or a number from 1 up.');
  return n;
}

async function train(o: TrainOptions, given: (name: string) => boolean): Promise<void> {
  const result = await runTrainJob(o, given, (epochs, batches, first) => trainingFeedback(epochs, batches, o.json ?? false, first));
  if (result.kind === 'stopped') {
    process.stderr.write(result.message + '\n');
    process.exit(SIGNAL_EXIT[result.signal]);
  }
  const { summary } = result;
  const out = o.resume ?? o.out;
  if (o.json) {
    const { nothingToDo: _, ...printed } = summary;
    process.stdout.write(JSON.stringify(printed) + '\n');
  } else if (summary.nothingToDo) {
    process.stderr.write(`the run in ${out} ${summary.nothingToDo}\n`);
  } else {
    const val = summary.val_loss !== undefined ? `, val_loss ${summary.val_loss.toPrecision(4)}` : '';
    const how = summary.stopped_early ? `stopped early after ${summary.epochs} epochs, kept epoch ${summary.epoch_kept}` : `${summary.epochs} epochs, kept epoch ${summary.epoch_kept}`;
    process.stderr.write(`${how}: loss ${summary.loss?.toPrecision(4)}${val}; ${summary.seconds} s; saved ${summary.model}\n`);
  }
}
