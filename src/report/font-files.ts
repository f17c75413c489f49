import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The DejaVu TTF files shipped by the `dejavu-fonts-ttf` package. Charts are laid out and
 * rasterised with these, never with system fonts, so a PNG looks the same on a bare CI
 * machine as on a desktop.
 */
export { CHART_FONT_FAMILY } from './chart-style.js';

/** Font folder, found through node's resolver so it works from any working directory. */
export function dejavuFontDir(): string {
  const packageJson = createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json');
  return join(dirname(packageJson), 'ttf');
}

/** The four faces a chart can use: regular, bold (titles), and their obliques. */
export function chartFontFiles(): { regular: string; bold: string; oblique: string; boldOblique: string } {
  const dir = dejavuFontDir();
  return {
    regular: join(dir, 'DejaVuSans.ttf'),
    bold: join(dir, 'DejaVuSans-Bold.ttf'),
    oblique: join(dir, 'DejaVuSans-Oblique.ttf'),
    boldOblique: join(dir, 'DejaVuSans-BoldOblique.ttf'),
  };
}
