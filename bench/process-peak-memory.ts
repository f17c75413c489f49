import { readFileSync } from 'node:fs';

/**
 * A running process's peak resident memory so far (VmHWM), in MB, or null where /proc is
 * absent (not Linux) or the process is gone. Lets the bench take a yardstick's training
 * peak at the moment training ends, before its evaluation code allocates more.
 */
export function peakMemorySoFarMB(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(status);
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}
