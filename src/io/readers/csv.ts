import { CsvError, parse } from 'csv-parse/sync';
import { InputError } from '../../input-error.js';
import type { SeriesSet } from '../series-set.js';
import { finishSeries, parseValue } from './missing-values.js';

/**
 * CSV with one univariate series per row (RFC 4180 quoting, parsed by csv-parse), the
 * values in every column but an optional label column. Rows may differ in length: empty
 * cells or NaN at a row's end, or a shorter row, make a shorter series; gaps inside are
 * filled as missing-values.ts says.
 *
 * The first row is a header when `header` says so; by default it is when `labelColumn` is a
 * name, or else when every non-empty value cell in it is not a number (`id,t0,t1,...`). A
 * header whose value columns are numbers (`label,0,1,2`, as pandas writes step indices)
 * looks like data: pass `header: true` for it. Lines count from 1, columns from 0 (as
 * `labelColumn` does).
 */

export interface CsvSeriesOptions {
  /** the column holding each row's class label: its header name, or its 0-based index; without it every column holds values and the set has no labels */
  labelColumn?: string | number;
  /** whether the first row is a header (names, not values); detected when not given */
  header?: boolean;
}

interface Row {
  cells: string[];
  /** the line the row ends on, from 1 */
  line: number;
}

/** Parse CSV text of series; `source` (a path) names it in every error. */
export function parseCsvSeries(text: string, source: string, options: CsvSeriesOptions = {}): SeriesSet {
  const { labelColumn } = options;
  if (typeof labelColumn === 'number' && !(Number.isSafeInteger(labelColumn) && labelColumn >= 0)) {
    throw new InputError(`${source}: label column ${labelColumn}; expected a column name or a 0-based column index`);
  }
  if (typeof labelColumn === 'string' && labelColumn.trim() === '') {
    throw new InputError(`${source}: empty label column name; expected a column name or a 0-based column index`);
  }
  const rows = parseRows(text, source);
  const first = rows[0];
  if (!first) throw new InputError(`${source}: no rows; expected one series per row`);

  const hasHeader = options.header ?? (typeof labelColumn === 'string' || looksLikeHeader(first.cells, typeof labelColumn === 'number' ? labelColumn : undefined));
  const names = hasHeader ? first.cells : undefined;
  let labelIndex: number | undefined;
  if (typeof labelColumn === 'string') {
    if (!names) throw new InputError(`${source}: label column '${labelColumn}' is a name, but the first row is not a header; expected a header row, or a 0-based column index`);
    labelIndex = names.indexOf(labelColumn.trim());
    if (labelIndex < 0) {
      throw new InputError(`${source}: line ${first.line}: no column named '${labelColumn.trim()}' in the header; its columns are ${names.map((n) => `'${n}'`).join(', ')}`);
    }
  } else if (labelColumn !== undefined) {
    labelIndex = labelColumn;
    if (labelIndex >= first.cells.length) {
      throw new InputError(`${source}: line ${first.line}: no label column ${labelIndex} (0-based): the row has ${first.cells.length} columns`);
    }
  }
  const columnName = (k: number) => (names?.[k] ? `column ${k} ('${names[k]}')` : `column ${k}`);

  const data = hasHeader ? rows.slice(1) : rows;
  if (data.length === 0) throw new InputError(`${source}: no rows after the header (line ${first.line}); expected one series per row`);
  const series: Float64Array[] = [];
  const labels: string[] = [];
  for (const { cells, line } of data) {
    const where = `${source}: line ${line}`;
    if (labelIndex !== undefined) {
      const label = cells[labelIndex];
      if (label === undefined) throw new InputError(`${where}: no label: the row has ${cells.length} columns, the label is ${columnName(labelIndex)}`);
      if (label === '') throw new InputError(`${where}: empty label in ${columnName(labelIndex)}; expected a class label`);
      labels.push(label);
    }
    const values: number[] = [];
    cells.forEach((cell, k) => {
      if (k === labelIndex) return;
      const value = parseValue(cell);
      if (value === undefined) {
        throw new InputError(`${where}: '${cell.slice(0, 40)}' in ${columnName(k)} is not a number; expected a number, or an empty cell or NaN for a missing value`);
      }
      values.push(value);
    });
    series.push(finishSeries([values], { where, channel: (c) => `channel ${c}` }));
  }
  return { series, channels: 1, ...(labelIndex !== undefined ? { labels } : {}), source };
}

/** The rows with their line numbers; a malformed file (an unclosed quote, say) is an InputError naming the line. */
function parseRows(text: string, source: string): Row[] {
  const lines: number[] = [];
  let records: string[][];
  try {
    records = parse(text, {
      bom: true,
      trim: true,
      relax_column_count: true, // rows of unequal-length series may be shorter
      skip_empty_lines: true,
      on_record: (record: string[], context) => {
        lines.push(context.lines);
        return record;
      },
    });
  } catch (err) {
    if (err instanceof CsvError) throw new InputError(`${source}: line ${String(err.lines)}: ${err.message}; expected CSV with one series per row`);
    throw err;
  }
  return records
    .map((cells, i) => ({ cells, line: lines[i] ?? 0 }))
    .filter(({ cells }) => !(cells.length === 1 && cells[0] === '')); // a line of only spaces
}

/** A first row whose non-empty value cells are all words, not numbers, names the columns. */
function looksLikeHeader(cells: string[], labelIndex: number | undefined): boolean {
  const values = cells.filter((cell, k) => k !== labelIndex && cell !== '');
  return values.length > 0 && values.every((cell) => parseValue(cell) === undefined);
}
