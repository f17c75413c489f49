import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TaskTiming } from './child-protocol.js';

/**
 * What importing the library costs, for bench/run.ts: `await import(ENTRY)` timed inside a
 * fresh Node process, and that process's resident memory afterwards, for the core entry
 * (`lstm-ae`: models, training, estimators, readers), `lstm-ae/node` and `lstm-ae/report`,
 * against the same process importing an empty module (bare node). Median of five processes
 * each. Bars (issue 19): the core in at most 0.15 s and 50 MB.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RUNS = 5;

/** Seconds for `await import(specifier)` and the RSS after it, in a process of its own (run in the repository, whose package.json names the entries). */
function importOnce(specifier: string): { seconds: number; rssMB: number } {
  const program = `const t0 = performance.now(); await import(${JSON.stringify(specifier)}); const seconds = (performance.now() - t0) / 1000; ` +
    `console.log(JSON.stringify({ seconds, rssMB: process.memoryUsage().rss / 2 ** 20 }));`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', program], { cwd: ROOT, encoding: 'utf8' })) as { seconds: number; rssMB: number };
}

const median = (values: number[]) => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

function measure(specifier: string): { seconds: number; rssMB: number } {
  const runs = Array.from({ length: RUNS }, () => importOnce(specifier));
  return { seconds: median(runs.map((r) => r.seconds)), rssMB: median(runs.map((r) => r.rssMB)) };
}

const bare = measure('data:text/javascript,export default 0');
const core = measure('lstm-ae');
const node = measure('lstm-ae/node');
const report = measure('lstm-ae/report');
const result: TaskTiming = {
  task: `import the library in a fresh Node process (median of ${RUNS}; bars: the core in 0.15 s, 50 MB)`,
  ours: { label: `import('lstm-ae'), the core: ${core.rssMB.toFixed(0)} MB RSS after it`, seconds: core.seconds },
  yardstick: { label: `bare node importing an empty module: ${bare.rssMB.toFixed(0)} MB RSS`, seconds: bare.seconds },
  ratio: core.seconds / bare.seconds,
  details: {
    coreSeconds: core.seconds, coreRssMB: core.rssMB, coreMeetsBars: core.seconds <= 0.15 && core.rssMB <= 50,
    bareSeconds: bare.seconds, bareRssMB: bare.rssMB,
    nodeEntrySeconds: node.seconds, nodeEntryRssMB: node.rssMB,
    reportEntrySeconds: report.seconds, reportEntryRssMB: report.rssMB,
  },
};
process.stderr.write(
  `import lstm-ae ${core.seconds.toFixed(3)} s ${core.rssMB.toFixed(0)} MB; lstm-ae/node ${node.seconds.toFixed(3)} s ${node.rssMB.toFixed(0)} MB; ` +
    `lstm-ae/report ${report.seconds.toFixed(3)} s ${report.rssMB.toFixed(0)} MB; bare node ${bare.seconds.toFixed(3)} s ${bare.rssMB.toFixed(0)} MB\n`,
);
process.stdout.write(JSON.stringify(result) + '\n');
