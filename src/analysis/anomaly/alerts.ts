/**
 * Alert once per event. NAB, like an on-call engineer, counts every flagged row outside an
 * anomaly window as a false positive, and a window is worth only its earliest detection; so
 * once a row has alerted, the rows of the same event should not alert again. An event here is
 * a run of "red" rows (surprise >= red) with gaps of at most `refractory` rows. Its first row
 * alerts. Each later red row keeps its surprise only if it escalates the event: if it climbs
 * more than `escalation` above the last row of the event that kept its own; otherwise it is
 * lowered to `damped` (below red). So at any threshold at or above red, an event gives one
 * detection, and another each time it grows 10^escalation times rarer, not one per red row
 * nor one per new high: a metric that climbs row by row pages once, as an on-call engineer
 * would want, while an event that starts mild and turns severe pages again. (HTM's likelihood
 * filter, nupic anomaly_likelihood.py _filterLikelihoods, damps every red row after a red row
 * to a fixed level; that lost here, because a threshold above the event's first row then
 * never sees its stronger rows.) The score stays continuous, rows that are not red pass
 * unchanged, and a row's gate depends on the rows before it only.
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
  /**
   * how far (in surprise) a later red row must climb above the event's last undamped row to
   * keep its own; absent: 0, any new peak (the gate of detectors written before it existed)
   */
  readonly escalation?: number;
}

export class AlertGate {
  /** rows from the last red row to this one (1: the row right after it) */
  private sinceRed = Infinity;
  /** the surprise of the current event's last row that kept its own */
  private lastKept = -Infinity;
  private readonly escalation: number;

  constructor(readonly settings: AlertSettings) {
    const { red, damped, refractory } = settings;
    if (!(Number.isFinite(red) && (damped === null || (Number.isFinite(damped) && damped < red)))) {
      throw new InputError(`alert gate: red ${red}, damped ${damped}; expected finite numbers with damped below red`);
    }
    if (!(Number.isInteger(refractory) && refractory >= 1)) throw new InputError(`alert gate: refractory span ${refractory}; expected a whole number of rows from 1 up`);
    this.escalation = settings.escalation ?? 0;
    if (!(Number.isFinite(this.escalation) && this.escalation >= 0)) throw new InputError(`alert gate: escalation ${settings.escalation}; expected a finite number from 0 up`);
  }

  /** The row's surprise after the gate, and whether it alerts (the first red row of an event). */
  push(surprise: number): { surprise: number; alert: boolean } {
    const { red, damped, refractory } = this.settings;
    this.sinceRed++;
    if (!(surprise >= red)) return { surprise, alert: false };
    const alert = this.sinceRed > refractory;
    this.sinceRed = 0;
    // the event's first row and each row that escalates it keep their surprise (a threshold above the earlier rows sees it first), the rest are damped
    if (alert || surprise > this.lastKept + this.escalation) {
      this.lastKept = surprise;
      return { surprise, alert };
    }
    return { surprise: damped === null ? surprise : Math.min(surprise, damped), alert };
  }
}
