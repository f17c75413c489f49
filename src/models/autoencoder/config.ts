import type { RecurrentActivation } from '../../ops/activations.js';
import * as v from 'valibot';
import { finiteNumber, integerIn, parseSettings, type Schema } from '../../settings.js';
import { NORMALIZATIONS, type Normalization } from '../../train/scaling.js';
import { LIMITS, rangeText, type LimitName } from '../../limits.js';
import type { AutoencoderDims, DecoderKind } from './layout.js';

export type { DecoderKind } from './layout.js';

/** Every choice of a model setting, one list each: options, schemas and help read them from here. */
export const DECODERS = ['conditional', 'unconditional'] as const satisfies readonly DecoderKind[];
export const OUTPUT_ACTIVATIONS = ['linear', 'tanh'] as const;
export const RECURRENT_ACTIVATIONS = ['sigmoid', 'hard_sigmoid'] as const satisfies readonly RecurrentActivation[];
/** The output Dense's activation: tanh (the article's, for data in [-1, 1]) or linear (any range). */
export type OutputActivation = (typeof OUTPUT_ACTIVATIONS)[number];

/**
 * The value padded steps hold in a masked model's input (Keras's Masking mask_value, saved in
 * the model file): far from any real value, so Keras and TF.js users can pad with it too.
 */
export const MASK_VALUE = -1e9;

/** The choices beyond the article's model; each default is the article's. */
export interface AutoencoderVariant {
  /** 'conditional' (default): the decoder reads [code | x reversed]; 'unconditional': the code alone */
  decoder: DecoderKind;
  /**
   * train the output at step t to reconstruct x[len-1-t] (x reversed within each window's
   * own length) instead of x[t]; default false. predict still returns data order.
   */
  reverseTarget: boolean;
  /** default 'tanh' */
  outputActivation: OutputActivation;
  /**
   * null (default): every window is T steps long. A number: windows may be shorter
   * (Sequences.lengths, padded after their last real step), and the saved model begins
   * with Keras Masking layers of this mask_value, so Keras and TF.js users pad with it.
   */
  maskValue: number | null;
}

/**
 * Everything that fixes the model before training: its sizes, its gates, its variant, its
 * seed. A variant setting left out is the article's (DEFAULT_VARIANT; `variantOf` fills them in),
 * so a config holds only what its user chose.
 */
export interface AutoencoderConfig extends AutoencoderDims, Partial<AutoencoderVariant> {
  /** the LSTMs' gate activation: 'sigmoid' (tf.keras) or 'hard_sigmoid' (Keras 2.0.5's default) */
  recurrentActivation: RecurrentActivation;
  /** seeds the RandomState that draws the initial weights and then the batch orders */
  seed: number;
  /**
   * how the data is scaled before the model sees it (train/scaling.ts); absent means 'none',
   * the article's. The statistics come from the first fit's training data and are saved with
   * the model, so encode and predict apply them and predict answers in the data's own units.
   */
  normalize?: Normalization;
}

/**
 * What `LstmAutoencoder.create` and `lstm-ae train` use for a setting left out: one source for
 * both. Scaled per channel (saved with the model) with a linear output, since data in its own
 * units is rarely inside tanh's (-1, 1); masked, so series of unequal lengths just work.
 */
export const AUTOENCODER_DEFAULTS = {
  latentDim: 10,
  recurrentActivation: 'sigmoid',
  seed: 0,
  decoder: 'conditional',
  reverseTarget: false,
  outputActivation: 'linear',
  normalize: 'per-channel',
  maskValue: MASK_VALUE,
} as const satisfies Omit<AutoencoderConfig, 'timesteps' | 'inputDim'>;

/** The article's model where it differs from those defaults: tanh output, no scaling, no masking (`lstm-ae demo`). */
export const ARTICLE_VARIANT = { outputActivation: 'tanh', normalize: 'none', maskValue: null } as const satisfies Partial<AutoencoderConfig>;

/**
 * The article's model: conditional decoder, target in data order, tanh output, no masking;
 * what a setting absent from a config (a model file's, say) means.
 */
export const DEFAULT_VARIANT: AutoencoderVariant = { decoder: 'conditional', reverseTarget: false, outputActivation: 'tanh', maskValue: null };

/** Every variant setting, the ones left out being the article's. */
export function variantOf(config: Partial<AutoencoderVariant>): AutoencoderVariant {
  return {
    decoder: config.decoder ?? DEFAULT_VARIANT.decoder,
    reverseTarget: config.reverseTarget ?? DEFAULT_VARIANT.reverseTarget,
    outputActivation: config.outputActivation ?? DEFAULT_VARIANT.outputActivation,
    maskValue: config.maskValue ?? DEFAULT_VARIANT.maskValue,
  };
}

export type AutoencoderConfigInput = Partial<AutoencoderConfig> & Pick<AutoencoderDims, 'timesteps' | 'inputDim'>;

/** The range src/limits.ts sets for every command, as a rule and its words. */
const limited = (name: LimitName) => [integerIn(LIMITS[name].min, LIMITS[name].max), rangeText(LIMITS[name])] as const;

/** Each setting's rule, with the words that tell a user what would work. */
const RULES = {
  timesteps: limited('timesteps'),
  inputDim: limited('inputDim'),
  latentDim: limited('latentDim'),
  recurrentActivation: [v.picklist(RECURRENT_ACTIVATIONS), "'sigmoid' or 'hard_sigmoid'"],
  seed: limited('seed'),
  decoder: [v.picklist(DECODERS), "'conditional' or 'unconditional'"],
  reverseTarget: [v.boolean(), 'true or false'],
  outputActivation: [v.picklist(OUTPUT_ACTIVATIONS), "'tanh' or 'linear'"],
  maskValue: [v.nullable(finiteNumber()), 'a finite number, or null for windows of equal length'],
  normalize: [v.picklist(NORMALIZATIONS), NORMALIZATIONS.map((n) => `'${n}'`).join(', ')],
} as const satisfies Record<keyof AutoencoderConfig, readonly [Schema<unknown>, string]>;

const schema = v.strictObject({
  timesteps: RULES.timesteps[0],
  inputDim: RULES.inputDim[0],
  latentDim: v.optional(RULES.latentDim[0], AUTOENCODER_DEFAULTS.latentDim),
  recurrentActivation: v.optional(RULES.recurrentActivation[0], AUTOENCODER_DEFAULTS.recurrentActivation),
  seed: v.optional(RULES.seed[0], AUTOENCODER_DEFAULTS.seed),
  // left out stays out: absent means the article's (variantOf)
  decoder: v.optional(RULES.decoder[0]),
  reverseTarget: v.optional(RULES.reverseTarget[0]),
  outputActivation: v.optional(RULES.outputActivation[0]),
  maskValue: v.optional(RULES.maskValue[0]),
  normalize: v.optional(RULES.normalize[0]),
});

/**
 * Fills in the defaults (latentDim 10, sigmoid, seed 0; the variant's are left to
 * variantOf); a bad setting is an InputError naming it.
 */
export function parseAutoencoderConfig(input: AutoencoderConfigInput): AutoencoderConfig {
  return parseSettings(schema, input, {
    name: (field) => `model setting ${field}`,
    expected: (field) => RULES[field as keyof AutoencoderConfig][1],
    unknown: (keys) => `unknown model setting ${keys.join(', ')}: expected one of ${Object.keys(RULES).join(', ')}`,
  });
}
