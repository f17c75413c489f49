import { InputError } from '../../input-error.js';

/** A model.json holds the topology only (the weights are in the shards): a few KB to a few MB. */
export const MAX_JSON_BYTES = 16 * 1024 * 1024;

/**
 * Keras and TF.js topologies nest about 10 deep. Far below where JSON.parse, our fault
 * locator or any reader walking the result could run out of stack.
 */
const MAX_JSON_DEPTH = 64;

/**
 * JSON.parse, but a syntax error becomes one InputError line with the line and column of
 * the fault. Node 20's own messages give a position for some faults and not for others
 * ("Unexpected token '}', ... is not valid JSON"), so we locate it ourselves. A text longer
 * than MAX_JSON_BYTES or nested deeper than MAX_JSON_DEPTH is refused before parsing.
 */
export function parseJsonText(text: string, source: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text; // editors sometimes add a BOM
  if (body.length > MAX_JSON_BYTES) {
    throw new InputError(`${source}: ${body.length} characters of JSON; expected at most ${MAX_JSON_BYTES} (16 MiB)`);
  }
  const deep = firstTooDeep(body, MAX_JSON_DEPTH);
  if (deep >= 0) {
    const { line, column } = lineAndColumn(body, deep);
    throw new InputError(`${source}: JSON nested more than ${MAX_JSON_DEPTH} deep at line ${line}, column ${column}; expected at most ${MAX_JSON_DEPTH} levels of [ and {`);
  }
  try {
    return JSON.parse(body);
  } catch (err) {
    const offset = jsonErrorOffset(body);
    const { line, column } = lineAndColumn(body, offset < 0 ? body.length : offset);
    const why = err instanceof Error ? err.message.replace(/\s+/g, ' ') : String(err);
    throw new InputError(`${source}: not valid JSON at line ${line}, column ${column}: ${why}`);
  }
}

/**
 * The offset of the first bracket that opens level maxDepth + 1, or -1. One pass, no
 * recursion; brackets inside strings do not count. On text that is not JSON it still ends,
 * and it agrees with the parser on every valid prefix, so the fault locator below recurses
 * at most maxDepth + 1 deep.
 */
function firstTooDeep(text: string, maxDepth: number): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c) i++; // a backslash: the next character is escaped
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x5b || ch === 0x7b) {
      if (++depth > maxDepth) return i;
    } else if (ch === 0x5d || ch === 0x7d) depth--;
  }
  return -1;
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** The offset of the first character that cannot continue a JSON document, or -1 if none. */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const stop = (): never => {
    throw new JsonFault(i);
  };
  const space = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const string = (): void => {
    i++; // the opening quote
    while (i < text.length) {
      const ch = text[i]!;
      if (ch === '"') {
        i++;
        return;
      }
      if (ch === '\\') {
        i++;
        if (i < text.length && '"\\/bfnrt'.includes(text[i]!)) i++;
        else if (text[i] === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) i += 5;
        else stop();
      } else if (ch < ' ') stop();
      else i++;
    }
    stop();
  };
  const value = (): void => {
    space();
    const ch = text[i];
    if (ch === '{' || ch === '[') {
      const close = ch === '{' ? '}' : ']';
      i++;
      space();
      if (text[i] === close) {
        i++;
        return;
      }
      for (;;) {
        if (close === '}') {
          space();
          if (text[i] !== '"') stop();
          string();
          space();
          if (text[i] !== ':') stop();
          i++;
        }
        value();
        space();
        if (text[i] === ',') i++;
        else if (text[i] === close) {
          i++;
          return;
        } else stop();
      }
    }
    if (ch === '"') return string();
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, i)) {
        i += literal.length;
        return;
      }
    }
    NUMBER.lastIndex = i;
    if (NUMBER.test(text)) i = NUMBER.lastIndex;
    else stop();
  };
  try {
    value();
    space();
    if (i < text.length) stop();
    return -1;
  } catch (err) {
    if (err instanceof JsonFault) return err.offset;
    throw err;
  }
}

class JsonFault {
  constructor(readonly offset: number) {}
}

/**
 * A value from a JSON file as a message shows it: strings as they are, anything else as
 * JSON, cut to `max` characters. Never String(v): a parsed {"toString": 1} would throw.
 */
export function shown(v: unknown, max = 80): string {
  const text = typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v));
  return text.length > max ? `${text.slice(0, max)}...` : text;
}
