import { readInputFile } from '../read-input-file.js';

/** A text file the user named, decoded as UTF-8 (a leading byte-order mark dropped). */
export function readTextFile(path: string, expected: string): string {
  return new TextDecoder('utf-8').decode(readInputFile(path, expected));
}

/** The lines of a text file, for \n, \r\n and lone \r endings alike; line i+1 in messages is lines[i]. */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\n|\r/);
}
