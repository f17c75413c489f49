import type { History } from '../train/fit.js';
import { writeFileAtomic } from './atomic-write.js';

/** history.json as Keras users read it: `{epoch, loss, val_loss?, seconds}`, written atomically. */
export function writeHistoryFile(path: string, history: History): void {
  writeFileAtomic(path, JSON.stringify({ epoch: history.epoch, ...history.history }, null, 1) + '\n');
}
