/**
 * lstm-ae, the core: models, training, the estimators, readers from text or bytes and the
 * statistics, with no Node module and no chart library, so it runs in Node, a browser (give
 * it a FastPlatform with installFastPlatform) and a bundler alike. Files and worker threads:
 * `lstm-ae/node`; charts and HTML reports: `lstm-ae/report`.
 * Layer by layer: ops → fast → train → models → data, io → analysis → tasks.
 */

export { InputError } from './input-error.js';
export { VERSION } from './version.js';

// fast: the fast path's platform seam (Node's installs itself; a browser build supplies its own)
export { installFastPlatform, fastPlatform, type FastPlatform, type WorkerGroup, type CreateJobRunner } from './fast/platform.js';
export { createBrowserPlatform, sharesMemory, type BrowserPlatformOptions } from './fast/browser-platform.js';

// ops: the math, plain forward/backward pairs over flat buffers
export { ParamLayout, type FloatArray, type TensorSpec } from './ops/param-layout.js';
export { lstmForward, lstmBackward, lstmBackwardScratch } from './ops/lstm.js';
export { denseForward, denseBackward } from './ops/dense.js';
export { mseForward, mseBackward, type StepMask } from './ops/mse.js';
export { glorotUniform, orthogonal, unitForgetBias, zeros } from './ops/initializers.js';
export { Rmsprop, Adam, Sgd, type Optimizer, type OptimizerState } from './ops/optimizers.js';
export { OPTIMIZERS, DEFAULT_LEARNING_RATE } from './train/optimizer-config.js';
export { RandomState, type RandomStateSnapshot } from './ops/random-state.js';

// models and training
export { autoencoderLayout, WEIGHT_NAMES, type WeightName, type AutoencoderDims, type DecoderKind } from './models/autoencoder/layout.js';
export { DEFAULT_VARIANT, ARTICLE_VARIANT, AUTOENCODER_DEFAULTS, DECODERS, OUTPUT_ACTIVATIONS, MASK_VALUE, variantOf, type AutoencoderVariant, type OutputActivation } from './models/autoencoder/config.js';
export { LstmAutoencoder, type ShapedArray, type RaggedArray, TrainingDivergedError, DivergenceGuard, DEFAULT_DIVERGENCE_FACTOR, createOptimizer } from './models/autoencoder/lstm-autoencoder.js';
export type {
  AutoencoderConfig, AutoencoderConfigInput, Sequences, RaggedSequences, AnySequences, OptimizerName, OptimizerConfig,
  EpochLogs, FitCallbacks, FitOptions, History,
} from './models/autoencoder/lstm-autoencoder.js';
export type { GradientStep, ModelDims, EngineName, EngineOptions } from './train/gradient-step.js';
export { ReferenceStep, referenceForward, type Precision, type StepDims, type ForwardOutputs } from './models/autoencoder/reference-step.js';

// data (the article's sine waves) and files
export { makeSineData, sineSeries, type SineData } from './data/sine-data.js';
export { makeAnomalySeries, anomalySeriesCsv, DEFAULT_ANOMALY_SERIES, type AnomalySeries } from './data/anomaly-series.js';
export { parseSineDataConfig, DEFAULT_SINE_DATA_CONFIG, type SineDataConfig } from './data/sine-data-config.js';
export { parseNpy, encodeNpy, type NpyArray, type NpyDtype } from './io/npy.js';
export { SUPPORTED_LAYER_CLASSES } from './io/tfjs/topology-read.js';
export { modelArtifacts, modelContents, modelFromArtifacts, type SavableAutoencoder } from './io/tfjs/artifacts.js';
export { parseTfjsModel, artifactShards, type TfjsModelRead } from './io/tfjs/parse-model.js';
export type { EncodedTfjsModel } from './io/tfjs/write.js';
export type { TfjsModelContents } from './io/tfjs/model-contents.js';
export { toSequences, toRaggedSequences, seriesLength, type SeriesSet } from './io/series-set.js';
export { toOnnx, ONNX_PARTS, type OnnxPart, type ToOnnxOptions, type ExportableAutoencoder } from './io/onnx/autoencoder-graph.js';
export { parseSeries, withLabels, formatOfPath, SERIES_FORMATS, type SeriesFormat, type ParseSeriesOptions } from './io/parse-series.js';
export { parseTimeSeriesCsv, type TimeSeriesCsvOptions, type TimeSeriesTable } from './io/readers/timeseries-csv.js';

// training pieces beside fit
export { fitScaling, applyScaling, invertScaling, NORMALIZATIONS, type Normalization, type Scaling } from './train/scaling.js';
export { EarlyStopping, type EarlyStoppingOptions, type EarlyStoppingState } from './train/early-stopping.js';
export { splitValidation, splitValidationRandom } from './train/validation-split.js';

// analysis
export { lstmFinalHidden, splitParams, sigmoid, hardSigmoid } from './analysis/lstm-feed-forward.js';
export type { LstmWeights, LstmInput, LstmFeedForwardOptions, RecurrentActivation } from './analysis/lstm-feed-forward.js';
export { fitLogisticRegression, type FeatureMatrix, type LogisticRegressionModel, type LogisticRegressionOptions } from './analysis/logistic-regression.js';
export { fitMultinomialLogisticRegression, fitClassifier, classifierFromParameters, sortedClasses, type Classifier, type ClassLabel } from './analysis/logistic-regression.js';
export { fitStandardizer, standardizerFrom, type Standardizer } from './analysis/standardize.js';
export { dtwCost, dtwDistance, nearestNeighbourDtw } from './analysis/dtw.js';
export { oneNearestNeighbour, logisticOnRaw, resampleLinear } from './analysis/baselines.js';
export { scoreCorpus } from './analysis/nab/score-corpus.js';
export { windowedGaussianScores } from './analysis/nab/windowed-gaussian.js';
export { accuracy, confusionMatrix, classCounts, meanSquaredError, maxAbsDifference } from './analysis/metrics.js';
export { pca, symmetricEigen, type PcaResult } from './analysis/pca.js';
export { resampleSeries } from './analysis/resample.js';
export { encoderStates, stateFeatures, STATE_BLOCKS, type EncoderStates, type StateBlock } from './analysis/encoder-states.js';
export { seriesStatistics, seriesStatisticNames } from './analysis/series-statistics.js';

// tasks: the estimators (fit / score, no files)
export { fitDetector, scoreSeries, checkedTrainingWindows, DEFAULT_DETECTOR_SETTINGS } from './tasks/detect/detector.js';
export { fprThreshold } from './analysis/anomaly/thresholds.js';
export { AnomalyDetector, type AnomalyDetectorOptions, type WindowReconstruction, type SeriesInput, type FitDetectorOptions, type ScoreOptions, type Detection, type LiveScore, type TrainingSummary } from './tasks/detect/anomaly-detector.js';
export { TELEMANOM_DEFAULTS, DEFAULT_THRESHOLD, type ThresholdChoice } from './tasks/detect/flagging.js';
export { DETECTOR_FILE, parseDetectorJson, type DetectorJson, type DetectorColumns } from './tasks/detect/detector-json.js';
export type { ThresholdRule } from './analysis/anomaly/scorer.js';
export type { AnomalyInterval } from './analysis/anomaly/intervals.js';
export { TRAIN_DEFAULTS, defaultBatchSize } from './tasks/train/defaults.js';
export { DETECT_MODEL, DETECT_TRAINING } from './tasks/detect/model.js';
export { SeriesClassifier, classifierFromDescription, CLASSIFIER_FORMAT, type SeriesClassifierOptions, type SeriesClassifierFitOptions, type SeriesClassifierJson, type ClassProbabilities, type CheckedFeatures, type RunOptions } from './tasks/classify/series-classifier.js';
export { CLASSIFY_DEFAULTS } from './tasks/classify/data.js';
export { checkFeatures, FEATURE_CHECK_TOLERANCE, type FeatureCheck, type FeatureSet } from './tasks/article/feature-check.js';
