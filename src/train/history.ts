// What a fit reports, epoch by epoch, as Keras's History does.

/** Keras's History: epoch numbers (from 0, as Keras counts) and one list per metric. */
export interface History {
  epoch: number[];
  history: { loss: number[]; val_loss?: number[]; seconds: number[] };
  /** with earlyStopping: the best epoch (0-based), its val_loss, and the epoch training stopped after (-1 if it ran to the end) */
  earlyStopping?: { bestEpoch: number; bestValLoss: number; stoppedEpoch: number; restoredBestWeights: boolean };
}

export interface EpochLogs {
  loss: number;
  val_loss?: number;
  seconds: number;
}
