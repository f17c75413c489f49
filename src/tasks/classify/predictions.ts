// What classify writes about each series: its predicted class and each class's probability,
// as text, so the CLI, the library and the page write the same predictions.csv.

/** The share of series whose predicted label is the true one. */
export function accuracyOf(truth: readonly string[], predicted: readonly string[]): number {
  let correct = 0;
  truth.forEach((label, i) => {
    if (label === predicted[i]) correct++;
  });
  return correct / truth.length;
}

/**
 * predictions.csv: one row per series, its index, its true class (when known), the predicted
 * class, and each class's probability (columns p(CLASS), in `classes` order).
 */
export function predictionsCsv(predicted: readonly string[], probabilities: Float64Array, classes: readonly string[], truth?: readonly string[]): string {
  const quote = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const K = classes.length;
  const lines = [['series', ...(truth ? ['true'] : []), 'predicted', ...classes.map((c) => `p(${c})`)].map(quote).join(',')];
  predicted.forEach((p, i) => {
    const probs = Array.from(probabilities.subarray(i * K, (i + 1) * K), (v) => v.toPrecision(6));
    lines.push([String(i), ...(truth ? [quote(truth[i]!)] : []), quote(p), ...probs].join(','));
  });
  return lines.join('\n') + '\n';
}
