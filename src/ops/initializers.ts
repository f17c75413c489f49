import type { FloatArray } from './param-layout.js';
import { householderQr } from './householder-qr.js';

/**
 * Keras's default initialisers for LSTM and Dense layers. Each fills `out` (row-major) in
 * place, drawing from `rng` in row-major order, so a seeded generator gives the same
 * weights every time.
 */
export interface RandomSource {
  /** one draw from U[low, high) */
  uniform(low: number, high: number): number;
  /** one draw from N(0, 1) */
  standardNormal(): number;
}

// out: (fanIn, fanOut) for a 2-D kernel  ->  U(-limit, limit), limit = sqrt(6 / (fanIn + fanOut))
export function glorotUniform(out: FloatArray, fanIn: number, fanOut: number, rng: RandomSource): void {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  for (let i = 0; i < out.length; i++) out[i] = rng.uniform(-limit, limit);
}

/**
 * out: (rows, cols)  ->  gain * an orthogonal matrix, as Keras builds it: a standard normal
 * matrix of shape (rows, cols), or (cols, rows) when rows < cols; its QR; q times
 * sign(diag(r)) (which makes the result unique); transposed back. Rows of an (L,4L)
 * recurrent kernel come out orthonormal, columns of a tall matrix do.
 */
export function orthogonal(out: FloatArray, rows: number, cols: number, rng: RandomSource, gain = 1): void {
  if (out.length !== rows * cols) throw new Error(`orthogonal: buffer has ${out.length} values, shape needs ${rows * cols}`);
  const transposed = rows < cols;
  const m = transposed ? cols : rows;
  const n = transposed ? rows : cols;
  const a = new Float64Array(m * n);
  for (let i = 0; i < a.length; i++) a[i] = rng.standardNormal();
  const { q, r } = householderQr(a, m, n);
  for (let j = 0; j < n; j++) {
    // numpy's sign(0) would zero a column; a zero pivot has probability 0, keep the column then
    const sign = r[j * n + j]! < 0 ? -1 : 1;
    for (let i = 0; i < m; i++) {
      const value = gain * sign * q[i * n + j]!;
      if (transposed) out[j * cols + i] = value;
      else out[i * cols + j] = value;
    }
  }
}

export function zeros(out: FloatArray): void {
  out.fill(0);
}

// out: (4L) LSTM bias, gates i,f,c,o  ->  zeros with the forget block at 1 (Keras's unit_forget_bias)
export function unitForgetBias(out: FloatArray, units: number): void {
  if (out.length !== 4 * units) throw new Error(`unitForgetBias: bias has ${out.length} values, expected 4*${units}`);
  out.fill(0);
  out.fill(1, units, 2 * units);
}
