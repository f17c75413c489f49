// A fast-path worker thread on Node: builds the job runner that its runner module makes
// from the shared setup, says it is ready, then runs one job per generation of the pool.
import { parentPort, workerData } from 'node:worker_threads';
import type { CreateJobRunner } from './platform.js';
import { serveJobs } from './job-control.js';

const setup = workerData as { runnerModule: string; control: Int32Array; index: number };
const { createJobRunner } = (await import(setup.runnerModule)) as { createJobRunner: CreateJobRunner };
const run = createJobRunner(setup);
parentPort?.postMessage('ready');
serveJobs(setup.control, setup.index, run);
