/**
 * Dynamic time warping with a full window (no band), for univariate and multivariate
 * series of any lengths. Multivariate DTW is the dependent kind (DTW_D): one warping path
 * for all channels, the cost of matching step i of a with step j of b being the squared
 * Euclidean distance ‖a_i − b_j‖² between the two channel vectors. With
 *
 *   D(0, 0) = c(0, 0),   D(i, j) = c(i, j) + min(D(i−1, j−1), D(i−1, j), D(i, j−1)),
 *
 * (terms outside the grid left out), `dtwCost` is D(n−1, m−1): the least sum of c over the
 * warping paths from (0, 0) to (n−1, m−1) that move by (1,0), (0,1) or (1,1). `dtwDistance`
 * is its square root, which for equal lengths is never more than the Euclidean distance
 * (the diagonal is one path). 1-NN ranks the same on either.
 *
 * Series are Float64Array row-major (length, channels), as in io/series-set.ts.
 * Time O(n·m·channels); memory O(m): two rows of D.
 */
import { InputError } from '../input-error.js';

function stepsOf(what: string, series: Float64Array, channels: number): number {
  if (!Number.isInteger(channels) || channels < 1) throw new InputError(`${what}: channels is ${channels}; expected a positive integer`);
  if (series.length === 0 || series.length % channels !== 0) {
    throw new InputError(`${what}: a series has ${series.length} values; expected a positive multiple of ${channels} channels`);
  }
  return series.length / channels;
}

/** c(i, j) = ‖a_i − b_j‖²: the cost of matching step i of a with step j of b (series row-major (length, channels)). */
export function stepCost(a: Float64Array, b: Float64Array, i: number, j: number, channels: number): number {
  if (channels === 1) {
    const d = a[i]! - b[j]!;
    return d * d;
  }
  let cost = 0;
  for (let c = 0; c < channels; c++) {
    const d = a[i * channels + c]! - b[j * channels + c]!;
    cost += d * d;
  }
  return cost;
}

/**
 * The DTW recursion, abandoning as soon as every path must cost more than `abandonAbove`.
 * After row i the cheapest way on is at least min_j D(i, j) (c ≥ 0, so D never decreases
 * along a path, in float64 too) plus `remaining[i]` when given: a lower bound on what the
 * rows after i must add (every path visits every row). Returns Infinity when it abandons.
 */
function dtwCascade(a: Float64Array, b: Float64Array, channels: number, abandonAbove: number, remaining: Float64Array | null): number {
  const n = a.length / channels;
  const m = b.length / channels;
  let previous = new Float64Array(m);
  let current = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    let rowMin = Infinity;
    for (let j = 0; j < m; j++) {
      const cost = stepCost(a, b, i, j, channels);
      let best: number;
      if (i === 0) best = j === 0 ? 0 : current[j - 1]!;
      else if (j === 0) best = previous[0]!;
      else best = Math.min(previous[j - 1]!, previous[j]!, current[j - 1]!);
      const value = cost + best;
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin + (remaining === null ? 0 : remaining[i]!) > abandonAbove) return Infinity;
    [previous, current] = [current, previous];
  }
  return previous[m - 1]!;
}

/**
 * The accumulated DTW cost: the least Σ ‖a_i − b_j‖² over the warping paths. With
 * `abandonAbove`, returns Infinity as soon as the cost is sure to exceed it (a cost equal
 * to it is computed in full); otherwise the exact cost.
 */
export function dtwCost(a: Float64Array, b: Float64Array, channels: number, abandonAbove = Infinity): number {
  stepsOf('dtwCost', a, channels);
  stepsOf('dtwCost', b, channels);
  return dtwCascade(a, b, channels, abandonAbove, null);
}

/** √dtwCost: in the units of the series, as the Euclidean distance is. */
export function dtwDistance(a: Float64Array, b: Float64Array, channels: number): number {
  return Math.sqrt(dtwCost(a, b, channels));
}

/** The per-channel range of a series: every one of its steps lies in this box. */
export interface SeriesBox {
  min: Float64Array;
  max: Float64Array;
}

export function seriesBox(series: Float64Array, channels: number): SeriesBox {
  const steps = stepsOf('seriesBox', series, channels);
  const min = new Float64Array(channels).fill(Infinity);
  const max = new Float64Array(channels).fill(-Infinity);
  for (let t = 0; t < steps; t++) {
    for (let c = 0; c < channels; c++) {
      const v = series[t * channels + c]!;
      if (v < min[c]!) min[c] = v;
      if (v > max[c]!) max[c] = v;
    }
  }
  return { min, max };
}

/**
 * For each step i of a, the squared distance from a_i to the box of b: no step of b is
 * nearer, and every path matches step i with at least one step of b, so the sum over i is
 * a lower bound on dtwCost(a, b) for any lengths (LB_Keogh with a window as wide as the
 * series). Returns the per-step bounds.
 */
export function boxDistances(a: Float64Array, channels: number, box: SeriesBox): Float64Array {
  const steps = a.length / channels;
  const out = new Float64Array(steps);
  for (let t = 0; t < steps; t++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) {
      const v = a[t * channels + c]!;
      const d = v > box.max[c]! ? v - box.max[c]! : v < box.min[c]! ? box.min[c]! - v : 0;
      sum += d * d;
    }
    out[t] = sum;
  }
  return out;
}

/** Σ_i dist(a_i, box of b)² ≤ dtwCost(a, b). */
export function boxLowerBound(a: Float64Array, channels: number, box: SeriesBox): number {
  stepsOf('boxLowerBound', a, channels);
  return boxDistances(a, channels, box).reduce((sum, d) => sum + d, 0);
}

export interface NearestNeighbour {
  /** Index of the nearest candidate: the first of equals, as a plain scan finds it. */
  index: number;
  /** Its dtwCost. */
  cost: number;
}

/**
 * Float64 sums of the same terms in another order may differ in the last bits; a bound is
 * trusted to prune only when it beats the best cost by more than this, so rounding can
 * never drop a candidate that ties.
 */
const SLACK = 1 + 1e-9;

/**
 * The candidate nearest to `query` under DTW, exactly as scanning every candidate with
 * dtwCost finds it, but faster: candidates are visited in order of their box lower bound
 * (cheapest first, so a good best-so-far comes early), the scan stops once the bound alone
 * exceeds the best cost, and each DTW abandons as soon as its row minimum plus the query's
 * remaining box bounds exceeds it. `boxes[k]` may be passed as seriesBox(candidates[k]) to
 * reuse across queries. `prune: false` scans every candidate in full (for checking).
 */
export function nearestNeighbourDtw(
  query: Float64Array,
  candidates: readonly Float64Array[],
  channels: number,
  options: { boxes?: readonly SeriesBox[]; prune?: boolean } = {},
): NearestNeighbour {
  stepsOf('nearestNeighbourDtw', query, channels);
  if (candidates.length === 0) throw new InputError('nearestNeighbourDtw: no candidates; expected at least one series to compare with');
  for (const candidate of candidates) stepsOf('nearestNeighbourDtw', candidate, channels);
  let index = -1;
  let cost = Infinity;
  if (options.prune === false) {
    candidates.forEach((candidate, k) => {
      const c = dtwCascade(query, candidate, channels, Infinity, null);
      if (c < cost) [index, cost] = [k, c];
    });
    return { index, cost };
  }

  const boxes = options.boxes ?? candidates.map((c) => seriesBox(c, channels));
  const bounds = boxes.map((box, k) => {
    const perStep = boxDistances(query, channels, box);
    return { k, perStep, total: perStep.reduce((sum, d) => sum + d, 0) };
  });
  bounds.sort((x, y) => x.total - y.total || x.k - y.k);
  for (const { k, perStep, total } of bounds) {
    if (total > cost * SLACK) break; // sorted: every later bound is larger still
    // remaining[i] = Σ_{t>i} perStep[t], shaved by the slack.
    const remaining = new Float64Array(perStep.length);
    for (let t = perStep.length - 2; t >= 0; t--) remaining[t] = remaining[t + 1]! + perStep[t + 1]!;
    for (let t = 0; t < remaining.length; t++) remaining[t] = remaining[t]! / SLACK;
    const c = dtwCascade(query, candidates[k]!, channels, cost * SLACK, remaining);
    if (c < cost || (c === cost && k < index)) [index, cost] = [k, c];
  }
  return { index, cost };
}
