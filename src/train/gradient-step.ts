import type { FloatArray } from '../ops/param-layout.js';

/** The sizes a step is built for: windows of `timesteps` steps of `inputDim` features, codes of `latentDim`. */
export interface ModelDims {
  timesteps: number;
  inputDim: number;
  latentDim: number;
}

/** What a forward pass writes, each only when asked for. */
export interface ForwardOutputs {
  /** (N,T,D) receives the reconstruction */
  reconstruction?: FloatArray;
  /** (N,L) receives the codes (the encoder's last hidden states) */
  code?: FloatArray;
  /** measure the reconstruction's MSE against x, even without keeping the reconstruction */
  loss?: boolean;
}

export const ENGINES = ['fast', 'reference'] as const;
/** Which path computes a step: 'fast' (WebAssembly SIMD on threads) or 'reference' (the readable code it is tested against). */
export type EngineName = (typeof ENGINES)[number];

/** Which path, and on how many threads. */
export interface EngineOptions {
  /** default 'fast' */
  engine?: EngineName;
  /** threads for the fast path, the calling thread included; default the platform's (on Node, every core) */
  threads?: number;
}

/**
 * One training step's math for the conditional autoencoder: the mean-squared-error loss of
 * a batch and its gradient with respect to every parameter, over the flat Keras-layout
 * buffers of `autoencoderLayout(dims)`. Two implementations stand behind this interface:
 * the readable reference (float32 or float64, the one every test trusts) and the fast path
 * (SIMD, threads), which is tested against it.
 *
 * Loss = mean over all B*T*D values of (output - x)^2, the output being the reconstruction
 * of x (the decoder is fed x reversed in time, as in the article).
 */
export interface GradientStep {
  readonly dims: ModelDims;
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
