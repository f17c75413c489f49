import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describeFailure, plural, runChild } from '../child-run.js';
import { parsePeakRssLine, type RowOutcome } from '../bench-row.js';
import { peakMemorySoFarMB } from '../process-peak-memory.js';

/**
 * Runs the team's yardsticks (torch_seed.py, tfjs_seed_bench.mjs, both unchanged) and turns
 * their output into table rows. A machine without them gets a one-line note per missing
 * row instead, never a failed bench.
 */

// Debian's interpreter on purpose: python3-torch is a Debian package, not a pip one
const PYTHON = '/usr/bin/python3';
const PROBE_TIMEOUT_S = 60;
export const TORCH_TIMEOUT_S = 300;
export const TFJS_TIMEOUT_S = 300;

/** Source files (not compiled): this file runs from dist/bench/anchors/, they live in bench/anchors/. */
function anchorPath(repoRoot: string, name: string): string {
  return join(repoRoot, 'bench', 'anchors', name);
}

export interface TorchAvailability {
  available: boolean;
  /** torch.__version__ when available, else why not. */
  detail: string;
}

export async function probeTorch(repoRoot: string): Promise<TorchAvailability> {
  if (!existsSync(PYTHON)) return { available: false, detail: `${PYTHON} not found` };
  if (!existsSync(anchorPath(repoRoot, 'torch_seed.py'))) {
    return { available: false, detail: 'bench/anchors/torch_seed.py not found' };
  }
  const probe = await runChild(PYTHON, ['-c', 'import numpy, sklearn, torch; print(torch.__version__)'], {
    cwd: repoRoot,
    timeoutSeconds: PROBE_TIMEOUT_S,
    label: 'torch probe',
  });
  const failure = describeFailure(probe, PROBE_TIMEOUT_S);
  if (failure) return { available: false, detail: `${PYTHON} cannot import torch, sklearn and numpy (${failure})` };
  return { available: true, detail: probe.stdoutLines.at(-1)?.trim() ?? 'unknown version' };
}

interface TorchResult {
  median_epoch_s: number | null;
}

export async function runTorchAnchor(
  repoRoot: string,
  torchVersion: string,
  threads: number,
  epochs: number,
  windowsPerEpoch: number,
): Promise<RowOutcome> {
  const label = `PyTorch ${plural(threads, 'thread')}`;
  let trainingPeakMB: number | null = null;
  const run = await runChild(
    PYTHON,
    [
      anchorPath(repoRoot, 'peak_rss.py'),
      anchorPath(repoRoot, 'torch_seed.py'),
      '--epochs',
      String(epochs),
      '--threads',
      String(threads),
    ],
    {
      cwd: repoRoot,
      timeoutSeconds: TORCH_TIMEOUT_S,
      label,
      echoStdout: (line) => line.startsWith('epoch '),
      onStdoutLine: (line, pid) => {
        // after its training it evaluates all 17,802 windows at once and fits sklearn: that
        // is not training memory, so take the peak as the last epoch ends
        if (line.startsWith(`epoch ${epochs} `)) trainingPeakMB = peakMemorySoFarMB(pid);
      },
    },
  );
  const failure = describeFailure(run, TORCH_TIMEOUT_S);
  if (failure) return { note: `${label} skipped: ${failure}` };
  const resultLine = run.stdoutLines.find((line) => line.startsWith('RESULT '));
  if (!resultLine) return { note: `${label} skipped: no RESULT line in its output` };
  const result = JSON.parse(resultLine.slice('RESULT '.length)) as TorchResult;
  const seconds = result.median_epoch_s;
  if (seconds === null || !(seconds > 0)) return { note: `${label} skipped: no epoch time in its RESULT` };
  return {
    row: {
      kind: 'pytorch',
      implementation: `PyTorch ${torchVersion} CPU`,
      threads,
      secondsPerEpoch: seconds,
      windowsPerSecond: windowsPerEpoch / seconds,
      peakMemoryMB: trainingPeakMB ?? parsePeakRssLine(run.stdoutLines),
      basis: (epochs === 1 ? '1 epoch' : `median of ${epochs} epochs`) + (trainingPeakMB === null ? '; peak incl. its evaluation' : ''),
    },
  };
}

export type TfjsBackend = 'cpu' | 'wasm';

/** Which packages each backend needs, resolved as the yardstick will resolve them: from the repo root. */
const TFJS_PACKAGES: Record<TfjsBackend, string[]> = {
  cpu: ['@tensorflow/tfjs'],
  wasm: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm'],
};

/** Why the TF.js yardstick cannot run for this backend, or undefined when it can. */
export function tfjsMissing(repoRoot: string, backend: TfjsBackend): string | undefined {
  if (!existsSync(anchorPath(repoRoot, 'tfjs_seed_bench.mjs'))) return 'bench/anchors/tfjs_seed_bench.mjs not found';
  const requireFromRoot = createRequire(join(repoRoot, 'package.json'));
  for (const name of TFJS_PACKAGES[backend]) {
    try {
      requireFromRoot.resolve(name);
    } catch {
      return `${name} is not installed (it is a dev dependency: \`npm install\` with dev dependencies adds this row)`;
    }
  }
  return undefined;
}

function tfjsVersion(repoRoot: string): string {
  try {
    const requireFromRoot = createRequire(join(repoRoot, 'package.json'));
    return (requireFromRoot('@tensorflow/tfjs/package.json') as { version: string }).version;
  } catch {
    return '(unknown version)';
  }
}

interface TfjsResult {
  windows: number;
  seconds: number;
  est_epoch_s_17802: number;
}

export async function runTfjsAnchor(
  repoRoot: string,
  backend: TfjsBackend,
  windows: number,
  windowsPerEpoch: number,
): Promise<RowOutcome> {
  const label = `TF.js ${backend}`;
  const missing = tfjsMissing(repoRoot, backend);
  if (missing) return { note: `${label} skipped: ${missing}` };
  const memoryPreload = pathToFileURL(fileURLToPath(new URL('../peak-memory-on-exit.js', import.meta.url))).href;
  const run = await runChild(
    process.execPath,
    ['--import', memoryPreload, anchorPath(repoRoot, 'tfjs_seed_bench.mjs'), backend, String(windows)],
    { cwd: repoRoot, timeoutSeconds: TFJS_TIMEOUT_S, label },
  );
  const failure = describeFailure(run, TFJS_TIMEOUT_S);
  if (failure) return { note: `${label} skipped: ${failure}` };
  const jsonLine = run.stdoutLines.find((line) => line.startsWith('{'));
  if (!jsonLine) return { note: `${label} skipped: no JSON line in its output` };
  const result = JSON.parse(jsonLine) as TfjsResult;
  // its own extrapolation is to exactly 17,802 windows; scale from the measured rate instead
  // so the row stays right if the seed data ever has another size
  const windowsPerSecond = result.windows / result.seconds;
  return {
    row: {
      kind: 'tfjs',
      implementation: `TensorFlow.js ${tfjsVersion(repoRoot)} ${backend}`,
      threads: null,
      secondsPerEpoch: windowsPerEpoch / windowsPerSecond,
      windowsPerSecond,
      peakMemoryMB: parsePeakRssLine(run.stdoutLines),
      basis: `1 epoch of ${result.windows} windows, extrapolated`,
    },
  };
}
