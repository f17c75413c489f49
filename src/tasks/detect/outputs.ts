// What detect writes beside its report: scores.csv (one line per input row; --follow prints
// the same lines as rows arrive) and anomalies.json (the events). Text only, so the CLI, the
// library and the page write the same bytes.
import type { ColumnPlan, TimeSeriesTable } from '../../io/readers/timeseries-csv.js';
import type { Detection } from './anomaly-detector.js';

/** Numbers at full precision, so a saved file and a live run print the same text. */
function cell(x: number): string {
  return Number.isNaN(x) ? '' : String(x);
}

function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * scores.csv's columns: the input's (time, values, label), then the scores. `surprise` is
 * -log10(1 - anomaly_score), the same order of rows, kept beside it because anomaly_score runs
 * out of digits at 1 - 1e-16 (a surprise of about 16) while the surprise does not: a scorer
 * that ranks rows across files (NAB's threshold) needs the tail's precision.
 */
export function scoresHeader(plan: ColumnPlan, channels: readonly string[]): string {
  const input = [plan.time, ...plan.values, plan.label].filter((k) => k >= 0).map((k) => plan.header[k]!);
  return [...input, 'anomaly_score', 'surprise', 'is_anomaly', 'alert', ...channels.map((c) => `contribution_${c}`)].map(csvField).join(',');
}

export interface OutputRow {
  time: string;
  values: ArrayLike<number>;
  label: number | undefined;
  anomalyScore: number;
  /** -log10 of the tail probability (NaN before the first full window) */
  surprise: number;
  flag: boolean | undefined;
  /** the flag opens an event (alerts.ts) */
  alert: boolean | undefined;
  contributions: ArrayLike<number> | undefined;
}

/** One line of scores.csv (and of --follow's output). */
export function scoresLine(plan: ColumnPlan, row: OutputRow): string {
  const cells: string[] = [];
  if (plan.time >= 0) cells.push(csvField(row.time));
  for (let c = 0; c < row.values.length; c++) cells.push(cell(row.values[c]!));
  if (plan.label >= 0) cells.push(String(row.label ?? ''));
  cells.push(cell(row.anomalyScore), cell(row.surprise), row.flag === undefined ? '' : row.flag ? '1' : '0', row.alert === undefined ? '' : row.alert ? '1' : '0');
  for (let c = 0; c < row.values.length; c++) cells.push(row.contributions ? cell(row.contributions[c]!) : '');
  return cells.join(',');
}

/** scores.csv for every row of `table` as `detection` scored it. */
export function scoresCsv(table: TimeSeriesTable, detection: Detection): string {
  const lines = [scoresHeader(table.plan, table.valueColumns)];
  const D = table.channels;
  for (let r = 0; r < table.times.length; r++) {
    const scored = r >= detection.first;
    lines.push(
      scoresLine(table.plan, {
        time: table.times[r]!,
        values: table.values.subarray(r * D, (r + 1) * D),
        label: table.labels?.[r],
        anomalyScore: detection.anomalyScore[r]!,
        surprise: detection.surprise[r]!,
        flag: scored ? detection.flags[r] === 1 : undefined,
        alert: scored ? detection.alerts[r] === 1 : undefined,
        contributions: scored ? detection.contributions.subarray(r * D, (r + 1) * D) : undefined,
      }),
    );
  }
  return lines.join('\n') + '\n';
}

/** anomalies.json: the rule, the events (intervals) and the rows that raised an alert; each event alerts once, at its first flagged row (alerts.ts). */
export function anomaliesJson(detection: Detection, window: number): string {
  const alertRows: number[] = [];
  detection.alerts.forEach((a, r) => { if (a) alertRows.push(r); });
  return JSON.stringify({ threshold: detection.rule, refractoryRows: window, alertRows, intervals: detection.intervals }, null, 1) + '\n';
}
