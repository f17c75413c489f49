import { isRagged, type AnySequences } from './sequences.js';

/**
 * Windows to take batches from, however they are stored: padded (N,T,D) Sequences (window
 * n at n*T*D) or RaggedSequences (end to end). fit, validation, encode and reconstruct all
 * read windows through it and build batches in one place (BatchBuilder), so a batch is
 * padded only to its own longest window and nothing holds every window padded to the
 * longest of all. Views, never copies: a slice or a pick shares the data.
 */
export class WindowSet {
  readonly data: Float32Array | Float64Array;
  readonly count: number;
  readonly features: number;
  /** the steps a batch of this set's windows is padded to at most: a padded set's T, ragged series' longest */
  readonly longest: number;
  /** each window's steps; undefined when every window is `longest` steps long */
  readonly lengths: Int32Array | undefined;
  /** each window's first value in data; undefined for a padded set's windows 0..N-1 (n*T*D) */
  private readonly starts: Float64Array | undefined;

  private constructor(data: Float32Array | Float64Array, count: number, features: number, longest: number, lengths: Int32Array | undefined, starts: Float64Array | undefined) {
    this.data = data;
    this.count = count;
    this.features = features;
    this.longest = longest;
    this.lengths = lengths;
    this.starts = starts;
  }

  /**
   * The windows of x, which has been checked (checkSequences, checkRagged). Ragged series of
   * one length have no lengths, as padded windows without lengths: a batch of them is exactly
   * the batch the same windows padded give.
   */
  static of(x: AnySequences | WindowSet): WindowSet {
    if (x instanceof WindowSet) return x;
    if (!isRagged(x)) {
      const [N, T, D] = x.shape;
      return new WindowSet(x.data, N, D, T, x.lengths, undefined);
    }
    const { data, lengths, features: D } = x;
    const starts = new Float64Array(lengths.length);
    let longest = 0;
    let at = 0;
    for (let n = 0; n < lengths.length; n++) {
      starts[n] = at;
      at += lengths[n]! * D;
      longest = Math.max(longest, lengths[n]!);
    }
    const equal = lengths.every((len) => len === longest);
    return new WindowSet(data, lengths.length, D, longest, equal ? undefined : lengths, starts);
  }

  /** The flat index of window n's first value in data. */
  start(n: number): number {
    return this.starts ? this.starts[n]! : n * this.longest * this.features;
  }

  /** Window n's real steps. */
  length(n: number): number {
    return this.lengths ? this.lengths[n]! : this.longest;
  }

  /** Window n's real values (length(n) * features), a view. */
  values(n: number): Float32Array | Float64Array {
    const start = this.start(n);
    return this.data.subarray(start, start + this.length(n) * this.features);
  }

  /** Windows [from, to), a view. */
  slice(from: number, to: number): WindowSet {
    return this.pick(Int32Array.from({ length: to - from }, (_, k) => from + k));
  }

  /** The windows at `indices`, in that order, a view (their lengths as this set has them). */
  pick(indices: ArrayLike<number>): WindowSet {
    const starts = Float64Array.from({ length: indices.length }, (_, k) => this.start(indices[k]!));
    const lengths = this.lengths ? Int32Array.from({ length: indices.length }, (_, k) => this.lengths![indices[k]!]!) : undefined;
    return new WindowSet(this.data, indices.length, this.features, this.longest, lengths, starts);
  }

  /** Window indices 0..N-1 sorted by length, shortest first, ties in index order (0..N-1 itself when every window has one length). */
  byLength(): Int32Array {
    const order = Int32Array.from({ length: this.count }, (_, n) => n);
    const lengths = this.lengths;
    if (lengths) order.sort((a, b) => lengths[a]! - lengths[b]! || a - b);
    return order;
  }
}

/** Copies window n's real values into `out` from index `at`, as the network sees them (e.g. scaled); float32. */
export type WindowCopier = (windows: WindowSet, n: number, out: Float32Array, at: number) => void;

/** The values as they are. */
export const copyAsIs: WindowCopier = (windows, n, out, at) => out.set(windows.values(n), at);

/** A batch as a GradientStep takes it: x (size, steps, D), steps the longest of its windows. */
export interface Batch {
  x: Float32Array;
  size: number;
  steps: number;
  /** (size) each window's steps; undefined when the set's windows all have one length */
  lengths: Int32Array | undefined;
}

/**
 * Builds padded batches from a WindowSet: the windows order[from .. from+size) in that
 * order, each window's real values (through `copy`, which may scale them) then 0 up to the
 * batch's longest window. The values live in one buffer, reused, that grows to the largest
 * batch built so far: batches of short windows never pay for the longest window of the set.
 */
export class BatchBuilder {
  readonly windows: WindowSet;
  private readonly copy: WindowCopier;
  private buffer = new Float32Array(0);
  private readonly lengths: Int32Array;

  constructor(windows: WindowSet, maxBatch: number, copy: WindowCopier = copyAsIs) {
    this.windows = windows;
    this.copy = copy;
    this.lengths = new Int32Array(maxBatch);
  }

  /** Values the batch buffer holds now: the largest batch (size * steps * D) built so far. */
  get capacity(): number {
    return this.buffer.length;
  }

  build(order: ArrayLike<number>, from: number, size: number): Batch {
    const { windows } = this;
    const D = windows.features;
    if (size > this.lengths.length) throw new Error(`BatchBuilder: batch of ${size}, built for at most ${this.lengths.length}`);
    let steps = 0;
    for (let k = 0; k < size; k++) steps = Math.max(steps, windows.length(order[from + k]!));
    const row = steps * D;
    if (this.buffer.length < size * row) this.buffer = new Float32Array(size * row);
    const x = this.buffer.subarray(0, size * row);
    for (let k = 0; k < size; k++) {
      const n = order[from + k]!;
      const real = windows.length(n) * D;
      this.copy(windows, n, x, k * row);
      x.fill(0, k * row + real, (k + 1) * row);
      this.lengths[k] = real / D;
    }
    return { x, size, steps, lengths: windows.lengths ? this.lengths.subarray(0, size) : undefined };
  }
}

/** Batches that share a run of this many are drawn from the run's windows sorted by length. */
export const LENGTH_RUN_BATCHES = 16;

/**
 * fit's batches of similar length (in place): the epoch's order (shuffled or not) is cut into
 * runs of LENGTH_RUN_BATCHES batches, and each run is sorted by window length, ties kept in
 * the order's. A batch then holds windows of about one length, so it is padded (and, on the
 * reference path, computed) to little more than its own steps, while shuffling still changes
 * which windows meet from one epoch to the next. Windows of one length: `order` is untouched,
 * and so is a run that is one batch or less (sorting it would change no batch).
 */
export function groupByLength(order: Int32Array, batchSize: number, windows: WindowSet): void {
  const lengths = windows.lengths;
  if (!lengths) return;
  const run = LENGTH_RUN_BATCHES * batchSize;
  const rank = new Int32Array(windows.count);
  order.forEach((n, k) => (rank[n] = k));
  for (let from = 0; from < order.length; from += run) {
    const part = order.subarray(from, Math.min(order.length, from + run));
    if (part.length > batchSize) part.sort((a, b) => lengths[a]! - lengths[b]! || rank[a]! - rank[b]!);
  }
}
