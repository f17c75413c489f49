import { availableParallelism } from 'node:os';
import { InvalidArgumentError } from 'commander';
import { LIMITS, type LimitName } from '../limits.js';

/** Option parsers for commander: each rejects a bad value with what would work instead. */

export function integerOption(min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^[+-]?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected an integer from ${min}${max === Number.MAX_SAFE_INTEGER ? ' up' : ` to ${max}`}.`);
    }
    return n;
  };
}

/** An integer within the one range src/limits.ts sets for this setting in every command. */
export function limitOption(name: LimitName) {
  return integerOption(LIMITS[name].min, LIMITS[name].max);
}

/** All cores, but never more threads than --threads itself accepts. */
export function defaultThreads(): number {
  return Math.min(availableParallelism(), LIMITS.threads.max);
}

/** A finite number in [min, max] (or (min, max] when exclusiveMin). */
export function numberOption(min: number, max: number, exclusiveMin = false) {
  return (value: string): number => {
    const n = Number(value);
    const low = exclusiveMin ? n <= min : n < min;
    if (value.trim() === '' || !Number.isFinite(n) || low || n > max) {
      throw new InvalidArgumentError(
        `expected a number ${exclusiveMin ? 'above' : 'from'} ${min}${Number.isFinite(max) ? ` up to ${max}` : ''}.`,
      );
    }
    return n;
  };
}

export function choiceOption<T extends string>(choices: readonly T[]) {
  return (value: string): T => {
    if (!(choices as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`expected one of ${choices.join(', ')}.`);
    }
    return value as T;
  };
}

/** Shared by train and demo, which both take the flag. */
export const LSTM_BIAS_PAIR_HELP =
  "train each LSTM's bias as PyTorch does, as two summed vectors that take the same step (so the bias moves twice as far); default: Keras's one vector";

/** The most seeds one `--seeds` list may name: a sweep of 30-epoch runs takes about 20 s a seed. */
const MAX_SEEDS = 1000;

/**
 * A list of seeds such as `0-4`, `0,3,7` or `0-4,10`: integers from 0 to 2^32 - 1, ranges
 * inclusive and ascending, no seed twice, kept in the order given.
 */
export function seedListOption(value: string): number[] {
  const fail = (why: string): never => {
    throw new InvalidArgumentError(`${why}; expected seeds like 0-4 or 0,3,7 (integers from 0 to ${2 ** 32 - 1}, at most ${MAX_SEEDS}).`);
  };
  const seed = (text: string): number => {
    const n = Number(text);
    if (!/^\d+$/.test(text) || n > 2 ** 32 - 1) fail(`"${text}" is not a seed`);
    return n;
  };
  const seeds: number[] = [];
  for (const part of value.split(',').map((p) => p.trim())) {
    const range = /^(\d+)\s*-\s*(\d+)$/.exec(part);
    const [first, last] = range ? [seed(range[1]!), seed(range[2]!)] : [seed(part), seed(part)];
    if (last < first) fail(`range ${part} runs backwards`);
    if (seeds.length + (last - first + 1) > MAX_SEEDS) fail(`more than ${MAX_SEEDS} seeds`);
    for (let s = first; s <= last; s++) seeds.push(s);
  }
  const repeated = seeds.find((s, k) => seeds.indexOf(s) !== k);
  if (repeated !== undefined) fail(`seed ${repeated} is named twice`);
  return seeds;
}

/** `--label-column`: a 0-based index when it is all digits, otherwise a header name. */
export function labelColumnOf(value: string): string | number {
  return /^\d+$/.test(value) ? Number(value) : value;
}
