import { InputError } from '../../input-error.js';
import type { SeriesSet } from '../series-set.js';
import { finishSeries, parseValue } from './missing-values.js';
import { splitLines } from './text-file.js';

/**
 * The sktime/aeon `.ts` format (https://www.aeon-toolkit.org/en/stable/api_reference/data_format.html),
 * the form the UCR/UEA archive is distributed in:
 *
 *     # free text
 *     @problemName BasicMotions
 *     @univariate false
 *     @dimensions 6
 *     @classLabel true Standing Running Walking Badminton
 *     @data
 *     0.07,0.07,...:0.3,0.3,...:...:Standing      one series per line: each channel a
 *                                                 `:`-separated field, the label last
 *
 * Header names are matched without regard to case, as aeon does. `?` (or NaN, or nothing)
 * is a missing value, handled as missing-values.ts says. Labels are kept as the file spells
 * them and must be among the @classLabel names; without @classLabel the lines hold no label.
 * Not supported, each an InputError naming its line: @timeStamps true and `(t,v)` tuples,
 * @targetLabel true (regression targets), and any header not listed in HEADERS.
 * Lines count from 1 as in an editor; channels and values within a line count from 0 as in
 * the arrays they become.
 */

const HEADERS = ['problemName', 'timeStamps', 'missing', 'univariate', 'dimension', 'dimensions', 'equalLength', 'seriesLength', 'classLabel', 'targetLabel', 'data'];
const HEADER_OF_KEY = new Map(HEADERS.map((name) => [name.toLowerCase(), name]));

/** A header value and the line it came from. */
interface Given<T> {
  value: T;
  line: number;
}

interface Header {
  univariate?: Given<boolean>;
  dimensions?: Given<number>;
  equalLength?: Given<boolean>;
  seriesLength?: Given<number>;
  classLabels?: Given<string[]>;
}

/** Parse the text of a .ts file; `source` (a path) names it in every error. */
export function parseTs(text: string, source: string): SeriesSet {
  const lines = splitLines(text);
  const fail = (line: number, what: string): never => {
    throw new InputError(`${source}: line ${line}: ${what}`);
  };
  const { header, dataLine } = parseHeader(lines, source, fail);
  const labelNames = header.classLabels?.value;

  // the channel count every line must have, and why
  let channels: Given<number> | undefined;
  let why = '';
  if (header.univariate?.value === true) {
    if (header.dimensions && header.dimensions.value !== 1) {
      fail(header.dimensions.line, `@dimensions ${header.dimensions.value} contradicts @univariate true (line ${header.univariate.line})`);
    }
    channels = { value: 1, line: header.univariate.line };
    why = 'as @univariate true says';
  } else if (header.dimensions) {
    channels = header.dimensions;
    why = '@dimensions says';
  }
  // the values per channel every line must have, when the header promises equal lengths
  let valuesPerChannel: Given<number> | undefined = header.seriesLength;
  let whyValues = '@seriesLength says';

  const series: Float64Array[] = [];
  const labels: string[] = [];
  for (let i = dataLine; i < lines.length; i++) {
    const lineNumber = i + 1;
    const line = lines[i]!.trim();
    if (line === '') continue;
    if (line.includes('(')) fail(lineNumber, '(timestamp,value) tuples are not supported; expected comma-separated values');
    const fields = line.split(':');
    if (labelNames) {
      const label = fields.pop()!.trim();
      if (fields.length === 0) fail(lineNumber, `no ':' before the class label; expected channel values, then ':' and the label`);
      if (!labelNames.includes(label)) {
        fail(lineNumber, `class label '${label}' is not one of the @classLabel names (${labelNames.join(', ')})`);
      }
      labels.push(label);
    }
    if (!channels) {
      channels = { value: fields.length, line: lineNumber };
      why = `as line ${lineNumber} has`;
    } else if (fields.length !== channels.value) {
      const plural = (n: number) => `${n} channel${n === 1 ? '' : 's'}`;
      fail(lineNumber, `${plural(fields.length)}; expected ${channels.value} (${why})`);
    }
    const raw = fields.map((field, c) => {
      const tokens = field.split(',').map((token) => token.trim());
      const at = fields.length === 1 ? '' : `, channel ${c}`;
      if (header.equalLength?.value === true && !valuesPerChannel) {
        valuesPerChannel = { value: tokens.length, line: lineNumber };
        whyValues = `@equalLength true and line ${lineNumber} has that many`;
      }
      if (valuesPerChannel && tokens.length !== valuesPerChannel.value) {
        fail(lineNumber, `${tokens.length} values${at}; expected ${valuesPerChannel.value} (${whyValues})`);
      }
      return tokens.map((token, t) => {
        const value = parseValue(token);
        if (value === undefined) fail(lineNumber, `'${token}' at value index ${t}${at} is not a number; expected a number, or ? for a missing value`);
        return value!;
      });
    });
    series.push(finishSeries(raw, { where: `${source}: line ${lineNumber}`, channel: (c) => `channel ${c}` }));
  }
  if (series.length === 0) throw new InputError(`${source}: no series after @data (line ${dataLine}); expected one line per series`);
  return { series, channels: channels?.value ?? 1, ...(labelNames ? { labels } : {}), source };
}

/** The header, and the index of the line after @data. */
function parseHeader(lines: string[], source: string, fail: (line: number, what: string) => never): { header: Header; dataLine: number } {
  const header: Header = {};
  for (let i = 0; i < lines.length; i++) {
    const lineNumber = i + 1;
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (!line.startsWith('@')) fail(lineNumber, `expected a # comment, an @ header or @data before the series, got '${line.slice(0, 40)}'`);
    const [tag = '', ...values] = line.split(/\s+/);
    const name = HEADER_OF_KEY.get(tag.slice(1).toLowerCase());
    if (name === undefined) fail(lineNumber, `header ${tag} is not supported; expected one of ${HEADERS.map((h) => `@${h}`).join(', ')}`);
    const boolean = (): boolean => {
      const value = values.length === 1 ? values[0]!.toLowerCase() : '';
      if (value !== 'true' && value !== 'false') fail(lineNumber, `@${name} takes true or false, got '${values.join(' ')}'`);
      return value === 'true';
    };
    const count = (): number => {
      const value = values.length === 1 && /^\d+$/.test(values[0]!) ? Number(values[0]) : 0;
      if (!(value >= 1)) fail(lineNumber, `@${name} takes a whole number of at least 1, got '${values.join(' ')}'`);
      return value;
    };
    switch (name) {
      case 'problemName':
        break;
      case 'missing':
        boolean(); // checked for form only: missing values are read wherever they are
        break;
      case 'timeStamps':
        if (boolean()) fail(lineNumber, '@timeStamps true (time-stamped values) is not supported; expected @timeStamps false');
        break;
      case 'targetLabel':
        if (boolean()) fail(lineNumber, '@targetLabel true (regression targets) is not supported; expected class labels (@classLabel) or none');
        break;
      case 'univariate':
        header.univariate = { value: boolean(), line: lineNumber };
        break;
      case 'dimension':
      case 'dimensions':
        header.dimensions = { value: count(), line: lineNumber };
        break;
      case 'equalLength':
        header.equalLength = { value: boolean(), line: lineNumber };
        break;
      case 'seriesLength':
        header.seriesLength = { value: count(), line: lineNumber };
        break;
      case 'classLabel': {
        const [flag = '', ...names] = values;
        if (flag.toLowerCase() === 'false' && names.length === 0) break;
        if (flag.toLowerCase() !== 'true') fail(lineNumber, `@classLabel takes true followed by the class names, or false; got '${values.join(' ')}'`);
        if (names.length === 0) fail(lineNumber, '@classLabel true needs the class names after it');
        header.classLabels = { value: names, line: lineNumber };
        break;
      }
      case 'data':
        if (values.length > 0) fail(lineNumber, `@data takes no value, got '${values.join(' ')}'`);
        return { header, dataLine: lineNumber };
    }
  }
  throw new InputError(`${source}: no @data line; expected the header to end with @data, then one line per series`);
}
