// Vector activations over 4 windows at once (f32x4).
//
// tanh is a rational minimax fit, tanh(x) ~ x*P(x^2)/Q(x^2) on [-8.5, 8.5] with the input
// clamped there (scripts/fit-tanh.py derives the coefficients). Math.tanh/exp cost ~10 ns
// each and an epoch needs ~180 million of them; this is a dozen vector operations and one
// division for 4 values. Its largest absolute error in float32 is under 4e-7 (stated by
// test/fast-kernels.test.ts); the fit itself is 5e-8, the rest is float32 rounding.
// sigmoid(x) = 0.5 + 0.5*tanh(x/2), so its error is half as large.

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

// @ts-ignore: decorator
@inline
function mulAdd(a: v128, b: v128, c: f32): v128 {
  return f32x4.add(f32x4.mul(a, b), f32x4.splat(c));
}

// @ts-ignore: decorator
@inline
export function tanh4(v: v128): v128 {
  const x = f32x4.pmax(f32x4.pmin(v, f32x4.splat(CLAMP)), f32x4.splat(-CLAMP));
  const s = f32x4.mul(x, x);
  let p = mulAdd(f32x4.splat(P4), s, P3);
  p = mulAdd(p, s, P2);
  p = mulAdd(p, s, P1);
  p = mulAdd(p, s, P0);
  let q = mulAdd(f32x4.splat(Q4), s, Q3);
  q = mulAdd(q, s, Q2);
  q = mulAdd(q, s, Q1);
  q = mulAdd(q, s, 1.0);
  return f32x4.div(f32x4.mul(x, p), q);
}

// @ts-ignore: decorator
@inline
export function sigmoid4(x: v128): v128 {
  const half = f32x4.splat(0.5);
  return f32x4.add(half, f32x4.mul(half, tanh4(f32x4.mul(half, x))));
}

/** Keras's hard_sigmoid: clip(0.2x + 0.5, 0, 1). */
// @ts-ignore: decorator
@inline
export function hardSigmoid4(x: v128): v128 {
  const y = f32x4.add(f32x4.mul(x, f32x4.splat(0.2)), f32x4.splat(0.5));
  return f32x4.pmax(f32x4.pmin(y, f32x4.splat(1.0)), f32x4.splat(0.0));
}

/** The recurrent activation's derivative from its output y: y(1-y), or 0.2 on hard_sigmoid's slope. */
// @ts-ignore: decorator
@inline
export function recurrentGrad4(y: v128, hard: bool): v128 {
  if (hard) {
    const inside = v128.and(f32x4.gt(y, f32x4.splat(0.0)), f32x4.lt(y, f32x4.splat(1.0)));
    return v128.and(f32x4.splat(0.2), inside);
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
  return f32x4.sub(f32x4.splat(1.0), f32x4.mul(y, y));
}
