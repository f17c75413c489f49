/**
 * Alert once per event: a flagged row raises an alert only when no row in the `refractory`
 * rows before it was flagged, so the flagged rows of one event (runs closer than that, which
 * the intervals join into one) page once, at the event's first flagged row. Causal: a row's
 * alert depends on earlier flags only, so --follow and the batch run agree. scores.csv keeps
 * the continuous anomaly_score and the flag beside the alert.
 */
export class AlertRule {
  private lastFlag = -Infinity;
  private row = 0;

  /** refractory: rows after a flag in which a new flag is the same event (detect uses the window W, as the intervals do) */
  constructor(readonly refractory: number) {}

  /** The next row's flag (undefined: not scored); whether it raises an alert. */
  push(flag: boolean | undefined): boolean {
    const t = this.row++;
    if (!flag) return false;
    const alert = t - this.lastFlag > this.refractory;
    this.lastFlag = t;
    return alert;
  }
}

/** Every row's alert (0/1) for a series' flags. */
export function alertsOf(flags: ArrayLike<number>, refractory: number): Uint8Array {
  const rule = new AlertRule(refractory);
  return Uint8Array.from({ length: flags.length }, (_, t) => (rule.push(flags[t] === 1) ? 1 : 0));
}
