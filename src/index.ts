/** lstm-ae public API, layer by layer: ops → fast → train → models → data, io → analysis → report → tasks. */

export { InputError } from './input-error.js';
export { parseSettings, type SettingsWords } from './settings.js';

// fast: the fast path's platform seam (Node's installs itself; a browser build supplies its own)
export { installFastPlatform, fastPlatform, type FastPlatform, type WorkerGroup, type CreateJobRunner } from './fast/platform.js';

// ops: the math, plain forward/backward pairs over flat buffers
export { ParamLayout, type FloatArray, type TensorSpec } from './ops/param-layout.js';
export { lstmForward, lstmBackward, lstmBackwardScratch } from './ops/lstm.js';
export { denseForward, denseBackward } from './ops/dense.js';
export { mseForward, mseBackward, type StepMask } from './ops/mse.js';
export { glorotUniform, orthogonal, unitForgetBias, zeros } from './ops/initializers.js';
export { Rmsprop, Adam, Sgd, type Optimizer, type OptimizerState } from './ops/optimizers.js';
export { RandomState, type RandomStateSnapshot } from './ops/random-state.js';

// models and training
export { autoencoderLayout, WEIGHT_NAMES, type WeightName, type AutoencoderDims, type DecoderKind } from './models/autoencoder/layout.js';
export { DEFAULT_VARIANT, variantOf, type AutoencoderVariant, type OutputActivation } from './models/autoencoder/config.js';
export { LstmAutoencoder, TrainingDivergedError, DivergenceGuard, DEFAULT_DIVERGENCE_FACTOR, createOptimizer } from './models/autoencoder/lstm-autoencoder.js';
export type {
  AutoencoderConfig, AutoencoderConfigInput, Sequences, OptimizerName, OptimizerConfig,
  EpochLogs, FitCallbacks, FitOptions, History,
} from './models/autoencoder/lstm-autoencoder.js';
export type { GradientStep, ModelDims, EngineName, EngineOptions } from './train/gradient-step.js';
export { ReferenceStep, referenceForward, type Precision, type StepDims, type ForwardOutputs } from './models/autoencoder/reference-step.js';
export { saveModel, loadModel, readTfjsModel, writeTfjsModel, type SavableAutoencoder, type TfjsModelContents } from './io/tfjs/format.js';

// data (the article's sine waves) and files
export { makeSineData, sineSeries, type SineData } from './data/sine-data.js';
export { parseSineDataConfig, DEFAULT_SINE_DATA_CONFIG, type SineDataConfig } from './data/sine-data-config.js';
export { readNpy, writeNpy, parseNpy, encodeNpy, type NpyArray, type NpyDtype } from './io/npy.js';
export { SUPPORTED_LAYER_CLASSES } from './io/tfjs/topology-read.js';
export { toSequences, seriesLength, type SeriesSet } from './io/series-set.js';
export { readSeries, formatOfPath, SERIES_FORMATS, type SeriesFormat, type ReadSeriesOptions } from './io/read-series.js';
export { readTrainingData, readModelInput, MASK_VALUE, type TrainingData } from './io/training-data.js';

// training pieces beside fit
export { fitScaling, applyScaling, invertScaling, NORMALIZATIONS, type Normalization, type Scaling } from './train/scaling.js';
export { EarlyStopping, type EarlyStoppingOptions, type EarlyStoppingState } from './train/early-stopping.js';
export { splitValidation, splitValidationRandom } from './train/validation-split.js';

// analysis
export { lstmFinalHidden, splitParams, sigmoid, hardSigmoid } from './analysis/lstm-feed-forward.js';
export type { LstmWeights, LstmInput, LstmFeedForwardOptions, RecurrentActivation } from './analysis/lstm-feed-forward.js';
export { fitLogisticRegression, type FeatureMatrix, type LogisticRegressionModel, type LogisticRegressionOptions } from './analysis/logistic-regression.js';
export { fitMultinomialLogisticRegression, fitClassifier, sortedClasses, type Classifier, type ClassLabel } from './analysis/logistic-regression.js';
export { fitStandardizer, type Standardizer } from './analysis/standardize.js';
export { dtwCost, dtwDistance, nearestNeighbourDtw } from './analysis/dtw.js';
export { oneNearestNeighbour, logisticOnRaw, resampleLinear } from './analysis/baselines.js';
export { scoreCorpus } from './analysis/nab/score-corpus.js';
export { windowedGaussianScores } from './analysis/nab/windowed-gaussian.js';
export { accuracy, confusionMatrix, classCounts, meanSquaredError, maxAbsDifference } from './analysis/metrics.js';
export { pca, symmetricEigen, type PcaResult } from './analysis/pca.js';
export { resampleSeries } from './analysis/resample.js';
export { encoderStates, stateFeatures, STATE_BLOCKS, type EncoderStates, type StateBlock } from './analysis/encoder-states.js';
export { seriesStatistics, seriesStatisticNames } from './analysis/series-statistics.js';

// report
export { sineClassesChart, reconstructionChart, featuresChart, lossChart, pcaChart } from './report/charts.js';
export type { WindowSelection, ReconstructionChartInput, FeaturesChartInput, FeatureClass, LossHistory, PcaChartOptions } from './report/charts.js';
export { renderSvg, svgToPng, svgToRaster, writeFigure, type RenderOptions, type Raster, type WrittenFigure } from './report/render.js';
export { buildReportHtml, writeReport, escapeHtml } from './report/html-report.js';
export type { ReportData, ReportFigure, ReportMetrics, ConfusionMatrix } from './report/html-report.js';

// tasks
export { runArticleExperiment, FeatureCheckError, type ArticleExperimentOptions, type ArticleMetrics } from './tasks/article/experiment.js';
export { checkFeatures, FEATURE_CHECK_TOLERANCE, type FeatureCheck, type FeatureSet } from './tasks/article/feature-check.js';
export { runClassify, CLASSIFY_DEFAULTS, type ClassifyOptions, type ClassifyMetrics } from './tasks/classify/job.js';
export { runDetectJob, followDetect, type DetectJobOptions, type DetectMetrics } from './tasks/detect/job.js';
export { fitDetector, scoreSeries } from './tasks/detect/detector.js';
export { runSeedSweep, type SeedSweepOptions, type SeedSweepSummary, type SeedSweepRow, type SweepSettings } from './tasks/article/sweep.js';
