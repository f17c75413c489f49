/**
 * How new a window's shape is to the model: the distance from its code (the encoder's last
 * hidden state) to the nearest code of the windows the model was trained on. The
 * reconstruction error misses a window the decoder can rebuild although nothing like it was
 * ever seen (a level between two familiar levels, a flat stretch where there is always
 * noise); its code still lands away from every training code.
 */

/** At most this many training codes are kept as the reference: the nearest-code search costs this many distances per row. */
export const MAX_REFERENCE_CODES = 2000;

/** Every k-th of n codes (n, L), k the smallest step that keeps at most `max`: an even thinning in time. */
export function thinCodes(codes: ArrayLike<number>, n: number, latent: number, max = MAX_REFERENCE_CODES): Float64Array {
  const step = Math.max(1, Math.ceil(n / max));
  const kept = Math.ceil(n / step);
  const out = new Float64Array(kept * latent);
  for (let k = 0; k < kept; k++) for (let l = 0; l < latent; l++) out[k * latent + l] = codes[k * step * latent + l]!;
  return out;
}

/** Euclidean distance from codes[offset, offset + latent) to the nearest reference code. */
export function nearestCodeDistance(reference: ArrayLike<number>, latent: number, codes: ArrayLike<number>, offset = 0): number {
  const m = reference.length / latent;
  let best = Infinity;
  for (let j = 0; j < m; j++) {
    let d = 0;
    for (let l = 0; l < latent && d < best; l++) {
      const q = codes[offset + l]! - reference[j * latent + l]!;
      d += q * q;
    }
    if (d < best) best = d;
  }
  return Math.sqrt(best);
}
