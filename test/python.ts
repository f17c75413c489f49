import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

/** The Python the numpy cross-checks run: LSTM_AE_PYTHON, or /usr/bin/python3. */
export const PYTHON = process.env.LSTM_AE_PYTHON || '/usr/bin/python3';

/** Why the numpy tests must skip (naming the interpreter), or undefined when PYTHON imports numpy. */
export function numpySkipReason(): string | undefined {
  const probe = spawnSync(PYTHON, ['-c', 'import numpy'], { encoding: 'utf8' });
  if (probe.status === 0) return undefined;
  const why = probe.error ? probe.error.message : 'import numpy failed';
  return `${PYTHON} with numpy is not available on this machine (${why}; set LSTM_AE_PYTHON to a Python that has numpy)`;
}

/**
 * Run Python code with PYTHON (`input` on its stdin, `args` as sys.argv[1:]); asserts it exits 0
 * and returns what it printed.
 */
export function runPython(code: string, input?: string, args: readonly string[] = []): string {
  const run = spawnSync(PYTHON, ['-c', code, ...args], { encoding: 'utf8', input, maxBuffer: 64 << 20 });
  assert.equal(run.status, 0, `${PYTHON} failed: ${run.error?.message ?? run.stderr}`);
  return run.stdout;
}
