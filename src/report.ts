/**
 * lstm-ae's charts and reports (Node): the Vega-Lite specs of every figure, rendered to SVG
 * and PNG, and the single-file HTML report. Loads vega, resvg and the fonts.
 */
export { sineClassesChart, reconstructionChart, featuresChart, lossChart, pcaChart } from './report/charts.js';
export type { WindowSelection, ReconstructionChartInput, FeaturesChartInput, FeatureClass, LossHistory, PcaChartOptions } from './report/charts.js';
export { renderSvg, svgToPng, svgToRaster, writeFigure, type RenderOptions, type Raster, type WrittenFigure } from './report/render.js';
export { buildReportHtml, writeReport, escapeHtml } from './report/html-report.js';
export type { ReportData, ReportFigure, ReportMetrics, ConfusionMatrix } from './report/html-report.js';

