/**
 * Python 3's `round(x)` for a float: the nearest integer, ties to the even one. The seed
 * splits its series with it, and JavaScript's Math.round (ties up) would move the split
 * point on an exact .5 (e.g. round(2.5) is 2 in Python, 3 in JavaScript).
 */
export function roundHalfToEven(x: number): number {
  const floor = Math.floor(x);
  const fraction = x - floor; // exact for x >= 0 (Sterbenz), which is all the split needs
  if (fraction > 0.5) return floor + 1;
  if (fraction < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}
