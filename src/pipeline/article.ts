/** The seed article's fixed settings: its data set's size and its training recipe. */
export const SEED_ARTICLE = {
  trainingWindows: 17802,
  batchSize: 500,
  optimizer: 'rmsprop',
  learningRate: 1e-3,
} as const;
