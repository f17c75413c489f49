/**
 * Prepare a rendered chart for inlining into an HTML page.
 *
 * Inline SVG shares one id space with the whole page, and Vega numbers its clip paths
 * from a per-process counter, so two charts rendered in different runs can both define
 * `clip1`; the browser would then clip the second chart with the first one's rectangle.
 * Every id (and every `url(#id)` / `href="#id"` pointing at it) gets a per-figure prefix.
 */
export function embeddableSvg(svg: string, prefix: string): string {
  const start = svg.indexOf('<svg');
  if (start < 0) throw new Error('embeddableSvg: not an SVG document');
  // the charts come from our renderer; refuse anything that could run in the page
  if (/<script|<[^>]*\son[a-z]+\s*=|javascript:/i.test(svg)) throw new Error('embeddableSvg: SVG contains script');
  let body = svg.slice(start); // drop any XML declaration or doctype

  const ids = new Set(Array.from(body.matchAll(/\sid="([^"]+)"/g), (m) => m[1]!));
  if (ids.size > 0) {
    const rename = (id: string): string => (ids.has(id) ? `${prefix}-${id}` : id);
    body = body
      .replace(/(\sid=")([^"]+)"/g, (_, head: string, id: string) => `${head}${rename(id)}"`)
      .replace(/url\(#([^)]+)\)/g, (_, id: string) => `url(#${rename(id)})`)
      .replace(/(href=")#([^"]+)"/g, (_, head: string, id: string) => `${head}#${rename(id)}"`);
  }
  return body;
}
