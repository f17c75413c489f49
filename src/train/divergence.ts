import { copyAsIs, type WindowCopier, type WindowSet } from './window-set.js';
/**
 * When training has blown up rather than merely wandered. A non-finite loss or weight always
 * counts; beyond that, an epoch whose mean loss exceeds `factor` times the loss scale of the
 * untrained problem: the larger of the first batch's loss (the model as it started) and the
 * training data's mean square (what predicting zeros everywhere would cost). An exploded
 * LSTM saturates and its reconstruction lands far from both: with `--lr 1e6` on the sine
 * data the loss goes from 0.52 to 1.3 and stays there, 2.5 times the start, while a healthy
 * run, even one that overshoots early, stays below where it began. The second term keeps a
 * model that starts near perfect (a fine-tuning run) from being stopped for a small rise.
 *
 * The guard is an object so that its reference outlives one fit call: a resumed run
 * hands the original run's reference back in, and judges its epochs exactly as the
 * uninterrupted run would have.
 */
export class DivergenceGuard {
  /** 0: only non-finite losses and weights stop training */
  readonly factor: number;
  private ref: number | undefined;

  constructor({ factor = DEFAULT_DIVERGENCE_FACTOR, reference }: { factor?: number; reference?: number } = {}) {
    if (!(factor === 0 || (Number.isFinite(factor) && factor >= 1))) throw new Error(`divergence factor must be 0 (off) or a finite number from 1 up, got ${factor}`);
    if (reference !== undefined && !(Number.isFinite(reference) && reference >= 0)) throw new Error(`divergence reference must be a finite number from 0 up, got ${reference}`);
    this.factor = factor;
    this.ref = reference;
  }

  /** the loss scale bounds are multiples of; undefined until the first batch of the first fit */
  get reference(): number | undefined {
    return this.ref;
  }

  /** Sets the reference unless one is set: fit calls it with its first batch's loss and the data's mean square. */
  start(firstLoss: number, meanSquare: number): void {
    if (this.ref === undefined && Number.isFinite(firstLoss)) this.ref = Math.max(firstLoss, meanSquare);
  }

  /** the largest epoch loss that is not divergence */
  get bound(): number {
    return this.factor === 0 || this.ref === undefined ? Infinity : this.factor * this.ref;
  }

  /** Why `loss` (an epoch's mean) means the run has diverged, or undefined when it has not. */
  verdict(loss: number): string | undefined {
    if (!Number.isFinite(loss)) return `the loss became ${loss}`;
    if (loss > this.bound) {
      return `the loss ${loss.toPrecision(4)} exceeds ${this.factor} times the untrained loss ${this.ref!.toPrecision(4)}`;
    }
    return undefined;
  }
}

export const DEFAULT_DIVERGENCE_FACTOR = 2;

/**
 * Mean of x^2 in float64 over the windows' real steps, as the network sees them (`copy`,
 * e.g. scaled; default as they are): the loss of a model that outputs zeros.
 */
export function meanSquare(windows: WindowSet, copy: WindowCopier = copyAsIs): number {
  let sum = 0;
  let count = 0;
  const scratch = new Float32Array(windows.longest * windows.features);
  for (let n = 0; n < windows.count; n++) {
    const real = windows.length(n) * windows.features;
    copy(windows, n, scratch, 0); // float32, as the batches hold them
    for (let i = 0; i < real; i++) sum += scratch[i]! * scratch[i]!;
    count += real;
  }
  return count === 0 ? 0 : sum / count;
}
