/**
 * Fault injection for the crash tests, off unless an environment variable names a point:
 *
 *   LSTM_AE_TEST_CRASH_AT=POINT[@K]   the process SIGKILLs itself the K-th time (default
 *                                     the first) it reaches POINT: a kill -9 at an exact place
 *   LSTM_AE_TEST_SIGNAL=SIGINT|SIGTERM  with CRASH_AT: send that signal instead, as Ctrl-C
 *                                     or a TERM would arrive there (the process handles it)
 *   LSTM_AE_TEST_ENOSPC_AT=POINT[@K]  the K-th arrival at POINT, and every later one (a full
 *                                     disk stays full), throws the error a full disk gives
 *
 * Points: `write` (inside every durable file write, before its bytes), `set-files` (a model
 * set's new files written, model.json not yet), `before-rename` (model.json's temp written
 * and synced, not yet renamed: the commit), `after-rename` (committed; history.json and
 * the old generation's files not yet updated), `after-history`, `data-before-commit`,
 * `data-mid-renames` (a data set's journal committed and its K-th file renamed),
 * `classifier-write` (before each file of a classifier's new set: its autoencoders, then
 * classifier.json's temp), `classifier-before-rename` (all written, classifier.json not yet
 * renamed: the commit), `classifier-after-rename` (committed; the old generation's files
 * still there), and `batch` (the end of every training batch). Nothing here runs when the variables are unset.
 */

const counts = new Map<string, number>();

/** Whether this arrival at `point` is the K-th (or, `andLater`, any from the K-th on) that `variable` names. */
function matches(kind: string, variable: string | undefined, point: string, andLater: boolean): boolean {
  if (!variable) return false;
  const [name, nth = '1'] = variable.split('@');
  if (name !== point) return false;
  const seen = (counts.get(kind) ?? 0) + 1;
  counts.set(kind, seen);
  return andLater ? seen >= Number(nth) : seen === Number(nth);
}

export function faultPoint(point: string): void {
  const env = typeof process === 'undefined' ? undefined : process.env;
  if (!env || (!env.LSTM_AE_TEST_CRASH_AT && !env.LSTM_AE_TEST_ENOSPC_AT)) return;
  if (matches('crash', env.LSTM_AE_TEST_CRASH_AT, point, false)) {
    const signal = env.LSTM_AE_TEST_SIGNAL === 'SIGINT' || env.LSTM_AE_TEST_SIGNAL === 'SIGTERM' ? env.LSTM_AE_TEST_SIGNAL : 'SIGKILL';
    process.kill(process.pid, signal);
  }
  if (matches('enospc', env.LSTM_AE_TEST_ENOSPC_AT, point, true)) {
    throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
  }
}
