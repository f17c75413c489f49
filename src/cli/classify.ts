import { join } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { readSeries, SERIES_FORMATS, type ReadSeriesOptions, type SeriesFormat } from '../io/read-series.js';
import type { SeriesSet } from '../io/series-set.js';
import { InputError } from '../input-error.js';
import { lockFolder, type FolderLock } from '../io/folder-lock.js';
import { CLASSIFIER_FOLDER, loadClassifier } from '../tasks/classify/classifier-folder.js';
import { loadModelAndFiles } from '../io/tfjs/format.js';
import { ensureOutputFolder, refuseInputs } from '../io/output-location.js';
import type { LstmAutoencoder } from '../models/autoencoder/lstm-autoencoder.js';
import { DECODERS, type DecoderKind } from '../models/autoencoder/config.js';
import { NORMALIZATIONS, type Normalization } from '../train/scaling.js';
import { checkClassificationSets, CLASSIFY_DEFAULTS, defaultBatchSize, shapingFor, shapingOfModels } from '../tasks/classify/data.js';
import type { ClassifyMetrics } from '../tasks/classify/job.js';
import { defaultRunFolder, prepareRunFolder } from '../io/run-folder.js';
import { choiceOption, defaultThreads, integerOption, labelColumnOf, limitOption, numberOption, seedListOption } from './options.js';
import { trainingProgressBar } from './train-progress.js';


interface ClassifyCliOptions {
  train?: string;
  test?: string;
  input?: string;
  inputLabels?: string;
  format?: SeriesFormat;
  trainLabels?: string;
  testLabels?: string;
  labelColumn?: string;
  model?: string[];
  latent?: number;
  decoder?: DecoderKind;
  normalize?: Normalization;
  length?: number | 'native';
  seeds?: number[];
  epochs?: number;
  patience?: number;
  batchSize?: number;
  lr?: number;
  C: number;
  standardize: boolean;
  distances: boolean;
  out?: string;
  force?: boolean;
  threads: number;
  json?: boolean;
}

/** `--length`: a number of steps from 2 up, or 'native'. */
function lengthOption(value: string): number | 'native' {
  if (value === 'native') return 'native';
  try {
    return integerOption(2, 10_000)(value);
  } catch {
    throw new InvalidArgumentError("expected an integer from 2 to 10000, or 'native'.");
  }
}

/** The training options: each one that --model makes meaningless refuses to go with it. */
function trainingOption(flags: string, description: string): Option {
  return new Option(flags, description).conflicts('model');
}

/** `lstm-ae classify`: autoencoder features + logistic regression on a labelled train/test split, beside the baselines. */
export function registerClassify(program: Command): void {
  const d = CLASSIFY_DEFAULTS;
  program
    .command('classify')
    .description('train autoencoders on labelled training series, classify the test series from their encoder states, and compare with 1-NN Euclidean, 1-NN DTW and logistic regression on the raw values; writes report.html and metrics.json')
    .option('--train <file>', 'labelled training series: .ts, .tsv (UCR), .csv or .npy')
    .option('--test <file>', 'labelled test series, in any of the same formats, with the same channels')
    .addOption(new Option('--input <file>', `series to label with the classifier saved in --model DIR (a classify --out folder, whose classifier is in DIR/${CLASSIFIER_FOLDER}): writes predictions.csv (the label and each class's probability); with labels, also the accuracy`).conflicts(['train', 'test']))
    .option('--input-labels <file>', 'labels for an --input file without its own, to score the accuracy')
    .option('--format <f>', `read every series file as ${SERIES_FORMATS.join(', ')} whatever its extension`, choiceOption(SERIES_FORMATS))
    .option('--train-labels <file>', 'labels for a training file without its own (a .npy, a CSV without a label column): a 1-D .npy of integers or one label per line')
    .option('--test-labels <file>', 'labels for a test file without its own')
    .option('--label-column <name|index>', 'CSV files: the column holding the class label, by header name or 0-based index')
    .option('--model <path...>', 'with --input: a saved classifier folder; with --train/--test: use these saved autoencoders (e.g. a previous run\'s model-seed-*/model.json) instead of training')
    .addOption(trainingOption('--latent <n>', `size of each model's code (default ${d.latent})`).argParser(limitOption('latentDim')))
    .addOption(trainingOption('--decoder <kind>', `${DECODERS.join(' or ')} (default ${d.decoder})`).argParser(choiceOption(DECODERS)))
    .addOption(trainingOption('--normalize <how>', `${NORMALIZATIONS.join(', ')} (default ${d.normalize})`).argParser(choiceOption(NORMALIZATIONS)))
    .addOption(trainingOption('--length <n|native>', `steps every series is resampled to, or native: as they are, padded and masked (default: native for unequal lengths up to ${d.nativeUpTo} steps, else ${d.length}, never up)`).argParser(lengthOption))
    .addOption(trainingOption('--seeds <list>', `one model per seed, their features side by side (default ${d.seeds.join(',')})`).argParser(seedListOption))
    .addOption(trainingOption('--epochs <n>', `most epochs per model; early stopping usually ends sooner (default ${d.epochs})`).argParser(limitOption('epochs')))
    .addOption(trainingOption('--patience <n>', `epochs without a better validation loss before stopping (default ${d.patience})`).argParser(integerOption(1, 100_000)))
    .addOption(trainingOption('--batch-size <n>', `series per gradient step (default ${d.batchSize}; ${d.nativeBatchSize} at native lengths)`).argParser(limitOption('batchSize')))
    .addOption(trainingOption('--lr <rate>', `Adam's learning rate (default ${d.learningRate})`).argParser(numberOption(0, 10, true)))
    .option('--C <c>', 'the logistic regression\'s inverse regularisation strength, as scikit-learn\'s C', numberOption(0, 1e12, true), d.C)
    .option('--no-standardize', 'fit the classifier on the raw features, as the article does (default: standardised)')
    .option('--no-distances', 'leave out the distance features (per class, how far its nearest training series lies by DTW); default: with them, up to ' + d.distanceMaxSeries + ' training series')
    .option('--out <dir>', `run folder (default: a new folder under runs/); the classifier is saved in DIR/${CLASSIFIER_FOLDER}, for --model DIR --input FILE`)
    .option('--force', 'reuse --out even if it is not empty')
    .option('--threads <n>', 'threads for training, all cores unless given', limitOption('threads'), defaultThreads())
    .option('--json', 'print one JSON summary on stdout and nothing else')
    .action(async (options: ClassifyCliOptions) => {
      if (options.input !== undefined) return classifyInput(options, options.input);
      if (options.train === undefined || options.test === undefined) {
        throw new InputError(`classify: give --train FILE and --test FILE to fit and score a classifier, or --model DIR and --input FILE to label series with a saved one`);
      }
      return classify(options, options.train, options.test);
    });
}

/** A series file as the options say to read it (format, label column, labels file). */
function readWith(o: ClassifyCliOptions, path: string, labelsPath: string | undefined): SeriesSet {
  const options: ReadSeriesOptions = {
    ...(labelsPath !== undefined ? { labelsPath } : {}),
    ...(o.format !== undefined ? { format: o.format } : {}),
    ...(o.labelColumn !== undefined ? { labelColumn: labelColumnOf(o.labelColumn) } : {}),
  };
  return readSeries(path, options);
}

/** The run folder, locked for this process first (so two runs cannot both find it empty), then prepared. */
function lockedRunFolder(outDir: string, force: boolean): FolderLock {
  ensureOutputFolder(outDir);
  const lock = lockFolder(outDir, 'classify');
  try {
    prepareRunFolder(outDir, force);
  } catch (err) {
    lock.release();
    throw err;
  }
  return lock;
}

/** `classify --model DIR --input FILE`: the saved classifier's labels and probabilities for each series. */
async function classifyInput(o: ClassifyCliOptions, input: string): Promise<void> {
  if (!o.model || o.model.length !== 1) throw new InputError(`classify --input: give one --model DIR, the classifier's folder (classify --out DIR saves it in DIR/${CLASSIFIER_FOLDER})`);
  const loaded = loadClassifier(o.model[0]!);
  const set = loaded.classifier.checkInput(readWith(o, input, o.inputLabels));
  const { predictClassifierInput } = await import('../tasks/classify/predict-job.js');
  const outDir = o.out ?? defaultRunFolder('classify');
  refuseInputs(['metrics.json', 'predictions.csv'].map((f) => join(outDir, f)), [input, ...(o.inputLabels ? [o.inputLabels] : []), ...loaded.files]);
  const lock = lockedRunFolder(outDir, o.force ?? false);
  try {
    const metrics = await predictClassifierInput({ classifier: loaded.classifier, model: loaded.dir, set, outDir, threads: o.threads });
    if (o.json) {
      process.stdout.write(JSON.stringify({ out: outDir, ...metrics }) + '\n');
      return;
    }
    const accuracy = metrics.accuracy === null ? '' : `, accuracy ${metrics.accuracy.toFixed(4)}`;
    process.stdout.write(`${metrics.series} series labelled by ${loaded.dir}${accuracy}\npredictions: ${join(outDir, 'predictions.csv')}\n`);
  } finally {
    lock.release();
  }
}

async function classify(o: ClassifyCliOptions, trainPath: string, testPath: string): Promise<void> {
  // every input is read and checked before anything is written
  const sets = checkClassificationSets(readWith(o, trainPath, o.trainLabels), readWith(o, testPath, o.testLabels));
  const loaded = (o.model ?? []).map((path) => ({ path, ...loadModelAndFiles(path) }));
  const models: { model: LstmAutoencoder; path: string }[] = loaded.map(({ model, path }) => ({ model, path }));
  if (models.length > 0) shapingOfModels(models, sets.train);

  const outDir = o.out ?? defaultRunFolder('classify');
  const inputs = [trainPath, testPath, ...(o.trainLabels ? [o.trainLabels] : []), ...(o.testLabels ? [o.testLabels] : []), ...loaded.flatMap((m) => m.files)];
  // never write over a file being read (through links too); then the folder, made only when all is well
  refuseInputs(['metrics.json', 'report.html', 'predictions.csv', 'features_train.npy', 'features_test.npy'].map((f) => join(outDir, f)), inputs);
  const lock = lockedRunFolder(outDir, o.force ?? false);

  const say = (line: string) => {
    if (!o.json) process.stderr.write(`${line}\n`);
  };
  say(`lstm-ae classify: ${sets.train.series.length} training and ${sets.test.series.length} test series, ${sets.classes.length} classes, ${sets.train.channels} channel(s) -> ${outDir}`);
  let bar: ReturnType<typeof trainingProgressBar> | undefined;
  const epochs = o.epochs ?? CLASSIFY_DEFAULTS.epochs;
  const { runClassify } = await import('../tasks/classify/job.js');
  let metrics: ClassifyMetrics;
  try {
    metrics = await runClassify({
      train: sets.train,
      test: sets.test,
      outDir,
      models,
      // options not given stay undefined: the classifier takes CLASSIFY_DEFAULTS for them
      latent: o.latent,
      decoder: o.decoder,
      normalize: o.normalize,
      length: o.length,
      seeds: o.seeds,
      epochs: o.epochs,
      patience: o.patience,
      batchSize: o.batchSize,
      learningRate: o.lr,
      C: o.C,
      standardize: o.standardize,
      distances: o.distances,
      threads: o.threads,
      callbacks: (seed) => {
        say(`training the model of seed ${seed}`);
        if (o.json || !process.stderr.isTTY) return {};
        const batchSize = o.batchSize ?? defaultBatchSize(models.length > 0 ? shapingOfModels(models, sets.train) : shapingFor(sets.train, o.length));
        const batches = Math.ceil((sets.train.series.length * (1 - CLASSIFY_DEFAULTS.validationFraction)) / batchSize);
        bar = trainingProgressBar(epochs, Math.max(1, batches));
        return bar;
      },
      log: (line) => {
        if (line.startsWith('training')) bar?.stop();
        say(line);
      },
    });
  } finally {
    bar?.stop();
    lock.release();
  }
  if (o.json) {
    const { settings: _settings, ...summary } = metrics;
    process.stdout.write(JSON.stringify({ out: outDir, ...summary }) + '\n');
    return;
  }
  process.stdout.write(resultLines(metrics, outDir).join('\n') + '\n');
}

/** The result beside the baselines, one method a line, then where the report is. */
export function resultLines(m: ClassifyMetrics, outDir: string): string[] {
  const ours = m.train_seconds + (m.seconds['features'] ?? 0) + (m.seconds['classifier'] ?? 0);
  const rows: [string, number, number][] = [
    ['autoencoder features (ours)', m.test_accuracy, ours],
    ['1-NN Euclidean', m.baseline_1nn_euclidean, m.baseline_seconds['1nn_euclidean']],
    ['1-NN DTW', m.baseline_1nn_dtw, m.baseline_seconds['1nn_dtw']],
    ['logistic regression, raw values', m.baseline_logistic_raw, m.baseline_seconds.logistic_raw],
  ];
  const width = Math.max(...rows.map((r) => r[0].length));
  return [
    `${'method'.padEnd(width)}  test accuracy  seconds`,
    ...rows.map(([name, accuracy, seconds]) => `${name.padEnd(width)}  ${accuracy.toFixed(4).padStart(13)}  ${seconds.toFixed(1).padStart(7)}`),
    `${m.models.length} model(s), latent ${m.latent}, ${m.features} features; epochs trained ${m.epochs_trained.length > 0 ? m.epochs_trained.join(', ') : '(given models)'}; total ${m.total_seconds.toFixed(1)} s`,
    `report: ${outDir}/report.html`,
  ];
}
