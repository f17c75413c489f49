import { InputError } from '../../input-error.js';
import { RandomState } from '../../ops/random-state.js';
import type { ParamLayout } from '../../ops/param-layout.js';
import { autoencoderLayout, WEIGHT_NAMES, type AutoencoderDims, type WeightName } from './layout.js';
import { parseAutoencoderConfig, type AutoencoderConfig, type AutoencoderConfigInput } from './config.js';
import { fitAutoencoder, type FitOptions, type History } from '../../train/fit.js';
import { initializeKeras } from './keras-initialization.js';
import { referenceForward } from './reference-step.js';
import { checkSequences, type Sequences } from '../../train/sequences.js';

export type { AutoencoderConfig, AutoencoderConfigInput } from './config.js';
export type { Sequences } from '../../train/sequences.js';
export type { OptimizerName, OptimizerConfig } from '../../train/optimizer-config.js';
export type { EpochLogs, FitCallbacks, FitOptions, History } from '../../train/fit.js';
export { TrainingDivergedError } from '../../train/training-diverged-error.js';

/**
 * The seed's conditional LSTM autoencoder with a Keras-shaped API. All weights live in one
 * flat Float32Array (`params`, in `layout`); getWeights hands out named views of it.
 *
 *   const model = LstmAutoencoder.create({ timesteps: 100, inputDim: 1 });
 *   const history = await model.fit(xTrain, { epochs: 30, batchSize: 500, validationData: xTest });
 *   const codes = model.encode(xTest);          // (N, latentDim)
 */
export class LstmAutoencoder {
  readonly config: AutoencoderConfig;
  readonly layout: ParamLayout;
  /** every weight, in `layout` (one flat buffer: the optimizer is one loop, saving one write) */
  readonly params: Float32Array;
  /** the model's own random stream: it drew the initial weights and goes on to draw batch orders */
  readonly shuffleRng: RandomState;

  private constructor(config: AutoencoderConfig) {
    this.config = config;
    this.layout = autoencoderLayout(config);
    this.params = new Float32Array(this.layout.size);
    this.shuffleRng = new RandomState(config.seed);
  }

  /** Defaults latentDim 10, sigmoid, seed 0; weights initialised as Keras does, from new RandomState(seed). */
  static create(config: AutoencoderConfigInput): LstmAutoencoder {
    const model = new LstmAutoencoder(parseAutoencoderConfig(config));
    initializeKeras(model.getWeights(), model.config, model.shuffleRng);
    return model;
  }

  /**
   * A model with the given weights (every tensor, Keras layout), e.g. from a saved file.
   * Draws no initial weights; its batch order starts from RandomState(seed)'s first draw.
   */
  static fromWeights(config: AutoencoderConfigInput, weights: Record<WeightName, ArrayLike<number>>): LstmAutoencoder {
    const model = new LstmAutoencoder(parseAutoencoderConfig(config));
    model.setWeights(weights);
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

  fit(x: Sequences, options?: FitOptions): Promise<History> {
    return fitAutoencoder(this, x, options);
  }

  /** The reconstruction, (N,T,D). */
  predict(x: Sequences): Float32Array {
    checkSequences(x, this.config, 'x');
    const out = new Float32Array(x.data.length);
    referenceForward(this.params, this.config, x.data, x.shape[0], { reconstruction: out });
    return out;
  }

  /** The encoder's final hidden state of every window, (N,latentDim): the features. */
  encode(x: Sequences): Float32Array {
    checkSequences(x, this.config, 'x');
    const out = new Float32Array(x.shape[0] * this.config.latentDim);
    referenceForward(this.params, this.config, x.data, x.shape[0], { code: out });
    return out;
  }

  /** The dimensions alone, e.g. for building a GradientStep. */
  get dims(): AutoencoderDims {
    const { timesteps, inputDim, latentDim } = this.config;
    return { timesteps, inputDim, latentDim };
  }
}
