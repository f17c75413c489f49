import { DONE, GENERATION, STOP } from './worker-pool.js';

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
