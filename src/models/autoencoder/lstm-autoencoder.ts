import { InputError } from '../../input-error.js';
import { LIMITS } from '../../limits.js';
import { RandomState } from '../../ops/random-state.js';
import type { ParamLayout } from '../../ops/param-layout.js';
import { checkedWindows, fitLoop, parseFitOptions, type FitOptions, type History } from '../../train/fit.js';
import { forwardWindows } from '../../train/forward-chunks.js';
import { ENGINES, type EngineOptions, type GradientStep } from '../../train/gradient-step.js';
import { checkRagged, checkSequences, isRagged, type AnySequences, type RaggedSequences, type Sequences } from '../../train/sequences.js';
import { fitScaling, windowScaler, type Scaling } from '../../train/scaling.js';
import { splitWindows } from '../../train/validation-split.js';
import { WindowSet } from '../../train/window-set.js';
import { AUTOENCODER_DEFAULTS, parseAutoencoderConfig, variantOf, type AutoencoderConfig, type AutoencoderConfigInput } from './config.js';
import { createFastStep } from './fast-step.js';
import { ReferenceStep } from './reference-step.js';
import { autoencoderLayout, initializeKeras, lstmBiasRanges, WEIGHT_NAMES, type AutoencoderDims, type WeightName } from './layout.js';

export type { AutoencoderConfig, AutoencoderConfigInput } from './config.js';
export type { Sequences, RaggedSequences, AnySequences } from '../../train/sequences.js';
export type { OptimizerName, OptimizerConfig } from '../../train/optimizer-config.js';
export type { EpochLogs, FitCallbacks, FitOptions, History } from '../../train/fit.js';
export type { EngineName, EngineOptions } from '../../train/gradient-step.js';
export { TrainingDivergedError } from '../../train/training-diverged-error.js';
export { DivergenceGuard, DEFAULT_DIVERGENCE_FACTOR } from '../../train/divergence.js';
export { createOptimizer } from '../../train/optimizer-config.js';

/** The settings of `config` that the fast step does not compute yet (it would ignore them). */
/** The step of the chosen path ('fast' by default), for batches of up to `maxBatch` windows. */
export async function createGradientStep(config: AutoencoderConfig, maxBatch: number, options: EngineOptions = {}): Promise<GradientStep> {
  const { engine = 'fast', threads } = options;
  if (!(ENGINES as readonly string[]).includes(engine)) {
    throw new InputError(`engine ${JSON.stringify(engine)} is unknown: expected ${ENGINES.join(' or ')}`);
  }
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1)) {
    throw new InputError(`threads ${JSON.stringify(threads)} is invalid: expected an integer from 1 up`);
  }
  if (engine === 'reference') return new ReferenceStep(config, maxBatch, 'float32');
  const { decoder, reverseTarget, outputActivation } = variantOf(config);
  return createFastStep(config, maxBatch, {
    threads,
    recurrentActivation: config.recurrentActivation,
    variant: { unconditional: decoder === 'unconditional', reverseTarget, linearOutput: outputActivation === 'linear' },
  });
}

/** The scaling of a model whose normalize needs no statistics ('none', 'per-series'). */
function scalingWithoutStatistics(config: AutoencoderConfig): Scaling {
  return { normalize: config.normalize ?? 'none', mean: [], std: [] };
}

/** A result with its shape: row-major values, e.g. codes (N, latentDim) or a reconstruction (N, T, D). */
export interface ShapedArray<S extends number[] = number[]> {
  data: Float32Array;
  shape: S;
}

/** Where a model is saved or loaded from: Node's model files, loaded only when asked (browsers have none). */
async function modelFiles(): Promise<typeof import('../../io/tfjs/format.js')> {
  const onNode = typeof globalThis.process === 'object' && typeof globalThis.process.versions?.node === 'string';
  if (!onNode) throw new Error('saving and loading model folders needs Node (lstm-ae/node); in a browser use modelArtifacts/modelFromArtifacts');
  // not a literal, so a browser bundle of the core leaves the file code out (as fast/platform.ts does)
  const specifier: string = '../../io/tfjs/format.js';
  return (await import(specifier)) as typeof import('../../io/tfjs/format.js');
}

/** Windows per forward call of predict and encode: bounds their scratch memory whatever N. */
const FORWARD_BATCH = 512;
/** Values (windows * steps * features) a forward block holds at most, past FORWARD_MIN_BATCH windows: long series come fewer at a time. */
const FORWARD_VALUES = FORWARD_BATCH * 1024;
const FORWARD_MIN_BATCH = 32;

/** The windows a forward step takes at a time for windows of `steps` steps of D features. */
function forwardBatch(steps: number, D: number): number {
  return Math.min(FORWARD_BATCH, Math.max(FORWARD_MIN_BATCH, Math.floor(FORWARD_VALUES / (steps * D))));
}

/** A reconstruction of ragged series: the same lengths, end to end. */
export interface RaggedArray {
  data: Float32Array;
  lengths: Int32Array;
  features: number;
}

/** A step a model holds, the calls running on it, and whether it is to be disposed once they are done. */
interface StepEntry {
  key: string;
  step: GradientStep;
  users: number;
  retired: boolean;
}

/** A step no longer kept: disposed now if free, else by its last user (withStep). */
async function retire(entry: StepEntry): Promise<void> {
  entry.retired = true;
  if (entry.users === 0) await entry.step.dispose();
}

/**
 * The article's conditional LSTM autoencoder with a Keras-shaped API. All weights live in one
 * flat Float32Array (`params`, in `layout`); getWeights hands out named views of it.
 *
 *   const model = LstmAutoencoder.create({ timesteps: 100, inputDim: 1 });
 *   const history = await model.fit(xTrain, { epochs: 30, batchSize: 500, validationData: xTest });
 *   const codes = await model.encode(xTest);    // (N, latentDim)
 *
 * fit, predict and encode run the fast path (WebAssembly SIMD on every core) unless told
 * `{ engine: 'reference' }`. The model keeps the step it last used, worker threads
 * included, for the next call with the same engine and threads; idle threads never keep
 * the process alive, and dispose() frees them at once.
 */
export class LstmAutoencoder {
  readonly config: AutoencoderConfig;
  readonly layout: ParamLayout;
  /** every weight, in `layout` (one flat buffer: the optimizer is one loop, saving one write) */
  readonly params: Float32Array;
  /** the model's own random stream: it drew the initial weights and goes on to draw batch orders */
  readonly shuffleRng: RandomState;

  /** the kept step; `users` calls run on it now; a retired one is disposed when its last user is done */
  private step: StepEntry | undefined;

  /**
   * How this model scales its input (config.normalize), with the statistics of the data it
   * was first fitted on; undefined while a model that normalizes has not been fitted yet.
   */
  scaling: Scaling | undefined;

  private constructor(config: AutoencoderConfig) {
    this.config = config;
    this.layout = autoencoderLayout(config);
    this.params = new Float32Array(this.layout.size);
    this.shuffleRng = new RandomState(config.seed);
    this.scaling = (config.normalize ?? 'none') === 'none' || config.normalize === 'per-series' ? scalingWithoutStatistics(config) : undefined;
  }

  /**
   * A new model; a setting left out takes `lstm-ae train`'s default (AUTOENCODER_DEFAULTS:
   * latent 10, per-channel scaling, linear output, masked), so the library and the command
   * build the same model. Weights are initialised as Keras does, from new RandomState(seed).
   * The article's model is `{ ...ARTICLE_VARIANT, timesteps: 100, inputDim: 1 }`.
   */
  static create(config: AutoencoderConfigInput): LstmAutoencoder {
    const model = new LstmAutoencoder(parseAutoencoderConfig({ ...AUTOENCODER_DEFAULTS, ...config }));
    initializeKeras(model.getWeights(), model.config, model.shuffleRng);
    return model;
  }

  /**
   * A model with the given weights (every tensor, Keras layout), e.g. from a saved file.
   * Draws no initial weights; its batch order starts from RandomState(seed)'s first draw.
   */
  static fromWeights(config: AutoencoderConfigInput, weights: Record<WeightName, ArrayLike<number>>, scaling?: Scaling): LstmAutoencoder {
    const model = new LstmAutoencoder(parseAutoencoderConfig(config));
    model.setWeights(weights);
    if (scaling) model.setScaling(scaling);
    return model;
  }

  /** Views (not copies) into `params`, in Keras layout and with Keras's weight names. */
  getWeights(): Record<WeightName, Float32Array> {
    return this.layout.views(this.params) as Record<WeightName, Float32Array>;
  }

  /** Copies the given weights in; checks every length and value first, so a bad one changes nothing. */
  setWeights(weights: Partial<Record<WeightName, ArrayLike<number>>>): void {
    const known = new Set<string>(WEIGHT_NAMES);
    for (const [name, values] of Object.entries(weights)) {
      if (!known.has(name)) throw new InputError(`setWeights: unknown weight ${name}: expected one of ${WEIGHT_NAMES.join(', ')}`);
      const slot = this.layout.slot(name);
      if (!values || values.length !== slot.size) {
        throw new InputError(`setWeights: ${name} has ${values?.length} values, its shape (${slot.shape.join(',')}) needs ${slot.size}`);
      }
      for (let i = 0; i < values.length; i++) {
        if (!Number.isFinite(values[i])) throw new InputError(`setWeights: ${name} holds ${values[i]} at index ${i}; expected finite numbers`);
      }
    }
    const views = this.getWeights();
    for (const [name, values] of Object.entries(weights)) views[name as WeightName].set(values as ArrayLike<number>);
  }

  /**
   * Keras's fit: epochs of shuffled batches, one optimizer step each; see FitOptions. x is
   * padded windows (N,T,D) or ragged series (RaggedSequences, at most T steps each); either
   * way a batch is padded only to its own longest window and scaled as it is built, so fit
   * holds no copy of x. A model that normalizes takes its statistics from this call's
   * training windows (after a validationSplit has taken its part), the first time it is fitted.
   */
  async fit(x: AnySequences, options: FitOptions = {}): Promise<History> {
    const windows = checkedWindows(x, this.config, 'x');
    let train = windows;
    let validation = options.validationData && checkedWindows(options.validationData, this.config, 'validationData');
    if (options.validationSplit !== undefined && !validation) {
      ({ train, validation } = splitWindows(windows, options.validationSplit));
    }
    this.scaling ??= fitScaling(train, this.config.normalize ?? 'none');
    const prepared = { ...(validation ? { validation } : {}), scaling: this.scaling };
    const rest: FitOptions = { ...options, validationSplit: undefined, validationData: undefined };
    if (options.gradientStep) return fitLoop(this, train, rest, options.gradientStep, prepared);
    const maxBatch = Math.max(1, Math.min(parseFitOptions(options).batchSize, train.count));
    return this.withStep(options, maxBatch, this.config.timesteps, (step) => fitLoop(this, train, rest, step, prepared));
  }

  /**
   * The reconstruction in the data's own units, in the data's own time order so that it
   * compares with x step for step: a reverseTarget model's output is reversed back within
   * each window's length. For padded windows (N,T,D), padded steps (t >= x.lengths[n]) are
   * 0; for ragged series, ragged too (the same lengths, end to end): a padded (N,T,D) result
   * would itself be the memory that ragged input avoids. (`lstm-ae reconstruct`; `predict`
   * is Keras's name for it.)
   */
  async reconstruct(x: Sequences, options?: EngineOptions): Promise<ShapedArray<[number, number, number]>>;
  async reconstruct(x: RaggedSequences, options?: EngineOptions): Promise<RaggedArray>;
  async reconstruct(x: AnySequences, options?: EngineOptions): Promise<ShapedArray<[number, number, number]> | RaggedArray>;
  async reconstruct(x: AnySequences, options: EngineOptions = {}): Promise<ShapedArray<[number, number, number]> | RaggedArray> {
    const windows = this.checkForward(x);
    const reconstruction = new Float32Array(x.data.length);
    await this.forwardScaled(windows, options, { reconstruction });
    if (isRagged(x)) return { data: reconstruction, lengths: x.lengths, features: x.features };
    return { data: reconstruction, shape: [...x.shape] };
  }

  /** Keras's name for `reconstruct`. */
  predict(x: Sequences, options?: EngineOptions): Promise<ShapedArray<[number, number, number]>>;
  predict(x: RaggedSequences, options?: EngineOptions): Promise<RaggedArray>;
  predict(x: AnySequences, options?: EngineOptions): Promise<ShapedArray<[number, number, number]> | RaggedArray>;
  predict(x: AnySequences, options: EngineOptions = {}): Promise<ShapedArray<[number, number, number]> | RaggedArray> {
    return this.reconstruct(x, options);
  }

  /**
   * x checked for a forward pass, which takes windows of any length: the LSTMs read any
   * number of steps (Keras's input_shape=(None, D)), and the conditional decoder reads the
   * input reversed within each window's own length, so the model's timesteps is only the
   * pad length it was trained at. Padded windows are taken at their own T, ragged series at
   * any length within the limits.
   */
  private checkForward(x: AnySequences): WindowSet {
    const D = this.config.inputDim;
    const { min, max } = LIMITS.timesteps;
    if (isRagged(x)) {
      checkRagged(x, this.config, 'x', max);
      return WindowSet.of(x);
    }
    const t = Array.isArray(x?.shape) ? x.shape[1] : undefined;
    const timesteps = Number.isInteger(t) && t! >= min && t! <= max ? t! : this.config.timesteps;
    if (Array.isArray(x?.shape) && x.shape.length === 3 && x.shape[2] !== D) {
      throw new InputError(`x has shape (${x.shape.join(',')}) but the model takes (N,T,${D}): windows of any length of ${D} feature${D === 1 ? '' : 's'}`);
    }
    checkSequences(x, { ...this.config, timesteps }, 'x');
    return WindowSet.of(x);
  }

  /** The encoder's hidden state after every window's last real step, (N,latentDim): the features. */
  async encode(x: AnySequences, options: EngineOptions = {}): Promise<ShapedArray<[number, number]>> {
    const windows = this.checkForward(x);
    const code = new Float32Array(windows.count * this.config.latentDim);
    await this.forwardScaled(windows, options, { code });
    return { data: code, shape: [windows.count, this.config.latentDim] };
  }

  /** Saves the model in `dir` in the TF.js Layers format (model.json + weights), as `lstm-ae train` does; Node only. Returns model.json's path. */
  async save(dir: string): Promise<string> {
    return (await modelFiles()).saveModel(dir, this);
  }

  /** The model saved in a folder or model.json (by `save`, `lstm-ae train`, or TF.js/Keras in our layout); Node only. */
  static async load(path: string): Promise<LstmAutoencoder> {
    return (await modelFiles()).loadModel(path);
  }

  /** Frees the kept step (its worker threads); the model stays usable and makes a new one when asked. */
  async dispose(): Promise<void> {
    const kept = this.step;
    this.step = undefined;
    if (kept) await retire(kept);
  }

  /** Sets the scaling a saved model was trained with; it must be the one config.normalize names. */
  setScaling(scaling: Scaling): void {
    const normalize = this.config.normalize ?? 'none';
    if (scaling.normalize !== normalize) throw new InputError(`scaling is ${scaling.normalize}, the model's normalize is ${normalize}`);
    const count = normalize === 'global' ? 1 : normalize === 'per-channel' ? this.config.inputDim : 0;
    for (const [what, values] of [['mean', scaling.mean], ['std', scaling.std]] as const) {
      if (values.length !== count || !values.every((v) => Number.isFinite(v) && (what === 'mean' || v > 0))) {
        throw new InputError(`scaling ${what} ${JSON.stringify(values)}: expected ${count} finite number${count === 1 ? '' : 's'}${what === 'std' ? ' above 0' : ''}`);
      }
    }
    this.scaling = { normalize, mean: [...scaling.mean], std: [...scaling.std] };
  }

  /**
   * The forward pass over the windows for encode and reconstruct, in blocks of about one
   * length (sorted by length, results back in each window's place), each block padded to its
   * own longest window and scaled as it is built: no padded or scaled copy of the input. A
   * reconstruction is put back into the data's units window by window.
   */
  private async forwardScaled(windows: WindowSet, options: EngineOptions, outputs: { code?: Float32Array; reconstruction?: Float32Array }): Promise<void> {
    const scaling = this.fittedScaling(); // an unfitted model fails even on no windows
    if (windows.count === 0) return;
    const scaler = scaling.normalize === 'none' ? undefined : windowScaler(scaling);
    const maxBatch = forwardBatch(windows.longest, windows.features);
    const forward = (step: GradientStep) => forwardWindows(step, this.params, windows, outputs, { order: 'by-length', ...(scaler ? { scaler } : {}) });
    await this.withStep(options, undefined, windows.longest, forward, maxBatch);
  }

  private fittedScaling(): Scaling {
    const scaling = this.scaling;
    if (!scaling) throw new InputError(`the model normalizes (${this.config.normalize}) but has not been fitted: fit it, or load a saved one`);
    return scaling;
  }

  /** [start, end) of each LSTM bias in params (for fit's lstmBiasPair). */
  lstmBiasRanges(): Array<[start: number, end: number]> {
    return lstmBiasRanges(this.config);
  }

  /**
   * Runs `use` on a step for the engine and threads asked for that takes batches of `maxBatch`
   * (training; a forward pass takes any, and a new step for it takes `forwardMaxBatch`) of up
   * to `timesteps` steps: the kept one when it fits and
   * is free, else a new one, kept when nothing runs on the kept one. A step's buffers serve one
   * call at a time, so concurrent calls (or a call from inside a fit's callback) each get their
   * own, and a step is disposed only when no call runs on it (a replaced one once its last user is done).
   */
  private async withStep<T>(options: EngineOptions, maxBatch: number | undefined, timesteps: number, use: (step: GradientStep) => Promise<T>, forwardMaxBatch = FORWARD_BATCH): Promise<T> {
    const key = `${options.engine ?? 'fast'}/${options.threads ?? 'default'}/${timesteps}`;
    let entry = this.step;
    if (!(entry && entry.key === key && entry.users === 0 && entry.step.maxBatch >= (maxBatch ?? 1))) {
      const step = await createGradientStep({ ...this.config, timesteps }, maxBatch ?? forwardMaxBatch, options);
      entry = { key, step, users: 0, retired: false };
      const kept = this.step;
      if (kept && kept.users > 0) {
        entry.retired = true; // a call runs on the kept step: this one serves this call only
      } else {
        this.step = entry;
        if (kept) await retire(kept);
      }
    }
    entry.users++;
    try {
      return await use(entry.step);
    } finally {
      entry.users--;
      if (entry.retired && entry.users === 0) await entry.step.dispose();
    }
  }

  /** The dimensions alone, e.g. for building a GradientStep. */
  get dims(): AutoencoderDims {
    const { timesteps, inputDim, latentDim } = this.config;
    return { timesteps, inputDim, latentDim };
  }
}
