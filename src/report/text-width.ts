import { readFileSync } from 'node:fs';

/**
 * Text widths from a TrueType font's own advance widths (tables cmap, hmtx, hhea, head).
 *
 * Why: without a canvas, Vega guesses every string as 0.8 em per character, so axis
 * titles and legends end up placed for text much wider than what resvg then draws.
 * Measuring with the same TTF that resvg renders makes layout and pixels agree.
 * Kerning is ignored (it changes widths by well under a pixel at chart sizes).
 */
export interface FontMetrics {
  /** Width in pixels of `text` at `fontSize` pixels. */
  width(text: string, fontSize: number): number;
}

export function loadFontMetrics(ttfPath: string): FontMetrics {
  const bytes = readFileSync(ttfPath);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tables = readTableDirectory(view);
  const table = (tag: string): number => {
    const offset = tables.get(tag);
    if (offset === undefined) throw new Error(`${ttfPath}: no '${tag}' table`);
    return offset;
  };

  const unitsPerEm = view.getUint16(table('head') + 18);
  const numberOfHMetrics = view.getUint16(table('hhea') + 34);
  const hmtx = table('hmtx');
  const advanceOfGlyph = (glyph: number): number =>
    view.getUint16(hmtx + 4 * Math.min(glyph, numberOfHMetrics - 1));
  const glyphOfCodePoint = readCmapFormat4(view, table('cmap'));

  const cache = new Map<number, number>();
  const advanceEm = (codePoint: number): number => {
    let em = cache.get(codePoint);
    if (em === undefined) {
      // glyph 0 is .notdef, which resvg would draw as a box of its own width
      em = advanceOfGlyph(glyphOfCodePoint(codePoint)) / unitsPerEm;
      cache.set(codePoint, em);
    }
    return em;
  };

  return {
    width(text: string, fontSize: number): number {
      let em = 0;
      for (const ch of text) em += advanceEm(ch.codePointAt(0) ?? 0);
      return em * fontSize;
    },
  };
}

function readTableDirectory(view: DataView): Map<string, number> {
  const numTables = view.getUint16(4);
  const tables = new Map<string, number>();
  for (let i = 0; i < numTables; i++) {
    const record = 12 + 16 * i;
    const tag = String.fromCharCode(
      view.getUint8(record), view.getUint8(record + 1), view.getUint8(record + 2), view.getUint8(record + 3));
    tables.set(tag, view.getUint32(record + 8));
  }
  return tables;
}

/** Unicode BMP -> glyph index, from the (3,1) or (0,x) format-4 subtable. */
function readCmapFormat4(view: DataView, cmap: number): (codePoint: number) => number {
  const numSubtables = view.getUint16(cmap + 2);
  let sub = -1;
  for (let i = 0; i < numSubtables && sub < 0; i++) {
    const platform = view.getUint16(cmap + 4 + 8 * i);
    const encoding = view.getUint16(cmap + 4 + 8 * i + 2);
    const offset = cmap + view.getUint32(cmap + 4 + 8 * i + 4);
    const isUnicode = platform === 0 || (platform === 3 && encoding === 1);
    if (isUnicode && view.getUint16(offset) === 4) sub = offset;
  }
  if (sub < 0) throw new Error('font has no Unicode format-4 cmap');

  const segCount = view.getUint16(sub + 6) / 2;
  const endCodes = sub + 14;
  const startCodes = endCodes + 2 * segCount + 2; // + reservedPad
  const idDeltas = startCodes + 2 * segCount;
  const idRangeOffsets = idDeltas + 2 * segCount;

  return (codePoint: number): number => {
    if (codePoint > 0xffff) return 0;
    for (let s = 0; s < segCount; s++) {
      if (codePoint > view.getUint16(endCodes + 2 * s)) continue;
      const start = view.getUint16(startCodes + 2 * s);
      if (codePoint < start) return 0;
      const delta = view.getUint16(idDeltas + 2 * s);
      const rangeOffsetAt = idRangeOffsets + 2 * s;
      const rangeOffset = view.getUint16(rangeOffsetAt);
      if (rangeOffset === 0) return (codePoint + delta) & 0xffff;
      const glyph = view.getUint16(rangeOffsetAt + rangeOffset + 2 * (codePoint - start));
      return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
    }
    return 0;
  };
}
