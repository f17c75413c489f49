import { CsvError, parse as parseSync } from 'csv-parse/sync';
import { InputError } from '../../input-error.js';
import { parseValue } from './missing-values.js';

/**
 * One long time series in a CSV file, a row per time step: a header naming the columns, a
 * time-stamp column, one or more value columns (the channels), optionally a 0/1 label column
 * marking anomalous rows. This is the input of `lstm-ae detect`, read the same way whole
 * (readTimeSeriesCsv) and row by row from a stream (streamTimeSeriesCsv), so that replaying a
 * file and feeding it live give the same rows.
 *
 * What it does with imperfect input, each time the same way:
 * - the time column is the one named by `timeColumn`, else a column named timestamp, time,
 *   date, datetime or ts (any case), else the first column whose first value is a date;
 *   without one, rows are numbered from 0;
 * - the label column is the one named by `labelColumn`, else a column named label or
 *   is_anomaly (any case), so that labels are never read as a channel; `labelColumn: false`
 *   reads every other column as values;
 * - with `timeOrder: 'rows'` (the default) rows are taken in file order and time stamps are
 *   only labels (NAB's own files repeat stamps at daylight-saving changes, and NAB reads them
 *   so); the rows whose stamp repeats or steps back are counted, with the first one's line,
 *   for the caller to warn about once. With `timeOrder: 'strict'` time stamps must increase:
 *   a duplicate or a step back is an InputError naming the line;
 * - uneven spacing (a gap in time) is kept as it is: a row is a step, nothing is resampled;
 *   the reader counts steps longer than 1.5 times the median step, for the caller to report;
 * - a missing value (an empty cell, NaN, ?) is the channel's previous value carried forward
 *   (forward-fill: causal, so a live stream gets the same value), and counted; a missing
 *   value on the first row, with nothing to carry, is an InputError;
 * - anything else that is not a number, a row with the wrong number of cells, a label other
 *   than 0/1/true/false: an InputError naming the file, the line and the column.
 */

export type TimeOrder = 'strict' | 'rows';

export interface TimeSeriesCsvOptions {
  /** the time-stamp column by header name or 0-based index; detected when not given */
  timeColumn?: string | number;
  /** a column of 0/1 (or true/false) marking anomalous rows, by header name or 0-based index; found by name when not given; false: none */
  labelColumn?: string | number | false;
  /** 'strict' (default): time stamps must increase; 'rows': file order, duplicates and steps back allowed */
  timeOrder?: TimeOrder;
}

/** Which column is what, fixed by the header (and the first row, to detect a date column). */
export interface ColumnPlan {
  /** every column's name, as the header gives it */
  header: string[];
  /** the time column's index, or -1 when rows are numbered */
  time: number;
  /** the value columns' indices, in file order */
  values: number[];
  /** the label column's index, or -1 */
  label: number;
}

/** A whole file, read. */
export interface TimeSeriesTable {
  source: string;
  plan: ColumnPlan;
  /** the time column's name, or undefined when rows are numbered */
  timeColumn: string | undefined;
  valueColumns: string[];
  labelColumn: string | undefined;
  /** each row's time stamp as written (or its row number) */
  times: string[];
  /** (rows, channels), row-major, missing values filled */
  values: Float64Array;
  channels: number;
  /** 0/1 per row when there is a label column */
  labels: Uint8Array | undefined;
  /** the line each row ends on, from 1 */
  lines: Int32Array;
  /** missing values carried forward, per channel */
  filled: number[];
  /** steps in time longer than 1.5 times the median step (0 without a time column) */
  gaps: number;
  /** rows whose time stamp repeats or steps back (taken in file order), and the first one's line */
  disordered: { rows: number; firstLine: number };
}

/** One row, checked. */
export interface TimeSeriesRow {
  time: string;
  /** one value per channel, missing values filled */
  values: Float64Array;
  /** 0 or 1 when there is a label column */
  label: number | undefined;
  line: number;
  /** its time stamp repeats or comes before the previous row's (taken in file order) */
  outOfOrder: boolean;
}

const TIME_NAMES = /^(time_?stamp|time|date|datetime|date_?time|ts)$/i;
const LABEL_NAMES = /^(label|is_anomaly)$/i;
const DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A date-time as milliseconds since 1970 (no zone = UTC), or undefined when the text is not one. */
export function parseDateTime(text: string): number | undefined {
  const m = DATE.exec(text.trim());
  if (m === null) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 60) return undefined;
  let ms = Date.UTC(Number(y), month - 1, day, Number(h), Number(mi), Number(s)) + Number(`0.${frac || '0'}`) * 1000;
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return ms;
}

/** A time stamp as a number that orders rows: a date-time in ms, or a plain number as it is. */
function timeKey(text: string): number | undefined {
  const date = parseDateTime(text);
  if (date !== undefined) return date;
  return PLAIN_NUMBER.test(text) ? Number(text) : undefined;
}

function columnIndex(source: string, header: string[], line: number, column: string | number, what: string): number {
  if (typeof column === 'number') {
    if (!Number.isSafeInteger(column) || column < 0 || column >= header.length) {
      throw new InputError(`${source}: line ${line}: no ${what} ${column} (0-based): the header has ${header.length} columns`);
    }
    return column;
  }
  const index = header.indexOf(column.trim());
  if (index < 0) {
    throw new InputError(`${source}: line ${line}: no column named '${column.trim()}' for the ${what}; the columns are ${header.map((n) => `'${n}'`).join(', ')}`);
  }
  return index;
}

/** Which column is what; `first` is the first data row (to find a date column), when there is one. */
function planColumns(source: string, header: string[], headerLine: number, first: string[] | undefined, options: TimeSeriesCsvOptions = {}): ColumnPlan {
  if (header.length === 0 || header.every((h) => h === '')) throw new InputError(`${source}: line ${headerLine}: empty header; expected a row naming the columns`);
  if (header.every((h) => h === '' || parseValue(h) !== undefined || parseDateTime(h) !== undefined)) {
    throw new InputError(`${source}: line ${headerLine}: the first row holds values, not column names; expected a header such as 'timestamp,value'`);
  }
  const repeated = header.find((h, k) => h !== '' && header.indexOf(h) !== k);
  if (repeated !== undefined) throw new InputError(`${source}: line ${headerLine}: column '${repeated}' is named twice; expected distinct column names`);
  const label =
    options.labelColumn === false ? -1
    : options.labelColumn === undefined ? header.findIndex((h) => LABEL_NAMES.test(h))
    : columnIndex(source, header, headerLine, options.labelColumn, 'label column');
  let time: number;
  if (options.timeColumn !== undefined) {
    time = columnIndex(source, header, headerLine, options.timeColumn, 'time column');
  } else {
    time = header.findIndex((h, k) => k !== label && TIME_NAMES.test(h));
    if (time < 0 && first) time = first.findIndex((cell, k) => k !== label && parseDateTime(cell) !== undefined);
  }
  if (time >= 0 && time === label) throw new InputError(`${source}: column '${header[time]}' cannot be both the time column and the label column`);
  const values = header.map((_, k) => k).filter((k) => k !== time && k !== label);
  if (values.length === 0) throw new InputError(`${source}: line ${headerLine}: no value column besides the time and label columns; expected at least one`);
  return { header, time, values, label };
}

/**
 * Checks rows one at a time against the plan, carrying forward missing values and checking
 * time order: the same object serves a whole file and a live stream.
 */
export class RowChecker {
  private previous: Float64Array | undefined;
  private previousKey = -Infinity;
  private previousTime = '';
  private row = 0;
  readonly filled: number[];
  /** rows taken although their stamp repeats or steps back, and the first one's line */
  readonly disordered = { rows: 0, firstLine: 0 };

  constructor(
    readonly source: string,
    readonly plan: ColumnPlan,
    readonly timeOrder: TimeOrder = 'rows',
  ) {
    this.filled = plan.values.map(() => 0);
  }

  private name(k: number): string {
    return `column '${this.plan.header[k] ?? k}'`;
  }

  check(cells: string[], line: number): TimeSeriesRow {
    const { plan, source } = this;
    const where = `${source}: line ${line}`;
    if (cells.length !== plan.header.length) {
      throw new InputError(`${where}: ${cells.length} cells; expected ${plan.header.length}, one per column of the header`);
    }
    // nothing is kept from a row until all of it is good: a stream skips a bad row and goes on
    let time = String(this.row);
    let key = this.previousKey;
    let outOfOrder = false;
    if (plan.time >= 0) {
      time = cells[plan.time]!;
      const parsed = timeKey(time);
      if (parsed === undefined) {
        throw new InputError(`${where}: time stamp '${time.slice(0, 40)}' in ${this.name(plan.time)} is not a date-time (YYYY-MM-DD HH:MM:SS) or a number`);
      }
      key = parsed;
      outOfOrder = key <= this.previousKey;
      if (this.timeOrder === 'strict' && outOfOrder) {
        const how = key === this.previousKey ? 'repeats' : 'comes before';
        throw new InputError(
          `${where}: time stamp '${time.slice(0, 40)}' ${how} the previous row's '${this.previousTime.slice(0, 40)}'; expected time stamps in increasing order (sort the file, or take rows in file order with --time-order rows)`,
        );
      }
    }
    const filled: number[] = [];
    const values = new Float64Array(plan.values.length);
    plan.values.forEach((k, c) => {
      const cell = cells[k]!;
      const value = parseValue(cell);
      if (value === undefined) {
        throw new InputError(`${where}: '${cell.slice(0, 40)}' in ${this.name(k)} is not a number; expected a number, or an empty cell or NaN for a missing value`);
      }
      if (Number.isNaN(value)) {
        if (this.previous === undefined) {
          throw new InputError(`${where}: ${this.name(k)} is missing on the first row; a missing value takes the previous row's, and there is none`);
        }
        values[c] = this.previous[c]!;
        filled.push(c);
      } else values[c] = value;
    });
    let label: number | undefined;
    if (plan.label >= 0) {
      const cell = cells[plan.label]!.toLowerCase();
      label = cell === '1' || cell === 'true' ? 1 : cell === '0' || cell === 'false' ? 0 : undefined;
      if (label === undefined) {
        throw new InputError(`${where}: label '${cells[plan.label]!.slice(0, 40)}' in ${this.name(plan.label)}; expected 0 or 1 (or true/false)`);
      }
    }
    for (const c of filled) this.filled[c]!++;
    if (plan.time >= 0) {
      this.previousKey = key;
      this.previousTime = time;
    }
    if (outOfOrder && this.disordered.rows++ === 0) this.disordered.firstLine = line;
    this.previous = values;
    this.row++;
    return { time, values, label, line, outOfOrder };
  }
}

/** Steps longer than 1.5 times the median step between consecutive time stamps. */
function countGaps(times: readonly string[]): number {
  const keys = times.map((t) => timeKey(t) ?? NaN);
  const steps: number[] = [];
  for (let i = 1; i < keys.length; i++) steps.push(keys[i]! - keys[i - 1]!);
  if (steps.length === 0) return 0;
  const sorted = [...steps].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return steps.filter((s) => s > 1.5 * median).length;
}

function csvError(source: string, err: unknown): never {
  if (err instanceof CsvError) throw new InputError(`${source}: line ${String(err.lines)}: ${err.message}; expected CSV with a header and one row per time step`);
  throw err;
}

// both line endings named, so that a stream (which cannot look ahead to guess) counts lines as a file does
const CSV_OPTIONS = { bom: true, trim: true, skip_empty_lines: true, relax_column_count: true, record_delimiter: ['\n', '\r\n'] };

/** Parses CSV text of one time series; `source` names it in every message. */
export function parseTimeSeriesCsv(text: string, source: string, options: TimeSeriesCsvOptions = {}): TimeSeriesTable {
  const lines: number[] = [];
  let records: string[][];
  try {
    records = parseSync(text, {
      ...CSV_OPTIONS,
      on_record: (record: string[], context) => {
        lines.push(context.lines);
        return record;
      },
    });
  } catch (err) {
    csvError(source, err);
  }
  const header = records[0];
  if (header === undefined) throw new InputError(`${source}: empty file; expected a header and one row per time step`);
  const plan = planColumns(source, header, lines[0] ?? 1, records[1], options);
  const checker = new RowChecker(source, plan, options.timeOrder ?? 'rows');
  const rows = records.length - 1;
  if (rows === 0) throw new InputError(`${source}: no rows after the header; expected one row per time step`);
  const channels = plan.values.length;
  const values = new Float64Array(rows * channels);
  const times: string[] = [];
  const labels = plan.label >= 0 ? new Uint8Array(rows) : undefined;
  const rowLines = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const row = checker.check(records[i + 1]!, lines[i + 1] ?? 0);
    values.set(row.values, i * channels);
    times.push(row.time);
    if (labels) labels[i] = row.label ?? 0;
    rowLines[i] = row.line;
  }
  return {
    source,
    plan,
    timeColumn: plan.time >= 0 ? header[plan.time] : undefined,
    valueColumns: plan.values.map((k) => header[k]!),
    labelColumn: plan.label >= 0 ? header[plan.label] : undefined,
    times,
    values,
    channels,
    labels,
    lines: rowLines,
    filled: checker.filled,
    gaps: plan.time >= 0 ? countGaps(times) : 0,
    disordered: { ...checker.disordered },
  };
}

/** The longest line a stream takes, in characters: a line with no end in sight is one message, not a string that grows until memory runs out. */
const MAX_STREAM_LINE = 1 << 20;

export interface StreamOptions {
  /** called with each bad data row's one-line error (a cell that is not a number, a stray quote, a line too long), which is then skipped; without it the first one throws */
  onBadRow?: (error: InputError) => void;
  /** the longest line taken, in characters (default MAX_STREAM_LINE) */
  maxLine?: number;
}

/**
 * Rows from a stream (standard input, say) as they arrive: the header first, then each row
 * checked as soon as its line is complete. A live feed is read one line per record (a quote
 * never carries a record over a line end, so one stray quote cannot silence the rows after
 * it); each line is parsed by csv-parse on its own (csv-parse's own stream holds a chunk's
 * last record back until more input comes, which a live stream cannot wait for). The
 * columns are those of `expected` (the names the detector was trained on), which the header
 * must hold.
 */
export async function* streamTimeSeriesCsv(
  input: AsyncIterable<string | Uint8Array>,
  source: string,
  expected: { timeColumn: string | undefined; valueColumns: readonly string[]; labelColumn?: string | undefined },
  timeOrder: TimeOrder = 'rows',
  onHeader?: (plan: ColumnPlan) => void,
  options: StreamOptions = {},
): AsyncGenerator<TimeSeriesRow> {
  const maxLine = options.maxLine ?? MAX_STREAM_LINE;
  const decoder = new TextDecoder('utf-8');
  let checker: RowChecker | undefined;
  let pending = '';
  let line = 0; // the last line taken
  let overlong = false; // the current line passed maxLine: the rest of it is dropped
  const bad = (error: InputError) => {
    if (checker === undefined || !options.onBadRow) throw error;
    options.onBadRow(error);
  };
  const take = function* (record: string): Generator<TimeSeriesRow> {
    line++;
    let cells: string[] | undefined;
    try {
      cells = (parseSync(record, CSV_OPTIONS) as string[][])[0];
    } catch (err) {
      if (!(err instanceof CsvError)) throw err;
      return bad(new InputError(`${source}: line ${line}: ${err.message.slice(0, 200)}; expected CSV with a header and one row per line`));
    }
    if (cells === undefined || (cells.length === 1 && cells[0] === '')) return; // an empty line
    if (checker === undefined) {
      checker = new RowChecker(source, streamPlan(source, cells, line, expected), timeOrder);
      onHeader?.(checker.plan);
      return;
    }
    let row: TimeSeriesRow;
    try {
      row = checker.check(cells, line);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      return bad(err);
    }
    yield row;
  };
  // \n, \r\n and a lone \r each end a line, as in a file (text-file.ts's splitLines): a feed
  // with CR endings is one row per line too, not one line that grows until the limit
  const lineEnd = /[\n\r]/g;
  let afterCr = false; // the last line ended with a CR: a LF first in what follows is that same end
  const cut = function* (): Generator<TimeSeriesRow> {
    let start = 0;
    for (;;) {
      if (afterCr && start < pending.length) {
        if (pending[start] === '\n') start++;
        afterCr = false;
      }
      lineEnd.lastIndex = start;
      const end = lineEnd.exec(pending)?.index ?? -1;
      if (end < 0) {
        pending = pending.slice(start);
        if (pending.length > maxLine) {
          if (!overlong) bad(new InputError(`${source}: line ${line + 1}: longer than ${maxLine} characters; expected one row per line`));
          overlong = true;
          pending = '';
        }
        return;
      }
      const record = pending.slice(start, end) + '\n';
      afterCr = pending[end] === '\r';
      start = end + 1;
      if (overlong || record.length > maxLine) {
        if (!overlong) bad(new InputError(`${source}: line ${line + 1}: longer than ${maxLine} characters; expected one row per line`));
        overlong = false;
        line++;
        continue;
      }
      yield* take(record);
    }
  };
  for await (const chunk of input) {
    pending += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    yield* cut();
  }
  pending += decoder.decode();
  yield* cut();
  if (overlong) line++;
  else if (pending.trim() !== '') yield* take(pending);
  if (checker === undefined) throw new InputError(`${source}: no header; expected a row naming the columns, then one row per time step`);
}

/** The plan for a stream: the detector's columns, found by name in the stream's header. */
function streamPlan(source: string, header: string[], line: number, expected: { timeColumn: string | undefined; valueColumns: readonly string[]; labelColumn?: string | undefined }): ColumnPlan {
  const find = (name: string, what: string) => columnIndex(source, header, line, name, what);
  const time = expected.timeColumn === undefined ? -1 : find(expected.timeColumn, 'time column');
  const values = expected.valueColumns.map((name) => find(name, 'value column'));
  const label = expected.labelColumn !== undefined && header.includes(expected.labelColumn) ? find(expected.labelColumn, 'label column') : -1;
  return { header, time, values, label };
}
