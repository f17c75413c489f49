import { Worker } from 'node:worker_threads';
import { AtomicsWorkerGroup, controlBuffer } from './job-control.js';

export { DONE, GENERATION, STOP, controlBuffer, serveJobs } from './job-control.js';

/**
 * Node's fast-path workers: worker_threads running the lock-step protocol of job-control.ts.
 * Idle workers are unref'd so they never keep the process alive; an error thrown in a
 * worker, or a worker that exits, rejects the job (and every later one) with an Error.
 */
export class AtomicsWorkerPool extends AtomicsWorkerGroup {
  private readonly workers: Worker[];

  private constructor(workers: Worker[], control: Int32Array) {
    super(workers.length, control);
    this.workers = workers;
    for (const [i, w] of workers.entries()) {
      w.on('error', (e) => this.fail(e instanceof Error ? e : new Error(String(e))));
      w.on('exit', (code) => {
        if (!this.closing) this.fail(new Error(`fast-path worker ${i} exited unexpectedly (code ${code})`));
      });
      w.unref();
    }
  }

  /**
   * Starts `count` workers running `entry` (a module that calls `serveJobs`), each given
   * `{ ...workerData, control, index }`; resolves when all have said they are ready.
   */
  static async start(entry: URL, count: number, workerData: Record<string, unknown>): Promise<AtomicsWorkerPool> {
    const control = controlBuffer(count);
    const workers: Worker[] = [];
    const ready: Promise<void>[] = [];
    for (let index = 0; index < count; index++) {
      // a worker inherits the node flags; --input-type (from `node --input-type=module -e`) would make it refuse its file
      const execArgv = process.execArgv.filter((a) => !a.startsWith('--input-type'));
      const worker = new Worker(entry, { workerData: { ...workerData, control, index }, execArgv });
      workers.push(worker);
      ready.push(
        new Promise<void>((resolve, reject) => {
          worker.once('message', (m: unknown) => (m === 'ready' ? resolve() : reject(new Error(`fast-path worker ${index}: ${String(m)}`))));
          worker.once('error', reject);
          worker.once('exit', (code) => reject(new Error(`fast-path worker ${index} exited while starting (code ${code})`)));
        }),
      );
    }
    try {
      await Promise.all(ready);
    } catch (e) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw e;
    }
    return new AtomicsWorkerPool(workers, control);
  }

  protected async terminate(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  /** a job in flight keeps the process alive; idle workers do not */
  protected override busy(inFlight: boolean): void {
    for (const w of this.workers) {
      if (inFlight) w.ref();
      else w.unref();
    }
  }
}
