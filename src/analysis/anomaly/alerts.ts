/**
 * Alert once per event. NAB, like an on-call engineer, counts every flagged row outside an
 * anomaly window as a false positive, and a window is worth only its earliest detection; so
 * once a row has alerted, the rows of the same event should not alert again. An event here is
 * a run of "red" rows (surprise >= red) with gaps of at most `refractory` rows. Its first row
 * alerts. Each later red row keeps its surprise only if it is the event's new peak, and is
 * otherwise lowered to `damped` (below red): so at any threshold at or above red, an event
 * gives one detection for each time it climbs to a new high above the threshold, not one per
 * red row. (HTM's likelihood filter, nupic anomaly_likelihood.py _filterLikelihoods, damps
 * every red row after a red row to a fixed level; that lost here, because a threshold above
 * the event's first row then never sees its stronger rows.) The score stays continuous, rows
 * that are not red pass unchanged, and a row's gate depends on the rows before it only.
 */

import { InputError } from '../../input-error.js';

export interface AlertSettings {
  /** the surprise at and above which a row is red */
  readonly red: number;
  /**
   * what a red row inside an event that is not its new peak is lowered to (min(surprise,
   * damped)); null: the score is left as it is and only the `alert` flag marks the event
   */
  readonly damped: number | null;
  /** rows after a red row within which the next red row belongs to the same event */
  readonly refractory: number;
}

export class AlertGate {
  /** rows from the last red row to this one (1: the row right after it) */
  private sinceRed = Infinity;
  /** the highest surprise of the current event */
  private eventPeak = -Infinity;

  constructor(readonly settings: AlertSettings) {
    const { red, damped, refractory } = settings;
    if (!(Number.isFinite(red) && (damped === null || (Number.isFinite(damped) && damped < red)))) {
      throw new InputError(`alert gate: red ${red}, damped ${damped}; expected finite numbers with damped below red`);
    }
    if (!(Number.isInteger(refractory) && refractory >= 1)) throw new InputError(`alert gate: refractory span ${refractory}; expected a whole number of rows from 1 up`);
  }

  /** The row's surprise after the gate, and whether it alerts (the first red row of an event). */
  push(surprise: number): { surprise: number; alert: boolean } {
    const { red, damped, refractory } = this.settings;
    this.sinceRed++;
    if (!(surprise >= red)) return { surprise, alert: false };
    const alert = this.sinceRed > refractory;
    this.sinceRed = 0;
    if (alert) this.eventPeak = -Infinity;
    // a new peak of the event keeps its surprise (a threshold above the earlier rows sees it first), the rest are damped
    if (surprise > this.eventPeak) {
      this.eventPeak = surprise;
      return { surprise, alert };
    }
    return { surprise: damped === null ? surprise : Math.min(surprise, damped), alert };
  }
}
