import { writeFileAtomic } from '../../io/atomic-write.js';
import { predictionsCsv } from './predictions.js';

export { accuracyOf } from './predictions.js';

/** Writes predictions.csv (predictions.ts) atomically. */
export function writePredictions(path: string, predicted: readonly string[], probabilities: Float64Array, classes: readonly string[], truth?: readonly string[]): void {
  writeFileAtomic(path, predictionsCsv(predicted, probabilities, classes, truth));
}
