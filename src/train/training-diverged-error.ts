import type { History } from './fit.js';

/**
 * Training produced a non-finite loss or non-finite weights. The model's weights are those
 * from before the failing batch, so the last good state can still be saved or inspected.
 */
export class TrainingDivergedError extends Error {
  /** 1-based, as Keras prints epochs */
  readonly epoch: number;
  /** 1-based within the epoch */
  readonly batch: number;
  /** what went non-finite, e.g. 'the loss became NaN' */
  readonly what: string;
  /** the epochs completed before the failing one, so they can still be saved */
  readonly history: History;

  constructor(epoch: number, batch: number, what: string, history: History) {
    super(
      `training diverged at epoch ${epoch}, batch ${batch}: ${what}; the weights are those from before this batch ` +
        `(try a smaller learning rate)`,
    );
    this.name = 'TrainingDivergedError';
    this.epoch = epoch;
    this.batch = batch;
    this.what = what;
    this.history = history;
  }
}
