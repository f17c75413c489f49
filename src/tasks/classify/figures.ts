import { join } from 'node:path';
import type { FeatureMatrix } from '../../analysis/logistic-regression.js';
import { pca } from '../../analysis/pca.js';
import { fitStandardizer } from '../../analysis/standardize.js';
import type { AnySequences, History, LstmAutoencoder } from '../../models/autoencoder/lstm-autoencoder.js';
import { WindowSet } from '../../train/window-set.js';
import { accuracyChart, classPcaChart, ensembleLossChart, reconstructionByClassChart, seriesByClassChart, type DrawnSeries } from '../../report/classify-charts.js';
import { writeClassifyReportHtml, type MethodScore } from './report.js';
import type { ReportFigure } from '../../report/html-report.js';
import { writeFigure } from '../../report/render.js';
import type { BaselineScore, ClassifyMetrics } from './job.js';
import { rawBaselineSteps, type LabelledSet, type SeriesShaping } from './data.js';

export interface ClassifyReportInputs {
  metrics: ClassifyMetrics;
  train: LabelledSet;
  test: LabelledSet;
  shaping: SeriesShaping;
  /** the windows the models saw */
  x: { train: AnySequences; test: AnySequences };
  models: readonly { model: LstmAutoencoder; path: string; history?: History; seed?: number }[];
  features: { train: FeatureMatrix; test: FeatureMatrix };
  predicted: readonly string[];
  euclidean: BaselineScore;
  dtw: BaselineScore;
  raw: BaselineScore;
}

/** Series drawn per class in the data figure: fewer when there are many classes, to keep the page light. */
function seriesPerClass(classCount: number): number {
  return classCount > 6 ? 2 : 3;
}

/** The first `count` training series of each class, by index. */
function firstOfEachClass(labels: readonly string[], classes: readonly string[], count: number): number[] {
  return classes.flatMap((c) => labels.map((l, i) => (l === c ? i : -1)).filter((i) => i >= 0).slice(0, count));
}

/** One sentence: did the autoencoder's features beat the baselines? */
export function verdictSentence(ours: number, baselines: readonly { method: string; accuracy: number }[]): string {
  const beaten = baselines.filter((b) => ours > b.accuracy);
  const best = baselines.reduce((a, b) => (b.accuracy > a.accuracy ? b : a));
  const f = (v: number) => v.toFixed(3);
  if (beaten.length === baselines.length) return `The autoencoder's features beat every baseline on this data: ${f(ours)} against ${f(best.accuracy)} for the best, ${best.method}.`;
  if (beaten.length === 0) return `Every baseline does at least as well as the autoencoder's features on this data (${f(ours)}; ${best.method} ${f(best.accuracy)}): here they did not earn their keep.`;
  const lost = baselines.filter((b) => ours <= b.accuracy);
  return `The autoencoder's features (${f(ours)}) beat ${beaten.map((b) => `${b.method} (${f(b.accuracy)})`).join(' and ')}, but not ${lost.map((b) => `${b.method} (${f(b.accuracy)})`).join(' or ')}.`;
}

/** Every figure as SVG and PNG in `dir`, and report.html. */
export async function writeClassifyReport(dir: string, r: ClassifyReportInputs): Promise<void> {
  const { metrics, train, test, shaping } = r;
  const classes = metrics.classes;
  const figure = async (name: string, title: string, caption: string, spec: Parameters<typeof writeFigure>[2]): Promise<ReportFigure> => {
    const written = await writeFigure(dir, name, spec);
    return { title, caption: `${caption} (${name}.png)`, svg: written.svg };
  };

  const shown = firstOfEachClass(train.labels, classes, seriesPerClass(classes.length));
  const drawn: DrawnSeries[] = shown.map((i) => ({ label: train.labels[i]!, name: `series ${i}`, values: train.series[i]!, channels: train.channels }));
  const data = [
    await figure('data', 'The data', `Up to ${seriesPerClass(classes.length)} training series of each class, as the file gives them.`, seriesByClassChart(drawn, classes)),
  ];

  const training: ReportFigure[] = [];
  const trained = r.models.filter((m) => m.history !== undefined);
  if (trained.length > 0) {
    const histories = trained.map((m) => ({
      name: `seed ${m.seed}`,
      loss: m.history!.history.loss,
      valLoss: m.history!.history.val_loss,
      bestEpoch: m.history!.earlyStopping ? m.history!.earlyStopping.bestEpoch + 1 : undefined,
    }));
    training.push(await figure('loss', 'Loss per epoch', 'Mean squared error of each model on its training series and on the held-out validation series; each model keeps the weights of its lowest validation loss.', ensembleLossChart(histories)));
  }
  const first = r.models[0]!.model;
  const perClass = firstOfEachClass(train.labels, classes, 1);
  // the first series of each class as the model took them, end to end (ragged: no padding)
  const picked = WindowSet.of(r.x.train).pick(perClass);
  const D = picked.features;
  const lengths = Int32Array.from(perClass, (_, k) => picked.length(k));
  const values = Float32Array.from(perClass.flatMap((_, k) => Array.from(picked.values(k))));
  const reconstruction = (await first.predict({ data: values, lengths, features: D })).data;
  await first.dispose();
  let at = 0;
  const reconstructed = perClass.map((i, k) => {
    const span = [at, (at += lengths[k]! * D)] as const;
    return {
      label: train.labels[i]!, name: `series ${i}`, channels: D,
      values: values.subarray(...span),
      reconstruction: reconstruction.subarray(...span),
    };
  });
  const seen = shaping.kind === 'resample' ? `resampled to ${shaping.steps} steps` : 'at their own lengths';
  training.push(await figure('reconstructions', 'Reconstructions', `The first model's reconstruction of the first training series of each class, ${seen}, in the data's units.`,
    reconstructionByClassChart(reconstructed, classes, `series ${seen}; original blue, reconstruction red`)));

  const standardizer = fitStandardizer(r.features.train);
  const projection = pca(standardizer.transform(r.features.test), 2);
  const features = [
    await figure('features_pca', 'The test series\' features in two dimensions', `The ${metrics.features} features of every test series, standardised as the classifier sees them, projected onto their first two principal components.`,
      classPcaChart(projection.projections, test.labels, classes, [projection.explainedVarianceRatio[0]!, projection.explainedVarianceRatio[1]!], `${test.labels.length} test series, coloured by their true class`)),
  ];

  const scores: MethodScore[] = [
    { method: 'autoencoder features', accuracy: metrics.test_accuracy, seconds: metrics.train_seconds + (metrics.seconds['features'] ?? 0) + (metrics.seconds['classifier'] ?? 0), detail: `logistic regression on ${metrics.features} features from ${r.models.length} autoencoder${r.models.length === 1 ? '' : 's'}; the time includes training`, ours: true },
    { method: '1-NN Euclidean', accuracy: r.euclidean.accuracy, seconds: r.euclidean.seconds, detail: 'series resampled to the longest training length' },
    { method: '1-NN DTW', accuracy: r.dtw.accuracy, seconds: r.dtw.seconds, detail: 'full window, series as they are' },
    { method: 'logistic regression, raw values', accuracy: r.raw.accuracy, seconds: r.raw.seconds, detail: `resampled to ${rawBaselineSteps(shaping)} steps${shaping.kind === 'resample' ? ', as the models see them' : ''}; standardised, C 1` },
  ];
  const results = [
    await figure('accuracy', 'Accuracy against the baselines', 'Test accuracy of the autoencoder\'s features and of the three baselines on the same split.', accuracyChart(scores)),
  ];

  writeClassifyReportHtml(join(dir, 'report.html'), {
    title: 'lstm-ae classify',
    subtitle: `${train.source} → ${test.source}, ${new Date().toISOString()}`,
    scores,
    verdict: verdictSentence(metrics.test_accuracy, scores.filter((s) => !s.ours)),
    trainAccuracy: metrics.train_accuracy,
    settings: metrics.settings,
    timings: { ...metrics.seconds, total: (metrics.total_seconds || Object.values(metrics.seconds).reduce((a, b) => a + b, 0)) },
    confusion: { classes, matrix: metrics.confusion_matrix_test },
    figures: { data, training, features, results },
    featureNote: `Each series' features are the mean and the maximum over its steps of every unit of the encoder's hidden state, from each model${metrics.features > 2 * metrics.latent * r.models.length ? ', then its log length, mean and log standard deviation per channel (what per-series scaling hides from the models)' : ''}. The final hidden states computed this way agree with the models' own encode to ${metrics.feature_check_max_abs_diff.toExponential(1)}.`,
  });
}
