import { InputError } from '../../input-error.js';
import { TEXT_LIMITS } from '../../limits.js';

/** 'a text file of at most 500 MiB': TEXT_LIMITS in words. */
export const TEXT_FILE_LIMIT_TEXT = `a text file of at most ${TEXT_LIMITS.fileBytes / 2 ** 20} MiB, lines of at most ${TEXT_LIMITS.lineBytes / 2 ** 20} MiB`;

/**
 * Text given as bytes (a file's, a browser upload's) decoded as UTF-8, a leading byte-order
 * mark dropped; text larger than TEXT_LIMITS or with a longer line is one InputError line
 * naming `source` (and the line), before anything is decoded.
 */
export function decodeText(input: string | Uint8Array | ArrayBuffer, source: string): string {
  if (typeof input === 'string') {
    checkLines(input.length, (from) => input.indexOf('\n', from), (from) => input.indexOf('\r', from), source, 'characters');
    return input;
  }
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  if (bytes.length > TEXT_LIMITS.fileBytes) {
    throw new InputError(`${source}: is ${bytes.length} bytes, more than the ${TEXT_LIMITS.fileBytes} a text file of series may be; expected ${TEXT_FILE_LIMIT_TEXT}`);
  }
  checkLines(bytes.length, (from) => bytes.indexOf(0x0a, from), (from) => bytes.indexOf(0x0d, from), source, 'bytes');
  return new TextDecoder('utf-8').decode(bytes);
}

/**
 * The first line longer than TEXT_LIMITS.lineBytes, numbered as splitLines numbers it (\n,
 * \r\n and a lone \r each end one), is an InputError. Native searches for the line ends,
 * so a few hundred MB take a fraction of a second.
 */
function checkLines(length: number, nextLf: (from: number) => number, nextCr: (from: number) => number, source: string, unit: string): void {
  const max = TEXT_LIMITS.lineBytes;
  const hasCr = nextCr(0) >= 0;
  let line = 1;
  const refuse = (size: number): never => {
    throw new InputError(`${source}: line ${line} is ${size} ${unit} long, more than the ${max} a line may be; expected ${TEXT_FILE_LIMIT_TEXT}`);
  };
  for (let start = 0; start <= length; ) {
    let end = nextLf(start);
    if (end < 0) end = length;
    if (!hasCr) {
      if (end - start > max) refuse(end - start);
    } else {
      // lone \r inside [start, end) end lines too; a \r right before the \n is part of \r\n
      const stop = end < length ? end - 1 : end;
      let from = start;
      for (;;) {
        let cr = nextCr(from);
        if (cr < 0 || cr >= stop) cr = -1;
        const lineEnd = cr < 0 ? end : cr;
        if (lineEnd - from > max) refuse(lineEnd - from);
        if (cr < 0) break;
        line++;
        from = cr + 1;
      }
    }
    line++;
    start = end + 1;
  }
}

/** The lines of a text file, for \n, \r\n and lone \r endings alike; line i+1 in messages is lines[i]. */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\n|\r/);
}
