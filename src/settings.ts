import type { z } from 'zod';
import { InputError } from './input-error.js';

/** How a group of settings is worded in a message. */
export interface SettingsWords {
  /** a setting as the user knows it, e.g. `model setting latentDim` or `--latent` */
  name(field: string): string;
  /** what would work, e.g. 'an integer from 1 up' */
  expected(field: string): string;
  /** the message for settings that nobody takes */
  unknown(keys: string[]): string;
}

/** A value as a user typed it: numbers plainly, anything else as JSON. */
export function showValue(value: unknown): string {
  if (Array.isArray(value)) return value.map(showValue).join(',');
  return typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value));
}

/**
 * The settings checked by `schema`, defaults filled in; the first problem is an
 * InputError of one line that names the setting, its value and what would work.
 */
export function parseSettings<T>(schema: z.ZodType<T>, input: unknown, words: SettingsWords): T {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  if (issue?.code === 'unrecognized_keys') throw new InputError(words.unknown(issue.keys));
  const field = String(issue?.path[0]);
  const value = typeof input === 'object' && input !== null ? (input as Record<string, unknown>)[field] : input;
  throw new InputError(`${words.name(field)} ${showValue(value)} is invalid: expected ${words.expected(field)}`);
}
