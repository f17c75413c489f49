import { InputError } from '../input-error.js';
import { MAX_LABEL_CHARS } from '../limits.js';
import { parseNpy } from './npy.js';
import { parseCsvSeries } from './readers/csv.js';
import { parseLabels } from './readers/labels-file.js';
import { seriesFromNpy } from './readers/npy-series.js';
import { parseTs } from './readers/sktime-ts.js';
import { decodeText } from './readers/text-file.js';
import { parseUcrTsv } from './readers/ucr-tsv.js';
import type { SeriesSet } from './series-set.js';

/** The file formats series are read from. */
export const SERIES_FORMATS = ['ts', 'tsv', 'csv', 'npy'] as const;
export type SeriesFormat = (typeof SERIES_FORMATS)[number];

export interface ParseSeriesOptions {
  /** the format; by default the extension of `source` (.ts, .tsv, .csv, .npy, in any case) */
  format?: SeriesFormat;
  /** CSV only: the label column, by header name or 0-based index (readers/csv.ts) */
  labelColumn?: string | number;
  /** CSV only: whether the first row is a header; detected when not given (readers/csv.ts) */
  header?: boolean;
}

/** The format a file name's extension names, or undefined. */
export function formatOfPath(path: string): SeriesFormat | undefined {
  const extension = /\.([^./\\]*)$/.exec(path)?.[1]?.toLowerCase();
  return SERIES_FORMATS.find((format) => format === extension);
}

/** Checks the format and options for `source`: one InputError line naming it when they do not fit. */
export function seriesFormat(source: string, options: ParseSeriesOptions): SeriesFormat {
  const format = options.format ?? formatOfPath(source);
  if (format === undefined) {
    const extension = /\.[^./\\]*$/.exec(source)?.[0] ?? '';
    throw new InputError(`${source}: cannot tell the format from the extension '${extension}'; expected .ts, .tsv, .csv or .npy, or a format option`);
  }
  if (!SERIES_FORMATS.includes(format)) {
    throw new InputError(`${source}: unknown format '${String(format)}'; expected one of ${SERIES_FORMATS.join(', ')}`);
  }
  if (format !== 'csv' && (options.labelColumn !== undefined || options.header !== undefined)) {
    const option = options.labelColumn !== undefined ? 'a label column' : 'a header option';
    throw new InputError(`${source}: ${option} applies to CSV files only; this file is read as ${format}`);
  }
  return format;
}

/**
 * The series in a file's contents (text, or bytes: a browser upload, a fetch), read by the
 * reader its format calls for; `source` (the file's name) names it in every error and, when
 * no format is given, tells the format by its extension. Runs anywhere: the Node entry's
 * `readSeries(path)` reads the file and calls this.
 */
export function parseSeries(input: string | Uint8Array | ArrayBuffer, source: string, options: ParseSeriesOptions = {}): SeriesSet {
  const format = seriesFormat(source, options);
  if (format === 'npy') {
    if (typeof input === 'string') throw new InputError(`${source}: a .npy file is binary; expected its bytes, not text`);
    return seriesFromNpy(parseNpy(input instanceof Uint8Array ? input : new Uint8Array(input), source), source);
  }
  const text = decodeText(input, source);
  const set = format === 'ts' ? parseTs(text, source)
    : format === 'tsv' ? parseUcrTsv(text, source)
    : parseCsvSeries(text, source, { labelColumn: options.labelColumn, header: options.header });
  if (set.labels) checkLabels(set.labels, source, (i) => `the label of series ${i}`);
  return set;
}

/**
 * Labels are names: no NUL byte (a terminal, a CSV cell or a C reader would cut it there)
 * and at most MAX_LABEL_CHARS characters; otherwise one InputError line naming the file and the label.
 */
export function checkLabels(labels: readonly string[], source: string, which: (index: number) => string): void {
  labels.forEach((label, i) => {
    if (label.includes('\0')) throw new InputError(`${source}: ${which(i)} holds a NUL byte; expected a class name of printable text`);
    if (label.length > MAX_LABEL_CHARS) throw new InputError(`${source}: ${which(i)} is ${label.length} characters long; expected at most ${MAX_LABEL_CHARS}`);
  });
}

/** Labels for a set without its own (a .npy's, a CSV's without a label column), one per series, from a labels file's contents. */
export function withLabels(set: SeriesSet, labelsInput: Uint8Array | ArrayBuffer, labelsSource: string, source: string): SeriesSet {
  if (set.labels) {
    throw new InputError(`${source}: the file has labels of its own; expected a labels file only for a file without labels`);
  }
  const labels = parseLabels(labelsInput instanceof Uint8Array ? labelsInput : new Uint8Array(labelsInput), labelsSource);
  checkLabels(labels, labelsSource, (i) => `label ${i + 1}`);
  if (labels.length !== set.series.length) {
    throw new InputError(`${labelsSource}: ${labels.length} labels for the ${set.series.length} series of ${source}; expected one label per series`);
  }
  return { ...set, labels };
}
