/**
 * A labelled synthetic series for anomaly detection: each channel a sum of two sines with its
 * own periods plus Gaussian noise, and, after the normal training stretch, anomalies of four
 * kinds placed one per slot, each on one channel:
 * - spike: one row pushed 3 to 4 amplitudes up or down;
 * - level shift: 60 rows moved by ±1.5;
 * - frequency change: 80 rows where the main sine runs twice as fast (phase kept continuous);
 * - noise burst: 50 rows with noise of 0.6 added.
 * Every row of an anomaly is labelled 1, every other row 0. Seeded by numpy's RandomState, so a
 * seed fixes the series.
 */
import { InputError } from '../input-error.js';
import { RandomState } from '../ops/random-state.js';

export const ANOMALY_KINDS = ['spike', 'level_shift', 'frequency_change', 'noise_burst'] as const;
export type AnomalyKind = (typeof ANOMALY_KINDS)[number];

/** How long each kind lasts, in rows. */
export const ANOMALY_LENGTH: Record<AnomalyKind, number> = { spike: 1, level_shift: 60, frequency_change: 80, noise_burst: 50 };

export interface AnomalySeriesConfig {
  rows: number;
  channels: number;
  /** anomalies, cycling through the kinds */
  events: number;
  /** no anomaly before this share of the rows: the normal span to train on */
  normalFraction: number;
  /** standard deviation of the noise on every row */
  noise: number;
  seed: number;
}

export const DEFAULT_ANOMALY_SERIES: AnomalySeriesConfig = { rows: 4000, channels: 2, events: 8, normalFraction: 0.3, noise: 0.05, seed: 0 };

export interface AnomalyEvent {
  kind: AnomalyKind;
  /** the channel it is on, 0-based */
  channel: number;
  /** first and last row, inclusive */
  start: number;
  end: number;
}

export interface AnomalySeries {
  config: AnomalySeriesConfig;
  /** column names: value (one channel) or x1, x2, ... */
  channels: string[];
  /** "YYYY-MM-DD HH:MM:SS", one minute apart */
  times: string[];
  /** (rows, channels), anomalies included */
  values: Float64Array;
  /** the same series without the anomalies (noise included) */
  clean: Float64Array;
  labels: Uint8Array;
  events: AnomalyEvent[];
}

function check(c: AnomalySeriesConfig): void {
  const whole = (name: string, v: number, min: number) => {
    if (!Number.isInteger(v) || v < min) throw new InputError(`anomaly series: ${name} ${v}; expected a whole number from ${min} up`);
  };
  whole('rows', c.rows, 100);
  whole('channels', c.channels, 1);
  whole('events', c.events, 0);
  if (!(c.normalFraction > 0 && c.normalFraction < 1)) throw new InputError(`anomaly series: normal fraction ${c.normalFraction}; expected a number between 0 and 1`);
  if (!(c.noise >= 0 && Number.isFinite(c.noise))) throw new InputError(`anomaly series: noise ${c.noise}; expected a number from 0 up`);
  const longest = Math.max(...Object.values(ANOMALY_LENGTH));
  const slots = c.rows - Math.ceil(c.normalFraction * c.rows);
  if (c.events > 0 && Math.floor(slots / c.events) < 2 * longest) {
    throw new InputError(`anomaly series: ${c.events} anomalies do not fit in the ${slots} rows after the normal span (each needs ${2 * longest}); give more rows or fewer events`);
  }
}

export function makeAnomalySeries(config: Partial<AnomalySeriesConfig> = {}): AnomalySeries {
  const c = { ...DEFAULT_ANOMALY_SERIES, ...config };
  check(c);
  const rng = new RandomState(c.seed);
  const { rows, channels: D } = c;
  const periods = Array.from({ length: D }, (_, k) => ({ main: 40 + 17 * k, slow: (40 + 17 * k) * 3.7, phase: rng.uniform(0, 2 * Math.PI) }));

  // where the anomalies go: one per equal slot after the normal span, at a random offset in its first half
  const first = Math.ceil(c.normalFraction * rows);
  const slot = c.events > 0 ? Math.floor((rows - first) / c.events) : 0;
  const events: AnomalyEvent[] = [];
  for (let e = 0; e < c.events; e++) {
    const kind = ANOMALY_KINDS[e % ANOMALY_KINDS.length]!;
    const start = first + e * slot + rng.randomInterval(Math.floor(slot / 2) - ANOMALY_LENGTH[kind]);
    events.push({ kind, channel: rng.randomInterval(D - 1), start, end: start + ANOMALY_LENGTH[kind] - 1 });
  }
  const magnitude = events.map((e) => (e.kind === 'spike' ? rng.uniform(3, 4) : 1.5) * (rng.uniform() < 0.5 ? -1 : 1));

  const values = new Float64Array(rows * D);
  const clean = new Float64Array(rows * D);
  for (let t = 0; t < rows; t++) {
    for (let k = 0; k < D; k++) {
      const p = periods[k]!;
      const noise = c.noise * rng.standardNormal();
      const base = Math.sin((2 * Math.PI * t) / p.main) + 0.5 * Math.sin((2 * Math.PI * t) / p.slow + p.phase);
      clean[t * D + k] = base + noise;
      let value = base + noise;
      events.forEach((e, n) => {
        if (e.channel !== k || t < e.start || t > e.end) return;
        if (e.kind === 'spike' || e.kind === 'level_shift') value += magnitude[n]!;
        else if (e.kind === 'frequency_change') {
          // the main sine's phase runs twice as fast from the event's start
          const phase = (2 * Math.PI * (e.start + 2 * (t - e.start))) / p.main;
          value += Math.sin(phase) - Math.sin((2 * Math.PI * t) / p.main);
        }
      });
      values[t * D + k] = value;
    }
    // drawn for every row whatever the events, so that the clean series does not depend on them
    for (let k = 0; k < D; k++) {
      const burst = 0.6 * rng.standardNormal();
      for (const e of events) if (e.kind === 'noise_burst' && e.channel === k && t >= e.start && t <= e.end) values[t * D + k] = values[t * D + k]! + burst;
    }
  }
  const labels = new Uint8Array(rows);
  for (const e of events) labels.fill(1, e.start, e.end + 1);
  const start = Date.UTC(2024, 0, 1);
  const times = Array.from({ length: rows }, (_, t) => new Date(start + t * 60_000).toISOString().slice(0, 19).replace('T', ' '));
  const channelNames = D === 1 ? ['value'] : Array.from({ length: D }, (_, k) => `x${k + 1}`);
  return { config: c, channels: channelNames, times, values, clean, labels, events };
}

/** The series as CSV: timestamp, the channels, label. */
export function anomalySeriesCsv(s: AnomalySeries): string {
  const D = s.channels.length;
  const lines = [['timestamp', ...s.channels, 'label'].join(',')];
  for (let t = 0; t < s.times.length; t++) {
    const values = Array.from(s.values.subarray(t * D, (t + 1) * D), (v) => String(v));
    lines.push([s.times[t]!, ...values, String(s.labels[t])].join(','));
  }
  return lines.join('\n') + '\n';
}
