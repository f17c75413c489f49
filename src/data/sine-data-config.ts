import * as v from 'valibot';
import { finiteNumber, integerIn as integer, parseSettings, type Schema } from '../settings.js';
import { InputError } from '../input-error.js';
import { trainTestSplitIndex } from './windows.js';

/** The article's make_data parameters. */
export interface SineDataConfig {
  /** `np.random.seed(seed)` before the first draw. */
  seed: number;
  /** Each value's phase jitter is uniform(-1, 1) * randomFactor. */
  randomFactor: number;
  /** Each class's series runs t = 0 … samplingNum * numberOfCycles. */
  numberOfCycles: number;
  /** Window length T. */
  timesteps: number;
  /** Samples per period of class 0 and class 1. */
  samplingNumPair: readonly [number, number];
  /** Fraction of each series kept for testing (the tail). */
  testSize: number;
}

export const DEFAULT_SINE_DATA_CONFIG: Readonly<SineDataConfig> = Object.freeze({
  seed: 0,
  randomFactor: 0.05,
  numberOfCycles: 200,
  timesteps: 100,
  samplingNumPair: [20, 80] as const,
  testSize: 0.1,
});

/** How errors name each setting: the field names by default, the CLI passes its flags. */
export type SineDataOptionNames = Record<keyof SineDataConfig, string>;

const FIELD_NAMES: SineDataOptionNames = {
  seed: 'seed',
  randomFactor: 'randomFactor',
  numberOfCycles: 'numberOfCycles',
  timesteps: 'timesteps',
  samplingNumPair: 'samplingNumPair',
  testSize: 'testSize',
};

// one .npy file is written in one call, and Node writes at most 2 GiB at once
const MAX_VALUES_PER_ARRAY = 2 ** 28 - 16;

/** Each setting's rule, with the words that tell a user what would work. */
const RULES = {
  seed: [integer(0, 2 ** 32 - 1), 'an integer from 0 to 4294967295'],
  randomFactor: [v.pipe(finiteNumber(), v.minValue(0)), 'a finite number from 0 up'],
  numberOfCycles: [integer(1), 'an integer from 1 up'],
  timesteps: [integer(1), 'an integer from 1 up'],
  samplingNumPair: [v.tuple([integer(2), integer(2)]), 'two integers of at least 2, e.g. 20,80'],
  testSize: [v.pipe(v.number(), v.gtValue(0), v.ltValue(1)), 'a number above 0 and below 1'],
} as const satisfies Record<keyof SineDataConfig, readonly [Schema<unknown>, string]>;

const schema = v.strictObject({
  seed: v.optional(RULES.seed[0], DEFAULT_SINE_DATA_CONFIG.seed),
  randomFactor: v.optional(RULES.randomFactor[0], DEFAULT_SINE_DATA_CONFIG.randomFactor),
  numberOfCycles: v.optional(RULES.numberOfCycles[0], DEFAULT_SINE_DATA_CONFIG.numberOfCycles),
  timesteps: v.optional(RULES.timesteps[0], DEFAULT_SINE_DATA_CONFIG.timesteps),
  samplingNumPair: v.optional(RULES.samplingNumPair[0], () => [...DEFAULT_SINE_DATA_CONFIG.samplingNumPair] as [number, number]),
  testSize: v.optional(RULES.testSize[0], DEFAULT_SINE_DATA_CONFIG.testSize),
});


/** The values in each class's train and test part when `config` is split as the article does. */
export function splitLengths(config: SineDataConfig): Array<{ total: number; train: number; test: number }> {
  return config.samplingNumPair.map((samplingNum) => {
    const total = samplingNum * config.numberOfCycles + 1;
    const train = trainTestSplitIndex(total, config.testSize);
    return { total, train, test: total - train };
  });
}

function splitsFit(config: SineDataConfig): boolean {
  return splitLengths(config).every((part) => Math.min(part.train, part.test) >= config.timesteps + 1);
}

/** The fewest cycles (if any, up to a million) for which every split holds a window. */
function fewestWorkingCycles(config: SineDataConfig): number | undefined {
  for (let cycles = 1; cycles <= 1_000_000; cycles++) {
    if (splitsFit({ ...config, numberOfCycles: cycles })) return cycles;
  }
  return undefined;
}

/**
 * Validate a (partial) configuration and fill in the article's defaults. Throws InputError with
 * one line naming the setting (as `names` spells it), its value and what would work, also
 * when a train or test split is too short to hold one window of timesteps + 1 values (where
 * the article's own code crashes inside numpy).
 */
export function parseSineDataConfig(
  input: Partial<SineDataConfig> = {},
  names: SineDataOptionNames = FIELD_NAMES,
): SineDataConfig {
  const parsed = parseSettings(schema, input, {
    name: (field) => names[field as keyof SineDataConfig],
    expected: (field) => RULES[field as keyof SineDataConfig][1],
    unknown: (keys) => `unknown sine data setting ${keys.join(', ')}: expected one of ${Object.values(names).join(', ')}`,
  });
  const config: SineDataConfig = { ...parsed, samplingNumPair: [parsed.samplingNumPair[0], parsed.samplingNumPair[1]] };

  const parts = splitLengths(config);
  for (let k = 0; k < parts.length; k++) {
    const part = parts[k]!;
    const which = part.train < config.timesteps + 1 ? 'train' : part.test < config.timesteps + 1 ? 'test' : undefined;
    if (which === undefined) continue;
    const cycles = fewestWorkingCycles(config);
    const fix = cycles !== undefined && cycles > config.numberOfCycles
      ? `use ${names.numberOfCycles} ${cycles} or more, fewer ${names.timesteps}, or a ${which === 'test' ? 'larger' : 'smaller'} ${names.testSize}`
      : `use fewer ${names.timesteps} or a ${which === 'test' ? 'larger' : 'smaller'} ${names.testSize}`;
    throw new InputError(
      `${names.testSize} ${config.testSize} leaves the ${which} split of class ${k} ` +
        `(${names.samplingNumPair} ${config.samplingNumPair[k]}, ${names.numberOfCycles} ${config.numberOfCycles}: ${part.total} values) ` +
        `${part[which]} values, fewer than ${names.timesteps} ${config.timesteps} + 1 = ${config.timesteps + 1}; ${fix}`,
    );
  }

  const trainValues = parts.reduce((sum, part) => sum + (part.train - config.timesteps) * config.timesteps, 0);
  if (trainValues > MAX_VALUES_PER_ARRAY) {
    throw new InputError(
      `${names.numberOfCycles} ${config.numberOfCycles} with ${names.timesteps} ${config.timesteps} makes ${trainValues} training values, ` +
        `more than the ${MAX_VALUES_PER_ARRAY} one .npy file can take; use fewer cycles or timesteps`,
    );
  }
  return config;
}
