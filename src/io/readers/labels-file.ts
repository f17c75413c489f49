import { InputError } from '../../input-error.js';
import { parseNpy } from '../npy.js';
import { decodeText, splitLines } from './text-file.js';

/**
 * Class labels kept apart from the series (a .npy of series has nowhere to put them), one
 * per series in order, in either of two forms:
 * - a `.npy` file: a 1-D array of integers (int32/int64, or floats that are whole numbers,
 *   as `np.save('y.npy', y)` gives), each label written in decimal;
 * - any other file: text, one label per line, spaces around it dropped; blank lines at the
 *   end are ignored, a blank line before a label is an error.
 */

const EXPECTED = 'a labels file (a 1-D .npy of integers, or text with one label per line)';

/** What a labels file is, in words, for messages about one that cannot be read. */
export const LABELS_FILE_EXPECTED = EXPECTED;

/** The labels in a labels file's bytes, in order; `source` (its path or name) decides .npy or text and names it in errors. */
export function parseLabels(bytes: Uint8Array, source: string): string[] {
  // text labels under the same bounds as series files: file size and line length (decodeText)
  return source.toLowerCase().endsWith('.npy') ? npyLabels(bytes, source) : textLabels(decodeText(bytes, source), source);
}

function npyLabels(bytes: Uint8Array, path: string): string[] {
  const { dtype, shape, data } = parseNpy(bytes, path);
  if (shape.length !== 1) throw new InputError(`${path}: shape (${shape.join(', ')}); expected a 1-D array of labels, one per series`);
  const labels: string[] = [];
  for (let i = 0; i < data.length; i++) {
    const value = data[i]!;
    if (typeof value === 'number' && !Number.isInteger(value)) {
      throw new InputError(`${path}: label ${value} at index [${i}] is not a whole number; expected integer class labels (${dtype} array)`);
    }
    labels.push(String(value));
  }
  return labels;
}

function textLabels(text: string, path: string): string[] {
  const lines = splitLines(text).map((line) => line.trim());
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const blank = lines.indexOf('');
  if (blank >= 0) throw new InputError(`${path}: line ${blank + 1} is blank; expected one label per line`);
  return lines;
}
