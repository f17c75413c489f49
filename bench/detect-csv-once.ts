import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { windowedGaussianScores } from '../src/analysis/nab/windowed-gaussian.js';
import { readTimeSeriesCsv } from '../src/io/read-series.js';
import type { TaskTiming } from './child-protocol.js';
import { positiveIntegerOption } from './article-workload.js';
import { runCliOnce } from './cli-once.js';

/**
 * `lstm-ae detect` as a user runs it on a long CSV, report included, in a process of its own,
 * for bench/run.ts:
 *   node dist/bench/detect-csv-once.js --threads 2 [--rows 1000000]
 * writes the rows with `lstm-ae data --anomalies` (two channels) into a temporary folder, runs
 * detect on them with its defaults, and prints one JSON line (TaskTiming): the whole
 * command's time and peak memory (against the file's size) beside NAB's windowed Gaussian
 * on the same rows, channel by channel, the simplest detector NAB ranks.
 */
const { values } = parseArgs({ options: { threads: { type: 'string', default: '2' }, rows: { type: 'string', default: '1000000' } } });
const threads = positiveIntegerOption('threads', values.threads);
const rows = positiveIntegerOption('rows', values.rows);

const folder = mkdtempSync(join(tmpdir(), 'lstm-ae-bench-detect-'));
try {
  await runCliOnce(['data', '--anomalies', '--rows', String(rows), '--out', folder], 600);
  const input = join(folder, 'series.csv');
  const fileMB = statSync(input).size / 2 ** 20;
  const ours = await runCliOnce(['detect', '--input', input, '--out', join(folder, 'run'), '--threads', String(threads)], 600);

  const table = readTimeSeriesCsv(input);
  const started = performance.now();
  for (let c = 0; c < table.channels; c++) windowedGaussianScores(table.values.filter((_, i) => i % table.channels === c));
  const gaussianSeconds = (performance.now() - started) / 1000;

  const result: TaskTiming = {
    task: `detect on a ${rows}-row CSV of ${table.channels} channels from lstm-ae data --anomalies (defaults, report included, ${threads} threads)`,
    ours: { label: 'lstm-ae detect, the whole command (read, train, score, report)', seconds: ours.seconds },
    yardstick: { label: "NAB's windowed Gaussian on the same rows", seconds: gaussianSeconds },
    ratio: ours.seconds / gaussianSeconds,
    memory: { peakMB: ours.peakMB, against: { label: "the CSV file's size", MB: fileMB }, ratio: ours.peakMB / fileMB },
  };
  process.stderr.write(`detect ${ours.seconds.toFixed(1)} s, peak ${ours.peakMB.toFixed(0)} MB; windowed Gaussian ${gaussianSeconds.toFixed(2)} s\n`);
  process.stdout.write(JSON.stringify(result) + '\n');
} finally {
  rmSync(folder, { recursive: true, force: true });
}
