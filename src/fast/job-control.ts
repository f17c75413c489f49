import type { WorkerGroup } from './platform.js';

/**
 * The lock-step protocol of the fast path's workers, the same on every host (Node's
 * worker_threads, the browser's Web Workers): a few workers run one job at a time with the
 * calling thread, synchronised through a SharedArrayBuffer with Atomics (no message per job):
 *
 *   control[GENERATION]   the job number; the calling thread bumps it to start a job
 *   control[STOP]         1 asks the workers to leave their loop
 *   control[DONE + i]     worker i writes the job number here when its part is done
 *
 * What a job is (which buffers to read and write) is agreed between the caller and the
 * worker's handler through the shared buffers they were both given; see `serveJobs`.
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

/**
 * The calling thread's side of the protocol; a host's pool adds how its workers start and
 * stop. An error in a worker, reported through `fail`, rejects the job (and every later one).
 */
export abstract class AtomicsWorkerGroup implements WorkerGroup {
  readonly size: number;
  protected readonly control: Int32Array;
  protected closing = false;
  private generation = 0;
  private failure: Error | undefined;
  private rejectRunning: ((e: Error) => void) | undefined;

  protected constructor(size: number, control: Int32Array) {
    this.size = size;
    this.control = control;
  }

  /** stops every worker at once */
  protected abstract terminate(): Promise<void>;
  /** a host hook: whether a job is in flight (Node keeps the process alive only then) */
  protected busy(_inFlight: boolean): void {}

  /** Wakes every worker for the next job; `finish` resolves when all have finished it. */
  begin(): void {
    if (this.failure) throw this.failure;
    if (this.closing) throw new Error('the fast-path worker pool was disposed');
    this.generation++;
    this.busy(true);
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
      if (!this.closing) this.busy(false);
    }
  }

  /** Stops the workers; the pool is unusable afterwards. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    Atomics.store(this.control, STOP, 1);
    Atomics.add(this.control, GENERATION, 1);
    Atomics.notify(this.control, GENERATION);
    await this.terminate();
  }

  protected fail(e: Error): void {
    if (this.failure) return;
    this.failure = new Error(`fast-path worker failed: ${e.message}`, { cause: e });
    this.rejectRunning?.(this.failure);
    this.busy(false);
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
}

/**
 * A worker's side: sleeps until the job number changes, runs `job`, publishes its number in
 * its DONE slot, and so on until STOP. An exception leaves the loop and the worker, which
 * the host's pool reports to the calling thread as an Error.
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
