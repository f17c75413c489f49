import { Worker } from 'node:worker_threads';

/** Bounds on a fuzz worker: the whole run, and any one input. */
export interface FuzzLimits {
  /** the whole run: more than this is a hang somewhere */
  totalMs: number;
  /** one input (announced by fuzz-support.ts's announce): more than this is a hang on that input */
  caseMs: number;
}

/**
 * Runs a fuzz worker (a script using fuzz-support.ts) and resolves with its `done` message.
 * The readers under test are synchronous: only a worker that can be terminated turns a hang
 * into a failure, one that names the input it hung on.
 */
export function runFuzzWorker<Done extends { kind: 'done' }>(script: URL, workerData: unknown, limits: FuzzLimits): Promise<Done> {
  const worker = new Worker(script, { workerData });
  let last = 'none yet';
  return new Promise<Done>((resolve, reject) => {
    const stop = (why: string) => {
      clearTimeout(timer);
      clearTimeout(caseTimer);
      void worker.terminate();
      reject(new Error(why));
    };
    const timer = setTimeout(() => stop(`the fuzz worker did not finish within ${limits.totalMs / 1000} s (a hang?); last input: ${last}`), limits.totalMs);
    const startCase = () => setTimeout(() => stop(`one input took more than ${limits.caseMs / 1000} s (a hang?): ${last}`), limits.caseMs);
    let caseTimer = startCase();
    worker.on('message', (m: { kind: 'case'; label: string } | Done) => {
      if (m.kind === 'case') {
        last = (m as { label: string }).label;
        clearTimeout(caseTimer);
        caseTimer = startCase();
      } else {
        clearTimeout(timer);
        clearTimeout(caseTimer);
        resolve(m as Done);
      }
    });
    worker.on('error', (err) => stop(`the fuzz worker crashed at ${last}: ${err.message}`));
  });
}
