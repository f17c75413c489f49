// Worker entry of the fast path: one WebAssembly instance, serving the main thread's jobs
// on its share of each batch (see fast-step.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { serveJobs } from '../engine/fast/serve-jobs.js';
import { FastKernels } from './fast-kernels.js';
import { FastOp, JOB_FIELDS, NUMBER_FIELDS, type FastSharedSetup } from './fast-shared.js';

const setup = workerData as FastSharedSetup & { control: Int32Array; index: number };
const { dims, index } = setup;
const kernels = new FastKernels(dims, setup.maxShare, setup.recurrentActivation, setup.module);
const P = kernels.paramCount;
const params = new Float32Array(setup.params);
const x = new Float32Array(setup.x);
const grads = new Float32Array(setup.grads, index * P * 4, P);
const job = new Int32Array(setup.jobs, index * JOB_FIELDS * 4, JOB_FIELDS);
const numbers = new Float64Array(setup.numbers, index * NUMBER_FIELDS * 8, NUMBER_FIELDS);
const outputs = new Float32Array(setup.outputs);
const codes = new Float32Array(setup.codes);

parentPort!.postMessage('ready');
serveJobs(setup.control, index, () => {
  const op = job[0]!;
  const first = job[1]!;
  const count = job[2]!;
  if (count === 0) {
    grads.fill(0);
    numbers[1] = 0;
    return;
  }
  kernels.setParams(params);
  kernels.stage(x, first, count);
  if (op === FastOp.train) {
    numbers[1] = kernels.trainStep(count, numbers[0]!);
    grads.set(kernels.gradients);
    return;
  }
  kernels.forward(count, op === FastOp.reconstruct);
  kernels.readCodes(codes, first, count);
  if (op === FastOp.reconstruct) kernels.readOutputs(outputs, first, count);
});
