/**
 * Keras's EarlyStopping(monitor='val_loss', patience, min_delta, restore_best_weights):
 * after each epoch, an epoch whose val_loss beats the best so far by more than minDelta
 * becomes the best (its weights kept when restoreBestWeights); after `patience` epochs in a
 * row without one (at least one), training stops, and the best epoch's weights are put back.
 * Unlike Keras 2.x (which restores only on an early stop, as later Keras does not), the best
 * weights also come back when training runs to its last epoch: the model kept is the best one seen.
 */
export interface EarlyStoppingOptions {
  /** epochs without improvement before stopping; Keras's default 0 stops at the first */
  patience: number;
  /** an improvement must beat the best by more than this; default 0 */
  minDelta?: number;
  /** put the best epoch's weights back when stopping; default true (Keras's default is false; ours keeps the best model) */
  restoreBestWeights?: boolean;
}

/** Everything a resumed run needs to stop where the uninterrupted one would have. */
export interface EarlyStoppingState {
  bestEpoch: number;
  bestLoss: number;
  stoppedEpoch: number;
  wait: number;
  /** the best epoch's weights (empty when not restoring) */
  bestWeights: Float32Array;
}

export class EarlyStopping {
  readonly patience: number;
  readonly minDelta: number;
  readonly restoreBestWeights: boolean;
  /** 0-based epoch of the best val_loss so far, or -1 before the first epoch */
  bestEpoch = -1;
  bestLoss = Infinity;
  /** the epoch training stopped after (0-based), or -1 while it runs */
  stoppedEpoch = -1;
  private wait = 0;
  private bestWeights: Float32Array;

  constructor(parameterCount: number, options: EarlyStoppingOptions) {
    this.patience = options.patience;
    this.minDelta = Math.abs(options.minDelta ?? 0);
    this.restoreBestWeights = options.restoreBestWeights ?? true;
    this.bestWeights = new Float32Array(this.restoreBestWeights ? parameterCount : 0);
  }

  /** After epoch `epoch` with this val_loss and these weights: true when training should stop (the best weights then back in `params`). */
  update(epoch: number, valLoss: number, params: Float32Array): boolean {
    if (valLoss < this.bestLoss - this.minDelta) {
      this.bestLoss = valLoss;
      this.bestEpoch = epoch;
      this.wait = 0;
      if (this.restoreBestWeights) this.bestWeights.set(params);
      return false;
    }
    this.wait++;
    if (this.wait < this.patience) return false;
    this.stoppedEpoch = epoch;
    this.restore(params);
    return true;
  }

  getState(): EarlyStoppingState {
    const { bestEpoch, bestLoss, stoppedEpoch, wait } = this;
    return { bestEpoch, bestLoss, stoppedEpoch, wait, bestWeights: Float32Array.from(this.bestWeights) };
  }

  setState(state: EarlyStoppingState): void {
    if (state.bestWeights.length !== this.bestWeights.length) {
      throw new Error(`early stopping state holds ${state.bestWeights.length} best weights, the model has ${this.bestWeights.length}`);
    }
    this.bestEpoch = state.bestEpoch;
    this.bestLoss = state.bestLoss;
    this.stoppedEpoch = state.stoppedEpoch;
    this.wait = state.wait;
    this.bestWeights = Float32Array.from(state.bestWeights);
  }

  /** At the end of training: the best epoch's weights into `params` (when restoring, and there was a best). */
  restore(params: Float32Array): boolean {
    if (!this.restoreBestWeights || this.bestEpoch < 0) return false;
    params.set(this.bestWeights);
    return true;
  }
}
