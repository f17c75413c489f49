import { Command, InvalidArgumentError } from 'commander';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../src/io/atomic-write.js';
import { probeTorch, runTfjsAnchor, runTorchAnchor } from './anchors/run-anchors.js';
import type { BenchRow, RowOutcome } from './bench-row.js';
import { buildReport, BASELINE_THREADS, type ForwardTiming } from './bench-report.js';
import { plural, progress } from './child-run.js';
import { formatReport } from './format-table.js';
import { cpuSnapshot, otherProcessesShare } from './machine-load.js';
import { runForwardOnce, runTaskOnce, runTrainOnce, TASK_CHILDREN } from './our-runs.js';
import type { TaskTiming } from './child-protocol.js';
import { ARTICLE_BATCH_SIZE, ARTICLE_LATENT_DIM, ARTICLE_OPTIMIZER, articleTrainingData } from './article-workload.js';

/**
 * `npm run bench`: the seed model, one epoch of the seed data, our reference and fast paths
 * and the yardsticks (PyTorch, TF.js) in one run on one machine, so the ratios compare like
 * with like. Each configuration runs in its own process; the table goes to stdout, progress
 * to stderr, the same numbers as JSON to --out.
 */

// above this share of CPU time used by other processes, the results carry a warning
const OTHER_LOAD_WORTH_NOTING = 0.1;

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

const program = new Command('bench')
  .description('Time the seed model: our reference and fast paths against PyTorch and TensorFlow.js.')
  .option('--epochs <n>', 'epochs for our fast path and for PyTorch (median reported)', positiveInteger, 3)
  .option('--reference-epochs <n>', 'epochs for our reference path (it is slow)', positiveInteger, 1)
  .option('--out <file>', 'where to write the JSON results', join(repoRoot, 'bench', 'results', 'latest.json'))
  .option('--skip-anchors', 'do not run PyTorch and TensorFlow.js')
  .option('--skip-reference', 'do not run our reference path')
  .option('--tfjs-cpu-windows <n>', 'windows TF.js cpu trains on (extrapolated to an epoch)', positiveInteger, 500)
  .option('--tfjs-wasm-windows <n>', 'windows TF.js wasm trains on (extrapolated to an epoch)', positiveInteger, 1000)
  .parse();

const options = program.opts<{
  epochs: number;
  referenceEpochs: number;
  out: string;
  skipAnchors?: boolean;
  skipReference?: boolean;
  tfjsCpuWindows: number;
  tfjsWasmWindows: number;
}>();

const seed = articleTrainingData();
const [windows, timesteps, inputDim] = seed.shape;
const rows: BenchRow[] = [];
const notes: string[] = [];
const forward: ForwardTiming[] = [];
const tasks: TaskTiming[] = [];

type Step = { title: string; run: () => Promise<void> };
const steps: Step[] = [];
const addNote = (note: string) => {
  notes.push(note);
  progress(`    ${note}`);
};
const collect = (outcome: RowOutcome) => {
  if ('row' in outcome) rows.push(outcome.row);
  else addNote(outcome.note);
};

if (options.skipReference) {
  notes.push('reference path skipped (--skip-reference)');
} else {
  steps.push({
    title: `lstm-ae reference path, 1 thread, ${plural(options.referenceEpochs, 'epoch')}`,
    run: async () => collect(await runTrainOnce(repoRoot, 'reference', 1, options.referenceEpochs)),
  });
}
for (const threads of [1, BASELINE_THREADS]) {
  steps.push({
    title: `lstm-ae fast path, ${plural(threads, 'thread')}, ${plural(options.epochs, 'epoch')}`,
    run: async () => collect(await runTrainOnce(repoRoot, 'fast', threads, options.epochs)),
  });
}
// the same forward passes exported by toOnnx and run in ONNX Runtime, for those who serve it there
for (const [op, runtime] of [['encode', 'ours'], ['predict', 'ours'], ['encode', 'onnx'], ['predict', 'onnx']] as const) {
  steps.push({
    title: `${runtime === 'onnx' ? 'the exported model in ONNX Runtime:' : 'lstm-ae'} ${op} through the library API, ${windows} windows, ${plural(BASELINE_THREADS, 'thread')}`,
    run: async () => {
      const outcome = await runForwardOnce(repoRoot, op, BASELINE_THREADS, runtime);
      if ('timing' in outcome) forward.push(outcome.timing);
      else addNote(outcome.note);
    },
  });
}

for (const child of TASK_CHILDREN) {
  steps.push({
    title: `lstm-ae ${child.script.replace(/-once\.js$/, '')}`,
    run: async () => {
      const outcome = await runTaskOnce(repoRoot, child);
      if ('timing' in outcome) tasks.push(outcome.timing);
      else addNote(outcome.note);
    },
  });
}

if (options.skipAnchors) {
  notes.push('anchors skipped (--skip-anchors)');
} else {
  let torchVersion: string | undefined;
  steps.push({
    title: 'checking for PyTorch (/usr/bin/python3, import torch)',
    run: async () => {
      const torch = await probeTorch(repoRoot);
      if (torch.available) torchVersion = torch.detail;
      else collect({ note: `PyTorch rows skipped: ${torch.detail}` });
    },
  });
  for (const threads of [1, 2]) {
    steps.push({
      title: `PyTorch, ${plural(threads, 'thread')}, ${plural(options.epochs, 'epoch')}`,
      run: async () => {
        if (torchVersion !== undefined) collect(await runTorchAnchor(repoRoot, torchVersion, threads, options.epochs, windows));
        else progress('    skipped: PyTorch is not available');
      },
    });
  }
  steps.push({
    title: `TensorFlow.js cpu, ${options.tfjsCpuWindows} windows`,
    run: async () => collect(await runTfjsAnchor(repoRoot, 'cpu', options.tfjsCpuWindows, windows)),
  });
  steps.push({
    title: `TensorFlow.js wasm, ${options.tfjsWasmWindows} windows`,
    run: async () => collect(await runTfjsAnchor(repoRoot, 'wasm', options.tfjsWasmWindows, windows)),
  });
}

const started = performance.now();
const cpuBefore = cpuSnapshot();
for (const [index, step] of steps.entries()) {
  const stepStarted = performance.now();
  progress(`[${index + 1}/${steps.length}] ${step.title} ...`);
  await step.run();
  progress(`[${index + 1}/${steps.length}] done in ${((performance.now() - stepStarted) / 1000).toFixed(1)} s`);
}
progress(`bench finished in ${((performance.now() - started) / 1000).toFixed(0)} s`);

const cpuAfter = cpuSnapshot();
const otherLoad = cpuBefore && cpuAfter ? otherProcessesShare(cpuBefore, cpuAfter) : null;
// a neighbour using the CPUs slows every row, not all equally: say so beside the numbers
if (otherLoad !== null && otherLoad > OTHER_LOAD_WORTH_NOTING) {
  notes.push(`other processes used ${(otherLoad * 100).toFixed(0)}% of the machine's CPU time during the bench: timings are noisy`);
}

const report = buildReport(
  { windows, timesteps, inputDim, latentDim: ARTICLE_LATENT_DIM, batchSize: ARTICLE_BATCH_SIZE, optimizer: ARTICLE_OPTIMIZER },
  rows,
  forward,
  tasks,
  notes,
  otherLoad,
);
const outPath = resolve(options.out);
writeFileAtomic(outPath, JSON.stringify(report, null, 2) + '\n');
process.stdout.write(formatReport(report));
process.stdout.write(`results written to ${outPath}\n`);

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}
