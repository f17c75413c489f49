/** The files of a NAB data folder, as `npm run nab` and the bench's NAB line read them. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../src/input-error.js';
import { readInputFile } from '../src/io/read-input-file.js';
import { parseJsonText } from '../src/io/tfjs/json.js';
import type { TimeSeriesTable } from '../src/io/readers/timeseries-csv.js';
import type { NabWindows } from '../src/analysis/nab/score-corpus.js';

const DATA_FOLDER = "NAB's data folder, <category>/<file>.csv";

/** Every CSV under `dir` (NAB's <category>/<file>.csv), as paths, sorted; one line for a folder that is missing or holds none. */
export function nabCsvFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir, { recursive: true, encoding: 'utf8' });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(`${dir}: ${code === 'ENOENT' ? 'not found' : code === 'ENOTDIR' ? 'is not a folder' : `cannot be read (${code ?? String(err)})`}; expected ${DATA_FOLDER}`);
  }
  const files = entries.filter((f) => f.endsWith('.csv')).map((f) => join(dir, f)).sort();
  if (files.length === 0) throw new InputError(`${dir}: no .csv file in it; expected ${DATA_FOLDER}`);
  return files;
}

/** NAB's combined_windows.json: each file's anomaly windows. */
export function readNabWindows(path: string): NabWindows {
  return parseJsonText(readInputFile(path, "NAB's combined_windows.json").toString('utf8'), path) as NabWindows;
}

/** A table's first value column: what NAB's single-channel detectors (the windowed Gaussian) read. */
export function firstChannel(table: Pick<TimeSeriesTable, 'values' | 'channels'>): Float64Array {
  return table.values.filter((_, i) => i % table.channels === 0);
}

/** Runs `read`; bad input (a missing folder, a file that is not NAB's) is one line on stderr and exit 2, as lstm-ae's commands do. */
export function readOrExit<T>(script: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    process.stderr.write(`${script}: ${err.message}\n`);
    process.exit(2);
  }
}
