/**
 * Online learning: the model keeps learning from the rows it has scored. Every `every` rows of
 * the stream (counted from its first row), a copy of the model is fine-tuned for `epochs`
 * epochs on the windows ending in the last `span` rows, leaving out every window that holds a
 * red row (a row whose raw surprise reached the alert gate's red level: a suspected anomaly
 * is not learnt as normal); when the detector scores the code, the codes of those same
 * windows, under the tuned model, become the reference the novelty is measured against. The
 * rows after a tuning are scored by the tuned model. Only rows already scored are used, so a
 * row's score still depends on the rows before and at it alone, and a whole file and a live
 * stream tune at the same rows on the same windows (one copy of the model each, started from
 * the fitted weights and the seed's batch order), giving the same numbers.
 */
import { LstmAutoencoder } from '../../models/autoencoder/lstm-autoencoder.js';
import { thinCodes } from '../../analysis/anomaly/novelty.js';
import { trailingWindows } from '../../analysis/anomaly/windows.js';
import { DETECT_TRAINING } from './model.js';

export interface OnlineLearningSettings {
  /** rows between two tunings */
  readonly every: number;
  /** the tuning windows end in the last this many rows */
  readonly span: number;
  /** epochs of each tuning */
  readonly epochs: number;
  /** Adam's learning rate for the tunings (default: the fit's, DETECT_TRAINING) */
  readonly learningRate?: number;
}

/** A copy of a model that can be tuned without touching the original (the detector keeps the fitted one). */
export function tunableCopy(model: LstmAutoencoder): LstmAutoencoder {
  return LstmAutoencoder.fromWeights(model.config, model.getWeights(), model.scaling);
}

/** Whether a tuning follows row t (from 0) of the stream. */
export function tunesAfter(settings: OnlineLearningSettings, t: number): boolean {
  return (t + 1) % settings.every === 0;
}

/** The stream's recent rows: scaled values (rows, channels) and red flags, index i holding stream row `from + i`. */
export interface RecentRows {
  scaled: ArrayLike<number>;
  red: ArrayLike<number>;
  from: number;
}

/** Rows a live stream must keep for tuning: the span and the window before its first row. */
export function rowsKept(settings: OnlineLearningSettings, window: number): number {
  return settings.span + window - 1;
}

/**
 * Tunes `model` on the clean windows ending at stream rows [last - span + 1, last]; returns
 * the new reference codes (thinned as the fitted reference) when `codes`, else undefined
 * (also when too few windows are clean: the model is then left as it is).
 */
export async function tune(
  model: LstmAutoencoder,
  recent: RecentRows,
  last: number,
  settings: OnlineLearningSettings,
  options: { window: number; channels: number; codes: boolean; threads?: number },
): Promise<Float64Array | undefined> {
  const { window: W, channels: D } = options;
  const { red, from } = recent;
  const first = Math.max(W - 1, last - settings.span + 1);
  // a window is clean when none of its rows is red: count the red rows in a sliding window
  const ends: number[] = [];
  let reds = 0;
  for (let r = first - W + 1; r <= last; r++) {
    reds += red[r - from]! ? 1 : 0;
    if (r - W >= first - W + 1) reds -= red[r - W - from]! ? 1 : 0;
    if (r >= first && reds === 0) ends.push(r - from);
  }
  if (ends.length < DETECT_TRAINING.batchSize) return undefined;
  const x = new Float32Array(ends.length * W * D);
  for (const [k, r] of ends.entries()) x.set(trailingWindows(recent.scaled, D, W, r, r), k * W * D);
  const data = { data: x, shape: [ends.length, W, D] as [number, number, number] };
  await model.fit(data, { epochs: settings.epochs, batchSize: DETECT_TRAINING.batchSize, optimizer: { ...DETECT_TRAINING.optimizer, learningRate: settings.learningRate ?? DETECT_TRAINING.optimizer.learningRate }, threads: options.threads });
  if (!options.codes) return undefined;
  const L = model.config.latentDim;
  return thinCodes((await model.encode(data, { threads: options.threads })).data, ends.length, L);
}
