/**
 * lstm-ae for Node: the core (everything `lstm-ae` exports) plus files, model folders and the
 * jobs the commands run. The fast path's worker threads install themselves on Node.
 */
export * from './index.js';

// files: series, arrays, models (the core parses their contents; these read and write paths)
export { readSeries, readLabelsFile, readTimeSeriesCsv, type ReadSeriesOptions } from './io/read-series.js';
export { readNpy, writeNpy } from './io/npy-file.js';
export { readTrainingData, readModelInput, type TrainingData } from './io/training-data.js';
export { saveModel, readTfjsModel, writeTfjsModel, type SavableAutoencoder, type TfjsModelContents } from './io/tfjs/format.js';
export { loadModel } from './io/tfjs/load-model.js';

// the fast path's Node platform (installed by itself; exported for a custom setup)
export { nodePlatform } from './fast/node-platform.js';

// jobs: what the commands run, with their run folders, outputs and reports
export { runTrainJob, type TrainOptions, type TrainJobResult, type TrainSummary } from './tasks/train/job.js';
export { runArticleExperiment, FeatureCheckError, type ArticleExperimentOptions, type ArticleMetrics } from './tasks/article/experiment.js';
export { runSeedSweep, type SeedSweepOptions, type SeedSweepSummary, type SeedSweepRow, type SweepSettings } from './tasks/article/sweep.js';
export { runClassify, type ClassifyOptions, type ClassifyMetrics } from './tasks/classify/job.js';
export { saveClassifier, loadClassifier, CLASSIFIER_FILE, CLASSIFIER_FOLDER } from './tasks/classify/classifier-folder.js';
export { predictClassifierInput, type ClassifyInputMetrics } from './tasks/classify/predict-job.js';
export { runDetectJob, followDetect, type DetectJobOptions, type DetectMetrics } from './tasks/detect/job.js';
export { saveDetector, loadDetector } from './tasks/detect/detector-file.js';
