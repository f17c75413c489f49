// A worker for test/fast-pool.test.ts: counts its jobs in a shared counter, and misbehaves
// on its second job as workerData.behaviour says. Does nothing when run as a main script.
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { serveJobs } from '../src/fast/worker-pool.js';

if (!isMainThread) {
  const { control, index, counts, behaviour } = workerData as { control: Int32Array; index: number; counts: Int32Array; behaviour: string };
  parentPort!.postMessage('ready');
  serveJobs(control, index, () => {
    const jobs = Atomics.add(counts, index, 1) + 1;
    if (jobs === 2 && behaviour === 'throw') throw new Error('boom in job 2');
    if (jobs === 2 && behaviour === 'exit') process.exit(3);
  });
}
