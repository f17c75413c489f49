import { glorotUniform, orthogonal, unitForgetBias, zeros, type RandomSource } from '../../ops/initializers.js';
import type { FloatArray } from '../../ops/param-layout.js';
import type { AutoencoderDims, WeightName } from './layout.js';

/**
 * Keras's default initialisation of the autoencoder, in the order Keras builds the layers:
 * each LSTM's kernel glorot_uniform, recurrent kernel orthogonal, bias zeros with the
 * forget block at 1; each Dense's kernel glorot_uniform and bias zeros. All draws come
 * from `rng` one after the other, so one seed fixes every weight.
 */
export function initializeKeras(weights: Record<WeightName, FloatArray>, { inputDim: D, latentDim: L }: AutoencoderDims, rng: RandomSource): void {
  glorotUniform(weights['encoder/kernel'], D, 4 * L, rng);
  orthogonal(weights['encoder/recurrent_kernel'], L, 4 * L, rng);
  unitForgetBias(weights['encoder/bias'], L);
  glorotUniform(weights['decoder/kernel'], L + D, 4 * L, rng);
  orthogonal(weights['decoder/recurrent_kernel'], L, 4 * L, rng);
  unitForgetBias(weights['decoder/bias'], L);
  glorotUniform(weights['dense_hidden/kernel'], L, L, rng);
  zeros(weights['dense_hidden/bias']);
  glorotUniform(weights['dense_out/kernel'], L, D, rng);
  zeros(weights['dense_out/bias']);
}
