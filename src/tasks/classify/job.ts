import { join } from 'node:path';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { writeNpy } from '../../io/npy-file.js';
import type { SeriesSet } from '../../io/series-set.js';
import { saveModel } from '../../io/tfjs/format.js';
import { logisticOnRaw, oneNearestNeighbour } from '../../analysis/baselines.js';
import { resampleSeries } from '../../analysis/resample.js';
import type { LstmAutoencoder, FitCallbacks, History } from '../../models/autoencoder/lstm-autoencoder.js';
import type { DecoderKind } from '../../models/autoencoder/config.js';
import type { Normalization } from '../../train/scaling.js';
import { lockFolder } from '../../io/folder-lock.js';
import { checkClassificationSets, CLASSIFY_DEFAULTS, defaultBatchSize, rawBaselineSteps, shapeSeries, type LabelledSet } from './data.js';
import { SeriesClassifier, type SeriesClassifierOptions } from './series-classifier.js';
import { accuracyOf, writePredictions } from './predictions-file.js';
import { CLASSIFIER_FOLDER, saveClassifier } from './classifier-folder.js';

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

/** The classifier's hyper-parameters (SeriesClassifierOptions: their defaults are CLASSIFY_DEFAULTS), and the run's files and feedback. */
export interface ClassifyOptions extends SeriesClassifierOptions {
  train: SeriesSet;
  test: SeriesSet;
  /** the run folder (prepared by the caller) */
  outDir: string;
  /** saved models (loaded, with the path each came from) to use instead of training */
  models?: readonly { model: LstmAutoencoder; path: string }[];
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

/** Runs the whole job; writes into o.outDir (its classifier in o.outDir/classifier), metrics.json last. */
export async function runClassify(o: ClassifyOptions): Promise<ClassifyMetrics> {
  const log = o.log ?? (() => {});
  const started = performance.now();
  const { seconds, timed } = stageTimer(log);
  // one writer per run folder: a second classify on it fails at once, not half-way (the lock train takes)
  const lock = lockFolder(o.outDir, 'classify');
  try {
    return await runLocked(o, started, seconds, timed);
  } finally {
    lock.release();
  }
}

async function runLocked(o: ClassifyOptions, started: number, seconds: Record<string, number>, timed: ReturnType<typeof stageTimer>['timed']): Promise<ClassifyMetrics> {
  const { train, test, classes } = checkClassificationSets(o.train, o.test);
  const given = o.models && o.models.length > 0 ? o.models : undefined;
  const { train: _train, test: _test, outDir: _outDir, models: _models, callbacks: _callbacks, log: _log, ...hyperParameters } = o;
  const estimator = new SeriesClassifier(hyperParameters);
  await estimator.fit(train, undefined, {
    ...(given ? { autoencoders: given } : {}),
    ...(o.callbacks ? { callbacks: o.callbacks } : {}),
    stage: timed,
  });
  const shaping = estimator.shaping;
  const models: TrainedModel[] = estimator.trainedModels.map((m) =>
    m.history ? { ...m, path: saveModel(join(o.outDir, m.path), m.model, { history: m.history }) } : m,
  );
  const testFeatures = await timed('features', () => estimator.transform(test));
  const features = { train: estimator.trainFeatures!, test: testFeatures, check: Math.max(estimator.trainFeatures!.check, testFeatures.check) };
  writeNpy(join(o.outDir, 'features_train.npy'), { dtype: 'float64', shape: [features.train.rows, features.train.cols], data: features.train.data });
  writeNpy(join(o.outDir, 'features_test.npy'), { dtype: 'float64', shape: [features.test.rows, features.test.cols], data: features.test.data });
  saveClassifier(join(o.outDir, CLASSIFIER_FOLDER), estimator);

  const C = o.C ?? CLASSIFY_DEFAULTS.C;
  const standardize = o.standardize ?? CLASSIFY_DEFAULTS.standardize;
  const classifier = estimator.classifier;
  const predicted = { train: classifier.predict(features.train), test: classifier.predict(features.test) };
  const probabilities = classifier.predictProba(features.test);
  writePredictions(join(o.outDir, 'predictions.csv'), predicted.test, probabilities, classifier.classes, test.labels);
  const x = { train: shapeSeries(train, shaping), test: shapeSeries(test, shaping) };

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
    features: `${features.train.cols}: mean and max of the encoder's hidden state over each series' steps, per model${first.config.normalize === 'per-series' ? ', and each series\' log length, mean and log std per channel where they vary' : ''}${estimator.distanceSettings ? `, and per class the log of how much farther its nearest training series lies than the nearest of all (DTW with a band of ${estimator.distanceSettings.window * 100}%, series shrunk ${estimator.distanceSettings.factor.toFixed(2)} times, training series left out of their own)` : ''}`,
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
  await estimator.dispose();
  metrics.total_seconds = (performance.now() - started) / 1000;
  writeFileAtomic(join(o.outDir, COMPLETION_FILE), JSON.stringify(metrics, null, 1) + '\n');
  return metrics;
}

/** The set with every series resampled to `steps` steps (resample.ts). */
function resampledSet(set: LabelledSet, steps: number): LabelledSet {
  return { ...set, series: set.series.map((s) => resampleSeries(s, set.channels, steps)) };
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

