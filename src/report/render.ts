import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { writeFileAtomic } from '../io/atomic-write.js';
import { chartFontFiles, CHART_FONT_FAMILY } from './font-files.js';
import { loadFontMetrics } from './text-width.js';
import { setVegaTextWidth } from './vega-text-metrics.js';

/** Collects what Vega-Lite and Vega would otherwise print; a warning means a spec bug. */
type Logger = NonNullable<NonNullable<Parameters<typeof compile>[1]>['logger']>;

function collectingLogger(sink: string[]): Logger {
  let level = 2; // vega.Warn
  const logger: Logger = {
    level(_?: number) {
      if (_ === undefined) return level;
      level = _;
      return logger;
    },
    error(...args: unknown[]) { sink.push(`error: ${args.join(' ')}`); return logger; },
    warn(...args: unknown[]) { sink.push(`warning: ${args.join(' ')}`); return logger; },
    info() { return logger; },
    debug() { return logger; },
  };
  return logger;
}

let metricsReady: Promise<void> | undefined;

/**
 * Make Vega measure text with DejaVu's advance widths, the font resvg draws with; without
 * this it guesses 0.8 em per character and leaves gaps around axis titles and legends.
 */
function useDejaVuMetrics(): Promise<void> {
  metricsReady ??= (async () => {
    const files = chartFontFiles();
    const regular = loadFontMetrics(files.regular);
    const bold = loadFontMetrics(files.bold);
    const oblique = loadFontMetrics(files.oblique);
    const boldOblique = loadFontMetrics(files.boldOblique);
    await setVegaTextWidth((item, text) => {
      const isBold = item.fontWeight === 'bold' || Number(item.fontWeight) >= 600;
      const isOblique = item.fontStyle === 'italic' || item.fontStyle === 'oblique';
      const face = isBold ? (isOblique ? boldOblique : bold) : (isOblique ? oblique : regular);
      const fontSize = item.fontSize != null ? Number(item.fontSize) || 0 : 11;
      const width = face.width(text == null ? '' : String(text).trim(), fontSize);
      // text longer than its limit is drawn truncated to fit it
      return item.limit && item.limit > 0 ? Math.min(width, item.limit) : width;
    });
  })();
  return metricsReady;
}

export interface RenderOptions {
  /** Receives every warning or error Vega-Lite and Vega log while compiling and rendering. */
  warnings?: string[];
}

/** Vega-Lite spec -> SVG text, headless (no DOM, no canvas). */
export async function renderSvg(spec: TopLevelSpec, options: RenderOptions = {}): Promise<string> {
  const sink = options.warnings ?? [];
  await useDejaVuMetrics();
  const { spec: vegaSpec } = compile(spec, { logger: collectingLogger(sink) });
  const view = new vega.View(vega.parse(vegaSpec), { renderer: 'none', logger: collectingLogger(sink) });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

let resvgFontFiles: string[] | undefined;

/** A rasterised chart: RGBA pixels, and the PNG encoding of them. */
export interface Raster {
  width: number;
  height: number;
  /** RGBA, 4 bytes per pixel, row by row. */
  pixels: Uint8Array;
  png(): Uint8Array;
}

/** SVG text -> pixels, drawn by resvg with the bundled DejaVu fonts only (no system fonts). */
export function svgToRaster(svg: string, scale = 2): Raster {
  resvgFontFiles ??= Object.values(chartFontFiles());
  const image = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    font: { fontFiles: resvgFontFiles, loadSystemFonts: false, defaultFontFamily: CHART_FONT_FAMILY },
  }).render();
  return {
    width: image.width,
    height: image.height,
    pixels: new Uint8Array(image.pixels),
    png: () => new Uint8Array(image.asPng()),
  };
}

/** SVG text -> PNG bytes; `scale` 2 gives a sharp image on high-density screens. */
export function svgToPng(svg: string, scale = 2): Uint8Array {
  return svgToRaster(svg, scale).png();
}

export interface WrittenFigure {
  svgPath: string;
  pngPath: string;
  svg: string;
}

/** Render `spec` and write `<dir>/<name>.svg` and `<dir>/<name>.png`, each atomically. */
export async function writeFigure(dir: string, name: string, spec: TopLevelSpec, options: RenderOptions = {}): Promise<WrittenFigure> {
  const svg = await renderSvg(spec, options);
  const svgPath = join(dir, `${name}.svg`);
  const pngPath = join(dir, `${name}.png`);
  writeFileAtomic(svgPath, svg);
  writeFileAtomic(pngPath, svgToPng(svg));
  return { svgPath, pngPath, svg };
}
