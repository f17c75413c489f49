import { Worker } from 'node:worker_threads';
import type { WorkerGroup } from './platform.js';

/**
 * A few worker threads that run one job at a time in lock step with the main thread,
 * synchronised through a SharedArrayBuffer with Atomics (no message per job):
 *
 *   control[GENERATION]   the job number; the main thread bumps it to start a job
 *   control[STOP]         1 asks the workers to leave their loop
 *   control[DONE + i]     worker i writes the job number here when its part is done
 *
 * What a job is (which buffers to read and write) is agreed between the caller and the
 * worker's handler through the shared buffers they were both given; see `serveJobs`.
 * Idle workers are unref'd so they never keep the process alive; an error thrown in a
 * worker, or a worker that exits, rejects the job (and every later one) with an Error.
 */
export const GENERATION = 0;
export const STOP = 1;
export const DONE = 2;

export function controlBuffer(workers: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer((DONE + workers) * Int32Array.BYTES_PER_ELEMENT));
}

interface WaitAsyncResult {
  async: boolean;
  value: Promise<'ok' | 'timed-out'> | 'not-equal' | 'timed-out';
}
const waitAsync = (Atomics as unknown as { waitAsync(a: Int32Array, i: number, v: number): WaitAsyncResult }).waitAsync;

export class AtomicsWorkerPool implements WorkerGroup {
  readonly size: number;
  private readonly workers: Worker[];
  private readonly control: Int32Array;
  private generation = 0;
  private failure: Error | undefined;
  private rejectRunning: ((e: Error) => void) | undefined;
  private closing = false;

  private constructor(workers: Worker[], control: Int32Array) {
    this.workers = workers;
    this.control = control;
    this.size = workers.length;
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

  /** Wakes every worker for the next job; `finish` resolves when all have finished it. */
  begin(): void {
    if (this.failure) throw this.failure;
    if (this.closing) throw new Error('the fast-path worker pool was disposed');
    this.generation++;
    for (const w of this.workers) w.ref(); // a job in flight keeps the process alive
    Atomics.store(this.control, GENERATION, this.generation);
    Atomics.notify(this.control, GENERATION);
  }

  async finish(): Promise<void> {
    const failed = new Promise<never>((_, reject) => {
      this.rejectRunning = reject;
      if (this.failure) reject(this.failure);
    });
    try {
      await Promise.race([this.allDone(this.generation), failed]);
    } finally {
      this.rejectRunning = undefined;
      if (!this.closing) for (const w of this.workers) w.unref();
    }
  }

  /** Stops the workers; the pool is unusable afterwards. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    Atomics.store(this.control, STOP, 1);
    Atomics.add(this.control, GENERATION, 1);
    Atomics.notify(this.control, GENERATION);
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private async allDone(generation: number): Promise<void> {
    for (let i = 0; i < this.size; i++) {
      for (;;) {
        const seen = Atomics.load(this.control, DONE + i);
        if (seen === generation) break;
        const r = waitAsync(this.control, DONE + i, seen);
        if (r.async) await r.value;
      }
    }
  }

  private fail(e: Error): void {
    if (this.failure) return;
    this.failure = new Error(`fast-path worker failed: ${e.message}`, { cause: e });
    this.rejectRunning?.(this.failure);
    for (const w of this.workers) w.unref();
  }
}

/**
 * A worker's side of `AtomicsWorkerPool`: sleeps until the job number changes, runs
 * `job`, publishes its number in its DONE slot, and so on until STOP. An exception
 * leaves the loop and the thread, which the pool reports to the main thread as an Error.
 */
export function serveJobs(control: Int32Array, index: number, job: () => void): void {
  let seen = 0; // the pool starts at job 0 and bumps only after every worker is ready
  for (;;) {
    Atomics.wait(control, GENERATION, seen);
    const generation = Atomics.load(control, GENERATION);
    if (generation === seen) continue;
    seen = generation;
    if (Atomics.load(control, STOP) === 1) return;
    job();
    Atomics.store(control, DONE + index, generation);
    Atomics.notify(control, DONE + index);
  }
}
