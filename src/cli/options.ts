import { InvalidArgumentError } from 'commander';

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
