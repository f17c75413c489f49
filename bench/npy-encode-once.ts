import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeNpy } from '../src/io/npy-file.js';
import { LstmAutoencoder } from '../src/models/autoencoder/lstm-autoencoder.js';
import type { TaskTiming } from './child-protocol.js';
import { positiveIntegerOption } from './article-workload.js';
import { runCliOnce } from './cli-once.js';

/**
 * `lstm-ae encode` on a large float32 .npy, in a process of its own, for bench/run.ts:
 *   node dist/bench/npy-encode-once.js --threads 2 [--windows 1200000 --timesteps 100]
 * writes 1,200,000 windows of 100 steps (480 MB) and a small model with the default
 * per-channel scaling into a temporary folder, runs the command, and prints one JSON line
 * (TaskTiming). Its peak memory is measured against the file's float32 size (issue 23's bar:
 * 1.5×; it was 4.4× when the file went through a Float64Array per series and two copies);
 * its time against reading the file's bytes, the least any reader of it does.
 */
const { values } = parseArgs({
  options: {
    threads: { type: 'string', default: '2' },
    windows: { type: 'string', default: '1200000' },
    timesteps: { type: 'string', default: '100' },
  },
});
const threads = positiveIntegerOption('threads', values.threads);
const N = positiveIntegerOption('windows', values.windows);
const T = positiveIntegerOption('timesteps', values.timesteps);
const MEMORY_BAR = 1.5;

const folder = mkdtempSync(join(tmpdir(), 'lstm-ae-bench-npy-'));
try {
  const input = join(folder, 'X.npy');
  {
    const data = new Float32Array(N * T);
    for (let i = 0; i < data.length; i++) data[i] = Math.sin(0.01 * i) + 0.1 * Math.sin(0.37 * i);
    writeNpy(input, { dtype: 'float32', shape: [N, T], data });
  }
  const model = LstmAutoencoder.create({ timesteps: T, inputDim: 1, latentDim: 10, seed: 1 });
  model.setScaling({ normalize: 'per-channel', mean: [0], std: [0.7] });
  const modelJson = await model.save(join(folder, 'model'));
  const float32MB = (N * T * 4) / 2 ** 20;

  const ours = await runCliOnce(['encode', '--model', modelJson, '--input', input, '--out', join(folder, 'codes.npy'), '--threads', String(threads)], 600);
  const started = performance.now();
  const bytes = readFileSync(input);
  const readSeconds = (performance.now() - started) / 1000;

  const result: TaskTiming = {
    task: `encode a float32 .npy of ${((N * T * 4) / 1e6).toFixed(0)} MB (${float32MB.toFixed(0)} MiB; peak MB below are MiB), ${N} windows of ${T} steps (${threads} threads)`,
    ours: { label: 'lstm-ae encode, the whole command', seconds: ours.seconds },
    yardstick: { label: `reading the file's ${bytes.length} bytes (readFileSync)`, seconds: readSeconds },
    ratio: ours.seconds / readSeconds,
    memory: { peakMB: ours.peakMB, against: { label: "the file's float32 size", MB: float32MB }, ratio: ours.peakMB / float32MB, bar: MEMORY_BAR },
  };
  process.stderr.write(`encode ${ours.seconds.toFixed(2)} s, peak ${ours.peakMB.toFixed(0)} MB for ${float32MB.toFixed(0)} MB of float32\n`);
  process.stdout.write(JSON.stringify(result) + '\n');
} finally {
  rmSync(folder, { recursive: true, force: true });
}
