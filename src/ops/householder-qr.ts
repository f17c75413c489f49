/**
 * Reduced QR decomposition of an (m,n) matrix, m >= n, by Householder reflections, in
 * float64. Returns Q (m,n) with orthonormal columns and R (n,n) upper triangular, both
 * row-major. Used only by the orthogonal initialiser, so clarity beats speed here.
 */
export function householderQr(a: Float64Array, m: number, n: number): { q: Float64Array; r: Float64Array } {
  if (m < n) throw new Error(`householderQr needs rows >= cols, got (${m},${n})`);
  const work = Float64Array.from(a);
  const reflectors: Float64Array[] = [];
  for (let k = 0; k < n; k++) {
    // v = x - alpha e1 with alpha = -sign(x0)||x||, so the subtraction never cancels
    const v = new Float64Array(m - k);
    let norm2 = 0;
    for (let i = k; i < m; i++) {
      v[i - k] = work[i * n + k]!;
      norm2 += v[i - k]! ** 2;
    }
    const alpha = (v[0]! >= 0 ? -1 : 1) * Math.sqrt(norm2);
    v[0] = v[0]! - alpha;
    let vNorm2 = 0;
    for (let i = 0; i < v.length; i++) vNorm2 += v[i]! ** 2;
    if (vNorm2 > 0) for (let i = 0; i < v.length; i++) v[i] = v[i]! / Math.sqrt(vNorm2);
    reflectors.push(v);
    applyReflector(work, n, v, k, k, n);
  }
  const r = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) r[i * n + j] = work[i * n + j]!;
  // Q = H_0 H_1 ... H_{n-1} applied to the first n columns of the identity
  const q = new Float64Array(m * n);
  for (let i = 0; i < n; i++) q[i * n + i] = 1;
  for (let k = n - 1; k >= 0; k--) applyReflector(q, n, reflectors[k]!, k, 0, n);
  return { q, r };
}

/** A[k:, c0:c1] -= 2 v (v^T A[k:, c0:c1]) for a row-major A with `cols` columns. */
function applyReflector(a: Float64Array, cols: number, v: Float64Array, k: number, c0: number, c1: number): void {
  for (let j = c0; j < c1; j++) {
    let dot = 0;
    for (let i = 0; i < v.length; i++) dot += v[i]! * a[(k + i) * cols + j]!;
    for (let i = 0; i < v.length; i++) a[(k + i) * cols + j] = a[(k + i) * cols + j]! - 2 * v[i]! * dot;
  }
}
