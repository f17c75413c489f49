import { FEATURE_CHECK_TOLERANCE } from '../analysis/lstm-feed-forward.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { embeddableSvg } from './svg-embed.js';

/**
 * The run's report: one self-contained HTML page (inline CSS, inline SVG charts, no
 * scripts, nothing fetched), so it opens the same from a CI artifact, an e-mail or a
 * machine with no network.
 */

export interface ReportFigure {
  title: string;
  caption: string;
  /** The chart as rendered by renderSvg. */
  svg: string;
}

export interface ReportMetrics {
  testAccuracy: number;
  /** The same classifier on standardised features (shown beside testAccuracy when given). */
  standardizedTestAccuracy?: number;
  /** Final mean squared reconstruction error over all training windows. */
  trainMse: number;
  /** Largest |difference| between the model's encode and the independent float64 feed-forward. */
  featureCheckMaxAbsDiff: number;
  /** The check passes when the difference is at most this (default 1e-5). */
  featureCheckTolerance?: number;
}

export interface ConfusionMatrix {
  /** Class names, in index order. */
  classes: readonly string[];
  /** matrix[true class][predicted class] = number of windows. */
  matrix: readonly (readonly number[])[];
}

export interface ReportData {
  title: string;
  /** Shown under the title, e.g. when and how the run was made. */
  subtitle?: string;
  settings: Record<string, string | number | boolean>;
  /** Wall-clock seconds per stage, in the order to show them. */
  timings: Record<string, number>;
  metrics: ReportMetrics;
  /** A sentence shown under the test accuracy, e.g. how far one run's accuracy can be trusted. */
  accuracyNote?: string;
  /** A sentence shown under the feature check, e.g. why it failed. */
  featureCheckNote?: string;
  /** One line answering "are the features linearly separable?", shown with the classification. */
  separabilityNote?: string;
  confusion: ConfusionMatrix;
  loss: ReportFigure;
  figures: readonly ReportFigure[];
}


/** A report page's start: the doctype, the head with the shared style (and `extraStyle`), the title and subtitle. */
export function pageStart(title: string, subtitle: string | undefined, extraStyle = ''): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}${extraStyle}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${subtitle ? `<p class="subtitle">${escapeHtml(subtitle)}</p>` : ''}`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return String(seconds);
  if (seconds < 60) return `${seconds.toFixed(2)} s`;
  return `${Math.floor(seconds / 60)} min ${(seconds % 60).toFixed(1)} s`;
}

export function keyValueTable(rows: readonly (readonly [string, string])[], caption: string): string {
  const body = rows.map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('\n');
  return `<table class="kv"><caption>${escapeHtml(caption)}</caption>\n${body}\n</table>`;
}

export function checkConfusion({ classes, matrix }: ConfusionMatrix): void {
  const square = matrix.length === classes.length && matrix.every((row) => row.length === classes.length);
  const counts = matrix.every((row) => row.every((v) => Number.isInteger(v) && v >= 0));
  if (!square || !counts) throw new Error(`confusion matrix must be ${classes.length}x${classes.length} counts`);
}

/** `unit` names what was classified: the article's test windows, or classify's test series. */
export function confusionTable({ classes, matrix }: ConfusionMatrix, unit = 'windows'): string {
  const head = classes.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join('');
  const rows = matrix.map((row, t) => {
    const cells = row.map((v, p) => `<td class="${t === p ? 'diag' : v > 0 ? 'miss' : ''}">${v}</td>`).join('');
    return `<tr><th scope="row">${escapeHtml(classes[t]!)}</th>${cells}</tr>`;
  });
  return `<p class="table-note">Confusion matrix on the test ${unit}: rows are the true class, columns the predicted class.</p>
<table class="grid" id="confusion-matrix">
<tr><th>true \\ predicted</th>${head}</tr>
${rows.join('\n')}
</table>`;
}

export function perClassTable({ classes, matrix }: ConfusionMatrix, unit = 'windows'): string {
  const rows = classes.map((name, k) => {
    const windows = matrix[k]!.reduce((a, b) => a + b, 0);
    const predicted = matrix.reduce((a, row) => a + row[k]!, 0);
    const correct = matrix[k]![k]!;
    const recall = windows > 0 ? (correct / windows).toFixed(4) : '–';
    return `<tr><th scope="row">${escapeHtml(name)}</th><td>${windows}</td><td>${predicted}</td><td>${correct}</td><td>${recall}</td></tr>`;
  });
  return `<p class="table-note">Per-class counts on the test ${unit}.</p>
<table class="grid" id="class-counts">
<tr><th>class</th><th>${unit}</th><th>predicted as this class</th><th>correct</th><th>recall</th></tr>
${rows.join('\n')}
</table>`;
}

/** Charts are laid out for 10-11 px text; shown a quarter larger, still shrinking to fit. */
const CHART_ZOOM = 1.25;

export function figureBlock(figure: ReportFigure, index: number): string {
  let svg = embeddableSvg(figure.svg, `fig${index}`);
  const width = /^<svg[^>]*\swidth="([\d.]+)"/.exec(svg)?.[1];
  if (width) svg = svg.replace('<svg', `<svg style="width: ${Math.round(Number(width) * CHART_ZOOM)}px"`);
  return `<figure class="chart" id="figure-${index}">
<div class="svg">${svg}</div>
<figcaption><strong>${escapeHtml(figure.title)}.</strong> ${escapeHtml(figure.caption)}</figcaption>
</figure>`;
}

const STYLE = `
body { font-family: "DejaVu Sans", system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 1000px;
  padding: 0 1rem; color: #222; line-height: 1.45; }
h1 { margin-bottom: 0.2rem; } .subtitle { color: #555; margin-top: 0; }
h2 { border-bottom: 1px solid #ddd; padding-bottom: 0.2rem; margin-top: 2.2rem; }
table { border-collapse: collapse; margin: 0.6rem 0 1rem; }
caption, .table-note { text-align: left; color: #555; font-size: 0.9rem; padding-bottom: 0.3rem; }
.table-note { margin: 1rem 0 0; }
th, td { border: 1px solid #ddd; padding: 0.25rem 0.6rem; text-align: left; }
table.grid td { text-align: right; font-variant-numeric: tabular-nums; }
table.kv th { font-weight: normal; color: #444; background: #fafafa; }
td.diag { background: #e8f4e8; } td.miss { background: #fbe3e3; }
.summary { display: flex; flex-wrap: wrap; gap: 0.8rem; margin: 1rem 0; }
.summary div { border: 1px solid #ddd; border-radius: 6px; padding: 0.5rem 0.9rem; min-width: 10rem; }
.summary .value { font-size: 1.4rem; font-weight: bold; display: block; }
.pass { color: #1a7f37; font-weight: bold; } .fail { color: #c62828; font-weight: bold; }
figure.chart { margin: 1.2rem 0 2rem; }
figure.chart svg { max-width: 100%; height: auto; display: block; }
figcaption { color: #444; font-size: 0.92rem; margin-top: 0.4rem; }
`;

/** An optional sentence as its own paragraph, with an id a test or a reader can find. */
export function note(id: string, text: string | undefined): string {
  return text === undefined ? '' : `<p id="${id}">${escapeHtml(text)}</p>\n`;
}

export function buildReportHtml(data: ReportData): string {
  checkConfusion(data.confusion);
  const { metrics } = data;
  const tolerance = metrics.featureCheckTolerance ?? FEATURE_CHECK_TOLERANCE;
  const diff = metrics.featureCheckMaxAbsDiff;
  const featurePass = Number.isFinite(diff) && diff <= tolerance;
  const verdict = featurePass ? '<span class="pass">pass</span>' : '<span class="fail">FAIL</span>';
  const testWindows = data.confusion.matrix.reduce((a, row) => a + row.reduce((b, v) => b + v, 0), 0);
  const correct = data.confusion.matrix.reduce((a, row, k) => a + row[k]!, 0);

  const settings = Object.entries(data.settings).map(([k, v]) => [k, String(v)] as const);
  const timings = Object.entries(data.timings).map(([k, v]) => [k, formatSeconds(v)] as const);
  const figures = data.figures.map((f, i) => figureBlock(f, i + 1)).join('\n');

  return `${pageStart(data.title, data.subtitle)}
<section class="summary" aria-label="summary">
<div>test accuracy<span class="value" id="test-accuracy">${metrics.testAccuracy.toFixed(4)}</span>${correct} of ${testWindows} windows</div>
${metrics.standardizedTestAccuracy === undefined ? '' : `<div>standardised features<span class="value">${metrics.standardizedTestAccuracy.toFixed(4)}</span>test accuracy, same classifier</div>
`}<div>final training MSE<span class="value" id="train-mse">${metrics.trainMse.toPrecision(4)}</span>over all training windows</div>
<div>feature check<span class="value">${verdict}</span>max |diff| ${diff.toExponential(2)}</div>
</section>

<h2>Settings</h2>
${keyValueTable(settings, 'The settings of this run')}

<h2>Timings</h2>
${keyValueTable(timings, 'Wall-clock time per stage')}

<h2>Training</h2>
${figureBlock(data.loss, 0)}

<h2>Figures</h2>
${figures}

<h2>Feature check</h2>
<p>The encoder features computed two ways: by the model's own <code>encode</code>, and by an
independent feed-forward in float64 that rebuilds the LSTM from the saved weights one time step
at a time. Largest absolute difference over all windows and features:
<strong id="feature-check-diff">${diff.toExponential(3)}</strong>
(tolerance ${tolerance.toExponential(0)}): <span id="feature-check-verdict">${verdict}</span>.</p>
${note('feature-check-note', data.featureCheckNote)}
<h2>Classification</h2>
<p>Logistic regression on the encoder features. Test accuracy
<strong>${metrics.testAccuracy.toFixed(4)}</strong> (${correct} of ${testWindows} test windows correct).</p>
${metrics.standardizedTestAccuracy === undefined ? '' : `<p>The same classifier on the features standardised (each by its training mean and standard deviation):
test accuracy <strong id="standardized-accuracy">${metrics.standardizedTestAccuracy.toFixed(4)}</strong>.</p>
`}${note('separability-note', data.separabilityNote === undefined ? undefined : `Are the features linearly separable? ${data.separabilityNote}`)}${note('accuracy-note', data.accuracyNote)}${confusionTable(data.confusion)}
${perClassTable(data.confusion)}

<h2>Reconstruction</h2>
<p>Final training MSE (mean squared error of the reconstructions over all training windows):
<strong>${metrics.trainMse.toPrecision(6)}</strong>.</p>
</body>
</html>
`;
}

/** Write the report atomically: a reader never sees half a page. */
export function writeReport(path: string, data: ReportData): void {
  writeFileAtomic(path, buildReportHtml(data));
}
