import { readFileSync } from 'node:fs';
import type { WeightName } from '../src/models/autoencoder/layout.js';

// Shared by the tests that check against PyTorch: the reference run in
// test/fixtures/lstm-ae-gradients-torch.json (PyTorch autograd in float64 on the conditional
// autoencoder, Keras layout, B=3, T=6, D=1, L=4, sigmoid; see test/fixtures/README.md).

/** A number or (nested) arrays of numbers, as json.dumps writes a tensor's tolist(). */
export type Nested = number | Nested[];

export interface TorchFixture {
  config: {
    batch: number;
    timesteps: number;
    input_dim: number;
    latent_dim: number;
    rmsprop: { lr: number; rho: number; epsilon: number };
  };
  x: Nested;
  weights: Record<WeightName, Nested>;
  encoder_final_h: Nested;
  decoder_hidden: Nested;
  output: Nested;
  loss: number;
  grads: Record<WeightName, Nested>;
  weights_after_one_rmsprop_step: Record<WeightName, Nested>;
}

/** The values of a nested array in row-major order. */
export const flat = (a: Nested): number[] => (Array.isArray(a) ? a.flatMap(flat) : [a]);

export const torch: TorchFixture = JSON.parse(
  readFileSync(new URL('../../test/fixtures/lstm-ae-gradients-torch.json', import.meta.url), 'utf8'),
) as TorchFixture;
