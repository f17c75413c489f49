import { parseArgs } from 'node:util';
import { ARTICLE_VARIANT, LstmAutoencoder, toOnnx } from '../src/index.js';
import type { ForwardOnceResult } from './child-protocol.js';
import { positiveIntegerOption, ARTICLE_LATENT_DIM, articleTrainingData } from './article-workload.js';

/**
 * Times the public API's `encode` or `predict` on every seed training window, in a process
 * of its own, for bench/run.ts:
 *   node dist/bench/forward-once.js --op encode --threads 2 [--repeat 3] [--runtime onnx]
 * prints one JSON line (ForwardOnceResult). The weights are the fresh Keras initialisation:
 * a forward pass costs the same whatever the weights are. The first call also starts the
 * model's threads, so it is reported apart from the repetitions after it. `--runtime onnx` times
 * the same model exported by toOnnx in ONNX Runtime (onnxruntime-node, a devDependency) instead.
 */
const { values } = parseArgs({
  options: {
    op: { type: 'string', default: 'encode' },
    threads: { type: 'string', default: '2' },
    repeat: { type: 'string', default: '3' },
    runtime: { type: 'string', default: 'ours' },
  },
});
const op = values.op;
const threads = positiveIntegerOption('threads', values.threads);
const repeat = positiveIntegerOption('repeat', values.repeat);
if (op !== 'encode' && op !== 'predict') throw new Error(`--op must be encode or predict, got ${op}`);
if (values.runtime !== 'ours' && values.runtime !== 'onnx') throw new Error(`--runtime must be ours or onnx, got ${values.runtime}`);

const x = articleTrainingData();
const [windows, timesteps, inputDim] = x.shape;
const model = LstmAutoencoder.create({ ...ARTICLE_VARIANT, timesteps, inputDim, latentDim: ARTICLE_LATENT_DIM, seed: 0 });
const run = (data: typeof x, engine: 'fast' | 'reference') =>
  (op === 'encode' ? model.encode(data, { engine, threads }) : model.reconstruct(data, { engine, threads })).then((r) => r.data);
const onnx = values.runtime === 'onnx' ? await onnxRunner() : undefined;

/** The model exported (the encoder for encode) in an ONNX Runtime session on `threads` threads. */
async function onnxRunner(): Promise<(data: typeof x) => Promise<Float32Array>> {
  const ort = (await import('onnxruntime-node')).default;
  const session = await ort.InferenceSession.create(await toOnnx(model, { part: op === 'encode' ? 'encoder' : 'autoencoder' }), { intraOpNumThreads: threads, interOpNumThreads: 1 });
  const output = op === 'encode' ? 'code' : 'reconstruction';
  return async (data) => (await session.run({ x: new ort.Tensor('float32', data.data, [...data.shape]) }, [output]))[output]!.data as Float32Array;
}
try {
  const seconds: number[] = [];
  let result: Float32Array = new Float32Array(0);
  for (let i = 0; i <= repeat; i++) {
    const started = performance.now();
    result = onnx ? await onnx(x) : await run(x, 'fast');
    seconds.push((performance.now() - started) / 1000);
    process.stderr.write(`${op} ${i === 0 ? 'first call' : `${i}/${repeat}`}: ${seconds.at(-1)?.toFixed(3)} s\n`);
  }
  // a fast wrong answer is no result: compare the first windows with the reference path
  const checked = Math.min(256, windows);
  const size = op === 'encode' ? model.config.latentDim : timesteps * inputDim;
  const reference = await run({ data: x.data.subarray(0, checked * timesteps * inputDim), shape: [checked, timesteps, inputDim] }, 'reference');
  let maxDifference = 0;
  for (let i = 0; i < checked * size; i++) maxDifference = Math.max(maxDifference, Math.abs(reference[i]! - result[i]!));
  if (!(maxDifference < 1e-4)) throw new Error(`fast ${op} differs from the reference by ${maxDifference} on the first ${checked} windows`);

  const line: ForwardOnceResult = {
    op,
    path: onnx ? 'exported, in ONNX Runtime (onnxruntime-node)' : 'fast path, public API',
    threads,
    windows,
    firstCallSeconds: seconds[0]!,
    seconds: seconds.slice(1),
    peakRssKB: process.resourceUsage().maxRSS,
  };
  process.stdout.write(JSON.stringify(line) + '\n');
} finally {
  await model.dispose();
}
