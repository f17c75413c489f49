/**
 * The model `detect` trains, and how, in ONE place: every run (the CLI, `npm run nab`, the
 * tests) builds it here, so changing a setting is one line. Small on purpose: a short window,
 * a small code, few epochs with early stopping, so that a series of tens of thousands of rows
 * trains and scores in seconds on two cores.
 *
 * The output layer is tanh, so the data are scaled into ±0.8 first (analysis/anomaly/
 * scaling.ts); `outputActivation: 'linear'` and `decoder: 'unconditional'` are one line each
 * in DETECT_MODEL below. The default (conditional) decoder is fed the window reversed in
 * time, so it sees the values it reconstructs; an unconditional decoder must rebuild them
 * from the code alone. Measured on NAB's 18 files (seeds 0-2, standard profile): scoring the
 * reconstruction alone, conditional 41.8/27.3/30.6 against unconditional 30.7/28.9/33.4 (with
 * a linear output 26.5/30.2/29.5); with the code's novelty too (the default), conditional
 * 49.9/39.9/45.9 against unconditional 38.0/41.3/36.2. Seeing its input does not hurt the
 * conditional decoder here: the newest step, the one scored, is the one it must carry longest
 * (fed first, reconstructed last), and the code carries the rest.
 */
import { LstmAutoencoder, type AutoencoderConfigInput, type FitCallbacks, type Sequences } from '../../models/autoencoder/lstm-autoencoder.js';
import type { OptimizerConfig } from '../../train/optimizer-config.js';

/**
 * The model's settings beyond the window's shape: change the decoder or the output here.
 * The code has 4 numbers (it had 8): on NAB's tuning half, seeds 0-2 and 1000-1002, codes of
 * 2, 4, 6, 8 and 16 scored 68.6, 71.9, 70.1, 70.7 and 68.9 standard (4 also best on low FP
 * and low FN); the confirming half then gave 59.1 / 51.4 / 66.3 against 52.8 / 42.3 / 62.4
 * with 8, and twelve seeds that chose nothing (2000-5002) all 18 files 64.9 / 54.5 / 72.6
 * against 61.9 / 51.5 / 70.3 (docs/detect.md).
 */
export const DETECT_MODEL = {
  latentDim: 4,
  decoder: 'conditional',
  outputActivation: 'tanh',
  // the detector scales the data itself (analysis/anomaly/scaling.ts) and cuts windows of one length
  normalize: 'none',
  maskValue: null,
} as const satisfies Partial<AutoencoderConfigInput>;

/** Training: the most epochs, early stopping's patience on the held-out loss, batch and optimizer. */
export const DETECT_TRAINING = {
  epochs: 30,
  patience: 3,
  batchSize: 32,
  optimizer: { name: 'adam', learningRate: 3e-3 } satisfies OptimizerConfig,
} as const;

export interface DetectModelSettings {
  window: number;
  channels: number;
  seed: number;
  latentDim?: number;
}

export function createDetectModel(s: DetectModelSettings): LstmAutoencoder {
  return LstmAutoencoder.create({ ...DETECT_MODEL, timesteps: s.window, inputDim: s.channels, latentDim: s.latentDim ?? DETECT_MODEL.latentDim, seed: s.seed });
}

export interface TrainingOutcome {
  loss: number[];
  valLoss: number[];
  /** the epoch (from 1) whose weights were kept: the lowest held-out loss */
  bestEpoch: number;
  stoppedEarly: boolean;
  seconds: number;
}

/**
 * Fits with early stopping on the held-out loss (fit's own, Keras's EarlyStopping): the
 * weights of the best epoch are kept, and training stops once `patience` epochs in a row
 * have not improved on it.
 */
export async function trainDetectModel(
  model: LstmAutoencoder,
  train: Sequences,
  validation: Sequences,
  options: { epochs?: number; threads?: number; callbacks?: FitCallbacks } = {},
): Promise<TrainingOutcome> {
  const started = performance.now();
  const history = await model.fit(train, {
    epochs: options.epochs ?? DETECT_TRAINING.epochs,
    batchSize: Math.min(DETECT_TRAINING.batchSize, train.shape[0]),
    validationData: validation,
    optimizer: DETECT_TRAINING.optimizer,
    earlyStopping: { patience: DETECT_TRAINING.patience, restoreBestWeights: true },
    threads: options.threads,
    ...(options.callbacks ? { callbacks: options.callbacks } : {}),
  });
  const stopping = history.earlyStopping;
  return {
    loss: history.history.loss,
    valLoss: history.history.val_loss ?? [],
    bestEpoch: (stopping?.bestEpoch ?? history.epoch.length - 1) + 1,
    stoppedEarly: (stopping?.stoppedEpoch ?? -1) >= 0,
    seconds: (performance.now() - started) / 1000,
  };
}
