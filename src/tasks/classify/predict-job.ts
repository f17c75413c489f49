import { join } from 'node:path';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { COMPLETION_FILE } from '../../io/run-folder.js';
import type { SeriesSet } from '../../io/series-set.js';
import { accuracyOf, writePredictions } from './predictions-file.js';
import type { SeriesClassifier } from './series-classifier.js';

/** What `classify --model DIR --input FILE` reports (metrics.json). */
export interface ClassifyInputMetrics {
  series: number;
  classes: string[];
  /** the share labelled right, when the input has labels; null otherwise */
  accuracy: number | null;
  model: string;
  input: string;
  seconds: number;
}

/**
 * `lstm-ae classify --model DIR --input FILE`: a saved classifier labels the series of a file,
 * with or without labels; writes predictions.csv (label and each class's probability), then
 * metrics.json last (with the accuracy when the file has labels).
 */
export async function predictClassifierInput(o: { classifier: SeriesClassifier; model: string; set: SeriesSet; outDir: string; threads?: number }): Promise<ClassifyInputMetrics> {
  const started = performance.now();
  const run = o.threads !== undefined ? { threads: o.threads } : {};
  try {
    // one pass over the series for both: predict and predictProba would encode them twice
    const features = await o.classifier.transform(o.set, { ...run, check: false });
    const { classes } = o.classifier;
    const data = o.classifier.classifier.predictProba(features);
    const predicted = o.classifier.classifier.predict(features);
    writePredictions(join(o.outDir, 'predictions.csv'), predicted, data, classes, o.set.labels);
    const metrics: ClassifyInputMetrics = {
      series: predicted.length,
      classes,
      accuracy: o.set.labels ? accuracyOf(o.set.labels, predicted) : null,
      model: o.model,
      input: o.set.source,
      seconds: (performance.now() - started) / 1000,
    };
    writeFileAtomic(join(o.outDir, COMPLETION_FILE), JSON.stringify(metrics, null, 1) + '\n');
    return metrics;
  } finally {
    await o.classifier.dispose();
  }
}
