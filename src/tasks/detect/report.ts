import type { PrecisionRecall } from '../../analysis/anomaly/evaluate.js';
import { escapeHtml, figureBlock, formatSeconds, keyValueTable, pageStart, type ReportFigure } from '../../report/html-report.js';

/**
 * `lstm-ae detect`'s report: one self-contained HTML page like the demo's (inline CSS and SVG,
 * no scripts, nothing fetched): what was flagged, how the threshold was chosen, the figures,
 * and, when the series has labels, how the flags compare with them.
 */

/** Point- or event-wise precision and recall, as analysis/anomaly/evaluate.ts measures them. */
export type PrecisionRecallRow = PrecisionRecall;

export interface IntervalRow {
  start: string;
  end: string;
  rows: number;
  peakTime: string;
  severity: number;
  peakChannel?: string;
}

export interface DetectReportData {
  title: string;
  subtitle?: string;
  rows: number;
  scoredRows: number;
  flaggedRows: number;
  /** a sentence saying how the threshold was chosen */
  thresholdRule: string;
  intervals: readonly IntervalRow[];
  /** present when the series has labels */
  evaluation?: {
    /** which rows were compared, e.g. "rows 600 to 3999 (after the training span)" */
    span: string;
    point: PrecisionRecallRow;
    event: PrecisionRecallRow;
    nab?: Record<string, number>;
  };
  warnings: readonly string[];
  settings: Record<string, string | number | boolean>;
  training: Record<string, string | number | boolean>;
  timings: Record<string, number>;
  figures: readonly ReportFigure[];
}

/** The intervals table shows this many, most severe first. */
export const INTERVALS_SHOWN = 50;

function number(x: number, digits = 4): string {
  return Number.isFinite(x) ? x.toFixed(digits) : String(x);
}

function evaluationTable(e: NonNullable<DetectReportData['evaluation']>): string {
  const row = (name: string, m: PrecisionRecallRow) =>
    `<tr><th scope="row">${name}</th><td>${number(m.precision)}</td><td>${number(m.recall)}</td><td>${number(m.f1)}</td>` +
    `<td>${m.truePositives}</td><td>${m.falsePositives}</td><td>${m.falseNegatives}</td></tr>`;
  const nab = e.nab
    ? `<p class="table-note">NAB score of anomaly_score (normalised: the null detector 0, the perfect one 100; each labelled run's first row is a labelled anomaly and NAB builds its windows around it; the threshold is NAB's optimiser's).</p>
<table class="grid" id="nab-scores">
<tr>${Object.keys(e.nab).map((p) => `<th>${escapeHtml(p)}</th>`).join('')}</tr>
<tr>${Object.values(e.nab).map((v) => `<td>${v.toFixed(2)}</td>`).join('')}</tr>
</table>`
    : '<p class="table-note">No NAB score: no labelled anomaly lies past the first 15% of the rows.</p>';
  return `<p class="table-note">Flags against the labels over ${escapeHtml(e.span)}. By point: each row. By event: a labelled run counts as found when a flagged interval overlaps it; a flagged interval that overlaps none is a false alarm.</p>
<table class="grid" id="label-metrics">
<tr><th></th><th>precision</th><th>recall</th><th>F1</th><th>true positives</th><th>false positives</th><th>false negatives</th></tr>
${row('by point', e.point)}
${row('by event', e.event)}
</table>
${nab}`;
}

function intervalsTable(intervals: readonly IntervalRow[]): string {
  if (intervals.length === 0) return '<p id="no-intervals">No row was flagged.</p>';
  const shown = [...intervals].sort((a, b) => b.severity - a.severity).slice(0, INTERVALS_SHOWN);
  const channel = intervals.some((i) => i.peakChannel !== undefined);
  const rows = shown.map(
    (i) =>
      `<tr><td>${escapeHtml(i.start)}</td><td>${escapeHtml(i.end)}</td><td>${i.rows}</td><td>${escapeHtml(i.peakTime)}</td>` +
      `<td>${number(i.severity, 1)}</td>${channel ? `<td>${escapeHtml(i.peakChannel ?? '')}</td>` : ''}</tr>`,
  );
  const more = intervals.length > shown.length ? ` (the ${shown.length} most severe of ${intervals.length}; all are in anomalies.json)` : '';
  return `<p class="table-note">Anomaly intervals${more}. Severity is -log10 of the peak's tail probability: 3 means normal rows score as high about once in 1000.</p>
<table class="grid" id="intervals">
<tr><th>start</th><th>end</th><th>rows</th><th>peak</th><th>severity (−log10 p at the peak)</th>${channel ? '<th>channel at the peak</th>' : ''}</tr>
${rows.join('\n')}
</table>`;
}

export function buildDetectReportHtml(data: DetectReportData): string {
  const figures = data.figures.map((f, i) => figureBlock(f, i + 1)).join('\n');
  const warnings = data.warnings.length
    ? `<h2>Warnings</h2>\n<ul id="warnings">${data.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul>`
    : '';
  const flaggedShare = data.scoredRows > 0 ? `${((100 * data.flaggedRows) / data.scoredRows).toFixed(2)}% of scored rows` : '';
  return `${pageStart(data.title, data.subtitle)}
<section class="summary" aria-label="summary">
<div>rows scored<span class="value" id="scored-rows">${data.scoredRows}</span>of ${data.rows}</div>
<div>rows flagged<span class="value" id="flagged-rows">${data.flaggedRows}</span>${flaggedShare}</div>
<div>anomaly intervals<span class="value" id="interval-count">${data.intervals.length}</span>flags grouped</div>
${data.evaluation ? `<div>F1 by event<span class="value" id="event-f1">${number(data.evaluation.event.f1, 3)}</span>against the labels</div>` : ''}
</section>
<p id="threshold-rule">${escapeHtml(data.thresholdRule)}</p>
${warnings}
<h2>Figures</h2>
${figures}

<h2>Anomalies</h2>
${intervalsTable(data.intervals)}
${data.evaluation ? `<h2>Against the labels</h2>\n${evaluationTable(data.evaluation)}` : ''}

<h2>Training</h2>
${keyValueTable(Object.entries(data.training).map(([k, v]) => [k, String(v)] as const), 'How the detector was fitted')}

<h2>Settings</h2>
${keyValueTable(Object.entries(data.settings).map(([k, v]) => [k, String(v)] as const), 'The settings of this run')}

<h2>Timings</h2>
${keyValueTable(Object.entries(data.timings).map(([k, v]) => [k, formatSeconds(v)] as const), 'Wall-clock time per stage')}
</body>
</html>
`;
}
