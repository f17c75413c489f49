import type { Config } from 'vega-lite';

/**
 * The look shared by every chart: one font (the one resvg is given, so that Vega's text
 * measurement and the drawn pixels agree; browsers without it fall back to sans-serif),
 * a white background (PNG viewers show transparency as black or a checkerboard), and the
 * article's colours.
 */
/** The family name of the DejaVu files in font-files.ts (here, so a browser bundle of the chart specs needs no Node module). */
export const CHART_FONT_FAMILY = 'DejaVu Sans';

const CHART_FONT = `${CHART_FONT_FAMILY}, sans-serif`;

export const chartConfig: Config = {
  font: CHART_FONT,
  background: 'white',
  padding: 8,
  title: { fontSize: 14, anchor: 'start', offset: 10, subtitleFontSize: 11, subtitleColor: '#555' },
  axis: { labelFontSize: 10, titleFontSize: 11, titleFontWeight: 'normal', gridColor: '#e6e6e6' },
  header: { labelFontSize: 11, titleFontSize: 11, titleFontWeight: 'normal' },
  legend: { labelFontSize: 11, titleFontSize: 11, titleFontWeight: 'normal' },
  view: { stroke: '#bbb' },
};

/** The article's colours: class 0 red, class 1 blue; originals blue, reconstructions red. */
export const RED = '#d62728';
export const BLUE = '#1f77b4';

/** Class k's colour: the article's red and blue for the first two, then Tableau's. */
export function classColours(classCount: number): string[] {
  const more = ['#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
  return [RED, BLUE, ...more].slice(0, Math.max(classCount, 1));
}

export function classLabel(k: number): string {
  return `class ${k}`;
}
