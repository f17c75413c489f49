import * as v from 'valibot';
import { classifierFromParameters, fitClassifier, type Classifier, type FeatureMatrix } from '../../analysis/logistic-regression.js';
import { encoderStates, stateFeatures, STATE_BLOCKS, type StateBlock } from '../../analysis/encoder-states.js';
import { maxAbsDifference } from '../../analysis/metrics.js';
import { concatColumns, informativeColumns, selectColumns, seriesStatistics } from '../../analysis/series-statistics.js';
import { standardizerFrom } from '../../analysis/standardize.js';
import { InputError } from '../../input-error.js';
import { base64ToBytes, bytesToBase64 } from '../../io/base64.js';
import type { SeriesSet } from '../../io/series-set.js';
import { modelArtifacts, modelFromArtifacts } from '../../io/tfjs/artifacts.js';
import { LIMITS } from '../../limits.js';
import type { DecoderKind } from '../../models/autoencoder/config.js';
import { LstmAutoencoder, type FitCallbacks, type History, type Sequences } from '../../models/autoencoder/lstm-autoencoder.js';
import { firstIssue, integerIn, finiteNumber } from '../../settings.js';
import { scaledSequences, type Normalization } from '../../train/scaling.js';
import { sequenceCount, type AnySequences } from '../../train/sequences.js';
import { VERSION } from '../../version.js';
import {
  checkSeriesFor, checkTrainingSet, CLASSIFY_DEFAULTS, defaultBatchSize, NATIVE_MASK_VALUE, seriesSetOf, shapeSeries, shapingFor, shapingOfModels,
  stratifiedSplit, type SeriesShaping,
} from './data.js';
import type { DistanceFeatureSettings } from '../../analysis/distance-features.js';
import { distanceBlockFeatures, distanceBlockFor, distanceBlockFromJSON, distanceBlockSchema, distanceBlockToJSON, type DistanceBlock } from './distance-block.js';

/**
 * What `lstm-ae classify` fits, as an estimator (scikit-learn's and aeon's names): autoencoders
 * trained on the training series alone (one per seed), each series' features the mean and
 * the maximum of each encoder's hidden state over its steps (and, when the models scale each
 * series, what that scaling hid: log length, mean and log deviation per channel, where they
 * vary in training), per class how much farther its nearest training series lies than the
 * nearest of all by DTW (distance-block.ts), a standardised multinomial logistic regression on them.
 *
 *   const classifier = new SeriesClassifier({ seeds: [0] });
 *   await classifier.fit(parseSeries(trainText, 'train.ts'));   // labels from the file, or fit(set, labels)
 *   const labels = await classifier.predict(testSet);
 *   const { data, shape, classes } = await classifier.predictProba(testSet);
 *   const json = classifier.toJSON();                           // SeriesClassifier.fromJSON(json) predicts the same
 *
 * No files and no Node modules: save(dir)/load(dir) (Node) write and read classifier-folder.ts's
 * folder. The job (job.ts) fits and predicts through this class, so both are one implementation.
 */

/** The hyper-parameters; each left out is `lstm-ae classify`'s default (CLASSIFY_DEFAULTS). */
export interface SeriesClassifierOptions {
  latent?: number;
  decoder?: DecoderKind;
  normalize?: Normalization;
  /** steps every series is resampled to, or 'native' (padded and masked); default: see shapingFor */
  length?: number | 'native';
  /** one model per seed; their features side by side */
  seeds?: readonly number[];
  epochs?: number;
  patience?: number;
  batchSize?: number;
  learningRate?: number;
  /** add the distance features (distance-block.ts): per class, how far its nearest training series lies by DTW */
  distances?: boolean;
  /** the logistic regression's inverse regularisation (scikit-learn's C) */
  C?: number;
  /** standardise the features before the logistic regression */
  standardize?: boolean;
  /** threads for training and encoding; all cores when absent */
  threads?: number;
}

/** How one fit runs, apart from the hyper-parameters. */
export interface SeriesClassifierFitOptions {
  /** trained autoencoders to take the features from instead of training new ones */
  autoencoders?: readonly { model: LstmAutoencoder; path: string }[];
  /** progress of each model's training */
  callbacks?: (seed: number, index: number) => FitCallbacks;
  /** runs each stage ('training', 'features', 'classifier'); the job times them */
  stage?: <T>(name: string, run: () => Promise<T> | T) => Promise<T>;
}

/** How a prediction runs (not part of the classifier): threads, all cores by default or the constructor's. */
export interface RunOptions {
  threads?: number;
}

/** Features with the largest difference between the float64 encoder states and the model's own encode (a check on both). */
export type CheckedFeatures = FeatureMatrix & { data: Float64Array; check: number };

/** predictProba's result: (N, classes) row-major, columns in `classes` order. */
export interface ClassProbabilities {
  data: Float64Array;
  shape: [number, number];
  classes: string[];
}

/** The classifier's stopping rule: max|gradient| at most 1e-6 of its start (analysis/logistic-regression.ts). */
const CLASSIFIER_TOLERANCE = 1e-6;

/** The seed of the stratified validation split: fixed, so every model of an ensemble validates on the same series. */
const SPLIT_SEED = 0;

export const CLASSIFIER_FORMAT = 'lstm-ae-classifier';

export class SeriesClassifier {
  readonly options: SeriesClassifierOptions;
  /** the fitted parts; undefined until fit or fromJSON */
  private fitted:
    | {
        classes: string[];
        channels: number;
        shaping: SeriesShaping;
        blocks: StateBlock[];
        /** the informative columns of seriesStatistics, when the models scale each series */
        statistics: number[] | null;
        /** the distance features' training series and settings, when the classifier uses them */
        distances: DistanceBlock | null;
        autoencoders: LstmAutoencoder[];
        classifier: Classifier<string>;
        /** where the series came from in fit (for messages) */
        source: string;
      }
    | undefined;

  /** after fit: each autoencoder's training (absent for given ones), its seed and path */
  trainedModels: { model: LstmAutoencoder; path: string; history?: History; seed?: number }[] = [];
  /** after fit: the training series' features (what the logistic regression was fitted on) */
  trainFeatures: CheckedFeatures | undefined;

  constructor(options: SeriesClassifierOptions = {}) {
    this.options = { ...options };
  }

  /**
   * Fits on labelled series: a SeriesSet (e.g. parseSeries's; its labels unless `labels` is
   * given) or windows (N, T, D) with their lengths. Returns this.
   */
  async fit(series: SeriesSet | Sequences, labels?: readonly string[], how: SeriesClassifierFitOptions = {}): Promise<this> {
    const stage = how.stage ?? (async <T>(_name: string, run: () => Promise<T> | T) => run());
    const set = seriesSetOf(series, 'fit');
    const { train, classes } = checkTrainingSet(labels ? { ...set, labels: [...labels] } : set);
    const o = this.options;
    const given = how.autoencoders && how.autoencoders.length > 0 ? how.autoencoders : undefined;
    const shaping = given ? shapingOfModels(given, train) : shapingFor(train, o.length);

    let trained: SeriesClassifier['trainedModels'];
    if (given) {
      trained = [...given];
    } else {
      const split = stratifiedSplit(train.labels, CLASSIFY_DEFAULTS.validationFraction, SPLIT_SEED);
      const fitPart = shapeSeries(train, shaping, split.fit);
      const validationPart = shapeSeries(train, shaping, split.validation);
      trained = [];
      const seeds = o.seeds ?? CLASSIFY_DEFAULTS.seeds;
      for (const [index, seed] of seeds.entries()) {
        const one = await stage('training', () => this.trainOne(shaping, train.channels, seed, fitPart, validationPart, how.callbacks?.(seed, index)));
        trained.push({ ...one, path: seeds.length === 1 ? 'model' : `model-seed-${seed}`, seed });
      }
    }
    const autoencoders = trained.map((m) => m.model);
    const perSeries = autoencoders[0]!.config.normalize === 'per-series';
    // what per-series scaling hid from the models: level, size and length, where they vary in training
    const statistics = perSeries ? informativeColumns(seriesStatistics(train)) : null;
    const distances = (o.distances ?? CLASSIFY_DEFAULTS.distances) ? distanceBlockFor(train, classes) : null;
    this.fitted = {
      classes, channels: train.channels, shaping, blocks: [...CLASSIFY_DEFAULTS.blocks], statistics, distances, autoencoders, source: train.source,
      classifier: undefined as unknown as Classifier<string>,
    };
    // each training series' distances to the others only (leave-one-out), as a new series' would be
    const features = await stage('features', () => this.featuresOf(train, true, {}, true));
    const C = o.C ?? CLASSIFY_DEFAULTS.C;
    const standardize = o.standardize ?? CLASSIFY_DEFAULTS.standardize;
    this.fitted.classifier = await stage('classifier', () => fitClassifier(features, train.labels, { C, standardize, tolerance: CLASSIFIER_TOLERANCE }));
    this.trainedModels = trained;
    this.trainFeatures = features;
    return this;
  }

  /** The classes, in the order of predictProba's columns. */
  get classes(): string[] {
    return [...this.ready().classes];
  }

  /** The fitted autoencoders (shared, not copies). */
  get autoencoders(): readonly LstmAutoencoder[] {
    return this.ready().autoencoders;
  }

  /** How series become the models' windows (resampled to a length, or as they are and masked). */
  get shaping(): SeriesShaping {
    return { ...this.ready().shaping };
  }

  /** The distance features' settings (band, cap, shrink factor); null when the classifier has none. */
  get distanceSettings(): DistanceFeatureSettings | null {
    const d = this.ready().distances;
    return d ? { ...d.settings } : null;
  }

  /** The fitted logistic regression (and its standardiser). */
  get classifier(): Classifier<string> {
    return this.ready().classifier;
  }

  /**
   * Each series' features (N, F), and the largest difference between the float64 encoder
   * states and the models' own encode (0 when not asked to `check`: it costs an encode). Series of any length; labels, when the set has them,
   * must be of the fitted classes.
   */
  async transform(series: SeriesSet | Sequences, run: RunOptions & { check?: boolean } = {}): Promise<CheckedFeatures> {
    const set = this.checkInput(series);
    return this.featuresOf(set, run.check ?? true, run);
  }

  /** The most probable class of each series. */
  async predict(series: SeriesSet | Sequences, run: RunOptions = {}): Promise<string[]> {
    return this.classifier.predict(await this.featuresOf(this.checkInput(series), false, run));
  }

  /** Each class's probability for each series, (N, classes), columns in `classes` order. */
  async predictProba(series: SeriesSet | Sequences, run: RunOptions = {}): Promise<ClassProbabilities> {
    const f = await this.featuresOf(this.checkInput(series), false, run);
    const classes = this.classes;
    return { data: this.classifier.predictProba(f), shape: [f.rows, classes.length], classes };
  }

  /** Frees the models' kept worker threads; the classifier stays usable. */
  async dispose(): Promise<void> {
    for (const model of this.fitted?.autoencoders ?? []) await model.dispose();
  }

  /**
   * Everything needed to predict, as JSON: the autoencoders as their TF.js Layers files
   * (model.json's object and the weights, base64), with their scaling; the series' shaping;
   * the feature blocks and statistics; the standardiser; the logistic regression; the class names.
   */
  toJSON(): SeriesClassifierJson {
    return this.describe((model) => {
      const files = modelArtifacts(model);
      return { modelJson: JSON.parse(files.modelJson) as Record<string, unknown>, weights: bytesToBase64(files.weights) };
    });
  }

  /** The classifier toJSON described (its JSON object, or that object's text). */
  static fromJSON(json: unknown, source = 'classifier JSON'): SeriesClassifier {
    const parsed = typeof json === 'string' ? parseJsonOf(json, source) : json;
    return classifierFromDescription(parsed, source, (entry, k) => {
      const where = `${source}: autoencoders.${k}`;
      const files = v.safeParse(v.object({ modelJson: v.record(v.string(), v.unknown()), weights: v.string() }), entry);
      if (!files.success) throw new InputError(`${where}: expected { modelJson, weights } as toJSON writes them`);
      return modelFromArtifacts(files.output.modelJson, base64ToBytes(files.output.weights, `${where}.weights`), `${where}.modelJson`);
    });
  }

  /** Saves the classifier in `dir` as one set (classifier-folder.ts); Node only. Returns classifier.json's path. */
  async save(dir: string): Promise<string> {
    return (await classifierFiles()).saveClassifier(dir, this);
  }

  /** The classifier saved in `dir` (by save, or `lstm-ae classify --out`, which saves it in OUT/classifier); Node only. */
  static async load(dir: string): Promise<SeriesClassifier> {
    return (await classifierFiles()).loadClassifier(dir).classifier;
  }

  /** toJSON's object with each autoencoder as `entry` makes it (the files' own, or the names of files on disk). */
  describe(entry: (model: LstmAutoencoder, index: number) => unknown): SeriesClassifierJson {
    const f = this.ready();
    const { classifier } = f;
    return {
      format: CLASSIFIER_FORMAT,
      version: 1,
      generatedBy: `lstm-ae ${VERSION}`,
      classes: [...f.classes],
      channels: f.channels,
      series: { ...f.shaping },
      blocks: [...f.blocks],
      statistics: f.statistics ? [...f.statistics] : null,
      ...(f.distances ? { distances: distanceBlockToJSON(f.distances) } : {}),
      standardizer: classifier.standardizer ? { mean: Array.from(classifier.standardizer.mean), scale: Array.from(classifier.standardizer.scale) } : null,
      logistic: { coef: Array.from(classifier.coef), intercept: Array.from(classifier.intercept) },
      settings: settingsOf(this.options),
      autoencoders: f.autoencoders.map(entry),
    };
  }

  /** @internal: a classifier with these fitted parts (fromJSON's and loadClassifier's). */
  static fromParts(options: SeriesClassifierOptions, parts: NonNullable<SeriesClassifier['fitted']>): SeriesClassifier {
    const c = new SeriesClassifier(options);
    c.fitted = parts;
    c.trainedModels = parts.autoencoders.map((model, k) => ({ model, path: `autoencoders.${k}` }));
    return c;
  }

  private ready(): NonNullable<SeriesClassifier['fitted']> {
    if (!this.fitted) throw new InputError('the classifier has not been fitted: call fit, or load a saved one');
    return this.fitted;
  }

  /** The series as a set, checked against the fitted classifier (channels; labels, when given, of its classes): one InputError line otherwise. */
  checkInput(series: SeriesSet | Sequences): SeriesSet {
    const f = this.ready();
    const set = seriesSetOf(series);
    checkSeriesFor(set, { channels: f.channels, classes: f.classes, source: `the classifier (fitted on ${f.source})` });
    return set;
  }

  /**
   * The features of every series of `set`: each model's pooled encoder states, then the
   * statistics, then the distances (`leaveOneOut`: `set` is the training set, each series
   * compared with the others only).
   */
  private async featuresOf(set: SeriesSet, check: boolean, run: RunOptions = {}, leaveOneOut = false): Promise<CheckedFeatures> {
    const f = this.ready();
    const x = shapeSeries(set, f.shaping);
    const parts: FeatureMatrix[] = [];
    let largest = 0;
    for (const model of f.autoencoders) {
      const states = encoderStates(encoderWeights(model), scaled(model, x), model.config.recurrentActivation);
      // the same final states as the model's own (float32, fast path) encode: a check on the scaling and the equations
      if (check) largest = Math.max(largest, maxAbsDifference((await model.encode(x, threadsOf({ ...this.options, ...run }))).data, states.finalHidden));
      parts.push(stateFeatures(states, f.blocks));
    }
    if (f.statistics && f.statistics.length > 0) parts.push(selectColumns(seriesStatistics(set), f.statistics));
    if (f.distances) parts.push(distanceBlockFeatures(f.distances, set, leaveOneOut));
    return { ...concatColumns(parts), check: largest };
  }

  private async trainOne(
    shaping: SeriesShaping,
    channels: number,
    seed: number,
    fitPart: AnySequences,
    validation: AnySequences,
    callbacks: FitCallbacks | undefined,
  ): Promise<{ model: LstmAutoencoder; history: History }> {
    const o = this.options;
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
      batchSize: Math.min(o.batchSize ?? defaultBatchSize(shaping), sequenceCount(fitPart)),
      validationData: validation,
      earlyStopping: { patience: o.patience ?? CLASSIFY_DEFAULTS.patience },
      optimizer: { name: 'adam', learningRate: o.learningRate ?? CLASSIFY_DEFAULTS.learningRate },
      ...threadsOf(o),
      ...(callbacks ? { callbacks } : {}),
    });
    return { model, history };
  }
}

function threadsOf(o: SeriesClassifierOptions): { threads?: number } {
  return o.threads !== undefined ? { threads: o.threads } : {};
}

function encoderWeights(model: LstmAutoencoder) {
  const w = model.getWeights();
  return { kernel: w['encoder/kernel'], recurrentKernel: w['encoder/recurrent_kernel'], bias: w['encoder/bias'] };
}

/** The windows as the model's network sees them (its own scaling applied). */
function scaled(model: LstmAutoencoder, x: AnySequences): AnySequences {
  const scaling = model.scaling;
  if (!scaling) throw new InputError('the model normalizes but carries no statistics: give a fitted model');
  return scaledSequences(x, scaling);
}

/** The hyper-parameters as given (threads left out: a property of the machine, not of the classifier). */
function settingsOf(o: SeriesClassifierOptions): Record<string, unknown> {
  const { threads: _threads, seeds, ...rest } = o;
  return { ...rest, ...(seeds ? { seeds: [...seeds] } : {}) };
}

/** Where a classifier folder is saved or loaded from: Node's files, loaded only when asked (browsers have none). */
async function classifierFiles(): Promise<typeof import('./classifier-folder.js')> {
  const onNode = typeof globalThis.process === 'object' && typeof globalThis.process.versions?.node === 'string';
  if (!onNode) throw new Error('saving and loading classifier folders needs Node (lstm-ae/node); in a browser use toJSON/fromJSON');
  // not a literal, so a browser bundle of the core leaves the file code out (as LstmAutoencoder.save does)
  const specifier: string = './classifier-folder.js';
  return (await import(specifier)) as typeof import('./classifier-folder.js');
}

// ─── The saved form ───

const finite = finiteNumber();
const describedSchema = v.object({
  format: v.literal(CLASSIFIER_FORMAT),
  version: v.literal(1),
  generatedBy: v.optional(v.string()),
  classes: v.pipe(v.array(v.string()), v.minLength(2)),
  channels: integerIn(LIMITS.inputDim.min, LIMITS.inputDim.max),
  series: v.object({ kind: v.picklist(['resample', 'native']), steps: integerIn(2, LIMITS.timesteps.max) }),
  blocks: v.pipe(v.array(v.picklist(STATE_BLOCKS)), v.minLength(1)),
  statistics: v.nullable(v.array(integerIn(0))),
  distances: v.optional(distanceBlockSchema),
  standardizer: v.nullable(v.object({ mean: v.array(finite), scale: v.array(v.pipe(finite, v.gtValue(0))) })),
  logistic: v.object({ coef: v.array(finite), intercept: v.array(finite) }),
  settings: v.record(v.string(), v.unknown()),
  autoencoders: v.pipe(v.array(v.unknown()), v.minLength(1)),
});

export type SeriesClassifierJson = v.InferOutput<typeof describedSchema>;

function parseJsonOf(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InputError(`${source}: not JSON (${(err as Error).message.split('\n')[0]}); expected a classifier as toJSON writes it`);
  }
}

/**
 * The classifier a description holds (toJSON's object, or classifier.json with file names),
 * each autoencoder made by `modelOf`; checked part by part against each other, so a file
 * put together from two classifiers is one InputError line, not wrong labels.
 */
export function classifierFromDescription(json: unknown, source: string, modelOf: (entry: unknown, index: number) => LstmAutoencoder): SeriesClassifier {
  const parsed = v.safeParse(describedSchema, json);
  if (!parsed.success) {
    const issue = firstIssue(parsed.issues, 'the file');
    throw new InputError(`${source}: ${issue.where}: ${issue.message}; expected a classifier saved by lstm-ae classify or SeriesClassifier`);
  }
  const j = parsed.output;
  const fail = (what: string): never => {
    throw new InputError(`${source}: ${what}; expected a classifier saved by lstm-ae classify or SeriesClassifier`);
  };
  if (new Set(j.classes).size !== j.classes.length) fail('classes lists a class twice');
  const autoencoders = j.autoencoders.map((entry, k) => modelOf(entry, k));
  autoencoders.forEach((model, k) => {
    if (model.config.inputDim !== j.channels) fail(`autoencoder ${k} takes ${model.config.inputDim} channels, the classifier ${j.channels}`);
    const masked = model.config.maskValue !== undefined && model.config.maskValue !== null;
    if (masked !== (j.series.kind === 'native')) fail(`autoencoder ${k} is ${masked ? '' : 'not '}masked, but the series are ${j.series.kind === 'native' ? 'kept at their lengths' : 'resampled'}`);
  });
  const statistics = j.statistics;
  if (statistics && statistics.some((c) => c >= 1 + 2 * j.channels)) fail(`statistics names a column past the ${1 + 2 * j.channels} of ${j.channels} channels`);
  const distances = j.distances ? distanceBlockFromJSON(j.distances, j.classes.length, j.channels, source) : null;
  const features = autoencoders.reduce((n, m) => n + j.blocks.length * m.config.latentDim, 0) + (statistics?.length ?? 0) + (distances ? j.classes.length : 0);
  const rows = j.classes.length === 2 ? 1 : j.classes.length;
  if (j.logistic.coef.length !== rows * features || j.logistic.intercept.length !== rows) {
    fail(`logistic has ${j.logistic.coef.length} coefficients and ${j.logistic.intercept.length} intercepts; ${j.classes.length} classes of ${features} features need ${rows * features} and ${rows}`);
  }
  if (j.standardizer && (j.standardizer.mean.length !== features || j.standardizer.scale.length !== features)) {
    fail(`standardizer has ${j.standardizer.mean.length} means and ${j.standardizer.scale.length} scales; expected ${features} each`);
  }
  const classifier = classifierFromParameters({
    classes: [...j.classes],
    standardizer: j.standardizer ? standardizerFrom(Float64Array.from(j.standardizer.mean), Float64Array.from(j.standardizer.scale)) : null,
    coef: Float64Array.from(j.logistic.coef),
    intercept: Float64Array.from(j.logistic.intercept),
  });
  return SeriesClassifier.fromParts(optionsOf(j.settings), {
    classes: [...j.classes], channels: j.channels, shaping: { ...j.series }, blocks: [...j.blocks], statistics: statistics ? [...statistics] : null,
    distances, autoencoders, classifier, source,
  });
}

/** The hyper-parameters a saved classifier was fitted with, as far as they read as such (they change no prediction). */
function optionsOf(settings: Record<string, unknown>): SeriesClassifierOptions {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(settings)) {
    if (['latent', 'epochs', 'patience', 'batchSize', 'learningRate', 'C'].includes(key) && typeof value === 'number') out[key] = value;
    if (['decoder', 'normalize'].includes(key) && typeof value === 'string') out[key] = value;
    if (key === 'length' && (typeof value === 'number' || value === 'native')) out[key] = value;
    if ((key === 'standardize' || key === 'distances') && typeof value === 'boolean') out[key] = value;
    if (key === 'seeds' && Array.isArray(value) && value.every((s) => Number.isInteger(s))) out[key] = value;
  }
  return out as SeriesClassifierOptions;
}
