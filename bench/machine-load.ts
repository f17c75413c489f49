import { readFileSync } from 'node:fs';

/**
 * How much of the machine other processes used while the bench ran. The bench's own
 * processes (this one and its children, once waited for) are subtracted, so a busy
 * neighbour shows up and the bench itself does not. Linux only (/proc); null elsewhere.
 */
export interface CpuSnapshot {
  /** non-idle CPU time of the whole machine, clock ticks */
  machineBusyTicks: number;
  /** all CPU time of the whole machine, clock ticks */
  machineTotalTicks: number;
  /** this process plus its finished children (utime+stime+cutime+cstime), clock ticks */
  ownTicks: number;
}

export function cpuSnapshot(): CpuSnapshot | null {
  try {
    const cpuLine = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    // cpu user nice system idle iowait irq softirq steal ...
    const fields = cpuLine.trim().split(/\s+/).slice(1).map(Number);
    const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = fields[3]! + fields[4]!;
    // the command name (field 2) may hold spaces: count fields after its closing parenthesis
    const self = readFileSync('/proc/self/stat', 'utf8');
    const after = self.slice(self.lastIndexOf(')') + 2).split(' ').map(Number);
    // after[0] is field 3 (state); utime..cstime are fields 14..17
    const ownTicks = after[11]! + after[12]! + after[13]! + after[14]!;
    return { machineBusyTicks: total - idle, machineTotalTicks: total, ownTicks };
  } catch {
    return null;
  }
}

/** Share (0..1) of all CPU time between two snapshots that other processes used. */
export function otherProcessesShare(before: CpuSnapshot, after: CpuSnapshot): number {
  const total = after.machineTotalTicks - before.machineTotalTicks;
  if (total <= 0) return 0;
  const others = after.machineBusyTicks - before.machineBusyTicks - (after.ownTicks - before.ownTicks);
  return Math.max(0, others / total);
}
