import { readNpy } from './npy-file.js';
import { seriesFromNpy } from './readers/npy-series.js';
import { readInputFile, readTextFile, TEXT_READ_LIMITS } from './read-input-file.js';
import { LABELS_FILE_EXPECTED, parseLabels } from './readers/labels-file.js';
import { parseTimeSeriesCsv, type TimeSeriesCsvOptions, type TimeSeriesTable } from './readers/timeseries-csv.js';
import { checkLabels, parseSeries, seriesFormat, withLabels, type ParseSeriesOptions } from './parse-series.js';
import type { SeriesSet } from './series-set.js';

export { SERIES_FORMATS, formatOfPath, type SeriesFormat } from './parse-series.js';

export interface ReadSeriesOptions extends ParseSeriesOptions {
  /** labels for a file that has none (a .npy, a CSV without a label column): a 1-D .npy of integers, or text with one label per line (readers/labels-file.ts) */
  labelsPath?: string;
}

/** What each text format's file is, in words, for a file that cannot be read (a .npy's is readNpy's). */
const EXPECTED = {
  ts: 'a .ts time-series file',
  tsv: 'a UCR .tsv file (the class label, then the values, tab-separated)',
  csv: 'a CSV file with one series per row',
} as const;

/**
 * The series in `path`, with the reader its format calls for (io/parse-series.ts). Every
 * problem with the file or the options is one InputError line naming the file.
 */
export function readSeries(path: string, options: ReadSeriesOptions = {}): SeriesSet {
  const format = seriesFormat(path, options);
  // a .npy is read straight into its typed array, not held as bytes beside it
  const set = format === 'npy' ? seriesFromNpy(readNpy(path), path) : parseSeries(readInputFile(path, EXPECTED[format], TEXT_READ_LIMITS), path, { ...options, format });
  if (options.labelsPath === undefined) return set;
  const labelsBytes = readInputFile(options.labelsPath, LABELS_FILE_EXPECTED, options.labelsPath.toLowerCase().endsWith('.npy') ? {} : TEXT_READ_LIMITS);
  return withLabels(set, labelsBytes, options.labelsPath, path);
}

/** The labels in a labels file, in order (readers/labels-file.ts). */
export function readLabelsFile(path: string): string[] {
  const labels = parseLabels(readInputFile(path, LABELS_FILE_EXPECTED, path.toLowerCase().endsWith('.npy') ? {} : TEXT_READ_LIMITS), path);
  checkLabels(labels, path, (i) => `label ${i + 1}`);
  return labels;
}

/** A CSV of time steps (a time column, value columns, an optional label column) for `detect` (readers/timeseries-csv.ts). */
export function readTimeSeriesCsv(path: string, options: TimeSeriesCsvOptions = {}): TimeSeriesTable {
  return parseTimeSeriesCsv(readTextFile(path, 'a CSV file with a header and one row per time step'), path, options);
}
