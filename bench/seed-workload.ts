import { makeSineData } from '../src/data/sine-data.js';

/** The article's model and training settings, which every bench row uses. */
export const SEED_LATENT_DIM = 10;
export const SEED_BATCH_SIZE = 500;
export const SEED_OPTIMIZER = 'RMSprop lr 1e-3, shuffled';

/** The seed's training windows as the model takes them: float32, (N, T, D). */
export interface SeedTrainingData {
  data: Float32Array;
  shape: [number, number, number];
}

/**
 * Every bench process trains on exactly the data PyTorch's yardstick makes (numpy seed 0,
 * default sine configuration), so rows differ only in the engine.
 */
export function seedTrainingData(): SeedTrainingData {
  const sine = makeSineData();
  return { data: Float32Array.from(sine.xTrain), shape: [...sine.trainShape] };
}
