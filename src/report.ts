/**
 * lstm-ae's charts and reports (Node): the Vega-Lite specs of every figure, rendered to SVG
 * and PNG, and the single-file HTML report. Loads vega, resvg and the fonts.
 */
export { sineClassesChart, reconstructionChart, featuresChart, lossChart, pcaChart } from './report/charts.js';
export type { WindowSelection, ReconstructionChartInput, FeaturesChartInput, FeatureClass, LossHistory, PcaChartOptions } from './report/charts.js';
export { renderSvg, svgToPng, svgToRaster, writeFigure, type RenderOptions, type Raster, type WrittenFigure } from './report/render.js';
export { buildReportHtml, writeReport, escapeHtml } from './report/html-report.js';
export type { ReportData, ReportFigure, ReportMetrics, ConfusionMatrix } from './report/html-report.js';


// detection's and classification's charts, and detect's figures as the report and the page draw them
export { seriesChart, scoreChart, distributionChart, contributionChart } from './report/anomaly-charts.js';
export type { SeriesChartInput, ScoreChartInput, DistributionChartInput, ContributionChartInput, Span } from './report/anomaly-charts.js';
export { seriesByClassChart, reconstructionByClassChart, ensembleLossChart, classPcaChart, accuracyChart, type DrawnSeries, type ReconstructedSeries, type ModelHistory } from './report/classify-charts.js';
export { detectFigureSpecs, type DetectFigureInput, type FigureSpec } from './tasks/detect/figure-specs.js';
