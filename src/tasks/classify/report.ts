import { writeFileAtomic } from '../../io/atomic-write.js';
import {
  checkConfusion,
  confusionTable,
  escapeHtml,
  figureBlock,
  formatSeconds,
  keyValueTable,
  note,
  perClassTable,
  type ConfusionMatrix,
  type ReportFigure,
  pageStart,
} from '../../report/html-report.js';

/**
 * `classify`'s report.html: one self-contained page like the article's (inline CSS and
 * SVG, no scripts, nothing fetched): the result beside the baselines first, then the
 * data, the training, the features, the errors, the settings and the timings.
 */

export interface MethodScore {
  method: string;
  accuracy: number;
  seconds: number;
  /** what it is, in a few words */
  detail: string;
  ours?: boolean;
}

export interface ClassifyReportData {
  title: string;
  subtitle?: string;
  /** ours first, then the baselines */
  scores: readonly MethodScore[];
  /** a sentence that says whether the autoencoder earned its keep */
  verdict: string;
  trainAccuracy: number;
  settings: Record<string, string | number | boolean>;
  timings: Record<string, number>;
  confusion: ConfusionMatrix;
  /** figure groups in page order: data, training, features, results */
  figures: { data: readonly ReportFigure[]; training: readonly ReportFigure[]; features: readonly ReportFigure[]; results: readonly ReportFigure[] };
  featureNote?: string;
}

function scoreTable(scores: readonly MethodScore[]): string {
  const rows = scores.map((s) => `<tr${s.ours ? ' class="ours"' : ''}><th scope="row">${escapeHtml(s.method)}</th><td>${s.accuracy.toFixed(4)}</td><td>${formatSeconds(s.seconds)}</td><td class="detail">${escapeHtml(s.detail)}</td></tr>`);
  return `<table class="grid" id="scores">
<tr><th>method</th><th>test accuracy</th><th>time</th><th>what it is</th></tr>
${rows.join('\n')}
</table>`;
}

const EXTRA_STYLE = `
tr.ours th, tr.ours td { font-weight: bold; background: #eef4fb; }
table.grid td.detail { text-align: left; color: #444; font-size: 0.9rem; }
`;

function buildClassifyReportHtml(data: ClassifyReportData): string {
  checkConfusion(data.confusion);
  const ours = data.scores.find((s) => s.ours) ?? data.scores[0]!;
  const testSeries = data.confusion.matrix.reduce((a, row) => a + row.reduce((b, v) => b + v, 0), 0);
  const correct = data.confusion.matrix.reduce((a, row, k) => a + row[k]!, 0);
  const bestBaseline = data.scores.filter((s) => !s.ours).reduce((a, b) => (b.accuracy > a.accuracy ? b : a), { method: '–', accuracy: -Infinity } as Pick<MethodScore, 'method' | 'accuracy'>);
  let index = 0;
  const block = (figures: readonly ReportFigure[]) => figures.map((f) => figureBlock(f, index++)).join('\n');
  const settings = Object.entries(data.settings).map(([k, v]) => [k, String(v)] as const);
  const timings = Object.entries(data.timings).map(([k, v]) => [k, formatSeconds(v)] as const);
  return `${pageStart(data.title, data.subtitle, EXTRA_STYLE)}
<section class="summary" aria-label="summary">
<div>test accuracy<span class="value" id="test-accuracy">${ours.accuracy.toFixed(4)}</span>${correct} of ${testSeries} series</div>
<div>best baseline<span class="value" id="best-baseline">${bestBaseline.accuracy.toFixed(4)}</span>${escapeHtml(bestBaseline.method)}</div>
<div>training accuracy<span class="value" id="train-accuracy">${data.trainAccuracy.toFixed(4)}</span>the same classifier on its own training series</div>
</section>
<p id="verdict">${escapeHtml(data.verdict)}</p>

<h2>Accuracy against the baselines</h2>
${scoreTable(data.scores)}
${block(data.figures.results)}

<h2>The data</h2>
${block(data.figures.data)}

<h2>Training</h2>
${block(data.figures.training)}

<h2>The features</h2>
${note('feature-note', data.featureNote)}${block(data.figures.features)}

<h2>Errors</h2>
${confusionTable(data.confusion, 'series')}
${perClassTable(data.confusion, 'series')}

<h2>Settings</h2>
${keyValueTable(settings, 'The settings of this run')}

<h2>Timings</h2>
${keyValueTable(timings, 'Wall-clock time per stage')}
</body>
</html>
`;
}

/** Write the report atomically: a reader never sees half a page. */
export function writeClassifyReportHtml(path: string, data: ClassifyReportData): void {
  writeFileAtomic(path, buildClassifyReportHtml(data));
}
