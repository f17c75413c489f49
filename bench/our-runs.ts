import { fileURLToPath } from 'node:url';
import { describeFailure, runChild } from './child-run.js';
import { kilobytesToMB, type RowOutcome } from './bench-row.js';
import type { ForwardTiming } from './bench-report.js';
import { median } from '../src/analysis/metrics.js';
import type { ForwardOnceResult, Engine, TaskTiming, TrainOnceResult } from './child-protocol.js';

/** Runs our own configurations, each in a child process (train-once.js, forward-once.js). */

// generous: the reference path is slow, and a busy machine slower still
const SECONDS_ALLOWED_PER_EPOCH: Record<Engine, number> = { reference: 900, fast: 180 };
const STARTUP_ALLOWANCE_S = 60;
const ENCODE_TIMEOUT_S = 300;

function childScript(name: string): string {
  return fileURLToPath(new URL(name, import.meta.url));
}

export async function runTrainOnce(repoRoot: string, engine: Engine, threads: number, epochs: number): Promise<RowOutcome> {
  const label = `lstm-ae ${engine} ${threads}t`;
  const timeoutSeconds = STARTUP_ALLOWANCE_S + epochs * SECONDS_ALLOWED_PER_EPOCH[engine];
  const run = await runChild(
    process.execPath,
    [childScript('train-once.js'), '--engine', engine, '--threads', String(threads), '--epochs', String(epochs)],
    { cwd: repoRoot, timeoutSeconds, label, echoStderr: true },
  );
  const failure = describeFailure(run, timeoutSeconds);
  if (failure) return { note: `${label} failed: ${failure}` };
  const result = lastJsonLine<TrainOnceResult>(run.stdoutLines);
  if (!result || result.epochSeconds.length === 0) return { note: `${label} failed: no result line` };
  const seconds = median(result.epochSeconds);
  return {
    row: {
      kind: engine === 'fast' ? 'ours-fast' : 'ours-reference',
      implementation: `lstm-ae ${engine} path`,
      threads: result.threads,
      secondsPerEpoch: seconds,
      windowsPerSecond: result.windows / seconds,
      peakMemoryMB: kilobytesToMB(result.peakRssKB),
      basis: result.epochSeconds.length === 1 ? '1 epoch' : `median of ${result.epochSeconds.length} epochs`,
    },
  };
}

export async function runForwardOnce(repoRoot: string, op: 'encode' | 'predict', threads: number, runtime: 'ours' | 'onnx' = 'ours'): Promise<{ timing: ForwardTiming } | { note: string }> {
  const label = `${runtime === 'onnx' ? 'ONNX Runtime' : 'lstm-ae'} ${op} ${threads}t`;
  const run = await runChild(process.execPath, [childScript('forward-once.js'), '--op', op, '--threads', String(threads), '--runtime', runtime], {
    cwd: repoRoot,
    timeoutSeconds: ENCODE_TIMEOUT_S,
    label,
    echoStderr: true,
  });
  const failure = describeFailure(run, ENCODE_TIMEOUT_S);
  if (failure) return { note: `${label} failed: ${failure}` };
  const result = lastJsonLine<ForwardOnceResult>(run.stdoutLines);
  if (!result || result.seconds.length === 0) return { note: `${label} failed: no result line` };
  const seconds = median(result.seconds);
  return {
    timing: {
      op: result.op,
      windows: result.windows,
      firstCallSeconds: result.firstCallSeconds,
      seconds,
      windowsPerSecond: result.windows / seconds,
      path: result.path,
      threads: result.threads,
      repetitions: result.seconds.length,
      peakMemoryMB: kilobytesToMB(result.peakRssKB),
    },
  };
}

function lastJsonLine<T>(lines: readonly string[]): T | undefined {
  const line = [...lines].reverse().find((l) => l.startsWith('{'));
  return line === undefined ? undefined : (JSON.parse(line) as T);
}

/** Each command's bench child: its script and arguments. A new command adds one line here. */
export const TASK_CHILDREN: Array<{ script: string; args: string[]; timeoutSeconds: number }> = [
  { script: 'import-once.js', args: [], timeoutSeconds: 120 },
  { script: 'masked-epoch-once.js', args: ['--threads', '2', '--epochs', '7'], timeoutSeconds: 300 },
  { script: 'classify-once.js', args: ['--data', 'test/fixtures/ucr/PLAID_TRAIN.ts', '--threads', '2'], timeoutSeconds: 600 },
  { script: 'classify-many-once.js', args: ['--threads', '2'], timeoutSeconds: 600 },
  { script: 'detect-once.js', args: ['--threads', '2'], timeoutSeconds: 300 },
  { script: 'detect-csv-once.js', args: ['--threads', '2'], timeoutSeconds: 900 },
  { script: 'nab-timing-once.js', args: ['--threads', '2'], timeoutSeconds: 600 },
  { script: 'npy-encode-once.js', args: ['--threads', '2'], timeoutSeconds: 600 },
  { script: 'padding-memory-once.js', args: ['--command', 'train', '--threads', '2', '--epochs', '2'], timeoutSeconds: 900 },
  { script: 'padding-memory-once.js', args: ['--command', 'encode', '--threads', '2'], timeoutSeconds: 900 },
  { script: 'browser.js', args: [], timeoutSeconds: 600 },
];

export async function runTaskOnce(repoRoot: string, child: (typeof TASK_CHILDREN)[number]): Promise<{ timing: TaskTiming } | { note: string }> {
  const label = child.script.replace(/\.js$/, '');
  const run = await runChild(process.execPath, [childScript(child.script), ...child.args], {
    cwd: repoRoot,
    timeoutSeconds: child.timeoutSeconds,
    label,
    echoStderr: true,
  });
  const failure = describeFailure(run, child.timeoutSeconds);
  if (failure) return { note: `${label} failed: ${failure}` };
  const timing = lastJsonLine<TaskTiming>(run.stdoutLines);
  return timing ? { timing } : { note: `${label} failed: no result line` };
}
