import type { ThresholdRule } from '../../analysis/anomaly/scorer.js';

/** The threshold rule in words. */
export function describeRule(rule: ThresholdRule): string {
  switch (rule.rule) {
    case 'fpr':
      return `A row is flagged when its anomaly_score is at least ${rule.score} (1 - ${rule.fpr}): normal rows score that high with probability ${rule.fpr}.`;
    case 'sigma':
      return `A row is flagged when its surprise (-log10 of its tail probability) is at least ${rule.surprise.toPrecision(6)}: the held-out normal rows' mean surprise plus ${rule.k} standard deviations.`;
    case 'fbeta':
      return `A row is flagged when its surprise (-log10 of its tail probability) is at least ${rule.surprise.toPrecision(6)}: the threshold with the best F${rule.beta} on the labelled validation rows.`;
    case 'dynamic':
      return `A row is flagged by Telemanom's dynamic threshold: over the last ${rule.window} rows, chosen again every ${rule.every} rows (error buffer ${rule.errorBuffer}, z up to ${rule.sdLimit}).`;
  }
}
