/**
 * How near a series lies to each class: for every class, the DTW distance to its nearest
 * training series of that class. The logistic regression reads these beside the encoder's
 * features, so it sees what 1-NN DTW sees (a near copy among the training series) without
 * having to be 1-NN.
 *
 * The DTW here is banded (Sakoe-Chiba): step i of a (n steps) may match step j of b (m
 * steps) only where j lies within r of the scaled diagonal i·(m−1)/(n−1), r = ⌈window ·
 * max(n, m)⌉ (at least ⌈slope⌉ + 1, so that a path always exists between unequal lengths;
 * a one-step a matches all of b).
 * A band costs a fraction of the full grid and, on the archive's sets, is as accurate or
 * more: a full window lets a series warp onto any other.
 *
 * Far classes are not searched to the end: a class whose nearest series is more than
 * `cap` times as far as the nearest of all gets the distance cap·nearest, which is what
 * the features keep of it anyway (the logarithm of the ratio, capped). So the search
 * prunes as 1-NN does: candidates in order of a lower bound, each DTW abandoned as soon as
 * it must exceed what could still matter.
 */
import { boxDistances, seriesBox, stepCost, type SeriesBox } from './dtw.js';

/** Training series (already downsampled), their class indices and boxes: what a query is compared with. */
export interface ClassReference {
  series: readonly Float64Array[];
  classOf: Int32Array;
  classes: number;
  channels: number;
  boxes: readonly SeriesBox[];
}

export function classReference(series: readonly Float64Array[], classOf: Int32Array, classes: number, channels: number): ClassReference {
  return { series, classOf, classes, channels, boxes: series.map((s) => seriesBox(s, channels)) };
}

/** The band of a against b: the half-width r and the diagonal's slope. */
function bandOf(n: number, m: number, window: number): { slope: number; r: number } {
  if (n === 1) return { slope: 0, r: m }; // one step matches all of b
  const slope = (m - 1) / (n - 1);
  return { slope, r: Math.max(Math.ceil(window * Math.max(n, m)), Math.ceil(slope) + 1) };
}

/**
 * The banded DTW cost Σ‖a_i − b_j‖² along the cheapest path inside the band; Infinity when
 * it exceeds `abandonAbove`, known as soon as every path must exceed it (the row's minimum
 * plus `remaining[i]`, a lower bound on what the later rows add). Rows are kept with an
 * Infinity on either side of the band, so the recursion needs no tests of where it is.
 */
export function bandedDtwCost(
  a: Float64Array, b: Float64Array, channels: number, window: number, abandonAbove = Infinity, remaining: Float64Array | null = null,
): number {
  const n = a.length / channels;
  const m = b.length / channels;
  const { slope, r } = bandOf(n, m, window);
  let previous = new Float64Array(m + 1).fill(Infinity); // index j + 1 holds column j; index 0 is the left guard
  let current = new Float64Array(m + 1).fill(Infinity);
  for (let i = 0; i < n; i++) {
    const centre = i * slope;
    const lo = Math.max(0, Math.ceil(centre - r));
    const hi = Math.min(m - 1, Math.floor(centre + r));
    current[lo] = Infinity; // the guard left of the band (column lo − 1)
    let rowMin = Infinity;
    let left = Infinity;
    for (let j = lo; j <= hi; j++) {
      const cost = stepCost(a, b, i, j, channels);
      const up = previous[j + 1]!;
      const diagonal = previous[j]!;
      let best = i === 0 && j === 0 ? 0 : up < diagonal ? up : diagonal;
      if (left < best) best = left;
      left = cost + best;
      current[j + 1] = left;
      if (left < rowMin) rowMin = left;
    }
    if (hi + 2 <= m) current[hi + 2] = Infinity; // the guard right of the band
    if (rowMin + (remaining === null ? 0 : remaining[i]!) > abandonAbove) return Infinity;
    [previous, current] = [current, previous];
  }
  const cost = previous[m]!;
  return cost > abandonAbove ? Infinity : cost;
}

/**
 * For each class, √(banded DTW cost) from `query` to its nearest reference series of that
 * class, at most cap × the nearest of all, or cap × `floor` when that is larger (a series
 * with an exact copy among the references still learns how far the other classes are). `skip` leaves one reference out (a
 * training series' own, for leave-one-out features). A class with no series left gets the cap.
 */
export function classDistances(
  query: Float64Array, ref: ClassReference, options: { window: number; cap: number; floor?: number; skip?: number },
): Float64Array {
  const { window, cap } = options;
  const floorCost = (options.floor ?? 0) ** 2;
  const capCost = cap * cap; // costs are squared distances
  const candidates: { k: number; perStep: Float64Array; total: number }[] = [];
  ref.series.forEach((_, k) => {
    if (k === options.skip) return;
    const perStep = boxDistances(query, ref.channels, ref.boxes[k]!);
    let total = 0;
    for (let t = 0; t < perStep.length; t++) total += perStep[t]!;
    candidates.push({ k, perStep, total });
  });
  candidates.sort((x, y) => x.total - y.total || x.k - y.k);
  const best = new Float64Array(ref.classes).fill(Infinity);
  let nearest = Infinity;
  const remaining = new Float64Array(query.length / ref.channels);
  for (const { k, perStep, total } of candidates) {
    if (total > capCost * Math.max(nearest, floorCost)) break; // sorted: no later candidate can matter to any class
    const c = ref.classOf[k]!;
    const threshold = Math.min(best[c]!, capCost * Math.max(nearest, floorCost));
    if (total > threshold) continue;
    remaining[remaining.length - 1] = 0;
    for (let t = perStep.length - 2; t >= 0; t--) remaining[t] = remaining[t + 1]! + perStep[t + 1]!;
    const cost = bandedDtwCost(query, ref.series[k]!, ref.channels, window, threshold, remaining);
    if (cost < best[c]!) best[c] = cost;
    if (cost < nearest) nearest = cost;
  }
  const out = new Float64Array(ref.classes);
  for (let c = 0; c < ref.classes; c++) out[c] = Math.sqrt(Math.min(best[c]!, capCost * Math.max(nearest, floorCost)));
  return out;
}
