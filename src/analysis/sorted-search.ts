/** The index of the first value in an ascending array that is >= s (its length when none is). */
export function firstAtLeast(sorted: ArrayLike<number>, s: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < s) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The index of the first value in an ascending array that is > s (its length when none is). */
export function firstAbove(sorted: ArrayLike<number>, s: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= s) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
