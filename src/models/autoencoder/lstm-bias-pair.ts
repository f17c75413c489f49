import { autoencoderLayout, type AutoencoderDims } from './layout.js';

/**
 * PyTorch (and cuDNN) give each LSTM two bias vectors, b_ih and b_hh, that the cell adds
 * together; Keras gives it one. The two always receive the same gradient, so RMSprop, Adam
 * and SGD move each by the same step, and their sum (the only bias the model computes
 * with) moves twice as far as Keras's single vector. Doubling the LSTM biases' step after
 * each update is therefore exactly PyTorch's training of the same model, while the model
 * itself (and its saved file) keeps Keras's one bias.
 */
export function lstmBiasRanges(dims: AutoencoderDims): Array<[start: number, end: number]> {
  const layout = autoencoderLayout(dims);
  return (['encoder/bias', 'decoder/bias'] as const).map((name) => {
    const { offset, size } = layout.slot(name);
    return [offset, offset + size];
  });
}

/** params: after the optimizer's step; before: the same buffer before it. Each LSTM bias takes its step twice. */
export function repeatLstmBiasStep(params: Float32Array, before: Float32Array, ranges: Array<[number, number]>): void {
  for (const [start, end] of ranges) {
    for (let i = start; i < end; i++) params[i] = params[i]! + params[i]! - before[i]!;
  }
}
