/** The files of a NAB data folder, as `npm run nab` and the bench's NAB line read them. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TimeSeriesTable } from '../src/io/readers/timeseries-csv.js';

/** Every CSV under `dir` (NAB's <category>/<file>.csv), as paths, sorted. */
export function nabCsvFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.csv'))
    .map((f) => join(dir, f))
    .sort();
}

/** A table's first value column: what NAB's single-channel detectors (the windowed Gaussian) read. */
export function firstChannel(table: Pick<TimeSeriesTable, 'values' | 'channels'>): Float64Array {
  return table.values.filter((_, i) => i % table.channels === 0);
}
