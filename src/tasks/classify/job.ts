import { join } from 'node:path';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { writeNpy } from '../../io/npy-file.js';
import type { SeriesSet } from '../../io/series-set.js';
import { saveModel } from '../../io/tfjs/format.js';
import { logisticOnRaw, oneNearestNeighbour } from '../../analysis/baselines.js';
import { encoderStates, stateFeatures } from '../../analysis/encoder-states.js';
import { resampleSeries } from '../../analysis/resample.js';
import { fitClassifier, type FeatureMatrix } from '../../analysis/logistic-regression.js';
import { maxAbsDifference } from '../../analysis/metrics.js';
import { concatColumns, informativeColumns, selectColumns, seriesStatistics } from '../../analysis/series-statistics.js';
import { InputError } from '../../input-error.js';
import { LstmAutoencoder, type FitCallbacks, type History, type Sequences } from '../../models/autoencoder/lstm-autoencoder.js';
import type { DecoderKind } from '../../models/autoencoder/config.js';
import { applyScaling, type Normalization } from '../../train/scaling.js';
import { checkClassificationSets, CLASSIFY_DEFAULTS, defaultBatchSize, NATIVE_MASK_VALUE, rawBaselineSteps, shapeSeries, shapingFor, shapingOfModels, stratifiedSplit, type LabelledSet, type SeriesShaping } from './data.js';

export { CLASSIFY_DEFAULTS } from './data.js';
import { COMPLETION_FILE } from '../../io/run-folder.js';
import { stageTimer } from '../../train/stage-timer.js';

/**
 * `lstm-ae classify`: an autoencoder (or a few, one per seed) trained on the training
 * series alone, its encoder's pooled states as features, a standardised multinomial
 * logistic regression on the training features, scored on the test series; beside it the
 * baselines every reader should see first (1-NN Euclidean, 1-NN DTW, logistic regression
 * on the raw values), then report.html and metrics.json (last).
 */

/**
 * The classifier's stopping rule: max|gradient| at most 1e-6 of its start. Tighter than
 * scikit-learn's own default (tol 1e-4, absolute); the library's 1e-10, which the sklearn
 * fixtures need, costs ten times the iterations here and changes no prediction we measured.
 */
const CLASSIFIER_TOLERANCE = 1e-6;

/** The seed of the stratified validation split: fixed, so every model of an ensemble validates on the same series. */
const SPLIT_SEED = 0;

export interface ClassifyOptions {
  train: SeriesSet;
  test: SeriesSet;
  /** the run folder (prepared by the caller) */
  outDir: string;
  /** saved models (loaded, with the path each came from) to use instead of training */
  models?: readonly { model: LstmAutoencoder; path: string }[];
  latent?: number;
  decoder?: DecoderKind;
  normalize?: Normalization;
  /** steps every series is resampled to, or 'native' (padded and masked); default: CLASSIFY_DEFAULTS.length, or the data's own when shorter */
  length?: number | 'native';
  /** one model per seed; their features side by side */
  seeds?: readonly number[];
  epochs?: number;
  patience?: number;
  batchSize?: number;
  learningRate?: number;
  C?: number;
  standardize?: boolean;
  threads?: number;
  /** progress of each model's training */
  callbacks?: (seed: number, index: number) => FitCallbacks;
  /** one line per stage, for a person watching */
  log?: (line: string) => void;
}

export interface BaselineScore {
  accuracy: number;
  seconds: number;
}

export interface ClassifyMetrics {
  test_accuracy: number;
  train_accuracy: number;
  baseline_1nn_euclidean: number;
  baseline_1nn_dtw: number;
  baseline_logistic_raw: number;
  baseline_seconds: { '1nn_euclidean': number; '1nn_dtw': number; logistic_raw: number };
  train_seconds: number;
  total_seconds: number;
  seconds: Record<string, number>;
  latent: number;
  /** epochs each model trained (early stopping ends them); empty when the models were given */
  epochs_trained: number[];
  /** each model's best epoch (1-based) by validation loss, whose weights it keeps */
  best_epochs: number[];
  best_val_loss: number[];
  models: string[];
  features: number;
  feature_check_max_abs_diff: number;
  classes: string[];
  class_counts: { train: number[]; test: number[] };
  /** rows true class, columns predicted, in `classes` order */
  confusion_matrix_test: number[][];
  per_class_recall: number[];
  classifier_converged: boolean;
  settings: Record<string, string | number | boolean>;
}

interface TrainedModel {
  model: LstmAutoencoder;
  path: string;
  history?: History;
  seed?: number;
}

/** Runs the whole job; writes into o.outDir, metrics.json last. */
export async function runClassify(o: ClassifyOptions): Promise<ClassifyMetrics> {
  const log = o.log ?? (() => {});
  const started = performance.now();
  const { seconds, timed } = stageTimer(log);

  const { train, test, classes } = checkClassificationSets(o.train, o.test);
  const given = o.models && o.models.length > 0 ? o.models : undefined;
  const shaping = given ? shapingOfModels(given, train) : shapingFor(train, test, o.length);
  const x = { train: shapeSeries(train, shaping), test: shapeSeries(test, shaping) };

  let models: TrainedModel[];
  if (given) {
    models = [...given];
  } else {
    const split = stratifiedSplit(train.labels, CLASSIFY_DEFAULTS.validationFraction, SPLIT_SEED);
    const fitPart = shapeSeries(train, shaping, split.fit);
    const validationPart = shapeSeries(train, shaping, split.validation);
    models = [];
    const seeds = o.seeds ?? CLASSIFY_DEFAULTS.seeds;
    for (const [index, seed] of seeds.entries()) {
      const trained = await timed('training', () => trainOne(o, shaping, train.channels, seed, fitPart, validationPart, o.callbacks?.(seed, index)));
      const dir = join(o.outDir, seeds.length === 1 ? 'model' : `model-seed-${seed}`);
      const path = saveModel(dir, trained.model, { history: trained.history });
      models.push({ ...trained, path, seed });
    }
  }

  const features = await timed('features', async () => {
    const parts = { train: [] as FeatureMatrix[], test: [] as FeatureMatrix[] };
    let check = 0;
    for (const { model } of models) {
      for (const role of ['train', 'test'] as const) {
        const states = encoderStates(encoderWeights(model), scaled(model, x[role]), model.config.recurrentActivation);
        // the same final states as the model's own (float32, fast path) encode: a check on the scaling and the equations
        check = Math.max(check, maxAbsDifference((await model.encode(x[role], { threads: o.threads })).data, states.finalHidden));
        parts[role].push(stateFeatures(states, CLASSIFY_DEFAULTS.blocks));
      }
      await model.dispose();
    }
    if (models[0]!.model.config.normalize === 'per-series') {
      // what per-series scaling hid from the models: level, size and length, where they vary
      const stats = { train: seriesStatistics(train), test: seriesStatistics(test) };
      const keep = informativeColumns(stats.train);
      if (keep.length > 0) {
        parts.train.push(selectColumns(stats.train, keep));
        parts.test.push(selectColumns(stats.test, keep));
      }
    }
    return { train: concatColumns(parts.train), test: concatColumns(parts.test), check };
  });
  writeNpy(join(o.outDir, 'features_train.npy'), { dtype: 'float64', shape: [features.train.rows, features.train.cols], data: features.train.data });
  writeNpy(join(o.outDir, 'features_test.npy'), { dtype: 'float64', shape: [features.test.rows, features.test.cols], data: features.test.data });

  const C = o.C ?? CLASSIFY_DEFAULTS.C;
  const standardize = o.standardize ?? CLASSIFY_DEFAULTS.standardize;
  const classifier = await timed('classifier', () => fitClassifier(features.train, train.labels, { C, standardize, tolerance: CLASSIFIER_TOLERANCE }));
  const predicted = { train: classifier.predict(features.train), test: classifier.predict(features.test) };
  const probabilities = classifier.predictProba(features.test);
  writePredictions(join(o.outDir, 'predictions.csv'), test, predicted.test, probabilities, classifier.classes);

  const baseline = async (stage: string, run: () => { accuracy: number | null }): Promise<BaselineScore> => {
    const t0 = performance.now();
    const result = await timed(stage, run);
    return { accuracy: result.accuracy ?? NaN, seconds: (performance.now() - t0) / 1000 };
  };
  const euclidean = await baseline('baseline 1-NN Euclidean', () => oneNearestNeighbour(train, test, 'euclidean'));
  const dtw = await baseline('baseline 1-NN DTW', () => oneNearestNeighbour(train, test, 'dtw'));
  // on the series resampled as the models see them (the same input as ours), or at native lengths to the
  // default length: at PLAID's 1344 steps the full-length fit alone takes minutes (thousands of L-BFGS steps over 1344·11 weights)
  const rawSteps = rawBaselineSteps(shaping);
  const raw = await baseline('baseline logistic regression on raw values', () => logisticOnRaw(resampledSet(train, rawSteps), resampledSet(test, rawSteps)));

  const confusion = confusionOf(classes, test.labels, predicted.test);
  const recall = confusion.map((row, k) => {
    const total = row.reduce((a, b) => a + b, 0);
    return total > 0 ? row[k]! / total : NaN;
  });
  const trained = models.filter((m): m is TrainedModel & { history: History } => m.history !== undefined);
  const first = models[0]!.model;
  const settings: Record<string, string | number | boolean> = {
    'training set': `${train.source} (${train.series.length} series)`,
    'test set': `${test.source} (${test.series.length} series)`,
    channels: train.channels,
    classes: classes.length,
    'series as the models see them': shaping.kind === 'resample' ? `resampled to ${shaping.steps} steps (PAA for series longer than that, linear interpolation for shorter ones)` : `their own lengths, padded to ${shaping.steps} and masked`,
    models: given ? `${models.length} given (${models.map((m) => m.path).join(', ')})` : `${models.length}, seeds ${(o.seeds ?? CLASSIFY_DEFAULTS.seeds).join(', ')}`,
    'latent size': first.config.latentDim,
    decoder: first.config.decoder ?? 'conditional',
    normalisation: first.config.normalize ?? 'none',
    features: `${features.train.cols}: mean and max of the encoder's hidden state over each series' steps, per model${first.config.normalize === 'per-series' ? ', and each series\' log length, mean and log std per channel where they vary' : ''}`,
    classifier: `multinomial logistic regression, C ${C}, ${standardize ? 'standardised features' : 'raw features (--no-standardize)'}`,
    ...(given ? {} : {
      training: `Adam lr ${o.learningRate ?? CLASSIFY_DEFAULTS.learningRate}, batch ${o.batchSize ?? defaultBatchSize(shaping)}, at most ${o.epochs ?? CLASSIFY_DEFAULTS.epochs} epochs, early stopping with patience ${o.patience ?? CLASSIFY_DEFAULTS.patience} on a stratified ${CLASSIFY_DEFAULTS.validationFraction * 100}% of the training series`,
    }),
    threads: o.threads ?? 'all cores',
  };
  const metrics: ClassifyMetrics = {
    test_accuracy: accuracyOf(test.labels, predicted.test),
    train_accuracy: accuracyOf(train.labels, predicted.train),
    baseline_1nn_euclidean: euclidean.accuracy,
    baseline_1nn_dtw: dtw.accuracy,
    baseline_logistic_raw: raw.accuracy,
    baseline_seconds: { '1nn_euclidean': euclidean.seconds, '1nn_dtw': dtw.seconds, logistic_raw: raw.seconds },
    train_seconds: seconds['training'] ?? 0,
    total_seconds: 0,
    seconds,
    latent: first.config.latentDim,
    epochs_trained: trained.map((m) => m.history.epoch.length),
    best_epochs: trained.map((m) => (m.history.earlyStopping?.bestEpoch ?? m.history.epoch.length - 1) + 1),
    best_val_loss: trained.map((m) => m.history.earlyStopping?.bestValLoss ?? NaN),
    models: models.map((m) => m.path),
    features: features.train.cols,
    feature_check_max_abs_diff: features.check,
    classes,
    class_counts: { train: countsOf(classes, train.labels), test: countsOf(classes, test.labels) },
    confusion_matrix_test: confusion,
    per_class_recall: recall,
    classifier_converged: classifier.converged,
    settings,
  };

  // the charts' libraries (vega, resvg, fonts) load only when a report is written
  const { writeClassifyReport } = await import('./figures.js');
  await timed('report', () =>
    writeClassifyReport(o.outDir, {
      metrics, train, test, shaping, x, models, features, predicted: predicted.test, euclidean, dtw, raw,
    }),
  );
  metrics.total_seconds = (performance.now() - started) / 1000;
  writeFileAtomic(join(o.outDir, COMPLETION_FILE), JSON.stringify(metrics, null, 1) + '\n');
  return metrics;
}

async function trainOne(
  o: ClassifyOptions,
  shaping: SeriesShaping,
  channels: number,
  seed: number,
  fitPart: Sequences,
  validation: Sequences,
  callbacks: FitCallbacks | undefined,
): Promise<{ model: LstmAutoencoder; history: History }> {
  const model = LstmAutoencoder.create({
    timesteps: shaping.steps,
    inputDim: channels,
    latentDim: o.latent ?? CLASSIFY_DEFAULTS.latent,
    decoder: o.decoder ?? CLASSIFY_DEFAULTS.decoder,
    normalize: o.normalize ?? CLASSIFY_DEFAULTS.normalize,
    outputActivation: 'linear', // scaled data is not confined to tanh's (-1, 1)
    maskValue: shaping.kind === 'native' ? NATIVE_MASK_VALUE : null,
    seed,
  });
  const history = await model.fit(fitPart, {
    epochs: o.epochs ?? CLASSIFY_DEFAULTS.epochs,
    batchSize: Math.min(o.batchSize ?? defaultBatchSize(shaping), fitPart.shape[0]),
    validationData: validation,
    earlyStopping: { patience: o.patience ?? CLASSIFY_DEFAULTS.patience },
    optimizer: { name: 'adam', learningRate: o.learningRate ?? CLASSIFY_DEFAULTS.learningRate },
    ...(o.threads !== undefined ? { threads: o.threads } : {}),
    ...(callbacks ? { callbacks } : {}),
  });
  return { model, history };
}

/** The set with every series resampled to `steps` steps (resample.ts). */
function resampledSet(set: LabelledSet, steps: number): LabelledSet {
  return { ...set, series: set.series.map((s) => resampleSeries(s, set.channels, steps)) };
}

function encoderWeights(model: LstmAutoencoder) {
  const w = model.getWeights();
  return { kernel: w['encoder/kernel'], recurrentKernel: w['encoder/recurrent_kernel'], bias: w['encoder/bias'] };
}

/** The windows as the model's network sees them (its own scaling applied). */
function scaled(model: LstmAutoencoder, x: Sequences): Sequences {
  const scaling = model.scaling;
  if (!scaling) throw new InputError('the model normalizes but carries no statistics: give a fitted model');
  if (scaling.normalize === 'none') return x;
  return { ...x, data: applyScaling(x, scaling).data };
}

function accuracyOf(truth: readonly string[], predicted: readonly string[]): number {
  let correct = 0;
  truth.forEach((label, i) => {
    if (label === predicted[i]) correct++;
  });
  return correct / truth.length;
}

function countsOf(classes: readonly string[], labels: readonly string[]): number[] {
  return classes.map((c) => labels.filter((l) => l === c).length);
}

function confusionOf(classes: readonly string[], truth: readonly string[], predicted: readonly string[]): number[][] {
  const index = new Map(classes.map((c, k) => [c, k] as const));
  const matrix = classes.map(() => new Array<number>(classes.length).fill(0));
  truth.forEach((label, i) => {
    matrix[index.get(label)!]![index.get(predicted[i]!)!]!++;
  });
  return matrix;
}

/** One row per test series: its index, true and predicted class, and each class's probability. */
function writePredictions(path: string, test: LabelledSet, predicted: readonly string[], probabilities: Float64Array, classes: readonly string[]): void {
  const quote = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const K = classes.length;
  const lines = [['series', 'true', 'predicted', ...classes.map((c) => `p(${c})`)].map(quote).join(',')];
  predicted.forEach((p, i) => {
    const probs = Array.from(probabilities.subarray(i * K, (i + 1) * K), (v) => v.toPrecision(6));
    lines.push([String(i), quote(test.labels[i]!), quote(p), ...probs].join(','));
  });
  writeFileAtomic(path, lines.join('\n') + '\n');
}
