import { InputError } from '../input-error.js';
import { isRagged, type AnySequences, type RaggedSequences } from './sequences.js';
import { WindowSet, type WindowCopier } from './window-set.js';

/**
 * How the data is scaled before the model sees it, saved with the model so encode and
 * reconstruct apply it and reconstruct answers in the data's own units:
 *   'none'         the values as given (the article's sine waves, already in [-1, 1]);
 *   'global'       one mean and standard deviation over every real value of the training data;
 *   'per-channel'  a mean and standard deviation per channel, from the training data: the
 *                  default for own data, since channels in other units (an accelerometer
 *                  beside a gyroscope) would otherwise weigh by their units;
 *   'per-series'   each series by its own mean and deviation per channel (the UCR archive's
 *                  convention: shape, not level); nothing is learnt from the training data.
 * A deviation of 0 (a constant channel) counts as 1, so the values are only centred.
 */
/** A deviation at most this times max(1, |mean|) is rounding of a constant channel: it scales by 1 instead. */
export const MIN_RELATIVE_STD = 1e-12;

export const NORMALIZATIONS = ['none', 'global', 'per-channel', 'per-series'] as const;
export type Normalization = (typeof NORMALIZATIONS)[number];

export interface Scaling {
  normalize: Normalization;
  /** 'global': one value; 'per-channel': one per channel; otherwise empty */
  mean: number[];
  std: number[];
}

/** Windows as the model takes them: (N,T,D) row-major, each window's first lengths[n] steps real. */
export interface ScalableWindows {
  data: Float32Array | Float64Array;
  shape: readonly [number, number, number];
  lengths?: Int32Array;
}

/** The statistics of `x`'s real steps that `normalize` asks for (from the training data only). */
export function fitScaling(x: ScalableWindows | RaggedSequences | WindowSet, normalize: Normalization): Scaling {
  if (!(NORMALIZATIONS as readonly string[]).includes(normalize)) {
    throw new InputError(`normalize ${JSON.stringify(normalize)} is unknown: expected one of ${NORMALIZATIONS.join(', ')}`);
  }
  if (normalize === 'none' || normalize === 'per-series') return { normalize, mean: [], std: [] };
  const windows = WindowSet.of(x as Parameters<typeof WindowSet.of>[0]);
  const D = windows.features;
  const groups = normalize === 'global' ? 1 : D;
  const stats = new Moments(groups);
  for (let n = 0; n < windows.count; n++) {
    const values = windows.values(n);
    for (let i = 0; i < values.length; i += D) {
      for (let d = 0; d < D; d++) stats.add(normalize === 'global' ? 0 : d, values[i + d]!);
    }
  }
  return { normalize, mean: stats.means(), std: stats.deviations() };
}

/**
 * The scaling applied window by window, as a batch is built (BatchBuilder) and its output
 * read: `copy` writes window n scaled (float32, the very values applyScaling gives), `invert`
 * turns a reconstruction of it back into the data's units. fit and encode scale each batch
 * so, instead of holding a scaled copy of all the data. 'per-series' computes a window's
 * statistics each time it meets it (a pass over its values).
 */
export interface WindowScaler {
  copy: WindowCopier;
  invert(windows: WindowSet, n: number, y: Float32Array): void;
}

export function windowScaler(scaling: Scaling): WindowScaler {
  const D = (windows: WindowSet) => windows.features;
  const statsOf = (windows: WindowSet, n: number): ((d: number) => { mean: number; std: number }) => {
    if (scaling.normalize !== 'per-series') return (d) => statsFor(scaling, undefined, 0, d, 0, 0);
    const values = windows.values(n);
    const stats = new Moments(D(windows));
    for (let i = 0; i < values.length; i += D(windows)) for (let d = 0; d < D(windows); d++) stats.add(d, values[i + d]!);
    const [means, deviations] = [stats.means(), stats.deviations()];
    return (d) => ({ mean: means[d]!, std: deviations[d]! });
  };
  return {
    copy(windows, n, out, at) {
      const values = windows.values(n);
      const stats = statsOf(windows, n);
      const features = D(windows);
      for (let d = 0; d < features; d++) {
        const { mean, std } = stats(d);
        for (let i = d; i < values.length; i += features) out[at + i] = (values[i]! - mean) / std;
      }
    },
    invert(windows, n, y) {
      const stats = statsOf(windows, n);
      const features = D(windows);
      for (let d = 0; d < features; d++) {
        const { mean, std } = stats(d);
        for (let i = d; i < y.length; i += features) y[i] = y[i]! * std + mean;
      }
    },
  };
}

/**
 * `x` scaled as `scaling` says, as a new float32 array or in the first N*T*D values of `into`
 * (padding stays 0); for 'per-series'
 * also each window's own statistics (N*D means, then N*D deviations), to turn its
 * reconstruction back into the data's units.
 */
export function applyScaling(x: ScalableWindows, scaling: Scaling, into?: Float32Array): { data: Float32Array; perSeries?: Float64Array } {
  const [N, T, D] = x.shape;
  // `into`, when given, is reused scratch (encode's, block by block): zeroed so padding stays 0
  const out = into ? into.subarray(0, N * T * D).fill(0) : new Float32Array(N * T * D);
  const perSeries = scaling.normalize === 'per-series' ? seriesMoments(x) : undefined;
  for (let n = 0; n < N; n++) {
    forEachRealStep(x, n, n + 1, (offset) => {
      for (let d = 0; d < D; d++) {
        const { mean, std } = statsFor(scaling, perSeries, n, d, N * D, D);
        out[offset + d] = (x.data[offset + d]! - mean) / std;
      }
    });
  }
  return perSeries ? { data: out, perSeries } : { data: out };
}

/** x as the network sees it, scaled, in x's own layout: applyScaling's windows, or ragged series scaled one by one (windowScaler). */
export function scaledSequences<X extends AnySequences>(x: X, scaling: Scaling): X {
  if (scaling.normalize === 'none') return x;
  if (!isRagged(x)) return { ...x, data: applyScaling(x, scaling).data };
  const windows = WindowSet.of(x);
  const { copy } = windowScaler(scaling);
  const data = new Float32Array(x.data.length);
  for (let n = 0; n < windows.count; n++) copy(windows, n, data, windows.start(n));
  return { ...x, data };
}

/** The inverse of applyScaling on the model's output (in place): back into the data's units; padding stays 0. */
export function invertScaling(y: Float32Array, x: ScalableWindows, scaling: Scaling, perSeries?: Float64Array): Float32Array {
  const [N, , D] = x.shape;
  for (let n = 0; n < N; n++) {
    forEachRealStep(x, n, n + 1, (offset) => {
      for (let d = 0; d < D; d++) {
        const { mean, std } = statsFor(scaling, perSeries, n, d, N * D, D);
        y[offset + d] = y[offset + d]! * std + mean;
      }
    });
  }
  return y;
}

function statsFor(scaling: Scaling, perSeries: Float64Array | undefined, n: number, d: number, stride: number, D: number): { mean: number; std: number } {
  switch (scaling.normalize) {
    case 'none':
      return { mean: 0, std: 1 };
    case 'global':
      return { mean: scaling.mean[0]!, std: scaling.std[0]! };
    case 'per-channel':
      return { mean: scaling.mean[d]!, std: scaling.std[d]! };
    case 'per-series': {
      if (!perSeries) throw new Error('per-series scaling needs the series statistics');
      return { mean: perSeries[n * D + d]!, std: perSeries[stride + n * D + d]! };
    }
  }
}

/** Each window's mean and deviation per channel over its real steps: N*D means, then N*D deviations. */
function seriesMoments(x: ScalableWindows): Float64Array {
  const [N, , D] = x.shape;
  const out = new Float64Array(2 * N * D);
  for (let n = 0; n < N; n++) {
    const stats = new Moments(D);
    forEachRealStep(x, n, n + 1, (offset) => {
      for (let d = 0; d < D; d++) stats.add(d, x.data[offset + d]!);
    });
    out.set(stats.means(), n * D);
    out.set(stats.deviations(), N * D + n * D);
  }
  return out;
}

/** Calls `visit(offset)` with the flat offset of every real step of windows [from, to). */
function forEachRealStep(x: ScalableWindows, from: number, to: number, visit: (offset: number) => void): void {
  const [, T, D] = x.shape;
  for (let n = from; n < to; n++) {
    const steps = x.lengths ? x.lengths[n]! : T;
    for (let t = 0; t < steps; t++) visit((n * T + t) * D);
  }
}

/** Running mean and population deviation per group (Welford's, stable for long series). */
class Moments {
  private readonly count: Float64Array;
  private readonly mean: Float64Array;
  private readonly m2: Float64Array;

  constructor(groups: number) {
    this.count = new Float64Array(groups);
    this.mean = new Float64Array(groups);
    this.m2 = new Float64Array(groups);
  }

  add(g: number, value: number): void {
    const n = this.count[g]! + 1;
    const delta = value - this.mean[g]!;
    this.count[g] = n;
    this.mean[g] = this.mean[g]! + delta / n;
    this.m2[g] = this.m2[g]! + delta * (value - this.mean[g]!);
  }

  means(): number[] {
    return [...this.mean];
  }

  /** population deviations; 1 where a group is constant (or empty), so it is only centred */
  deviations(): number[] {
    return [...this.m2].map((m2, g) => {
      const std = Math.sqrt(m2 / Math.max(1, this.count[g]!));
      return std > MIN_RELATIVE_STD * Math.max(1, Math.abs(this.mean[g]!)) ? std : 1;
    });
  }
}
