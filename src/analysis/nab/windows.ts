/**
 * Anomaly windows: NAB's rule for building them from labelled anomaly points
 * (numenta/NAB nab/labeler.py, LabelCombiner.applyWindows and checkWindows), and resolving
 * window limits given as timestamps to row ranges.
 */
import { InputError } from '../../input-error.js';
import { PROBATION_PERCENT, checkProbationPercent, probationaryLength } from './profiles.js';

/** A window as NAB's label files give it: [first timestamp, last timestamp], both inclusive. */
export type WindowLimits = readonly [string, string];

/** A window as rows: first and last row index, both inclusive. */
export interface RowWindow {
  readonly start: number;
  readonly end: number;
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?$/;

/**
 * A timestamp as microseconds since 1970 (read as UTC: NAB's timestamps carry no zone), so that
 * "2014-04-10 07:15:00.000000" in a label file matches "2014-04-10 07:15:00" in a data file.
 */
export function timestampKey(text: string, where: string): number {
  const m = TIMESTAMP.exec(text.trim());
  if (m === null) {
    throw new InputError(`${where}: timestamp '${text}' is not of the form YYYY-MM-DD HH:MM:SS[.ffffff]`);
  }
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = ''] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  return ms * 1000 + Number(frac.padEnd(6, '0'));
}

/** Each key's first row: NAB looks window limits up with `list.index`, so a repeated timestamp means its first row. */
function firstRowByKey(file: string, timestamps: readonly string[]): Map<number, number> {
  const rows = new Map<number, number>();
  timestamps.forEach((t, i) => {
    const key = timestampKey(t, `${file}, row ${i}`);
    if (!rows.has(key)) rows.set(key, i);
  });
  return rows;
}

/** Refuses windows that are empty, outside the file, out of order or overlapping. */
export function checkRowWindows(file: string, rowCount: number, windows: readonly RowWindow[]): void {
  let previousEnd = -1;
  windows.forEach((w, k) => {
    const ok = Number.isInteger(w.start) && Number.isInteger(w.end) && w.start >= 0 && w.end >= w.start && w.end < rowCount;
    if (!ok) {
      throw new InputError(`${file}: anomaly window ${k} covers rows ${w.start}..${w.end}; expected 0 <= first <= last < ${rowCount}`);
    }
    if (w.start <= previousEnd) {
      throw new InputError(`${file}: anomaly window ${k} starts at row ${w.start}, inside or before window ${k - 1}; expected windows in order, not overlapping`);
    }
    previousEnd = w.end;
  });
}

/** Window limits given as timestamps, as rows of the file. Each limit must be one of the file's timestamps, as NAB requires. */
export function resolveWindows(file: string, timestamps: readonly string[], limits: readonly WindowLimits[]): RowWindow[] {
  const rows = firstRowByKey(file, timestamps);
  const windows = limits.map((limit, k) => {
    const [start, end] = [0, 1].map((side) => {
      const text = limit[side];
      if (typeof text !== 'string') {
        throw new InputError(`${file}: anomaly window ${k} is not a pair of timestamps [first, last]`);
      }
      const row = rows.get(timestampKey(text, `${file}, anomaly window ${k}`));
      if (row === undefined) {
        const edge = side === 0 ? 'starts' : 'ends';
        throw new InputError(
          `${file}: anomaly window ${k} ${edge} at ${text}, which is not a timestamp of the file; window limits must be timestamps of its rows`,
        );
      }
      return row;
    }) as [number, number];
    return { start, end };
  });
  checkRowWindows(file, timestamps.length, windows);
  return windows;
}

export interface WindowsFromLabelsOptions {
  /** The share of the file that all windows together cover (NAB: 0.10). */
  readonly windowFraction?: number;
  /** The probationary fraction: a first window starting inside it is dropped (NAB: 0.15). */
  readonly probationPercent?: number;
}

/**
 * NAB's windows around labelled anomaly points: with n labelled rows in a file of N rows, each
 * window spans floor(0.10·N/n) rows centred on its label (half of that, rounded down, on each
 * side, clipped to the file). A first window that starts before the end of the probationary
 * period is dropped, and overlapping windows are merged. NAB's checkWindows merges each pair
 * once, so three mutually overlapping windows could stay overlapping there; here merging
 * repeats until none overlap (NAB's own label files have no such case).
 */
export function windowsFromLabels(
  file: string,
  timestamps: readonly string[],
  labels: readonly string[],
  options: WindowsFromLabelsOptions = {},
): [string, string][] {
  const windowFraction = options.windowFraction ?? 0.1;
  const probationPercent = options.probationPercent ?? PROBATION_PERCENT;
  checkProbationPercent(probationPercent);
  if (!(windowFraction > 0 && windowFraction <= 1)) {
    throw new InputError(`${file}: window fraction ${windowFraction}; expected a number in (0, 1]`);
  }
  const n = timestamps.length;
  const keys = timestamps.map((t, i) => timestampKey(t, `${file}, row ${i}`));
  const present = new Set(keys);
  const wanted = new Set<number>();
  labels.forEach((t, k) => {
    const key = timestampKey(t, `${file}, label ${k}`);
    if (!present.has(key)) throw new InputError(`${file}: label ${k} (${t}) is not a timestamp of the file`);
    wanted.add(key);
  });
  // Every row whose timestamp is labelled (NAB's `isin`), in row order.
  const anomalies: number[] = [];
  keys.forEach((key, i) => {
    if (wanted.has(key)) anomalies.push(i);
  });
  if (anomalies.length === 0) return [];
  const length = Math.floor((windowFraction * n) / anomalies.length);
  const half = Math.floor(length / 2);
  const windows = anomalies.map((a) => ({ start: Math.max(a - half, 0), end: Math.min(a + half, n - 1) }));

  // NAB compares timestamps here, not rows; the two differ only where a file's clock steps back.
  const probationKey = keys[Math.ceil(probationaryLength(n, probationPercent))];
  const first = windows[0];
  if (first !== undefined && probationKey !== undefined && keys[first.start]! < probationKey) windows.shift();
  const merged: { start: number; end: number }[] = [];
  for (const w of windows) {
    const last = merged[merged.length - 1];
    if (last !== undefined && keys[w.start]! <= keys[last.end]!) last.end = Math.max(last.end, w.end);
    else merged.push({ ...w });
  }
  return merged.map((w) => [timestamps[w.start]!, timestamps[w.end]!]);
}
