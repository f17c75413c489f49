import type { RecurrentActivation } from '../../ops/activations.js';
import { z } from 'zod';
import { parseSettings } from '../../settings.js';
import type { AutoencoderDims } from './layout.js';

/** Everything that fixes the model before training: its sizes, its gates, its seed. */
export interface AutoencoderConfig extends AutoencoderDims {
  /** the LSTMs' gate activation: 'sigmoid' (tf.keras) or 'hard_sigmoid' (Keras 2.0.5's default) */
  recurrentActivation: RecurrentActivation;
  /** seeds the RandomState that draws the initial weights and then the batch orders */
  seed: number;
}

export type AutoencoderConfigInput = Partial<AutoencoderConfig> & Pick<AutoencoderDims, 'timesteps' | 'inputDim'>;

const positiveInteger = z.number().int().min(1).max(1_000_000);

/** Each setting's rule, with the words that tell a user what would work. */
const RULES = {
  timesteps: [positiveInteger, 'an integer from 1 up'],
  inputDim: [positiveInteger, 'an integer from 1 up'],
  latentDim: [positiveInteger, 'an integer from 1 up'],
  recurrentActivation: [z.enum(['sigmoid', 'hard_sigmoid']), "'sigmoid' or 'hard_sigmoid'"],
  seed: [z.number().int().min(0).max(2 ** 32 - 1), 'an integer from 0 to 4294967295'],
} as const satisfies Record<keyof AutoencoderConfig, readonly [z.ZodType, string]>;

const schema = z
  .object({
    timesteps: RULES.timesteps[0],
    inputDim: RULES.inputDim[0],
    latentDim: RULES.latentDim[0].default(10),
    recurrentActivation: RULES.recurrentActivation[0].default('sigmoid'),
    seed: RULES.seed[0].default(0),
  })
  .strict();

/** Fills in the defaults (latentDim 10, sigmoid, seed 0); a bad setting is an InputError naming it. */
export function parseAutoencoderConfig(input: AutoencoderConfigInput): AutoencoderConfig {
  return parseSettings(schema, input, {
    name: (field) => `model setting ${field}`,
    expected: (field) => RULES[field as keyof AutoencoderConfig][1],
    unknown: (keys) => `unknown model setting ${keys.join(', ')}: expected one of ${Object.keys(RULES).join(', ')}`,
  });
}
