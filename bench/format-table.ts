import type { BenchReport } from './bench-report.js';
import { plural } from './child-run.js';

const COLUMNS = ['implementation', 'threads', 's/epoch', 'windows/s', 'peak MB', 'ratio', 'basis'] as const;
// numbers read best right-aligned; text left-aligned
const RIGHT_ALIGNED = new Set<string>(['threads', 's/epoch', 'windows/s', 'peak MB', 'ratio']);

/** The bench's stdout: a plain aligned table, the speed-up line, the encode timing, the notes. */
export function formatReport(report: BenchReport): string {
  const { machine, workload } = report;
  const lines: string[] = [];
  lines.push(
    `seed model T=${workload.timesteps} D=${workload.inputDim} L=${workload.latentDim}, ` +
      `${formatInteger(workload.windows)} windows per epoch, batch ${workload.batchSize}, ${workload.optimizer}`,
  );
  const others = machine.otherProcessesCpuShare;
  lines.push(
    `${machine.cpuModel}, ${machine.logicalCpus} logical CPUs, Node ${machine.node} (${machine.platform}-${machine.arch})` +
      (others === null ? '' : `; other processes used ${(others * 100).toFixed(0)}% of the CPU time during the run`),
  );
  lines.push('');

  const cells = report.rows.map((r) => ({
    implementation: r.implementation,
    threads: r.threads === null ? 'auto' : String(r.threads),
    's/epoch': formatSeconds(r.secondsPerEpoch),
    'windows/s': formatInteger(r.windowsPerSecond),
    'peak MB': r.peakMemoryMB === null ? 'n/a' : formatInteger(r.peakMemoryMB),
    ratio: r.ratioToOurs === null ? 'n/a' : `${r.ratioToOurs.toFixed(2)}×`,
    basis: r.basis,
  }));
  const widths = COLUMNS.map((c) => Math.max(c.length, ...cells.map((row) => row[c].length)));
  const render = (values: readonly string[]) =>
    values
      .map((v, i) => (RIGHT_ALIGNED.has(COLUMNS[i]!) ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  lines.push(render(COLUMNS));
  lines.push(render(widths.map((w) => '-'.repeat(w))));
  for (const row of cells) lines.push(render(COLUMNS.map((c) => row[c])));
  lines.push(`ratio = that row's seconds per epoch ÷ ${report.baseline}`);
  lines.push('');

  const s = report.speedupVsPyTorch;
  lines.push(
    s
      ? `speed-up vs PyTorch (its faster setting, ${plural(s.pytorchThreads, 'thread')}) / ours (2 threads): ${s.speedup.toFixed(2)}×`
      : 'speed-up vs PyTorch: n/a (needs both the PyTorch rows and our fast 2-thread row)',
  );
  // the restructuring issue's bar for the library API on 2 cores: encode < 1 s, predict < 2 s
  const bar = { encode: 1, predict: 2 };
  for (const e of report.forward) {
    lines.push(
      `API ${e.op} ${formatInteger(e.windows)} windows (${e.path}, ${plural(e.threads, 'thread')}): ` +
        `${e.seconds.toFixed(3)} s (median of ${e.repetitions}; first call ${e.firstCallSeconds.toFixed(3)} s with thread start), ` +
        `${formatInteger(e.windowsPerSecond)} windows/s, ${(e.seconds / bar[e.op]).toFixed(2)}× the ${bar[e.op]} s bar` +
        (e.peakMemoryMB === null ? '' : `, peak ${formatInteger(e.peakMemoryMB)} MB`),
    );
  }
  if (report.forward.length === 0) lines.push('API encode/predict: n/a');
  for (const t of report.tasks) {
    const bar = t.bar === undefined ? '' : ` (bar ${t.bar}: ${t.ratio <= t.bar ? 'met' : 'NOT met'})`;
    const m = t.memory;
    const memory = m
      ? `; peak ${formatInteger(m.peakMB)} MB, ${m.ratio.toFixed(2)}× ${m.against.label} (${formatInteger(m.against.MB)} MB)` +
        (m.bar === undefined ? '' : ` (bar ${m.bar}×: ${m.ratio <= m.bar ? 'met' : 'NOT met'})`)
      : '';
    lines.push(`${t.task}: ${t.ours.seconds.toFixed(3)} s ${t.ours.label}; ${t.yardstick.seconds.toFixed(3)} s ${t.yardstick.label}; ratio ${t.ratio.toFixed(2)}${bar}${memory}`);
  }
  for (const note of report.notes) lines.push(`note: ${note}`);
  return lines.join('\n') + '\n';
}

function formatSeconds(seconds: number): string {
  return seconds >= 100 ? seconds.toFixed(0) : seconds >= 10 ? seconds.toFixed(1) : seconds.toFixed(2);
}

function formatInteger(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}
