import { InputError } from '../input-error.js';

/**
 * numpy's .npy format (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html):
 * magic, version, header length, a Python dict literal padded so the data starts on a
 * multiple of 64 bytes, then the raw values. We write version 1.0 exactly as np.save does;
 * we read 1.0 (and 2.0/3.0, which differ only in the header length field) for the four
 * little-endian, C-ordered dtypes the pipeline uses.
 */

export type NpyDtype = 'float64' | 'float32' | 'int64' | 'int32';

export interface NpyArray {
  dtype: NpyDtype;
  shape: number[];
  data: Float64Array | Float32Array | BigInt64Array | Int32Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
const ALIGNMENT = 64;
// np.save (numpy >= 1.23) leaves room for the first axis to grow to 21 digits in place
const GROWTH_AXIS_MAX_DIGITS = 21;
// np.load's own default limit (max_header_size, numpy >= 1.24): a real header is about 128 bytes
const MAX_HEADER_BYTES = 10_000;
// the header is a dict holding a tuple: two levels; anything far deeper is not a .npy header
const MAX_HEADER_DEPTH = 8;

const DESCR: Record<NpyDtype, string> = { float64: '<f8', float32: '<f4', int64: '<i8', int32: '<i4' };
const DTYPE_OF_DESCR = new Map(Object.entries(DESCR).map(([dtype, descr]) => [descr, dtype as NpyDtype]));
const ITEM_SIZE: Record<NpyDtype, number> = { float64: 8, float32: 4, int64: 8, int32: 4 };
const ARRAY_TYPE = { float64: Float64Array, float32: Float32Array, int64: BigInt64Array, int32: Int32Array } as const;
const SUPPORTED = Object.entries(DESCR).map(([dtype, descr]) => `${descr} (${dtype})`).join(', ');
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A numpy shape as Python's repr() writes it: (), (17802,), (17802, 100, 1). */
export function pythonTuple(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, n) => product * n, 1);
}

/** The bytes of a version 1.0 .npy file holding `array`, identical to what np.save writes. */
export function encodeNpy(array: NpyArray): Uint8Array {
  const { dtype, shape, data } = array;
  if (!(dtype in DESCR)) throw new Error(`encodeNpy: unsupported dtype ${String(dtype)}; supported: ${SUPPORTED}`);
  if (!(data instanceof ARRAY_TYPE[dtype])) throw new Error(`encodeNpy: dtype ${dtype} needs a ${ARRAY_TYPE[dtype].name}`);
  const head = npyHeader(dtype, shape);
  if (elementCount(shape) !== data.length) {
    throw new Error(`encodeNpy: shape ${pythonTuple(shape)} holds ${elementCount(shape)} values, data has ${data.length}`);
  }
  const out = new Uint8Array(head.length + data.byteLength);
  out.set(head, 0);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), head.length);
  if (!LITTLE_ENDIAN_HOST) swapBytes(out.subarray(head.length), ITEM_SIZE[dtype]);
  return out;
}

/**
 * The same bytes as encodeNpy's for a float32 array of `shape` whose values come in pieces
 * (e.g. one row at a time), each copied as it is reached: a large array need never be whole
 * in memory. The pieces must add up to the shape's values.
 */
export function* encodeNpyPieces(shape: readonly number[], pieces: Iterable<Float32Array>): Generator<Uint8Array> {
  yield npyHeader('float32', shape);
  let count = 0;
  for (const piece of pieces) {
    count += piece.length;
    const bytes = new Uint8Array(piece.buffer, piece.byteOffset, piece.byteLength).slice();
    if (!LITTLE_ENDIAN_HOST) swapBytes(bytes, 4);
    yield bytes;
  }
  if (count !== elementCount(shape)) throw new Error(`encodeNpyPieces: shape ${pythonTuple(shape)} holds ${elementCount(shape)} values, the pieces ${count}`);
}

/** Magic, version, header length and the header dict of a version 1.0 .npy, padded as np.save pads it. */
function npyHeader(dtype: NpyDtype, shape: readonly number[]): Uint8Array {
  if (!shape.every((n) => Number.isSafeInteger(n) && n >= 0)) throw new Error(`encodeNpy: bad shape ${pythonTuple(shape)}`);
  let header = `{'descr': '${DESCR[dtype]}', 'fortran_order': False, 'shape': ${pythonTuple(shape)}, }`;
  if (shape.length > 0) header += ' '.repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - String(shape[0]).length));
  // padding plus the closing newline bring magic + version + length + header to a multiple of 64
  const withNewline = header.length + 1;
  const padding = ALIGNMENT - ((MAGIC.length + 2 + 2 + withNewline) % ALIGNMENT);
  header += ' '.repeat(padding) + '\n';
  if (header.length > 0xffff) throw new Error(`encodeNpy: header of ${header.length} bytes does not fit version 1.0`);

  const out = new Uint8Array(MAGIC.length + 4 + header.length);
  out.set(MAGIC, 0);
  out[6] = 1; // version 1.0
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  return out;
}

/** What a .npy header says: the array's dtype and shape, and where its data starts. */
export interface NpyHeader {
  dtype: NpyDtype;
  shape: number[];
  /** values in the array: the product of its shape */
  count: number;
  /** bytes per value */
  itemSize: number;
  /** the byte offset of the first value */
  dataOffset: number;
}

/** Bytes that always hold a whole .npy header, when the file has one: read these first, then the data in parts. */
export const NPY_HEADER_PREFIX_BYTES = 12 + MAX_HEADER_BYTES;

/**
 * The header of a .npy file of `fileSize` bytes from its first bytes (`prefix`: at least
 * NPY_HEADER_PREFIX_BYTES of them, or the whole file), checked against the file's size:
 * every error parseNpy gives, without the data in memory.
 */
export function parseNpyHeader(prefix: Uint8Array, source: string, fileSize: number = prefix.length): NpyHeader {
  const fail = (what: string): never => {
    throw new InputError(`${source}: ${what}`);
  };
  if (fileSize < 10 || MAGIC.some((b, i) => prefix[i] !== b)) fail('not a .npy file (it does not start with the magic bytes \\x93NUMPY)');
  const [major, minor] = [prefix[6]!, prefix[7]!];
  if (!((major === 1 || major === 2 || major === 3) && minor === 0)) {
    fail(`.npy format version ${major}.${minor} is not supported: expected 1.0 (or 2.0, 3.0)`);
  }
  const view = new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength);
  const lengthFieldSize = major === 1 ? 2 : 4;
  if (fileSize < 8 + lengthFieldSize) fail('truncated .npy header');
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = 8 + lengthFieldSize;
  if (headerLength > MAX_HEADER_BYTES) fail(`.npy header of ${headerLength} bytes; expected at most ${MAX_HEADER_BYTES}, as np.load reads`);
  const dataOffset = headerStart + headerLength;
  if (dataOffset > fileSize) fail(`truncated .npy header: it declares ${headerLength} bytes, the file has ${fileSize - headerStart}`);
  const headerText = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(prefix.subarray(headerStart, dataOffset));

  const header = parseHeader(headerText, fail);
  const { descr, fortranOrder, shape } = header;
  if (fortranOrder) fail('Fortran-ordered arrays are not supported: save a C-ordered array (np.ascontiguousarray)');
  const dtype = DTYPE_OF_DESCR.get(descr);
  if (dtype === undefined) {
    if (/^>[fiu]\d$/.test(descr)) fail(`big-endian dtype '${descr}' is not supported: save it little-endian (arr.astype('<${descr.slice(1)}')); supported: ${SUPPORTED}`);
    fail(`dtype '${descr}' is not supported; supported: ${SUPPORTED}`);
  }
  const type = dtype!;
  const count = elementCount(shape);
  const expectedBytes = count * ITEM_SIZE[type];
  const actualBytes = fileSize - dataOffset;
  if (!Number.isSafeInteger(expectedBytes) || actualBytes !== expectedBytes) {
    fail(
      `data is ${actualBytes} bytes but shape ${pythonTuple(shape)} of ${descr} needs ${expectedBytes} ` +
        `(${actualBytes < expectedBytes ? 'truncated' : 'extra bytes after the data'})`,
    );
  }
  return { dtype: type, shape, count, itemSize: ITEM_SIZE[type], dataOffset };
}

/** An empty typed array for `count` values of `dtype`, to read a .npy's data into. */
export function npyTypedArray(dtype: NpyDtype, count: number): NpyArray['data'] {
  return new ARRAY_TYPE[dtype](count);
}

/** Values just read from a .npy's little-endian bytes, put in the host's byte order (in place). */
export function fromLittleEndian(bytes: Uint8Array, itemSize: number): void {
  if (!LITTLE_ENDIAN_HOST) swapBytes(bytes, itemSize);
}

/** Parse the bytes of a .npy file; `source` (a path) names it in every error. */
export function parseNpy(bytes: Uint8Array, source: string): NpyArray {
  const { dtype, shape, count, itemSize, dataOffset } = parseNpyHeader(bytes, source);
  // copy into a fresh buffer: the source may be unaligned, or a view into Node's shared Buffer pool
  const copy = new Uint8Array(bytes.subarray(dataOffset));
  fromLittleEndian(copy, itemSize);
  const data = new ARRAY_TYPE[dtype](copy.buffer, 0, count);
  return { dtype, shape, data };
}

function swapBytes(bytes: Uint8Array, itemSize: number): void {
  for (let i = 0; i < bytes.length; i += itemSize) bytes.subarray(i, i + itemSize).reverse();
}

type PythonValue = string | boolean | number | PythonValue[] | { [key: string]: PythonValue };

/** The header dict: exactly the keys descr, fortran_order and shape, as numpy requires. */
function parseHeader(text: string, fail: (what: string) => never): { descr: string; fortranOrder: boolean; shape: number[] } {
  let value: PythonValue;
  try {
    value = parsePythonLiteral(text);
  } catch (err) {
    return fail(`malformed .npy header (${(err as Error).message}): ${JSON.stringify(text.trim().slice(0, 80))}`);
  }
  if (typeof value !== 'object' || Array.isArray(value)) return fail(`malformed .npy header: expected a dict, got ${JSON.stringify(text.trim().slice(0, 80))}`);
  const keys = Object.keys(value).sort().join(', ');
  if (keys !== 'descr, fortran_order, shape') fail(`malformed .npy header: expected the keys descr, fortran_order, shape, got ${keys || 'none'}`);
  const { descr, fortran_order: fortranOrder, shape } = value;
  if (typeof descr !== 'string') return fail(`dtype ${JSON.stringify(descr)} is not supported (a structured dtype?); supported: ${SUPPORTED}`);
  if (typeof fortranOrder !== 'boolean') return fail('malformed .npy header: fortran_order must be True or False');
  if (!Array.isArray(shape) || !shape.every((n): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0)) {
    return fail('malformed .npy header: shape must be a tuple of non-negative integers');
  }
  return { descr, fortranOrder, shape };
}

/**
 * The small part of Python's literal syntax a .npy header uses: dicts, tuples and lists,
 * quoted strings, integers (with Python 2's L suffix, found in old files), True and False. Throws an Error saying where it stopped.
 */
const WORD = /True|False|[+-]?\d+L?/y;

function parsePythonLiteral(text: string): PythonValue {
  let at = 0;
  let depth = 0;
  const skipSpace = () => {
    while (at < text.length && /\s/.test(text[at]!)) at++;
  };
  const expect = (char: string) => {
    skipSpace();
    if (text[at] !== char) throw new Error(`expected '${char}' at character ${at}`);
    at++;
  };
  const sequence = <T>(close: string, item: () => T): T[] => {
    const items: T[] = [];
    for (;;) {
      skipSpace();
      if (text[at] === close) {
        at++;
        return items;
      }
      items.push(item());
      skipSpace();
      if (text[at] === ',') at++;
      else if (text[at] !== close) throw new Error(`expected ',' or '${close}' at character ${at}`);
    }
  };
  const value = (): PythonValue => {
    skipSpace();
    const char = text[at];
    if (char === '{' || char === '(' || char === '[') {
      if (++depth > MAX_HEADER_DEPTH) throw new Error(`nested more than ${MAX_HEADER_DEPTH} deep at character ${at}`);
    }
    if (char === '{') {
      at++;
      const entries = sequence('}', () => {
        const key = value();
        if (typeof key !== 'string') throw new Error(`dict key at character ${at} is not a string`);
        expect(':');
        return [key, value()] as const;
      });
      depth--;
      return Object.fromEntries(entries);
    }
    if (char === '(' || char === '[') {
      at++;
      const items = sequence(char === '(' ? ')' : ']', value);
      depth--;
      return items;
    }
    if (char === "'" || char === '"') {
      const end = text.indexOf(char, at + 1);
      if (end < 0) throw new Error(`unterminated string at character ${at}`);
      const string = text.slice(at + 1, end);
      at = end + 1;
      return string;
    }
    WORD.lastIndex = at;
    const word = WORD.exec(text);
    if (word === null) throw new Error(`unexpected ${char === undefined ? 'end' : `'${char}'`} at character ${at}`);
    at += word[0].length;
    return word[0] === 'True' ? true : word[0] === 'False' ? false : Number(word[0].replace('L', ''));
  };
  const result = value();
  skipSpace();
  if (at !== text.length) throw new Error(`unexpected '${text[at]}' at character ${at}`);
  return result;
}
