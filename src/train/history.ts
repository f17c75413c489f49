import { writeFileAtomic } from '../io/atomic-write.js';

/** Keras's History: epoch numbers (from 0, as Keras counts) and one list per metric. */
export interface History {
  epoch: number[];
  history: { loss: number[]; val_loss?: number[]; seconds: number[] };
}

/** history.json as Keras users read it: `{epoch, loss, val_loss?, seconds}`, written atomically. */
export function writeHistoryFile(path: string, history: History): void {
  writeFileAtomic(path, JSON.stringify({ epoch: history.epoch, ...history.history }, null, 1) + '\n');
}
