import { makeSineData } from '../src/data/sine-data.js';

/** The article's model and training settings, which every bench row uses. */
export const ARTICLE_LATENT_DIM = 10;
export const ARTICLE_BATCH_SIZE = 500;
export const ARTICLE_OPTIMIZER = 'RMSprop lr 1e-3, shuffled';

/** The article's training windows as the model takes them: float32, (N, T, D). */
export interface ArticleTrainingData {
  data: Float32Array;
  shape: [number, number, number];
}

/**
 * Every bench process trains on exactly the data PyTorch's yardstick makes (numpy seed 0,
 * default sine configuration), so rows differ only in the engine.
 */
export function articleTrainingData(): ArticleTrainingData {
  const sine = makeSineData();
  return { data: Float32Array.from(sine.xTrain), shape: [...sine.trainShape] };
}

/** A bench child's option as a positive integer; anything else stops the child with its name. */
export function positiveIntegerOption(name: string, text: string | undefined): number {
  const value = Number(text);
  if (!(Number.isInteger(value) && value >= 1)) throw new Error(`--${name} must be a positive integer, got ${text}`);
  return value;
}
