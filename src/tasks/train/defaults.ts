// `lstm-ae train`'s defaults, beside the model's own (AUTOENCODER_DEFAULTS): the CLI, its
// job and the browser page take them from here, so a run from any of them trains alike.

export const TRAIN_DEFAULTS = {
  /** the most passes over the training data */
  epochs: 200,
  /** the share of the series set aside, at random by the seed, to validate on */
  validationSplit: 0.2,
  /** epochs without a better validation loss before stopping (the best epoch is kept) */
  patience: 10,
  /** Keras's default batch size */
  kerasBatch: 32,
} as const;

/** Keras's default batch size, but at most a quarter of the training series, so a small set still takes several steps an epoch. */
export function defaultBatchSize(trainingSeries: number): number {
  return Math.max(1, Math.min(TRAIN_DEFAULTS.kerasBatch, Math.ceil(trainingSeries / 4)));
}
