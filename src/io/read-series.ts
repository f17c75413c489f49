import { extname } from 'node:path';
import { InputError } from '../input-error.js';
import { readCsvSeries } from './readers/csv.js';
import { readLabelsFile } from './readers/labels-file.js';
import { readNpySeries } from './readers/npy-series.js';
import { readTs } from './readers/sktime-ts.js';
import { readUcrTsv } from './readers/ucr-tsv.js';
import type { SeriesSet } from './series-set.js';

/** The file formats series are read from. */
export const SERIES_FORMATS = ['ts', 'tsv', 'csv', 'npy'] as const;
export type SeriesFormat = (typeof SERIES_FORMATS)[number];

export interface ReadSeriesOptions {
  /** the file's format; by default its extension (.ts, .tsv, .csv, .npy, in any case) */
  format?: SeriesFormat;
  /** CSV only: the label column, by header name or 0-based index (readers/csv.ts) */
  labelColumn?: string | number;
  /** CSV only: whether the first row is a header; detected when not given (readers/csv.ts) */
  header?: boolean;
  /** labels for a file that has none (a .npy, a CSV without a label column): a 1-D .npy of integers, or text with one label per line (readers/labels-file.ts) */
  labelsPath?: string;
}

/** The format a path's extension names, or undefined. */
export function formatOfPath(path: string): SeriesFormat | undefined {
  const extension = extname(path).slice(1).toLowerCase();
  return SERIES_FORMATS.find((format) => format === extension);
}

/**
 * The series in `path`, with the reader its format calls for. Every problem with the file
 * or the options is one InputError line naming the file.
 */
export function readSeries(path: string, options: ReadSeriesOptions = {}): SeriesSet {
  const format = options.format ?? formatOfPath(path);
  if (format === undefined) {
    throw new InputError(`${path}: cannot tell the format from the extension '${extname(path)}'; expected .ts, .tsv, .csv or .npy, or a format option`);
  }
  if (!SERIES_FORMATS.includes(format)) {
    throw new InputError(`${path}: unknown format '${String(format)}'; expected one of ${SERIES_FORMATS.join(', ')}`);
  }
  if (format !== 'csv' && (options.labelColumn !== undefined || options.header !== undefined)) {
    const option = options.labelColumn !== undefined ? 'a label column' : 'a header option';
    throw new InputError(`${path}: ${option} applies to CSV files only; this file is read as ${format}`);
  }
  const set =
    format === 'ts' ? readTs(path)
    : format === 'tsv' ? readUcrTsv(path)
    : format === 'csv' ? readCsvSeries(path, { labelColumn: options.labelColumn, header: options.header })
    : readNpySeries(path);
  if (options.labelsPath === undefined) return set;

  if (set.labels) {
    throw new InputError(`${path}: the file has labels of its own; expected a labels file only for a file without labels`);
  }
  const labels = readLabelsFile(options.labelsPath);
  if (labels.length !== set.series.length) {
    throw new InputError(`${options.labelsPath}: ${labels.length} labels for the ${set.series.length} series of ${path}; expected one label per series`);
  }
  return { ...set, labels };
}
