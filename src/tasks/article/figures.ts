import type { SineData } from '../../data/sine-data.js';
import { pca } from '../../analysis/pca.js';
import type { History } from '../../models/autoencoder/lstm-autoencoder.js';
import { featuresChart, lossChart, pcaChart, reconstructionChart, sineClassesChart } from '../../report/charts.js';
import type { ReportFigure } from '../../report/html-report.js';
import { writeFigure } from '../../report/render.js';

export interface ArticleFigureInputs {
  data: SineData;
  /** the model's reconstruction of every training window, (N,T,1) */
  reconstruction: Float32Array;
  /** the encoder features (the plain feed-forward's), (N,L) */
  features: { train: Float64Array; test: Float64Array };
  history: History;
  latentDim: number;
}

/** Windows of class k in the training set: class 0 comes first, then class 1. */
function classRange(labels: Int32Array, k: number): { start: number; end: number } {
  const start = labels.indexOf(k);
  return { start, end: labels.lastIndexOf(k) + 1 };
}

/**
 * The article's figures, each written as SVG and PNG into `dir`: the two classes, the
 * reconstructions per class, the features over one period, the loss, the PCA of the
 * test features. Returns them for the report (the loss curve separately).
 */
export async function writeArticleFigures(dir: string, f: ArticleFigureInputs): Promise<{ loss: ReportFigure; others: ReportFigure[] }> {
  const { data, latentDim } = f;
  const classes = [classRange(data.yTrain, 0), classRange(data.yTrain, 1)];
  const [samples0, samples1] = data.config.samplingNumPair;
  const projection = pca({ data: f.features.test, rows: data.testShape[0], cols: latentDim }, 2);

  const figure = async (name: string, title: string, caption: string, spec: Parameters<typeof writeFigure>[2]) => {
    const written = await writeFigure(dir, name, spec);
    return { title, caption: `${caption} (${name}.png)`, svg: written.svg };
  };
  const loss = await figure('loss', 'Loss per epoch', 'Training loss and validation loss (the training windows, as in the article).',
    lossChart(f.history.history));
  const others = [
    await figure('sine_classes', 'The two classes', `The first 80 points of each series: ${samples0} and ${samples1} samples per cycle.`,
      sineClassesChart(data.series[0], data.series[1], 80)),
    ...(await Promise.all([0, 1].map((k) => figure(`reconstruction_class${k}`, `Reconstructions, class ${k}`,
      'Every 1000th training window of the class and the four after it: original blue, reconstruction red.',
      reconstructionChart({
        original: data.xTrain, reconstruction: f.reconstruction, shape: data.trainShape,
        windows: classes[k]!, classLabel: `class ${k}`,
      }))))),
    await figure('features', 'Encoder features over one period',
      `The ${latentDim} features of consecutive training windows over one period of each class.`,
      featuresChart({
        features: f.features.train, latent: latentDim,
        classes: [
          { label: 'class 0', windows: classes[0]!, period: samples0 },
          { label: 'class 1', windows: classes[1]!, period: samples1 },
        ],
      })),
    await figure('features_pca', 'Test features in two dimensions',
      'Features of every test window projected onto their first two principal components.',
      pcaChart(projection.projections, data.yTest, {
        explainedVariance: [projection.explainedVarianceRatio[0]!, projection.explainedVarianceRatio[1]!],
      })),
  ];
  return { loss, others };
}
