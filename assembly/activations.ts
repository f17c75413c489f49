// Vector activations over 4 windows at once (f32x4).
//
// tanh is a rational minimax fit, tanh(x) ~ x*P(x^2)/Q(x^2) on [-8.5, 8.5] with the
// input clamped there (scripts/fit-tanh.py derives the coefficients). Math.tanh/exp cost
// ~10 ns each and an epoch needs ~180 million of them; this is a dozen vector operations
// and one division for 4 values. Over every float32 its absolute error is at most 3.9e-7
// (scripts/check-tanh-exhaustive.mjs; test/fast-activations.test.ts states the bound):
// the fit itself is 5e-8, the rest is float32 rounding. sigmoid(x) = 0.5 + 0.5*tanh(x/2)
// is within 2.2e-7.

const CLAMP: f32 = 8.5;
const P0: f32 = 0.9999997615814209;
const P1: f32 = 0.13309445977210999;
const P2: f32 = 0.0034118148032575846;
const P3: f32 = 1.9282912035123445e-5;
const P4: f32 = 1.1622603324212832e-8;
const Q1: f32 = 0.4664269685745239;
const Q2: f32 = 0.025555046275258064;
const Q3: f32 = 3.1508522806689143e-4;
const Q4: f32 = 7.044922654131369e-7;

// V8 rebuilds a v128 constant inside every loop that uses it (a move from a general
// register and a shuffle, per use); a 16-byte load from static memory is one instruction.
// So every splatted constant lives in this table, one 16-byte slot each.
const K: usize = memory.data<f32>([
  CLAMP, CLAMP, CLAMP, CLAMP, // 0
  -CLAMP, -CLAMP, -CLAMP, -CLAMP, // 16
  P0, P0, P0, P0, // 32
  P1, P1, P1, P1, // 48
  P2, P2, P2, P2, // 64
  P3, P3, P3, P3, // 80
  P4, P4, P4, P4, // 96
  Q1, Q1, Q1, Q1, // 112
  Q2, Q2, Q2, Q2, // 128
  Q3, Q3, Q3, Q3, // 144
  Q4, Q4, Q4, Q4, // 160
  1.0, 1.0, 1.0, 1.0, // 176
  0.5, 0.5, 0.5, 0.5, // 192
  0.2, 0.2, 0.2, 0.2, // 208
], 16);

/** The splatted constants 1, 0.5 and 0.2 */
// @ts-ignore: decorator
@inline
export function one4(): v128 { return v128.load(K, 176); }
// @ts-ignore: decorator
@inline
export function half4(): v128 { return v128.load(K, 192); }
// @ts-ignore: decorator
@inline
function fifth4(): v128 { return v128.load(K, 208); }

// @ts-ignore: decorator
@inline
function mulAdd(a: v128, b: v128, c: v128): v128 {
  return f32x4.add(f32x4.mul(a, b), c);
}

// @ts-ignore: decorator
@inline
export function tanh4(v: v128): v128 {
  const x = f32x4.pmax(f32x4.pmin(v, v128.load(K, 0)), v128.load(K, 16));
  const s = f32x4.mul(x, x);
  let p = mulAdd(v128.load(K, 96), s, v128.load(K, 80));
  p = mulAdd(p, s, v128.load(K, 64));
  p = mulAdd(p, s, v128.load(K, 48));
  p = mulAdd(p, s, v128.load(K, 32));
  let q = mulAdd(v128.load(K, 160), s, v128.load(K, 144));
  q = mulAdd(q, s, v128.load(K, 128));
  q = mulAdd(q, s, v128.load(K, 112));
  q = mulAdd(q, s, one4());
  return f32x4.div(f32x4.mul(x, p), q);
}

// @ts-ignore: decorator
@inline
export function sigmoid4(x: v128): v128 {
  const half = half4();
  return f32x4.add(half, f32x4.mul(half, tanh4(f32x4.mul(half, x))));
}

/** Keras's hard_sigmoid: clip(0.2x + 0.5, 0, 1). */
// @ts-ignore: decorator
@inline
export function hardSigmoid4(x: v128): v128 {
  const y = f32x4.add(f32x4.mul(x, fifth4()), half4());
  return f32x4.pmax(f32x4.pmin(y, one4()), f32x4.splat(0));
}

/** The recurrent activation's derivative from its output y: y(1-y), or 0.2 on hard_sigmoid's slope. */
// @ts-ignore: decorator
@inline
export function recurrentGrad4(y: v128, hard: bool): v128 {
  if (hard) {
    const inside = v128.and(f32x4.gt(y, f32x4.splat(0)), f32x4.lt(y, one4()));
    return v128.and(fifth4(), inside);
  }
  return f32x4.sub(y, f32x4.mul(y, y));
}

// @ts-ignore: decorator
@inline
export function recurrent4(x: v128, hard: bool): v128 {
  return hard ? hardSigmoid4(x) : sigmoid4(x);
}

/** 1 - y^2: tanh's derivative from its output. */
// @ts-ignore: decorator
@inline
export function tanhGrad4(y: v128): v128 {
  return f32x4.sub(one4(), f32x4.mul(y, y));
}
