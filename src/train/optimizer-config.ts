import * as v from 'valibot';
import { InputError } from '../input-error.js';
import { finiteNumber, parseSettings, type Schema } from '../settings.js';
import { Adam, Rmsprop, Sgd, type Optimizer } from '../ops/optimizers.js';

/** The optimizers, by Keras's names: one list for options, schemas and records. */
export const OPTIMIZERS = ['rmsprop', 'adam', 'sgd'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];
/** Keras's default learning rates, so `--optimizer adam` alone means what it means in Keras. */
export const DEFAULT_LEARNING_RATE: Record<OptimizerName, number> = { rmsprop: 1e-3, adam: 1e-3, sgd: 0.01 };

/** An optimizer by name with Keras's settings; anything left out takes Keras's default. */
export interface OptimizerConfig {
  name: OptimizerName;
  learningRate?: number;
  rho?: number;
  beta1?: number;
  beta2?: number;
  momentum?: number;
  epsilon?: number;
}

const positive = v.pipe(finiteNumber(), v.gtValue(0));
const fraction = v.pipe(v.number(), v.minValue(0), v.ltValue(1));
const RULES = {
  learningRate: [positive, 'a finite number above 0'],
  rho: [fraction, 'a number from 0 up to (not including) 1'],
  beta1: [fraction, 'a number from 0 up to (not including) 1'],
  beta2: [fraction, 'a number from 0 up to (not including) 1'],
  momentum: [v.pipe(v.number(), v.minValue(0), v.maxValue(1)), 'a number from 0 to 1'],
  epsilon: [v.pipe(finiteNumber(), v.minValue(0)), 'a finite number from 0 up'],
} as const;

/** Which settings each optimizer takes (a setting another optimizer takes is a mistake worth naming). */
const SETTINGS: Record<OptimizerName, Array<keyof typeof RULES>> = {
  rmsprop: ['learningRate', 'rho', 'epsilon'],
  adam: ['learningRate', 'beta1', 'beta2', 'epsilon'],
  sgd: ['learningRate', 'momentum'],
};

function schemaFor(name: OptimizerName) {
  const entries: Record<string, Schema<unknown>> = { name: v.literal(name) };
  for (const key of SETTINGS[name]) entries[key] = v.optional(RULES[key][0]);
  return v.strictObject(entries);
}

/** Checks the settings (InputError naming the bad one) and builds the optimizer for `size` parameters. */
export function createOptimizer(spec: OptimizerName | OptimizerConfig, size: number): Optimizer {
  const config: OptimizerConfig = typeof spec === 'string' ? { name: spec } : spec;
  const name = config.name;
  if (!(name in SETTINGS)) {
    throw new InputError(`unknown optimizer ${JSON.stringify(name)}: expected one of ${Object.keys(SETTINGS).join(', ')}`);
  }
  parseSettings(schemaFor(name), config, {
    name: (field) => `optimizer ${name} setting ${field}`,
    expected: (field) => RULES[field as keyof typeof RULES][1],
    unknown: (keys) => `optimizer ${name} does not take ${keys.join(', ')}: it takes ${SETTINGS[name].join(', ')}`,
  });
  switch (name) {
    case 'rmsprop':
      return new Rmsprop(size, config);
    case 'adam':
      return new Adam(size, config);
    case 'sgd':
      return new Sgd(size, config);
  }
}
