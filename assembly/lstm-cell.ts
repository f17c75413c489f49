// One LSTM step's elementwise part for L units of a block (Keras gate order i, f, c, o):
//   i = ra(z_i)  f = ra(z_f)  g = tanh(z_c)  o = ra(z_o)   c = f*c_prev + i*g   h = o*tanh(c)
// gates[u], gates[L+u], gates[2L+u], gates[3L+u] are unit u's four rows.
import { recurrent4, recurrentGrad4, tanh4, tanhGrad4 } from './activations';

// @ts-ignore: decorator
@inline
function forward(gates: usize, cPrev: usize, c: usize, tc: usize, h: usize, L: i32, hard: bool): void {
  const rows = <usize>L << 4;
  for (let u = 0; u < L; u++) {
    const at = <usize>u << 4;
    const g = gates + at;
    const i = recurrent4(v128.load(g), hard);
    const f = recurrent4(v128.load(g + rows), hard);
    const cand = tanh4(v128.load(g + 2 * rows));
    const o = recurrent4(v128.load(g + 3 * rows), hard);
    v128.store(g, i);
    v128.store(g + rows, f);
    v128.store(g + 2 * rows, cand);
    v128.store(g + 3 * rows, o);
    const cu = f32x4.add(f32x4.mul(f, v128.load(cPrev + at)), f32x4.mul(i, cand));
    const t = tanh4(cu);
    v128.store(c + at, cu);
    v128.store(tc + at, t);
    v128.store(h + at, f32x4.mul(o, t));
  }
}

// One function per recurrent activation so each loop has it fixed at compile time (one
// function with both, Binaryen merges the loops and tests the flag per gate).
function forwardSigmoid(gates: usize, cPrev: usize, c: usize, tc: usize, h: usize, L: i32): void {
  forward(gates, cPrev, c, tc, h, L, false);
}
function forwardHard(gates: usize, cPrev: usize, c: usize, tc: usize, h: usize, L: i32): void {
  forward(gates, cPrev, c, tc, h, L, true);
}

/** gates: pre-activations in, activated gates out; writes c, tanh(c) and h. */
export function cellForward(gates: usize, cPrev: usize, c: usize, tc: usize, h: usize, L: i32, hard: bool): void {
  if (hard) forwardHard(gates, cPrev, c, tc, h, L);
  else forwardSigmoid(gates, cPrev, c, tc, h, L);
}

// @ts-ignore: decorator
@inline
function backward(gates: usize, tc: usize, cPrev: usize, dh: usize, dcNext: usize, dz: usize, L: i32, hard: bool): void {
  const rows = <usize>L << 4;
  for (let u = 0; u < L; u++) {
    const at = <usize>u << 4;
    const g = gates + at;
    const i = v128.load(g);
    const f = v128.load(g + rows);
    const cand = v128.load(g + 2 * rows);
    const o = v128.load(g + 3 * rows);
    const t = v128.load(tc + at);
    const dhu = v128.load(dh + at);
    const dc = f32x4.add(v128.load(dcNext + at), f32x4.mul(f32x4.mul(dhu, o), tanhGrad4(t)));
    const out = dz + at;
    v128.store(out, f32x4.mul(f32x4.mul(dc, cand), recurrentGrad4(i, hard)));
    v128.store(out + rows, f32x4.mul(f32x4.mul(dc, v128.load(cPrev + at)), recurrentGrad4(f, hard)));
    v128.store(out + 2 * rows, f32x4.mul(f32x4.mul(dc, i), tanhGrad4(cand)));
    v128.store(out + 3 * rows, f32x4.mul(f32x4.mul(dhu, t), recurrentGrad4(o, hard)));
    v128.store(dcNext + at, f32x4.mul(dc, f));
  }
}

/**
 * Given dL/dh_t (dh) and dL/dc_t from the step after (dcNext, updated in place to
 * dL/dc_{t-1}), writes the gate pre-activation gradients dz (4L rows).
 */
export function cellBackward(gates: usize, tc: usize, cPrev: usize, dh: usize, dcNext: usize, dz: usize, L: i32, hard: bool): void {
  if (hard) backwardHard(gates, tc, cPrev, dh, dcNext, dz, L);
  else backwardSigmoid(gates, tc, cPrev, dh, dcNext, dz, L);
}
function backwardSigmoid(gates: usize, tc: usize, cPrev: usize, dh: usize, dcNext: usize, dz: usize, L: i32): void {
  backward(gates, tc, cPrev, dh, dcNext, dz, L, false);
}
function backwardHard(gates: usize, tc: usize, cPrev: usize, dh: usize, dcNext: usize, dz: usize, L: i32): void {
  backward(gates, tc, cPrev, dh, dcNext, dz, L, true);
}
