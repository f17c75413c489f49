// Matrix kernels over "vectors of 4 windows": every activation is a v128 holding one value
// for each of 4 windows (lanes), so the batch is the SIMD axis and the weights are scalars
// broadcast to all lanes. Weights are row-major f32 (Keras layout: W[k][j] at k*J + j).
// Pointers are byte addresses; activation arrays are packed v128s.

/**
 * z[j] = base[j] + sum_d x[d] W[d][j] + sum_k h[k] U[k][j]    for j < J
 * base is the v128 array `baseVec` when non-zero, else the scalar bias `bias` broadcast.
 * W and U have J columns. nx or nh may be 0.
 */
export function preactivate(
  z: usize, J: i32, baseVec: usize, bias: usize,
  x: usize, nx: i32, W: usize, h: usize, nh: i32, U: usize,
): void {
  const rowBytes = <usize>J << 2;
  let j = 0;
  for (; j + 4 <= J; j += 4) {
    let a0: v128, a1: v128, a2: v128, a3: v128;
    if (baseVec) {
      const b = baseVec + (<usize>j << 4);
      a0 = v128.load(b); a1 = v128.load(b, 16); a2 = v128.load(b, 32); a3 = v128.load(b, 48);
    } else {
      const b = bias + (<usize>j << 2);
      a0 = v128.load32_splat(b); a1 = v128.load32_splat(b, 4); a2 = v128.load32_splat(b, 8); a3 = v128.load32_splat(b, 12);
    }
    let w = W + (<usize>j << 2);
    for (let d = 0; d < nx; d++) {
      const v = v128.load(x + (<usize>d << 4));
      a0 = f32x4.add(a0, f32x4.mul(v, v128.load32_splat(w)));
      a1 = f32x4.add(a1, f32x4.mul(v, v128.load32_splat(w, 4)));
      a2 = f32x4.add(a2, f32x4.mul(v, v128.load32_splat(w, 8)));
      a3 = f32x4.add(a3, f32x4.mul(v, v128.load32_splat(w, 12)));
      w += rowBytes;
    }
    let u = U + (<usize>j << 2);
    for (let k = 0; k < nh; k++) {
      const v = v128.load(h + (<usize>k << 4));
      a0 = f32x4.add(a0, f32x4.mul(v, v128.load32_splat(u)));
      a1 = f32x4.add(a1, f32x4.mul(v, v128.load32_splat(u, 4)));
      a2 = f32x4.add(a2, f32x4.mul(v, v128.load32_splat(u, 8)));
      a3 = f32x4.add(a3, f32x4.mul(v, v128.load32_splat(u, 12)));
      u += rowBytes;
    }
    const o = z + (<usize>j << 4);
    v128.store(o, a0); v128.store(o, a1, 16); v128.store(o, a2, 32); v128.store(o, a3, 48);
  }
  for (; j < J; j++) {
    let a = baseVec ? v128.load(baseVec + (<usize>j << 4)) : v128.load32_splat(bias + (<usize>j << 2));
    for (let d = 0; d < nx; d++) {
      a = f32x4.add(a, f32x4.mul(v128.load(x + (<usize>d << 4)), v128.load32_splat(W + <usize>(d * J + j) * 4)));
    }
    for (let k = 0; k < nh; k++) {
      a = f32x4.add(a, f32x4.mul(v128.load(h + (<usize>k << 4)), v128.load32_splat(U + <usize>(k * J + j) * 4)));
    }
    v128.store(z + (<usize>j << 4), a);
  }
}

/**
 * out[k] = add[k] + sum_j W[k][j] v[j]    for k < K   (the transposed product of backward)
 * `add` is a v128 array or 0 for none. W has J columns.
 */
export function transposedProduct(out: usize, add: usize, v: usize, W: usize, K: i32, J: i32): void {
  for (let k = 0; k < K; k++) {
    const row = W + <usize>(k * J) * 4;
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
    let j = 0;
    for (; j + 4 <= J; j += 4) {
      const w = row + (<usize>j << 2);
      const p = v + (<usize>j << 4);
      a0 = f32x4.add(a0, f32x4.mul(v128.load(p), v128.load32_splat(w)));
      a1 = f32x4.add(a1, f32x4.mul(v128.load(p, 16), v128.load32_splat(w, 4)));
      a2 = f32x4.add(a2, f32x4.mul(v128.load(p, 32), v128.load32_splat(w, 8)));
      a3 = f32x4.add(a3, f32x4.mul(v128.load(p, 48), v128.load32_splat(w, 12)));
    }
    for (; j < J; j++) {
      a0 = f32x4.add(a0, f32x4.mul(v128.load(v + (<usize>j << 4)), v128.load32_splat(row + (<usize>j << 2))));
    }
    let a = f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3));
    if (add) a = f32x4.add(a, v128.load(add + (<usize>k << 4)));
    v128.store(out + (<usize>k << 4), a);
  }
}

/** dst (cols, rows) = src (rows, cols) transposed; f32 row-major. */
export function transpose(dst: usize, src: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      store<f32>(dst + (<usize>(c * rows + r) << 2), load<f32>(src + (<usize>(r * cols + c) << 2)));
    }
  }
}

/**
 * acc[k][j] += sum_{s<S} A[s][k] B[s][j]    for k < K, j < J   (a weight gradient)
 * acc holds one v128 per weight (lanes summed at the end of the step), J columns.
 * A[s] starts at A + s*aStep bytes (aStep may be negative or 0), B[s] at B + s*bStep.
 */
export function outerAccumulate(
  acc: usize, K: i32, J: i32, A: usize, aStep: isize, B: usize, bStep: isize, S: i32,
): void {
  if (S <= 0) return;
  let k = 0;
  for (; k + 2 <= K; k += 2) {
    const accRow0 = acc + <usize>(k * J) * 16;
    const accRow1 = accRow0 + (<usize>J << 4);
    let j = 0;
    for (; j + 4 <= J; j += 4) {
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c02 = f32x4.splat(0), c03 = f32x4.splat(0);
      let c10 = f32x4.splat(0), c11 = f32x4.splat(0), c12 = f32x4.splat(0), c13 = f32x4.splat(0);
      let a = A + (<usize>k << 4);
      let b = B + (<usize>j << 4);
      for (let s = 0; s < S; s++) {
        const x0 = v128.load(a), x1 = v128.load(a, 16);
        const y0 = v128.load(b), y1 = v128.load(b, 16), y2 = v128.load(b, 32), y3 = v128.load(b, 48);
        c00 = f32x4.add(c00, f32x4.mul(x0, y0)); c01 = f32x4.add(c01, f32x4.mul(x0, y1));
        c02 = f32x4.add(c02, f32x4.mul(x0, y2)); c03 = f32x4.add(c03, f32x4.mul(x0, y3));
        c10 = f32x4.add(c10, f32x4.mul(x1, y0)); c11 = f32x4.add(c11, f32x4.mul(x1, y1));
        c12 = f32x4.add(c12, f32x4.mul(x1, y2)); c13 = f32x4.add(c13, f32x4.mul(x1, y3));
        a += <usize>aStep; b += <usize>bStep;
      }
      const p0 = accRow0 + (<usize>j << 4), p1 = accRow1 + (<usize>j << 4);
      v128.store(p0, f32x4.add(v128.load(p0), c00)); v128.store(p0, f32x4.add(v128.load(p0, 16), c01), 16);
      v128.store(p0, f32x4.add(v128.load(p0, 32), c02), 32); v128.store(p0, f32x4.add(v128.load(p0, 48), c03), 48);
      v128.store(p1, f32x4.add(v128.load(p1), c10)); v128.store(p1, f32x4.add(v128.load(p1, 16), c11), 16);
      v128.store(p1, f32x4.add(v128.load(p1, 32), c12), 32); v128.store(p1, f32x4.add(v128.load(p1, 48), c13), 48);
    }
    for (; j < J; j++) {
      let c0 = f32x4.splat(0), c1 = f32x4.splat(0);
      let a = A + (<usize>k << 4);
      let b = B + (<usize>j << 4);
      for (let s = 0; s < S; s++) {
        const y = v128.load(b);
        c0 = f32x4.add(c0, f32x4.mul(v128.load(a), y));
        c1 = f32x4.add(c1, f32x4.mul(v128.load(a, 16), y));
        a += <usize>aStep; b += <usize>bStep;
      }
      const p0 = accRow0 + (<usize>j << 4), p1 = accRow1 + (<usize>j << 4);
      v128.store(p0, f32x4.add(v128.load(p0), c0));
      v128.store(p1, f32x4.add(v128.load(p1), c1));
    }
  }
  for (; k < K; k++) {
    const accRow = acc + <usize>(k * J) * 16;
    let j = 0;
    for (; j + 4 <= J; j += 4) {
      let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
      let a = A + (<usize>k << 4);
      let b = B + (<usize>j << 4);
      for (let s = 0; s < S; s++) {
        const x = v128.load(a);
        c0 = f32x4.add(c0, f32x4.mul(x, v128.load(b))); c1 = f32x4.add(c1, f32x4.mul(x, v128.load(b, 16)));
        c2 = f32x4.add(c2, f32x4.mul(x, v128.load(b, 32))); c3 = f32x4.add(c3, f32x4.mul(x, v128.load(b, 48)));
        a += <usize>aStep; b += <usize>bStep;
      }
      const p = accRow + (<usize>j << 4);
      v128.store(p, f32x4.add(v128.load(p), c0)); v128.store(p, f32x4.add(v128.load(p, 16), c1), 16);
      v128.store(p, f32x4.add(v128.load(p, 32), c2), 32); v128.store(p, f32x4.add(v128.load(p, 48), c3), 48);
    }
    for (; j < J; j++) {
      let c = f32x4.splat(0);
      let a = A + (<usize>k << 4);
      let b = B + (<usize>j << 4);
      for (let s = 0; s < S; s++) {
        c = f32x4.add(c, f32x4.mul(v128.load(a), v128.load(b)));
        a += <usize>aStep; b += <usize>bStep;
      }
      const p = accRow + (<usize>j << 4);
      v128.store(p, f32x4.add(v128.load(p), c));
    }
  }
}

/** out[j] = sum_{s<S} V[s][j] for j < J, V[s] at V + s*J*16. */
export function sumSteps(out: usize, V: usize, J: i32, S: i32): void {
  const stepBytes = <usize>J << 4;
  for (let j = 0; j < J; j++) {
    let a = f32x4.splat(0);
    let p = V + (<usize>j << 4);
    for (let s = 0; s < S; s++) {
      a = f32x4.add(a, v128.load(p));
      p += stepBytes;
    }
    v128.store(out + (<usize>j << 4), a);
  }
}
