// Worker entry of the fast path: one WebAssembly instance claiming chunks of the main
// thread's jobs (see fast-step.ts and fast-chunks.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { serveJobs } from '../../fast/serve-jobs.js';
import { ChunkRunner } from './fast-chunks.js';
import type { FastSharedSetup } from './fast-shared.js';

const setup = workerData as FastSharedSetup & { control: Int32Array; index: number };
const runner = new ChunkRunner(setup);
parentPort!.postMessage('ready');
serveJobs(setup.control, setup.index, () => runner.run());
