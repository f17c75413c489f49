import { glorotUniform, orthogonal, unitForgetBias, zeros, type RandomSource } from '../../ops/initializers.js';
import { ParamLayout, type FloatArray } from '../../ops/param-layout.js';
import type { ModelDims } from '../../train/gradient-step.js';

/**
 * The article's conditional autoencoder, in Keras layout and with Keras's weight names:
 *   encoder      LSTM(L) over x (T,D):           kernel (D,4L), recurrent_kernel (L,4L), bias (4L)
 *   decoder      LSTM(L) over [repeat(h_enc), reverse_t(x)] (T,L+D): kernel (L+D,4L) — first L
 *                rows take the repeated code, last D rows the reversed input
 *   dense_hidden Dense(L, relu):                 kernel (L,L), bias (L)
 *   dense_out    Dense(D, tanh or linear):       kernel (L,D), bias (D)
 * Gate order within every 4L axis: i, f, c, o (Keras). Row-major (C order) everywhere.
 * The unconditional decoder reads the repeated code alone, so its kernel is (L,4L); every
 * other tensor, and every name, stays the same.
 */
export type AutoencoderDims = ModelDims;

/** 'conditional': the decoder reads [code | x reversed] (the article); 'unconditional': the code alone. */
export type DecoderKind = 'conditional' | 'unconditional';

export const WEIGHT_NAMES = [
  'encoder/kernel',
  'encoder/recurrent_kernel',
  'encoder/bias',
  'decoder/kernel',
  'decoder/recurrent_kernel',
  'decoder/bias',
  'dense_hidden/kernel',
  'dense_hidden/bias',
  'dense_out/kernel',
  'dense_out/bias',
] as const;

export type WeightName = (typeof WEIGHT_NAMES)[number];

/** Rows of the decoder's kernel: the code's L, plus the input's D when the decoder is conditional. */
export function decoderInputSize({ inputDim: D, latentDim: L }: AutoencoderDims, decoder: DecoderKind = 'conditional'): number {
  return decoder === 'conditional' ? L + D : L;
}

/** The flat layout; `decoder` defaults to the article's 'conditional'. */
export function autoencoderLayout(dims: AutoencoderDims & { decoder?: DecoderKind }): ParamLayout {
  const { inputDim: D, latentDim: L } = dims;
  const shapes: Record<WeightName, number[]> = {
    'encoder/kernel': [D, 4 * L],
    'encoder/recurrent_kernel': [L, 4 * L],
    'encoder/bias': [4 * L],
    'decoder/kernel': [decoderInputSize(dims, dims.decoder), 4 * L],
    'decoder/recurrent_kernel': [L, 4 * L],
    'decoder/bias': [4 * L],
    'dense_hidden/kernel': [L, L],
    'dense_hidden/bias': [L],
    'dense_out/kernel': [L, D],
    'dense_out/bias': [D],
  };
  return new ParamLayout(WEIGHT_NAMES.map((name) => ({ name, shape: shapes[name] })));
}

/** [start, end) of each LSTM's bias in the flat buffer (fit's lstmBiasPair doubles their step). */
export function lstmBiasRanges(dims: AutoencoderDims & { decoder?: DecoderKind }): Array<[start: number, end: number]> {
  const layout = autoencoderLayout(dims);
  return (['encoder/bias', 'decoder/bias'] as const).map((name) => {
    const { offset, size } = layout.slot(name);
    return [offset, offset + size];
  });
}

/**
 * Keras's default initialisation of the autoencoder, in the order Keras builds the layers:
 * each LSTM's kernel glorot_uniform, recurrent kernel orthogonal, bias zeros with the
 * forget block at 1; each Dense's kernel glorot_uniform and bias zeros. All draws come
 * from `rng` one after the other, so one seed fixes every weight.
 */
export function initializeKeras(
  weights: Record<WeightName, FloatArray>,
  dims: AutoencoderDims & { decoder?: DecoderKind },
  rng: RandomSource,
): void {
  const { inputDim: D, latentDim: L } = dims;
  glorotUniform(weights['encoder/kernel'], D, 4 * L, rng);
  orthogonal(weights['encoder/recurrent_kernel'], L, 4 * L, rng);
  unitForgetBias(weights['encoder/bias'], L);
  glorotUniform(weights['decoder/kernel'], decoderInputSize(dims, dims.decoder), 4 * L, rng);
  orthogonal(weights['decoder/recurrent_kernel'], L, 4 * L, rng);
  unitForgetBias(weights['decoder/bias'], L);
  glorotUniform(weights['dense_hidden/kernel'], L, L, rng);
  zeros(weights['dense_hidden/bias']);
  glorotUniform(weights['dense_out/kernel'], L, D, rng);
  zeros(weights['dense_out/bias']);
}
