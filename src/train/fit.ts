import * as v from 'valibot';
import { InputError } from '../input-error.js';
import { integerIn, parseSettings } from '../settings.js';
import type { Optimizer } from '../ops/optimizers.js';
import type { RandomState } from '../ops/random-state.js';
import { DivergenceGuard, meanSquare } from './divergence.js';
import type { EngineOptions, GradientStep, ModelDims } from './gradient-step.js';
import { createOptimizer, type OptimizerConfig, type OptimizerName } from './optimizer-config.js';
import { forwardWindows } from './forward-chunks.js';
import { checkRagged, checkSequences, isRagged, type AnySequences } from './sequences.js';
import { windowScaler, type Scaling } from './scaling.js';
import { BatchBuilder, groupByLength, WindowSet } from './window-set.js';
import { TrainingDivergedError } from './training-diverged-error.js';
import { EarlyStopping, type EarlyStoppingOptions } from './early-stopping.js';
import { splitWindows } from './validation-split.js';


import type { History, EpochLogs } from './history.js';

export type { History, EpochLogs } from './history.js';

/** Keras-style hooks; epochs and batches are 0-based here, as in Keras callbacks. Each may be async. */
export interface FitCallbacks {
  onTrainBegin?(): void | Promise<void>;
  onEpochBegin?(epoch: number): void | Promise<void>;
  onBatchEnd?(batch: number, logs: { loss: number; size: number }): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: EpochLogs): void | Promise<void>;
  onTrainEnd?(): void | Promise<void>;
}

export interface FitOptions extends EngineOptions {
  /** default 1; as in Keras, the epoch to train up to: with initialEpoch k, epochs k … epochs-1 run */
  epochs?: number;
  /** Keras's initial_epoch: the epochs already done (by a run this one resumes); default 0 */
  initialEpoch?: number;
  /** default 32; the last batch of an epoch holds the remainder */
  batchSize?: number;
  /** a new permutation of the windows every epoch; default true */
  shuffle?: boolean;
  /** measured (MSE) after every epoch as val_loss */
  validationData?: AnySequences;
  /** Keras's validation_split: the last fraction of x (before shuffling) becomes validationData */
  validationSplit?: number;
  /**
   * Keras's EarlyStopping on val_loss (needs validation data); epochs is then the most it
   * trains. An EarlyStopping instance keeps its state across calls (a resumed run's).
   */
  earlyStopping?: EarlyStoppingOptions | EarlyStopping;
  /**
   * default 'rmsprop' with Keras's settings. A name or config starts a fresh state at every
   * fit call; an Optimizer (createOptimizer's) keeps its state across calls, so a caller can
   * save it (getState) and a resumed run continue it (setState)
   */
  optimizer?: OptimizerName | OptimizerConfig | Optimizer;
  /**
   * when it fires, fit stops after the current batch, puts the weights, optimizer state and
   * random state back where the unfinished epoch began, and returns the finished epochs'
   * history: what is left is exactly the end of the last finished epoch, from which a
   * resumed run goes on as if never stopped (early stopping's best weights are not put
   * back then: the run has not ended)
   */
  signal?: AbortSignal;
  /** what counts as divergence (see DivergenceGuard); default a guard with factor 2 */
  divergence?: DivergenceGuard;
  callbacks?: FitCallbacks;
  /**
   * train each LSTM's bias as PyTorch does, as two summed vectors (b_ih + b_hh) that move
   * together, so the bias takes twice Keras's step; default false (Keras's one bias)
   */
  lstmBiasPair?: boolean;
  /** a step to train with (its owner disposes of it); default the model's own for `engine` and `threads` */
  gradientStep?: GradientStep;
}

/** What fit needs of the model: its sizes (and maskValue, to check lengths), its flat weights, its own random stream. */
export interface Trainable {
  readonly config: ModelDims & { maskValue?: number | null };
  readonly params: Float32Array;
  readonly shuffleRng: RandomState;
  /** [start, end) of each LSTM bias in params, for lstmBiasPair */
  lstmBiasRanges(): Array<[start: number, end: number]>;
}

const optionsSchema = v.object({
  validationSplit: v.optional(v.pipe(v.number(), v.gtValue(0), v.ltValue(1))),
  epochs: v.optional(integerIn(0, 1e9), 1),
  initialEpoch: v.optional(integerIn(0, 1e9), 0),
  batchSize: v.optional(integerIn(1, 2 ** 31 - 1), 32),
  shuffle: v.optional(v.boolean(), true),
  lstmBiasPair: v.optional(v.boolean(), false),
});

/** fit's own settings checked (InputError naming the bad one), defaults filled in; the schema passes over the rest (data, callbacks, steps). */
export function parseFitOptions(options: FitOptions): v.InferOutput<typeof optionsSchema> {
  return parseSettings(optionsSchema, options, {
    name: (field) => `fit option ${field}`,
    expected: (field) =>
      field === 'shuffle' || field === 'lstmBiasPair'
        ? 'true or false'
        : field === 'validationSplit'
          ? 'a number between 0 and 1'
          : `an integer from ${field === 'epochs' || field === 'initialEpoch' ? 0 : 1} up`,
    unknown: (keys) => `unknown fit option ${keys.join(', ')}`,
  });
}

function allFinite(a: Float32Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) return false;
  return true;
}

/**
 * PyTorch (and cuDNN) give each LSTM two bias vectors, b_ih and b_hh, that the cell adds
 * together; Keras gives it one. The two always receive the same gradient, so RMSprop, Adam
 * and SGD move each by the same step, and their sum (the only bias the model computes
 * with) moves twice as far as Keras's single vector. Doubling the LSTM biases' step after
 * each update is therefore exactly PyTorch's training of the same model, while the model
 * itself (and its saved file) keeps Keras's one bias.
 * params: after the optimizer's step; before: the same buffer before it.
 */
export function repeatLstmBiasStep(params: Float32Array, before: Float32Array, ranges: Array<[number, number]>): void {
  for (const [start, end] of ranges) {
    for (let i = start; i < end; i++) params[i] = params[i]! + params[i]! - before[i]!;
  }
}

function isOptimizer(spec: FitOptions['optimizer']): spec is Optimizer {
  return typeof spec === 'object' && typeof (spec as Partial<Optimizer>).step === 'function';
}

/**
 * x checked as the model takes it (padded windows of its T, or ragged series of at most T
 * steps), as a WindowSet; a WindowSet is taken as already checked.
 */
export function checkedWindows(x: AnySequences | WindowSet, model: Trainable['config'], what: string): WindowSet {
  if (x instanceof WindowSet) return x;
  if (isRagged(x)) checkRagged(x, model, what, model.timesteps);
  else checkSequences(x, model, what);
  return WindowSet.of(x);
}

/** What model.fit has already done before fitLoop: the validation windows, and the fitted scaling to apply batch by batch. */
export interface PreparedFit {
  validation?: WindowSet;
  scaling?: Scaling;
}

/**
 * Keras's fit loop: per epoch a permutation (from the model's own RandomState, so a seed
 * fixes the run), batches of batchSize in that order, one optimizer step per batch; the
 * epoch's loss is the batch losses' mean weighted by batch size. Windows of unequal lengths
 * are grouped into batches of similar length (groupByLength), each batch padded only to its
 * longest window (BatchBuilder); windows of one length give Keras's batches exactly.
 *
 * Each epoch starts from a snapshot of everything the rest of the run depends on (weights,
 * optimizer state, random state). An epoch that diverges, or is cut short by `signal`, is
 * rolled back to it, so the model is always at the end of a finished, sound epoch, and
 * callbacks (onEpochEnd, where a caller saves checkpoints) only ever see such epochs.
 */
export async function fitLoop(model: Trainable, given: AnySequences | WindowSet, options: FitOptions, step: GradientStep, prepared: PreparedFit = {}): Promise<History> {
  const { epochs, initialEpoch, batchSize, shuffle, lstmBiasPair, validationSplit } = parseFitOptions(options);
  if (initialEpoch > epochs) throw new InputError(`fit option initialEpoch ${initialEpoch} is past epochs ${epochs}: epochs is the epoch to train up to, as in Keras`);
  const { config, params } = model;
  const { timesteps: T, inputDim: D } = config;
  const windows = checkedWindows(given, config, 'x');
  if (validationSplit !== undefined && (options.validationData || prepared.validation)) {
    throw new InputError('fit takes validationData or validationSplit, not both');
  }
  const split = validationSplit === undefined ? undefined : splitWindows(windows, validationSplit);
  const x = split ? split.train : windows;
  const N = x.count;
  if (N === 0) throw new InputError('x holds no windows: fit needs at least one');
  const validation = split ? split.validation : prepared.validation ?? (options.validationData && checkedWindows(options.validationData, config, 'validationData'));
  if (options.earlyStopping && !validation) {
    throw new InputError('early stopping watches val_loss: give validationData or validationSplit');
  }
  const stopping = options.earlyStopping;
  const stopper = stopping instanceof EarlyStopping ? stopping : stopping ? new EarlyStopping(params.length, stopping) : undefined;
  if (validation && validation.count === 0) throw new InputError('validationData holds no windows: leave it out or give at least one');
  const optimizer = isOptimizer(options.optimizer) ? options.optimizer : createOptimizer(options.optimizer ?? 'rmsprop', params.length);
  const guard = options.divergence ?? new DivergenceGuard();
  const pairedBiases = lstmBiasPair ? model.lstmBiasRanges() : [];

  const maxBatch = Math.min(batchSize, N);
  const sd = step.dims;
  if (sd.timesteps !== T || sd.inputDim !== D || sd.latentDim !== config.latentDim) {
    throw new Error(`gradientStep is built for (T,D,L) = (${sd.timesteps},${sd.inputDim},${sd.latentDim}), the model is (${T},${D},${config.latentDim})`);
  }
  if (step.maxBatch < maxBatch) throw new Error(`gradientStep takes batches of at most ${step.maxBatch}, fit needs ${maxBatch}`);

  const scaler = prepared.scaling && prepared.scaling.normalize !== 'none' ? windowScaler(prepared.scaling) : undefined;
  const batches = new BatchBuilder(x, maxBatch, scaler?.copy);
  const grads = new Float32Array(params.length);
  const before = new Float32Array(pairedBiases.length > 0 ? params.length : 0);
  const order = new Int32Array(N);
  const { callbacks = {}, signal } = options;
  const history: History = { epoch: [], history: { loss: [], seconds: [], ...(validation ? { val_loss: [] } : {}) } };

  // where the running epoch began: what a diverged or interrupted epoch is rolled back to
  const epochStart = new Float32Array(params.length);
  let optimizerAtStart = optimizer.getState();
  let randomAtStart = model.shuffleRng.getState();
  const rollBack = (): void => {
    params.set(epochStart);
    optimizer.setState(optimizerAtStart);
    model.shuffleRng.setState(randomAtStart);
  };
  const diverged = (epoch: number, batch: number | undefined, what: string): TrainingDivergedError => {
    rollBack();
    return new TrainingDivergedError(epoch + 1, batch === undefined ? undefined : batch + 1, what, history);
  };

  await callbacks.onTrainBegin?.();
  let stopped = false; // by early stopping
  let lastDone = initialEpoch - 1;
  for (let epoch = initialEpoch; epoch < epochs && !signal?.aborted; epoch++) {
    const started = performance.now();
    epochStart.set(params);
    optimizerAtStart = optimizer.getState();
    randomAtStart = model.shuffleRng.getState();
    await callbacks.onEpochBegin?.(epoch);
    for (let i = 0; i < N; i++) order[i] = i;
    if (shuffle) model.shuffleRng.shuffle(order);
    groupByLength(order, batchSize, x);
    let weightedLoss = 0;
    for (let batch = 0, start = 0; start < N; batch++, start += batchSize) {
      const size = Math.min(batchSize, N - start);
      const b = batches.build(order, start, size);
      if (pairedBiases.length > 0) before.set(params);
      const loss = await step.lossAndGradient(params, grads, b.x, size, b.lengths, b.steps);
      if (!Number.isFinite(loss)) throw diverged(epoch, batch, `the loss became ${loss}`);
      if (guard.reference === undefined) guard.start(loss, meanSquare(x, scaler?.copy));
      optimizer.step(params, grads);
      repeatLstmBiasStep(params, before, pairedBiases);
      if (!allFinite(params)) throw diverged(epoch, batch, 'the update made a weight non-finite');
      weightedLoss += loss * size;
      await callbacks.onBatchEnd?.(batch, { loss, size });
      if (signal?.aborted) break;
    }
    if (signal?.aborted) {
      rollBack();
      break;
    }
    const logs: EpochLogs = { loss: weightedLoss / N, seconds: 0 };
    const verdict = guard.verdict(logs.loss);
    if (verdict !== undefined) throw diverged(epoch, undefined, verdict);
    if (validation) {
      logs.val_loss = await forwardWindows(step, params, validation, { loss: true }, scaler ? { scaler } : {});
      if (!Number.isFinite(logs.val_loss)) throw diverged(epoch, undefined, `the validation loss became ${logs.val_loss}`);
    }
    logs.seconds = (performance.now() - started) / 1000;
    history.epoch.push(epoch);
    history.history.loss.push(logs.loss);
    if (logs.val_loss !== undefined) history.history.val_loss!.push(logs.val_loss);
    history.history.seconds.push(logs.seconds);
    // before the callbacks, so a checkpoint saved there holds early stopping's verdict on this epoch
    const stop = stopper !== undefined && logs.val_loss !== undefined && stopper.update(epoch, logs.val_loss, params);
    lastDone = epoch;
    await callbacks.onEpochEnd?.(epoch, logs);
    if (stop) {
      stopped = true;
      break;
    }
  }
  // cut short by `signal` before the last epoch: the run is not at its end, so the weights stay
  // those of the last finished epoch, exactly what a checkpoint there holds (a resumed run goes
  // on from them; the best weights come back only when the whole run ends)
  const interrupted = !stopped && lastDone < epochs - 1;
  if (stopper) {
    // stopped early: update() has put the best weights back; ran to the end: put them back now
    const restoredBestWeights = stopper.stoppedEpoch >= 0 ? stopper.restoreBestWeights && stopper.bestEpoch >= 0 : !interrupted && stopper.restore(params);
    const { bestEpoch, bestLoss: bestValLoss, stoppedEpoch } = stopper;
    history.earlyStopping = { bestEpoch, bestValLoss, stoppedEpoch, restoredBestWeights };
  }
  await callbacks.onTrainEnd?.();
  return history;
}
