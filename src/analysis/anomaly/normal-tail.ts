/**
 * The Gaussian's upper tail Q(z) = P(Z > z) = erfc(z/√2)/2, and its -log10, which stays finite
 * and precise far beyond where Q underflows (z ≈ 38): the surprise of a z-score. NAB's
 * windowed Gaussian and the anomaly likelihood (likelihood.ts) both use it.
 */

/** erfc(x) for x >= 0, to a few 1e-15 relative (checked against Python's math.erfc). */
export function erfcNonNegative(x: number): number {
  if (x < 1) return 1 - erfSmall(x);
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / erfcContinuedFraction(x);
}

/** erf(x) for 0 <= x < 1: 2/√π · e^{-x²} · Σ (2x²)^n x / (1·3·…·(2n+1)): positive terms, so no cancellation. */
function erfSmall(x: number): number {
  let term = x;
  let sum = x;
  for (let n = 1; term > sum * 1e-17; n++) {
    term *= (2 * x * x) / (2 * n + 1);
    sum += term;
  }
  return (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum;
}

/**
 * f(x) with erfc(x) = e^{-x²}/√π / f(x), f(x) = x + (1/2)/(x + 1/(x + (3/2)/(x + …))), by the
 * modified Lentz method; for x >= 1.
 */
function erfcContinuedFraction(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const a = n / 2;
    d = x + a * d;
    d = d === 0 ? tiny : 1 / d;
    c = x + a / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return f;
}

/** -log10 Q(z) for any finite z: 0.30103 at z = 0, about z²/(2 ln 10) far out, never Infinity. */
export function normalTailSurprise(z: number): number {
  if (z < 0) return -Math.log10(1 - 0.5 * erfcNonNegative(-z / Math.SQRT2));
  const x = z / Math.SQRT2;
  if (x < 1) return -Math.log10(0.5 * erfcNonNegative(x));
  // ln Q = ln(1/2) - x² - ln √π - ln f(x), without forming e^{-x²}
  return (Math.LN2 + x * x + 0.5 * Math.log(Math.PI) + Math.log(erfcContinuedFraction(x))) / Math.LN10;
}
