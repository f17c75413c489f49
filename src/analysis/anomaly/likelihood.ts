/**
 * HTM's anomaly likelihood (Ahmad et al. 2017, "Unsupervised real-time anomaly detection for
 * streaming data", section 3.3; nupic's anomaly_likelihood.py), on our raw surprise instead of
 * HTM's raw score: the short moving average of the last `average` raw values is compared with
 * a Gaussian fitted to the moving averages of the last `history` rows,
 *   z_t = (m_t - μ) / σ,   surprise_t = -log10 Q(z_t),
 * so a file whose raw scores are noisy (a jittery metric, a model that fits it badly) must
 * leave its own usual range to alarm, and one spike is weighed against a run of them. μ and
 * σ are fitted again every `every` rows from the rows before, never the row being scored
 * (causal). Where HTM reports the likelihood 1 - Q, which runs out of digits at 1 - 1e-16,
 * the surprise keeps the tail (normal-tail.ts).
 */
import { InputError } from '../../input-error.js';
import { normalTailSurprise } from './normal-tail.js';

export interface LikelihoodSettings {
  /** rows in the short moving average of the raw surprise (HTM: 10) */
  readonly average: number;
  /** moving averages the Gaussian is fitted to (HTM: 8640, a month of 5-minute rows) */
  readonly history: number;
  /** the Gaussian is fitted again every this many rows (HTM: 100) */
  readonly every: number;
}

export const DEFAULT_LIKELIHOOD: LikelihoodSettings = { average: 10, history: 8640, every: 100 };

/** σ never falls below this (in surprise units): a flat stretch still needs a scale, as HTM's variance floor. */
export const LIKELIHOOD_MIN_SD = 0.01;

/** A ring of the last `size` values with their sum. */
class Ring {
  readonly values: Float64Array;
  filled = 0;
  private next = 0;
  sum = 0;
  constructor(size: number) {
    this.values = new Float64Array(size);
  }
  push(x: number): void {
    if (this.filled === this.values.length) this.sum -= this.values[this.next]!;
    else this.filled++;
    this.values[this.next] = x;
    this.sum += x;
    this.next = (this.next + 1) % this.values.length;
  }
}

export class AnomalyLikelihood {
  private readonly recent: Ring;
  private readonly averages: Ring;
  private sinceFit = 0;
  private mean = 0;
  private sd = 1;

  /** `start`: raw surprises of normal rows (the held-out rows), in time order: the first history. */
  constructor(
    readonly settings: LikelihoodSettings,
    start: ArrayLike<number>,
  ) {
    for (const key of ['average', 'history', 'every'] as const) {
      const n = settings[key];
      if (!(Number.isInteger(n) && n >= 1)) throw new InputError(`anomaly likelihood: ${key} ${n}; expected a whole number of rows from 1 up`);
    }
    this.recent = new Ring(settings.average);
    this.averages = new Ring(settings.history);
    for (let i = 0; i < start.length; i++) this.remember(start[i]!);
    this.fit();
  }

  /** The moving average once `raw` joins the recent rows; it joins the history too. */
  private remember(raw: number): number {
    this.recent.push(raw);
    const average = this.recent.sum / this.recent.filled;
    this.averages.push(average);
    return average;
  }

  private fit(): void {
    const { values, filled, sum } = this.averages;
    if (filled === 0) return;
    const mean = sum / filled;
    let squares = 0;
    for (let i = 0; i < filled; i++) squares += (values[i]! - mean) ** 2;
    this.mean = mean;
    this.sd = Math.max(LIKELIHOOD_MIN_SD, Math.sqrt(squares / filled));
  }

  /** The surprise of the row whose raw surprise is `raw`, against the Gaussian of the rows before it; then it joins them. */
  push(raw: number): number {
    const { mean, sd } = this;
    const surprise = normalTailSurprise((this.remember(raw) - mean) / sd);
    if (++this.sinceFit >= this.settings.every) {
      this.fit();
      this.sinceFit = 0;
    }
    return surprise;
  }
}
