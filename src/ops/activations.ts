/**
 * Scalar activations and their derivatives. Each derivative is written in terms of the
 * activation's OUTPUT y, because that is what the forward pass keeps for backward.
 */
export type RecurrentActivation = 'sigmoid' | 'hard_sigmoid';
export type DenseActivation = 'relu' | 'tanh' | 'linear';

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** Keras's hard_sigmoid: clip(0.2x + 0.5, 0, 1). */
export function hardSigmoid(x: number): number {
  const y = 0.2 * x + 0.5;
  return y < 0 ? 0 : y > 1 ? 1 : y;
}

export function sigmoidGradFromOutput(y: number): number {
  return y * (1 - y);
}

/** 0.2 on the slope, 0 where clipped (a kink has no derivative; Keras's autodiff also gives 0 outside). */
export function hardSigmoidGradFromOutput(y: number): number {
  return y > 0 && y < 1 ? 0.2 : 0;
}

export function tanhGradFromOutput(y: number): number {
  return 1 - y * y;
}
