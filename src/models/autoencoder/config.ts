import type { RecurrentActivation } from '../../ops/activations.js';
import { z } from 'zod';
import { parseSettings } from '../../settings.js';
import { NORMALIZATIONS, type Normalization } from '../../train/scaling.js';
import { LIMITS, rangeText, type LimitName } from '../../limits.js';
import type { AutoencoderDims, DecoderKind } from './layout.js';

export type { DecoderKind } from './layout.js';
/** The output Dense's activation: tanh (the article's, for data in [-1, 1]) or linear (any range). */
export type OutputActivation = 'tanh' | 'linear';

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

/** The article's model: conditional decoder, target in data order, tanh output, no masking. */
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

/** The range src/limits.ts sets for every command, as a zod rule and its words. */
const limited = (name: LimitName) => [z.number().int().min(LIMITS[name].min).max(LIMITS[name].max), rangeText(LIMITS[name])] as const;

/** Each setting's rule, with the words that tell a user what would work. */
const RULES = {
  timesteps: limited('timesteps'),
  inputDim: limited('inputDim'),
  latentDim: limited('latentDim'),
  recurrentActivation: [z.enum(['sigmoid', 'hard_sigmoid']), "'sigmoid' or 'hard_sigmoid'"],
  seed: limited('seed'),
  decoder: [z.enum(['conditional', 'unconditional']), "'conditional' or 'unconditional'"],
  reverseTarget: [z.boolean(), 'true or false'],
  outputActivation: [z.enum(['tanh', 'linear']), "'tanh' or 'linear'"],
  maskValue: [z.number().nullable(), 'a finite number, or null for windows of equal length'],
  normalize: [z.enum(NORMALIZATIONS), NORMALIZATIONS.map((n) => `'${n}'`).join(', ')],
} as const satisfies Record<keyof AutoencoderConfig, readonly [z.ZodType, string]>;

const schema = z
  .object({
    timesteps: RULES.timesteps[0],
    inputDim: RULES.inputDim[0],
    latentDim: RULES.latentDim[0].default(10),
    recurrentActivation: RULES.recurrentActivation[0].default('sigmoid'),
    seed: RULES.seed[0].default(0),
    // left out stays out: absent means the article's (variantOf)
    decoder: RULES.decoder[0].optional(),
    reverseTarget: RULES.reverseTarget[0].optional(),
    outputActivation: RULES.outputActivation[0].optional(),
    maskValue: RULES.maskValue[0].optional(),
    normalize: RULES.normalize[0].optional(),
  })
  .strict();

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
