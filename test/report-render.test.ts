import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { TopLevelSpec } from 'vega-lite';
import { chartConfig } from '../src/report/chart-style.js';
import { sineClassesChart } from '../src/report/charts.js';
import { Resvg } from '@resvg/resvg-js';
import { chartFontFiles, dejavuFontDir } from '../src/report/font-files.js';
import { renderSvg, svgToPng, svgToRaster, writeFigure, type Raster } from '../src/report/render.js';
import { loadFontMetrics } from '../src/report/text-width.js';
import { syntheticRun } from './report-synthetic.js';

const run = syntheticRun({ cycles0: 5, cycles1: 2 });

function svgSize(svg: string): { width: number; height: number } {
  const m = /^<svg[^>]*\swidth="(\d+)"[^>]*\sheight="(\d+)"/.exec(svg);
  assert.ok(m, 'the SVG has a width and a height');
  return { width: Number(m[1]), height: Number(m[2]) };
}

/** Width and height from a PNG's IHDR chunk (which must come first, right after the signature). */
function pngSize(png: Uint8Array): { width: number; height: number } {
  assert.deepEqual(Array.from(png.subarray(0, 8)), [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  assert.equal(Buffer.from(png.subarray(12, 16)).toString('latin1'), 'IHDR');
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

function countPixels(raster: Raster, match: (r: number, g: number, b: number) => boolean): number {
  let n = 0;
  for (let i = 0; i < raster.pixels.length; i += 4) if (match(raster.pixels[i]!, raster.pixels[i + 1]!, raster.pixels[i + 2]!)) n++;
  return n;
}
const notWhite = (r: number, g: number, b: number) => r < 250 || g < 250 || b < 250;
const near = (hex: string) => {
  const [R, G, B] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return (r: number, g: number, b: number) => Math.abs(r - R!) + Math.abs(g - G!) + Math.abs(b - B!) < 30;
};

test('a chart becomes a PNG of twice its SVG size, with the red and blue classes drawn', async () => {
  const svg = await renderSvg(sineClassesChart(run.series0, run.series1));
  const size = svgSize(svg);
  assert.deepEqual(pngSize(svgToPng(svg)), { width: 2 * size.width, height: 2 * size.height });

  const raster = svgToRaster(svg);
  const total = raster.width * raster.height;
  const ink = countPixels(raster, notWhite);
  assert.ok(ink > 0.02 * total && ink < 0.5 * total, `ink covers ${(100 * ink / total).toFixed(1)}% of the image`);
  assert.ok(countPixels(raster, near('#d62728')) > 500, 'class 0 in red');
  assert.ok(countPixels(raster, near('#1f77b4')) > 500, 'class 1 in blue');
});

test('text is drawn with the bundled DejaVu fonts, system fonts off', () => {
  const svg = (family: string) =>
    `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><text x="5" y="30" font-family="${family}" font-size="24">Hello 123</text></svg>`;
  const pixels = (family: string) => svgToRaster(svg(family), 1).pixels;
  const sans = pixels('DejaVu Sans');
  assert.ok(countPixels(svgToRaster(svg('DejaVu Sans'), 1), notWhite) > 200, 'the text is drawn');
  assert.deepEqual(pixels('NoSuchFontAnywhere'), sans, 'an unknown family falls back to DejaVu Sans');
  // a serif face, when a renderer can reach one, draws other pixels ...
  const serifLoaded = new Resvg(svg('DejaVu Serif'), {
    background: 'white',
    font: { fontFiles: [join(dejavuFontDir(), 'DejaVuSerif.ttf')], loadSystemFonts: false, defaultFontFamily: 'DejaVu Serif' },
  }).render();
  assert.notDeepEqual(new Uint8Array(serifLoaded.pixels), sans, 'serif and sans differ');
  // ... but ours reaches none, not even one installed on this machine: it falls back to Sans
  assert.deepEqual(pixels('DejaVu Serif, serif'), sans, 'no serif face is loaded, from the package or the system');
});

test('text widths from the TTF agree with what resvg draws', () => {
  const metrics = loadFontMetrics(chartFontFiles().regular);
  const fontSize = 40;
  for (const sample of ['0000000000', 'class 1 reconstruction', 'window index within the period']) {
    const raster = svgToRaster(
      `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="60"><text x="0" y="45" font-family="DejaVu Sans" font-size="${fontSize}">${sample}</text></svg>`, 1);
    let left = raster.width;
    let right = -1;
    for (let y = 0; y < raster.height; y++) {
      for (let x = 0; x < raster.width; x++) {
        const i = 4 * (y * raster.width + x);
        if (raster.pixels[i]! < 128) { left = Math.min(left, x); right = Math.max(right, x); }
      }
    }
    // ink is narrower than the advance only by the side bearings of the end glyphs (a few px)
    const advance = metrics.width(sample, fontSize);
    const ink = right - left + 1;
    assert.ok(ink <= advance && advance - ink < 0.25 * fontSize, `${sample}: advance ${advance.toFixed(1)} px, ink ${ink} px`);
  }
});

test('layout measures text in DejaVu: a long axis title that fits does not push the plot down', async () => {
  const chart = (yTitle: string): TopLevelSpec => ({
    config: chartConfig, title: 'T', width: 200, height: 300,
    data: { values: [{ a: 1, b: 2 }, { a: 2, b: 3 }] },
    mark: 'point',
    encoding: { x: { field: 'a', type: 'quantitative' }, y: { field: 'b', type: 'quantitative', title: yTitle } },
  });
  // 46 characters at 11 px: about 270 px in DejaVu Sans, fits the 300 px axis; Vega's
  // fallback guess (0.8 em per character, 405 px) would not, and would move the plot down
  const top = (svg: string) => /<g fill="none" stroke-miterlimit="4" transform="translate\((\d+),(\d+)\)"/.exec(svg)?.[2];
  const short = await renderSvg(chart('b'));
  const long = await renderSvg(chart('a long axis title, 46 characters in all, fits'));
  assert.ok(top(short) !== undefined, 'the plot group is found in the SVG');
  assert.equal(top(long), top(short));
});

test('Vega-Lite warnings are collected, not lost', async () => {
  const warnings: string[] = [];
  await renderSvg({
    data: { values: [{ a: 1, b: 2 }] }, mark: 'line',
    encoding: { x: { field: 'a', type: 'temporal', scale: { type: 'log' } } },
  }, { warnings });
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /^warning: .*"log" scale/);
});

test('writeFigure writes the SVG and the PNG and returns the SVG text', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lstm-ae-figure-'));
  try {
    const figure = await writeFigure(dir, 'sine', sineClassesChart(run.series0, run.series1));
    assert.equal(figure.svgPath, join(dir, 'sine.svg'));
    assert.equal(figure.pngPath, join(dir, 'sine.png'));
    assert.equal(readFileSync(figure.svgPath, 'utf8'), figure.svg);
    const size = svgSize(figure.svg);
    assert.deepEqual(pngSize(readFileSync(figure.pngPath)), { width: 2 * size.width, height: 2 * size.height });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
