/**
 * The time of day as two input channels (sin and cos of its phase), which the detector's
 * second model sees beside the values (tasks/detect/detector.ts): a daily pattern that
 * breaks (a jump missing at its hour, a level wrong for the hour) looks normal in a window
 * of a few hours without it. Time stamps are read as UTC unless they carry an offset
 * ("2014-07-01 00:05:00", "2014-07-01T00:05:00Z", "...+02:00"); anything not starting with
 * a date (row numbers, epoch seconds) gives no time of day.
 */
import { InputError } from '../../input-error.js';

const DAY_MS = 86_400_000;
const DATE_FIRST = /^\d{4}-\d{2}-\d{2}/;
const OFFSET = /(?:Z|[+-]\d\d:?\d\d)$/i;

/** Milliseconds since 1970 UTC, or undefined for a stamp that is not a date and time. */
function stampMs(stamp: string): number | undefined {
  const text = stamp.trim();
  if (!DATE_FIRST.test(text)) return undefined;
  const iso = text.replace(' ', 'T');
  const ms = Date.parse(OFFSET.test(iso) ? iso : `${iso}Z`);
  return Number.isFinite(ms) ? ms : undefined;
}

/** The time of day as a fraction of the day in [0, 1), or undefined for a stamp that is not a date and time. */
export function dayPhase(stamp: string): number | undefined {
  const ms = stampMs(stamp);
  return ms === undefined ? undefined : (((ms % DAY_MS) + DAY_MS) % DAY_MS) / DAY_MS;
}

/**
 * Whether a model can learn the time of day from these rows: every stamp a date and time,
 * and from the earliest to the latest at least a whole day, so that every hour was seen (a
 * model trained on some hours of the day meets inputs it never saw at the others, and its
 * errors there are not anomalies).
 */
export function coversDay(times: readonly string[]): boolean {
  let first = Infinity;
  let last = -Infinity;
  for (const stamp of times) {
    const ms = stampMs(stamp);
    if (ms === undefined) return false;
    first = Math.min(first, ms);
    last = Math.max(last, ms);
  }
  return last - first >= DAY_MS;
}

/** sin and cos of one stamp's time of day, written at `out[offset]` and `out[offset + 1]`; an InputError line naming `where` when it has none. */
export function writeTimeOfDay(stamp: string, out: Float64Array, offset: number, where: string): void {
  const phase = dayPhase(stamp);
  if (phase === undefined) throw new InputError(`${where}: time stamp '${stamp.slice(0, 40)}' is not a date and time (YYYY-MM-DD hh:mm:ss); this detector reads the time of day from it`);
  out[offset] = Math.sin(2 * Math.PI * phase);
  out[offset + 1] = Math.cos(2 * Math.PI * phase);
}

/** (rows, channels) values with the time of day's sin and cos after each row's values: (rows, channels + 2). */
export function withTimeOfDay(values: Float64Array, channels: number, times: readonly string[], source: string): Float64Array {
  const rows = values.length / channels;
  if (times.length < rows) throw new InputError(`${source}: ${times.length} time stamps for ${rows} rows`);
  const out = new Float64Array(rows * (channels + 2));
  for (let r = 0; r < rows; r++) {
    out.set(values.subarray(r * channels, (r + 1) * channels), r * (channels + 2));
    writeTimeOfDay(times[r]!, out, r * (channels + 2) + channels, `${source}: row ${r}`);
  }
  return out;
}
