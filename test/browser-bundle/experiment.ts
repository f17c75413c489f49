// The program of the browser bundle test, the part Node and the browser share: the same
// seed, data and thread count must give the same codes on both (test/browser-bundle.test.ts).
// It uses the library's public surface only.
import { LstmAutoencoder, RandomState } from 'lstm-ae';

export interface ExperimentResult {
  losses: number[];
  codes: number[];
  threads: number;
}

/** Noisy sines of two frequencies: 96 windows of 24 steps, 2 channels. */
export function experimentData(): { data: Float32Array; shape: [number, number, number] } {
  const [N, T, D] = [96, 24, 2];
  const rng = new RandomState(7);
  const data = new Float32Array(N * T * D);
  for (let n = 0; n < N; n++) {
    const frequency = n % 2 === 0 ? 0.2 : 0.45;
    const phase = rng.uniform(0, 2 * Math.PI);
    for (let t = 0; t < T; t++) {
      data[(n * T + t) * D] = Math.sin(frequency * t + phase);
      data[(n * T + t) * D + 1] = Math.cos(frequency * t + phase) * 0.5 + rng.uniform(-0.1, 0.1);
    }
  }
  return { data, shape: [N, T, D] };
}

/** create, fit 2 epochs, encode: with `threads` threads on whichever fast platform is installed. */
export async function runExperiment(threads: number): Promise<ExperimentResult> {
  const x = experimentData();
  const model = LstmAutoencoder.create({ timesteps: x.shape[1], inputDim: x.shape[2], latentDim: 6, seed: 3 });
  try {
    const history = await model.fit(x, { epochs: 2, batchSize: 32, threads });
    const codes = await model.encode(x, { threads });
    return { losses: history.history.loss, codes: Array.from(codes.data), threads };
  } finally {
    await model.dispose();
  }
}
