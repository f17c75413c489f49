import * as v from 'valibot';
import { InputError } from './input-error.js';
import { LIMITS, type LimitName } from './limits.js';

/** How a group of settings is worded in a message. */
export interface SettingsWords {
  /** a setting as the user knows it, e.g. `model setting latentDim` or `--latent` */
  name(field: string): string;
  /** what would work, e.g. 'an integer from 1 up' */
  expected(field: string): string;
  /** the message for settings that nobody takes */
  unknown(keys: string[]): string;
}

/** A schema whose output is T, whatever it takes in. */
export type Schema<T> = v.GenericSchema<unknown, T>;

/** A number that is neither NaN nor infinite (valibot's number() lets infinities through). */
export const finiteNumber = () => v.pipe(v.number(), v.finite());

/** An integer in [min, max]. */
export const integerIn = (min: number, max = Number.MAX_SAFE_INTEGER) => v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max));

/** An integer within the one range src/limits.ts sets for `name`: options and files checked alike. */
export const limitInteger = (name: LimitName) => integerIn(LIMITS[name].min, LIMITS[name].max);

/** A value as a user typed it: numbers plainly, anything else as JSON. */
function showValue(value: unknown): string {
  if (Array.isArray(value)) return value.map(showValue).join(',');
  return typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value));
}

/**
 * The settings checked by `schema`, defaults filled in; the first problem is an
 * InputError of one line that names the setting, its value and what would work
 * (settings nobody takes, from a strict object, are named first, all of them).
 */
export function parseSettings<T>(schema: Schema<T>, input: unknown, words: SettingsWords): T {
  const parsed = v.safeParse(schema, input);
  if (parsed.success) return parsed.output;
  const unknown = parsed.issues.filter((issue) => issue.type === 'strict_object' && issue.path?.length === 1).map((issue) => String(issue.path![0]!.key));
  if (unknown.length > 0) throw new InputError(words.unknown(unknown));
  const field = String(parsed.issues[0].path?.[0]?.key);
  const value = typeof input === 'object' && input !== null ? (input as Record<string, unknown>)[field] : input;
  throw new InputError(`${words.name(field)} ${showValue(value)} is invalid: expected ${words.expected(field)}`);
}

/** Where the first problem a schema found is (dotted keys, or `whole`) and what it says: for messages about a file's contents. */
export function firstIssue(issues: readonly v.BaseIssue<unknown>[], whole: string): { where: string; message: string } {
  const issue = issues[0];
  return { where: issue?.path?.map((item) => String(item.key)).join('.') || whole, message: (issue?.message ?? 'invalid').split('\n')[0]! };
}
