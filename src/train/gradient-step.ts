import type { FloatArray } from '../ops/param-layout.js';

/** The sizes a step is built for: windows of `timesteps` steps of `inputDim` features, codes of `latentDim`. */
export interface ModelDims {
  timesteps: number;
  inputDim: number;
  latentDim: number;
}

/** What a forward pass writes, each only when asked for. */
export interface ForwardOutputs {
  /** (N,T,D) receives the reconstruction, in the data's own time order (0 at padded steps) */
  reconstruction?: FloatArray;
  /** (N,L) receives the codes (the encoder's states after each window's last real step) */
  code?: FloatArray;
  /** measure the reconstruction's MSE against x over real steps, even without keeping the reconstruction */
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
 *
 * With `lengths` (B), window b is lengths[b] steps long and post-padded (see Sequences):
 * the loss is the mean over real steps only, sum_b sum_{t<len_b, d} err^2 / (D sum_b len_b),
 * and nothing about a window depends on its padding or on the rest of its batch. The
 * model's variant (decoder, reverseTarget, outputActivation) is fixed when the step is made.
 */
export interface GradientStep {
  readonly dims: ModelDims;
  readonly maxBatch: number;
  /**
   * x: (batch, steps, D) row-major, batch <= maxBatch, steps <= T (default T: a batch need
   * be padded only to its longest window); lengths: (batch) or absent (all `steps`).
   * Overwrites `grads` (same layout as `params`) with dLoss/dParams and returns the loss.
   */
  lossAndGradient(params: Float32Array, grads: Float32Array, x: Float32Array, batch: number, lengths?: Int32Array, steps?: number): number | Promise<number>;
  /**
   * The forward pass without gradients over `batch` <= maxBatch windows x (batch,steps,D)
   * (steps as lossAndGradient takes it): the codes (batch,L) into `out.code`, the
   * reconstruction (batch,steps,D) into `out.reconstruction`
   * (the decoder runs only then). The reconstruction is in the data's own time order, to
   * be compared with x step for step (a reverseTarget model's output is reversed back
   * within each window's length), and 0 at padded steps. Validation, predict and encode
   * use it (forwardWindows).
   */
  forward(
    params: Float32Array,
    x: Float32Array,
    batch: number,
    out: { code?: Float32Array; reconstruction?: Float32Array },
    lengths?: Int32Array,
    steps?: number,
  ): void | Promise<void>;
  /** Releases threads or other resources; the step is unusable afterwards. */
  dispose(): void | Promise<void>;
}
