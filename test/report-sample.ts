import { featuresChart, lossChart, pcaChart, reconstructionChart, sineClassesChart } from '../src/report/charts.js';
import type { ReportData } from '../src/report/html-report.js';
import { renderSvg } from '../src/report/render.js';
import { syntheticRun, type SyntheticRun } from './report-synthetic.js';

/**
 * A complete ReportData built from the synthetic run, every figure rendered for real, as
 * the demo would build it. `every` is smaller than the article's 1000 because the
 * synthetic classes have fewer windows; the charts are otherwise the same.
 */
export async function sampleReportData(run: SyntheticRun = syntheticRun(), every = 200): Promise<ReportData> {
  const recon = (windows: SyntheticRun['class0'], classLabel: string) =>
    reconstructionChart({ original: run.windows, reconstruction: run.reconstruction, shape: run.shape, windows, classLabel, every });
  const figure = async (title: string, caption: string, spec: Parameters<typeof renderSvg>[0]) =>
    ({ title, caption, svg: await renderSvg(spec) });

  return {
    title: 'lstm-ae demo <synthetic> & "fake"',
    subtitle: 'synthetic data for the report tests: no model was trained',
    settings: { epochs: 30, batch_size: 500, latent: run.latent, optimizer: 'rmsprop', shuffle: true, note: '<b>not bold</b>' },
    timings: { 'data': 0.12, 'training': 83.4, 'features (both ways)': 1.9, 'classifier': 0.05 },
    metrics: { testAccuracy: 1, trainMse: 0.0213456, featureCheckMaxAbsDiff: 3.1e-7 },
    confusion: { classes: ['class 0', 'class 1'], matrix: [[50, 0], [0, 250]] },
    loss: await figure('Loss per epoch', 'training and validation loss (MSE) after each epoch', lossChart(run.history)),
    figures: [
      await figure('The two sine classes', 'the first 80 samples of each class', sineClassesChart(run.series0, run.series1)),
      await figure('Reconstructions, class 0', 'original blue, reconstruction red', recon(run.class0, 'class 0')),
      await figure('Reconstructions, class 1', 'original blue, reconstruction red', recon(run.class1, 'class 1')),
      await figure('Encoder features', 'one period of each class', featuresChart({
        features: run.features, latent: run.latent,
        classes: [{ label: 'class 0', windows: run.class0, period: 20 }, { label: 'class 1', windows: run.class1, period: 80 }],
      })),
      await figure('PCA of the test features', 'coloured by class', pcaChart(run.projections, run.labels, { explainedVariance: [0.7, 0.1] })),
    ],
  };
}
