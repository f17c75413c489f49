import type { AutoencoderDims } from '../models/autoencoder/layout.js';

/**
 * One training step's math for the conditional autoencoder: the mean-squared-error loss of
 * a batch and its gradient with respect to every parameter, over the flat Keras-layout
 * buffers of `autoencoderLayout(dims)`. Two implementations stand behind this interface:
 * the readable reference (float32 or float64, the one every test trusts) and the fast path
 * (SIMD, threads), which is tested against it.
 *
 * Loss = mean over all B*T*D values of (output - x)^2, the output being the reconstruction
 * of x (the decoder is fed x reversed in time, as in the seed).
 */
export interface GradientStep {
  readonly dims: AutoencoderDims;
  readonly maxBatch: number;
  /**
   * x: (batch, T, D) row-major, batch <= maxBatch. Overwrites `grads` (same layout as
   * `params`) with dLoss/dParams and returns the loss.
   */
  lossAndGradient(params: Float32Array, grads: Float32Array, x: Float32Array, batch: number): number | Promise<number>;
  /**
   * The forward pass without gradients over `batch` <= maxBatch windows: the codes
   * (batch,L) into `out.code`, the reconstruction (batch,T,D) into `out.reconstruction`
   * (the decoder runs only then). Validation, predict and encode use it (forwardInChunks).
   */
  forward(
    params: Float32Array,
    x: Float32Array,
    batch: number,
    out: { code?: Float32Array; reconstruction?: Float32Array },
  ): void | Promise<void>;
  /** Releases threads or other resources; the step is unusable afterwards. */
  dispose(): void | Promise<void>;
}
