// The autoencoder for one block of 4 windows, forward and backward:
//   encoder LSTM over x -> code = h after each window's last real step;
//   decoder LSTM over [code | x reversed within its length] (conditional, the article's)
//   or over the code alone (unconditional); Dense(L, relu) -> Dense(D, tanh or linear);
//   loss = sum of squared errors over real steps against x, or x reversed (reverseTarget).
// A block runs Tb steps, its longest window's length; a lane whose window is shorter has
// step mask 0 past its end: its code is taken at its own last step, its loss and every
// gradient there are exactly 0, so padding changes nothing (Keras's masking, post-padded).
// Weight gradients are summed into `gacc` (one v128 per weight), so blocks just add up.
import {
  D, L, G, Tb, hard, conditional, reverseTarget, linearOutput, params, gacc,
  encK, encR, encB, decK, decR, decB, hidK, hidB, outK, outB,
  encGates, encC, encTC, encH, decGates, decC, decTC, decH, hidden, dz, dzHidden, dzOut,
  codeZ, dzSum, dh, dhNext, dcNext, dhIn, zeros, ones, outKT, hidKT, decRT, decCodeT, encRT,
} from './memory-plan';
import { preactivate, transposedProduct, transpose, outerAccumulate, sumSteps } from './matrix';
import { specialisedProduct } from './generated/products';
import { cellForward, cellBackward } from './lstm-cell';
import { tanh4, tanhGrad4 } from './activations';

// @ts-ignore: decorator
@inline
function vec(base: usize, index: i32): usize {
  return base + (<usize>index << 4);
}

// @ts-ignore: decorator
@inline
function gradOf(weightOffset: usize): usize {
  return gacc + (weightOffset << 2);
}

/** All-ones lanes where step t is a window's last real step (mask 1 at t, 0 at t + 1). */
// @ts-ignore: decorator
@inline
function lastStepLanes(mask: usize, t: i32): v128 {
  const next = t + 1 < Tb ? v128.load(vec(mask, t + 1)) : f32x4.splat(0);
  return f32x4.gt(v128.load(vec(mask, t)), next);
}

/**
 * out[k] = add[k] (a v128 array, or 0) + sum_j W[k][j] v[j] for k < K: backward's products,
 * by the unrolled kernel for this K (which reads WT, W transposed) when there is one.
 */
// @ts-ignore: decorator
@inline
function product(out: usize, add: usize, v: usize, W: usize, WT: usize, K: i32, J: i32): void {
  if (!specialisedProduct(out, add, v, WT, J, K)) transposedProduct(out, add, v, W, K, J);
}

/** Once per step, before backward: the transposed weights it multiplies by. */
export function transposeWeights(): void {
  transpose(outKT, params + outK, L, D);
  transpose(hidKT, params + hidK, L, L);
  transpose(decRT, params + decR, L, G);
  transpose(decCodeT, params + decK, L, G);
  transpose(encRT, params + encR, L, G);
}

/** x: the block's (T, D); mask: its (T) step masks. Fills the encoder history and `code` (L). */
export function encoderForward(x: usize, mask: usize, code: usize): void {
  memory.fill(code, 0, <usize>L << 4);
  for (let t = 0; t < Tb; t++) {
    const first = t == 0;
    const z = vec(encGates, t * G);
    preactivate(z, G, 0, params + encB, vec(x, t * D), D, params + encK,
      first ? 0 : vec(encH, (t - 1) * L), first ? 0 : L, params + encR);
    const h = vec(encH, t * L);
    cellForward(z, first ? zeros : vec(encC, (t - 1) * L), vec(encC, t * L), vec(encTC, t * L), h, L, hard);
    const last = lastStepLanes(mask, t);
    for (let k = 0; k < L; k++) v128.store(vec(code, k), v128.bitselect(v128.load(vec(h, k)), v128.load(vec(code, k)), last));
  }
}

/**
 * code: (L); xrev: the block's input reversed within each window's length. The decoder sees
 * [code | xrev_t] at step t (conditional) or the code alone; the code's part is the same at every step.
 */
export function decoderForward(xrev: usize, code: usize): void {
  preactivate(codeZ, G, 0, params + decB, code, L, params + decK, 0, 0, 0);
  const kernelX = params + decK + <usize>(L * G) * 4;
  const inputs = conditional ? D : 0;
  for (let t = 0; t < Tb; t++) {
    const first = t == 0;
    const z = vec(decGates, t * G);
    preactivate(z, G, codeZ, 0, vec(xrev, t * D), inputs, kernelX,
      first ? 0 : vec(decH, (t - 1) * L), first ? 0 : L, params + decR);
    cellForward(z, first ? zeros : vec(decC, (t - 1) * L), vec(decC, t * L), vec(decTC, t * L), vec(decH, t * L), L, hard);
  }
}

/** out: the block's (T, D) output, in the target's order. */
export function denseForward(out: usize): void {
  const zero = f32x4.splat(0);
  for (let t = 0; t < Tb; t++) {
    const hid = vec(hidden, t * L);
    preactivate(hid, L, 0, params + hidB, vec(decH, t * L), L, params + hidK, 0, 0, 0);
    for (let k = 0; k < L; k++) v128.store(vec(hid, k), f32x4.pmax(v128.load(vec(hid, k)), zero));
    const o = vec(out, t * D);
    preactivate(o, D, 0, params + outB, hid, L, params + outK, 0, 0, 0);
    if (!linearOutput) for (let d = 0; d < D; d++) v128.store(vec(o, d), tanh4(v128.load(vec(o, d))));
  }
}

/**
 * Sum of squared errors over the block's real steps against x (or xrev when reverseTarget);
 * leaves dLoss/dz of the output layer in dzOut, scale*(out - target) at real steps, 0 elsewhere.
 */
export function lossAndOutputGradient(out: usize, x: usize, xrev: usize, mask: usize, scale: f32): f64 {
  const target = reverseTarget ? xrev : x;
  const s = f32x4.splat(scale);
  const one = f32x4.splat(1);
  let sse = f32x4.splat(0);
  for (let t = 0; t < Tb; t++) {
    const m = v128.load(vec(mask, t));
    for (let d = 0; d < D; d++) {
      const i = t * D + d;
      const y = v128.load(vec(out, i));
      const e = f32x4.mul(f32x4.sub(y, v128.load(vec(target, i))), m);
      sse = f32x4.add(sse, f32x4.mul(e, e));
      v128.store(vec(dzOut, i), f32x4.mul(f32x4.mul(e, s), linearOutput ? one : tanhGrad4(y)));
    }
  }
  return <f64>f32x4.extract_lane(sse, 0) + <f64>f32x4.extract_lane(sse, 1)
    + <f64>f32x4.extract_lane(sse, 2) + <f64>f32x4.extract_lane(sse, 3);
}

export function denseBackward(): void {
  const zero = f32x4.splat(0);
  for (let t = 0; t < Tb; t++) {
    const dzh = vec(dzHidden, t * L);
    const hid = vec(hidden, t * L);
    product(dzh, 0, vec(dzOut, t * D), params + outK, outKT, L, D);
    for (let k = 0; k < L; k++) {
      const active = f32x4.gt(v128.load(vec(hid, k)), zero);
      v128.store(vec(dzh, k), v128.and(v128.load(vec(dzh, k)), active));
    }
  }
  const Lb = <isize>L << 4, Db = <isize>D << 4;
  outerAccumulate(gradOf(outK), L, D, hidden, Lb, dzOut, Db, Tb);
  outerAccumulate(gradOf(outB), 1, D, ones, 0, dzOut, Db, Tb);
  outerAccumulate(gradOf(hidK), L, L, decH, Lb, dzHidden, Lb, Tb);
  outerAccumulate(gradOf(hidB), 1, L, ones, 0, dzHidden, Lb, Tb);
}

/** Backpropagates through the decoder; leaves dLoss/dcode in dh. */
export function decoderBackward(xrev: usize, code: usize): void {
  memory.fill(dcNext, 0, <usize>L << 4);
  for (let t = Tb - 1; t >= 0; t--) {
    product(dh, t == Tb - 1 ? 0 : dhNext, vec(dzHidden, t * L), params + hidK, hidKT, L, L);
    cellBackward(vec(decGates, t * G), vec(decTC, t * L), t == 0 ? zeros : vec(decC, (t - 1) * L), dh, dcNext, vec(dz, t * G), L, hard);
    if (t > 0) product(dhNext, 0, vec(dz, t * G), params + decR, decRT, L, G);
  }
  const Lb = <isize>L << 4, Gb = <isize>G << 4, Db = <isize>D << 4;
  sumSteps(dzSum, dz, G, Tb);
  outerAccumulate(gradOf(decR), L, G, decH, Lb, vec(dz, G), Gb, Tb - 1);
  if (conditional) outerAccumulate(gradOf(decK) + (<usize>(L * G) << 4), D, G, xrev, Db, dz, Gb, Tb);
  outerAccumulate(gradOf(decK), L, G, code, 0, dzSum, 0, 1);
  outerAccumulate(gradOf(decB), 1, G, ones, 0, dzSum, 0, 1);
  product(dh, 0, dzSum, params + decK, decCodeT, L, G);
}

/** Backpropagates dLoss/dcode (in dh) through the encoder, entering each lane at its window's last step. */
export function encoderBackward(x: usize, mask: usize): void {
  memory.fill(dcNext, 0, <usize>L << 4);
  const zero = f32x4.splat(0);
  for (let t = Tb - 1; t >= 0; t--) {
    const last = lastStepLanes(mask, t);
    for (let k = 0; k < L; k++) {
      const fromCode = v128.bitselect(v128.load(vec(dh, k)), zero, last);
      v128.store(vec(dhIn, k), t == Tb - 1 ? fromCode : f32x4.add(v128.load(vec(dhNext, k)), fromCode));
    }
    cellBackward(vec(encGates, t * G), vec(encTC, t * L), t == 0 ? zeros : vec(encC, (t - 1) * L), dhIn, dcNext, vec(dz, t * G), L, hard);
    if (t > 0) product(dhNext, 0, vec(dz, t * G), params + encR, encRT, L, G);
  }
  const Lb = <isize>L << 4, Gb = <isize>G << 4, Db = <isize>D << 4;
  outerAccumulate(gradOf(encR), L, G, encH, Lb, vec(dz, G), Gb, Tb - 1);
  outerAccumulate(gradOf(encK), D, G, x, Db, dz, Gb, Tb);
  outerAccumulate(gradOf(encB), 1, G, ones, 0, dz, Gb, Tb);
}
