import { fileURLToPath } from 'node:url';
import { describeFailure, runChild } from './child-run.js';

const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const PEAK_ON_EXIT = fileURLToPath(new URL('./peak-memory-on-exit.js', import.meta.url));

/**
 * One `lstm-ae` command as a user runs it, in a process of its own: its wall time and its
 * peak resident memory (the PEAK_RSS_KB line peak-memory-on-exit.js prints), so a bench
 * child's own data generation and yardstick never count in the command's memory.
 */
export async function runCliOnce(args: string[], timeoutSeconds: number): Promise<{ seconds: number; peakMB: number }> {
  const label = `lstm-ae ${args[0]}`;
  const run = await runChild(process.execPath, ['--import', PEAK_ON_EXIT, CLI, ...args], { cwd: process.cwd(), timeoutSeconds, label, echoStderr: true });
  const failure = describeFailure(run, timeoutSeconds);
  if (failure) throw new Error(`${label} failed: ${failure}`);
  const peak = run.stdoutLines.map((line) => /^PEAK_RSS_KB (\d+)$/.exec(line)).find((match) => match !== null);
  if (!peak) throw new Error(`${label}: no PEAK_RSS_KB line`);
  return { seconds: run.wallSeconds, peakMB: Number(peak[1]) / 1024 };
}
