import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import type { Worker } from 'node:worker_threads';
import { AtomicsWorkerPool } from '../src/fast/worker-pool.js';
import { createFastStep } from '../src/models/autoencoder/fast-step.js';
import { autoencoderLayout } from '../src/models/autoencoder/layout.js';

// The worker pool's promises: every job runs once per worker, a worker's failure becomes an
// Error (never a hang), and idle workers never keep the process alive.
const entry = new URL('./fast-pool-worker.js', import.meta.url);

function counters(n: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4 * n));
}

test('each job runs once on every worker, in lock step', { timeout: 20_000 }, async () => {
  const counts = counters(3);
  const pool = await AtomicsWorkerPool.start(entry, 3, { counts, behaviour: 'work' });
  try {
    for (let job = 1; job <= 5; job++) {
      pool.begin();
      await pool.finish();
      assert.deepEqual([...counts], [job, job, job]);
    }
  } finally {
    await pool.close();
  }
});

for (const behaviour of ['throw', 'exit']) {
  test(`a worker that ${behaviour}s fails the job and every later one with an Error`, { timeout: 20_000 }, async () => {
    const counts = counters(2);
    const pool = await AtomicsWorkerPool.start(entry, 2, { counts, behaviour });
    try {
      pool.begin();
      await pool.finish();
      pool.begin();
      await assert.rejects(pool.finish(), behaviour === 'throw' ? /fast-path worker failed: boom in job 2/ : /exited unexpectedly \(code 3\)/);
      assert.throws(() => pool.begin(), /fast-path worker failed/);
    } finally {
      await pool.close();
    }
  });
}

test('a FastStep whose worker died rejects its next call instead of hanging', { timeout: 20_000 }, async () => {
  const dims = { timesteps: 4, inputDim: 1, latentDim: 2 };
  const P = autoencoderLayout(dims).size;
  const step = await createFastStep(dims, 64, { threads: 2 });
  try {
    const params = new Float32Array(P).fill(0.1);
    const x = new Float32Array(64 * 4).fill(0.5);
    const grads = new Float32Array(P);
    assert.ok(Number.isFinite(await step.lossAndGradient(params, grads, x, 64)));
    const workers = (step as unknown as { pool: { workers: Worker[] } }).pool.workers;
    await workers[0]!.terminate();
    await assert.rejects(async () => step.lossAndGradient(params, grads, x, 64), /fast-path worker/);
  } finally {
    await step.dispose();
  }
});

test('a process that never calls dispose() still exits when its work is done', { timeout: 30_000 }, async () => {
  const module = new URL('../src/models/autoencoder/fast-step.js', import.meta.url).href;
  const script = `
    const { createFastStep } = await import(${JSON.stringify(module)});
    const dims = { timesteps: 5, inputDim: 1, latentDim: 3 };
    const step = await createFastStep(dims, 40, { threads: 2 });
    if (step.threads !== 2) throw new Error('expected a worker');
    const params = new Float32Array(${autoencoderLayout({ timesteps: 5, inputDim: 1, latentDim: 3 }).size}).fill(0.1);
    const loss = await step.lossAndGradient(params, new Float32Array(params.length), new Float32Array(200).fill(0.3), 40);
    console.log('loss', loss);
  `;
  const { stdout, code } = await new Promise<{ stdout: string; code: number | null }>((resolve) => {
    execFile(process.execPath, ['--input-type=module', '-e', script], { timeout: 20_000 }, (error, stdout) => {
      resolve({ stdout, code: error ? ((error as { code?: number }).code ?? null) : 0 });
    });
  });
  assert.equal(code, 0, 'the child exits by itself, successfully');
  assert.match(stdout, /^loss \d/);
});
