/**
 * How new a window's shape is to the model: the distance from its code (the encoder's last
 * hidden state) to the nearest code of the windows the model was trained on. The
 * reconstruction error misses a window the decoder can rebuild although nothing like it was
 * ever seen (a level between two familiar levels, a flat stretch where there is always
 * noise); its code still lands away from every training code.
 */
import { firstAtLeast } from '../sorted-search.js';

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

/**
 * The reference codes in order along their widest coordinate (the one of largest spread), so
 * the nearest-code search can start where the query lies along it and stop on each side
 * once that coordinate alone puts every further code at least as far as the best found.
 */
interface CodeIndex {
  axis: number;
  /** reference code indices, ascending by the axis coordinate */
  order: Int32Array;
  /** the axis coordinate of each code in that order */
  keys: Float64Array;
}

/** Indices per reference array, made once: references are replaced, never changed in place. */
const indices = new WeakMap<ArrayLike<number>, CodeIndex>();

function codeIndex(reference: ArrayLike<number>, latent: number): CodeIndex {
  const known = indices.get(reference);
  if (known) return known;
  const m = reference.length / latent;
  let axis = 0;
  let widest = -1;
  for (let l = 0; l < latent; l++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let j = 0; j < m; j++) {
      const v = reference[j * latent + l]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (hi - lo > widest) [axis, widest] = [l, hi - lo];
  }
  const order = Int32Array.from({ length: m }, (_, j) => j).sort((a, b) => reference[a * latent + axis]! - reference[b * latent + axis]!);
  const index = { axis, order, keys: Float64Array.from(order, (j) => reference[j * latent + axis]!) };
  indices.set(reference, index);
  return index;
}

/**
 * Euclidean distance from codes[offset, offset + latent) to the nearest reference code. Exact:
 * a code is skipped only when its axis term alone, (q_a − r_a)², is at least the best squared
 * distance so far, and a sum of non-negative terms never rounds below one of its terms, so no
 * skipped code could be nearer; the result is the brute-force minimum, bit for bit.
 */
export function nearestCodeDistance(reference: ArrayLike<number>, latent: number, codes: ArrayLike<number>, offset = 0): number {
  const { axis, order, keys } = codeIndex(reference, latent);
  const q = codes[offset + axis]!;
  // the first code at or past the query along the axis
  const lo = firstAtLeast(keys, q);
  let best = Infinity;
  const distance2 = (j: number) => {
    let d = 0;
    for (let l = 0; l < latent && d < best; l++) {
      const t = codes[offset + l]! - reference[j * latent + l]!;
      d += t * t;
    }
    if (d < best) best = d;
  };
  let up = lo;
  let down = lo - 1;
  while (up < keys.length || down >= 0) {
    if (up < keys.length) {
      const t = q - keys[up]!;
      if (t * t >= best) up = keys.length;
      else distance2(order[up++]!);
    }
    if (down >= 0) {
      const t = q - keys[down]!;
      if (t * t >= best) down = -1;
      else distance2(order[down--]!);
    }
  }
  return Math.sqrt(best);
}
