import type { History } from './history.js';

/**
 * Training blew up: a non-finite loss or weight, or an epoch's loss past the divergence
 * bound (see DivergenceGuard). fit has put the weights, the optimizer's state and the
 * model's random state back where the failing epoch began, i.e. at the end of the last
 * epoch that finished well (or the start), so what a caller saves is never the exploded model.
 */
export class TrainingDivergedError extends Error {
  /** 1-based, as Keras prints epochs */
  readonly epoch: number;
  /** 1-based within the epoch; undefined when the whole epoch's loss was judged */
  readonly batch: number | undefined;
  /** what went wrong, e.g. 'the loss became NaN' */
  readonly what: string;
  /** the epochs of this fit call completed before the failing one, so they can still be saved */
  readonly history: History;

  constructor(epoch: number, batch: number | undefined, what: string, history: History) {
    super(
      `training diverged at epoch ${epoch}${batch === undefined ? '' : `, batch ${batch}`}: ${what}; ` +
        `the weights are back where epoch ${epoch} began (try a smaller learning rate)`,
    );
    this.name = 'TrainingDivergedError';
    this.epoch = epoch;
    this.batch = batch;
    this.what = what;
    this.history = history;
  }
}
