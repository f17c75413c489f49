import { InputError } from '../../input-error.js';
import type { SeriesSet } from '../series-set.js';
import { finishSeries, parseValue } from './missing-values.js';
import { splitLines } from './text-file.js';

/**
 * The UCR archive's 2018 `.tsv` format (https://www.cs.ucr.edu/~eamonn/time_series_data_2018/):
 * one univariate series per line, tab-separated, the class label first. Unequal-length
 * series are padded at the end with NaN (or left empty); those tails are dropped and
 * interior gaps filled as missing-values.ts says. Labels are kept as the file spells them.
 * Lines count from 1; columns count from 0, the label being column 0.
 */

/** Parse the text of a UCR .tsv file; `source` (a path) names it in every error. */
export function parseUcrTsv(text: string, source: string): SeriesSet {
  const series: Float64Array[] = [];
  const labels: string[] = [];
  splitLines(text).forEach((line, i) => {
    const where = `${source}: line ${i + 1}`;
    if (line.trim() === '') return;
    const [first = '', ...cells] = line.split('\t');
    const label = first.trim();
    if (label === '') throw new InputError(`${where}: empty class label; expected the label in column 0, then the values, tab-separated`);
    if (cells.length === 0) {
      throw new InputError(`${where}: no tab after '${label.slice(0, 40)}'; expected the label in column 0, then the values, tab-separated`);
    }
    const values = cells.map((cell, k) => {
      const value = parseValue(cell.trim());
      if (value === undefined) {
        throw new InputError(`${where}: '${cell.trim()}' in column ${k + 1} is not a number; expected a number, or NaN or nothing for a missing value`);
      }
      return value;
    });
    labels.push(label);
    series.push(finishSeries([values], { where, channel: (c) => `channel ${c}` }));
  });
  if (series.length === 0) throw new InputError(`${source}: no series; expected one line per series, the class label first`);
  return { series, channels: 1, labels, source };
}
