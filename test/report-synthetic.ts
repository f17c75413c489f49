/**
 * Seed-shaped but fake data for the report tests: two noisy sines (20 and 80 samples per
 * cycle) cut into windows, "reconstructions" = original + small noise, features that vary
 * smoothly with the phase, a decreasing loss history and a 2-D projection. No model is
 * trained, so the report layer can be tested on its own and quickly.
 */
import { mulberry32 as uniform } from './mulberry32.js';

export interface SyntheticRun {
  series0: Float64Array;
  series1: Float64Array;
  timesteps: number;
  windows: Float32Array; // (N, T) flat: all class-0 windows, then all class-1 windows
  reconstruction: Float32Array;
  shape: [number, number, number];
  class0: { start: number; end: number };
  class1: { start: number; end: number };
  latent: number;
  features: Float32Array; // (N, L) flat
  history: { loss: number[]; val_loss: number[] };
  projections: Float64Array; // (M, 2) flat
  labels: Int32Array; // (M)
}

export function syntheticRun(options: { cycles0?: number; cycles1?: number; timesteps?: number; latent?: number } = {}): SyntheticRun {
  const { cycles0 = 30, cycles1 = 10, timesteps = 100, latent = 10 } = options;
  const rand = uniform(7);
  const noise = (scale: number): number => scale * (2 * rand() - 1);
  const sine = (period: number, cycles: number): Float64Array =>
    Float64Array.from({ length: period * cycles + 1 }, (_, t) => Math.sin((2 * Math.PI * t) / period) + noise(0.05));
  const series0 = sine(20, cycles0);
  const series1 = sine(80, cycles1);

  const n0 = series0.length - timesteps;
  const n1 = series1.length - timesteps;
  const n = n0 + n1;
  const windows = new Float32Array(n * timesteps);
  for (let i = 0; i < n0; i++) windows.set(series0.subarray(i, i + timesteps), i * timesteps);
  for (let i = 0; i < n1; i++) windows.set(series1.subarray(i, i + timesteps), (n0 + i) * timesteps);
  const reconstruction = windows.map((v) => v + noise(0.08));

  const features = new Float32Array(n * latent);
  for (let i = 0; i < n; i++) {
    const [period, phase, offset] = i < n0 ? [20, i % 20, -0.3] : [80, (i - n0) % 80, 0.3];
    for (let f = 0; f < latent; f++) {
      features[i * latent + f] = Math.tanh(offset + (0.3 + 0.05 * f) * Math.sin((2 * Math.PI * phase) / period + f));
    }
  }

  const epochs = 30;
  const loss = Array.from({ length: epochs }, (_, e) => 0.45 * Math.exp(-e / 6) + 0.02 + noise(0.002));
  const val_loss = loss.map((v) => v * 0.97);

  const m = 300;
  const projections = new Float64Array(2 * m);
  const labels = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    const k = i < 50 ? 0 : 1;
    labels[i] = k;
    const angle = 2 * Math.PI * rand();
    projections[2 * i] = (k === 0 ? -1.5 : 1.2) + 0.6 * Math.cos(angle) + noise(0.1);
    projections[2 * i + 1] = 0.8 * Math.sin(angle) + noise(0.1);
  }

  return {
    series0, series1, timesteps, windows, reconstruction, shape: [n, timesteps, 1],
    class0: { start: 0, end: n0 }, class1: { start: n0, end: n }, latent, features,
    history: { loss, val_loss }, projections, labels,
  };
}
