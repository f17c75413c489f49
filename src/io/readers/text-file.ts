/** Text given as bytes (a file's, a browser upload's) decoded as UTF-8, a leading byte-order mark dropped. */
export function decodeText(input: string | Uint8Array | ArrayBuffer): string {
  return typeof input === 'string' ? input : new TextDecoder('utf-8').decode(input);
}

/** The lines of a text file, for \n, \r\n and lone \r endings alike; line i+1 in messages is lines[i]. */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\n|\r/);
}
