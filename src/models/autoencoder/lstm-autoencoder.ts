import { InputError } from '../../input-error.js';
import { LIMITS } from '../../limits.js';
import { RandomState } from '../../ops/random-state.js';
import type { ParamLayout } from '../../ops/param-layout.js';
import { fitLoop, parseFitOptions, type FitOptions, type History } from '../../train/fit.js';
import { forwardInChunks } from '../../train/forward-chunks.js';
import { ENGINES, type EngineOptions, type GradientStep } from '../../train/gradient-step.js';
import { checkSequences, type Sequences } from '../../train/sequences.js';
import { applyScaling, fitScaling, invertScaling, type Scaling } from '../../train/scaling.js';
import { splitValidation } from '../../train/validation-split.js';
import { AUTOENCODER_DEFAULTS, parseAutoencoderConfig, variantOf, type AutoencoderConfig, type AutoencoderConfigInput } from './config.js';
import { createFastStep } from './fast-step.js';
import { ReferenceStep } from './reference-step.js';
import { autoencoderLayout, initializeKeras, lstmBiasRanges, WEIGHT_NAMES, type AutoencoderDims, type WeightName } from './layout.js';

export type { AutoencoderConfig, AutoencoderConfigInput } from './config.js';
export type { Sequences } from '../../train/sequences.js';
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
/** Windows scaled at a time by encode and reconstruct: bounds the scaled copy whatever N. */
const SCALED_BLOCK = 16 * FORWARD_BATCH;

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
   * Keras's fit: epochs of shuffled batches, one optimizer step each; see FitOptions. A model
   * that normalizes takes its statistics from this call's training windows (after a
   * validationSplit has taken its part), the first time it is fitted.
   */
  async fit(x: Sequences, options: FitOptions = {}): Promise<History> {
    checkSequences(x, this.config, 'x');
    let train = x;
    let validation = options.validationData;
    if (options.validationSplit !== undefined && !validation) {
      ({ train, validation } = splitValidation(x, options.validationSplit));
    }
    this.scaling ??= fitScaling(train, this.config.normalize ?? 'none');
    const scaled: FitOptions = { ...options, validationSplit: undefined, validationData: validation && this.scaled(validation) };
    const xs = this.scaled(train);
    if (options.gradientStep) return fitLoop(this, xs, scaled, options.gradientStep);
    const maxBatch = Math.max(1, Math.min(parseFitOptions(options).batchSize, xs.shape[0]));
    return this.withStep(options, maxBatch, this.config.timesteps, (step) => fitLoop(this, xs, scaled, step));
  }

  /**
   * The reconstruction, (N,T,D) in the data's own units, in the data's own time order so
   * that it compares with x step for step: a reverseTarget model's output is reversed back
   * within each window's length. Padded steps (t >= x.lengths[n]) are 0. (`lstm-ae
   * reconstruct`; `predict` is Keras's name for it.)
   */
  async reconstruct(x: Sequences, options: EngineOptions = {}): Promise<ShapedArray<[number, number, number]>> {
    const timesteps = this.checkForward(x);
    const reconstruction = new Float32Array(x.data.length);
    await this.forwardScaled(x, options, timesteps, { reconstruction });
    return { data: reconstruction, shape: [...x.shape] };
  }

  /** Keras's name for `reconstruct`. */
  predict(x: Sequences, options: EngineOptions = {}): Promise<ShapedArray<[number, number, number]>> {
    return this.reconstruct(x, options);
  }

  /**
   * x checked for a forward pass, which takes windows of any length: the LSTMs read any
   * number of steps (Keras's input_shape=(None, D)), and the conditional decoder reads the
   * input reversed within each window's own length, so the model's timesteps is only the
   * pad length it was trained at. Returns x's window length.
   */
  private checkForward(x: Sequences): number {
    const t = Array.isArray(x?.shape) ? x.shape[1] : undefined;
    const { min, max } = LIMITS.timesteps;
    const timesteps = Number.isInteger(t) && t! >= min && t! <= max ? t! : this.config.timesteps;
    const D = this.config.inputDim;
    if (Array.isArray(x?.shape) && x.shape.length === 3 && x.shape[2] !== D) {
      throw new InputError(`x has shape (${x.shape.join(',')}) but the model takes (N,T,${D}): windows of any length of ${D} feature${D === 1 ? '' : 's'}`);
    }
    checkSequences(x, { ...this.config, timesteps }, 'x');
    return timesteps;
  }

  /** The encoder's hidden state after every window's last real step, (N,latentDim): the features. */
  async encode(x: Sequences, options: EngineOptions = {}): Promise<ShapedArray<[number, number]>> {
    const timesteps = this.checkForward(x);
    const code = new Float32Array(x.shape[0] * this.config.latentDim);
    await this.forwardScaled(x, options, timesteps, { code });
    return { data: code, shape: [x.shape[0], this.config.latentDim] };
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

  /** x as the network sees it: scaled by this model's scaling (the same windows when it is 'none'). */
  private scaled(x: Sequences): Sequences {
    return this.scaledForUse(x).xs;
  }

  /**
   * The forward pass over x for encode and reconstruct, SCALED_BLOCK windows at a time, each
   * block scaled on its own (every scaling is window by window once fitted): the scaled copy
   * is one block, never a second x, so a large input needs little more than itself. A
   * reconstruction is put back into the data's units block by block.
   */
  private async forwardScaled(x: Sequences, options: EngineOptions, timesteps: number, outputs: { code?: Float32Array; reconstruction?: Float32Array }): Promise<void> {
    const [N, T, D] = x.shape;
    const size = T * D;
    const L = this.config.latentDim;
    const normalize = this.fittedScaling().normalize; // an unfitted model fails even on no windows
    if (N === 0) return;
    const scratch = normalize === 'none' ? undefined : new Float32Array(Math.min(N, SCALED_BLOCK) * size);
    await this.withStep(options, undefined, timesteps, async (step) => {
      for (let start = 0; start < N; start += SCALED_BLOCK) {
        const end = Math.min(N, start + SCALED_BLOCK);
        const block: Sequences = {
          data: x.data.subarray(start * size, end * size),
          shape: [end - start, T, D],
          ...(x.lengths ? { lengths: x.lengths.subarray(start, end) } : {}),
        };
        const { scaling, perSeries, xs } = this.scaledForUse(block, scratch);
        const code = outputs.code?.subarray(start * L, end * L);
        const reconstruction = outputs.reconstruction?.subarray(start * size, end * size);
        await forwardInChunks(step, this.params, xs.data, end - start, { ...(code ? { code } : {}), ...(reconstruction ? { reconstruction } : {}) }, block.lengths);
        if (reconstruction && scaling.normalize !== 'none') invertScaling(reconstruction, block, scaling, perSeries);
      }
    });
  }

  private fittedScaling(): Scaling {
    const scaling = this.scaling;
    if (!scaling) throw new InputError(`the model normalizes (${this.config.normalize}) but has not been fitted: fit it, or load a saved one`);
    return scaling;
  }

  private scaledForUse(x: Sequences, into?: Float32Array): { scaling: Scaling; perSeries?: Float64Array; xs: Sequences } {
    const scaling = this.fittedScaling();
    if (scaling.normalize === 'none') return { scaling, xs: x };
    const { data, perSeries } = applyScaling(x, scaling, into);
    return { scaling, perSeries, xs: { ...x, data } };
  }

  /** [start, end) of each LSTM bias in params (for fit's lstmBiasPair). */
  lstmBiasRanges(): Array<[start: number, end: number]> {
    return lstmBiasRanges(this.config);
  }

  /**
   * Runs `use` on a step for the engine and threads asked for that takes batches of `maxBatch`
   * (training; a forward pass takes any) of `timesteps` steps: the kept one when it fits and
   * is free, else a new one, kept when nothing runs on the kept one. A step's buffers serve one
   * call at a time, so concurrent calls (or a call from inside a fit's callback) each get their
   * own, and a step is disposed only when no call runs on it (a replaced one once its last user is done).
   */
  private async withStep<T>(options: EngineOptions, maxBatch: number | undefined, timesteps: number, use: (step: GradientStep) => Promise<T>): Promise<T> {
    const key = `${options.engine ?? 'fast'}/${options.threads ?? 'default'}/${timesteps}`;
    let entry = this.step;
    if (!(entry && entry.key === key && entry.users === 0 && entry.step.maxBatch >= (maxBatch ?? 1))) {
      const step = await createGradientStep({ ...this.config, timesteps }, maxBatch ?? FORWARD_BATCH, options);
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
