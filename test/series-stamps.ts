import type { AnomalySeries } from '../src/data/anomaly-series.js';

/**
 * The series with its rows `minutes` apart from 2024-01-01 00:00 (makeAnomalySeries spaces
 * them a minute apart): enough days in a short training span for the detector's time-of-day
 * model, which needs the training rows to span a whole day.
 */
export function stampedEvery(series: AnomalySeries, minutes: number): AnomalySeries {
  const stamp = (t: number) => new Date(Date.UTC(2024, 0, 1) + t * minutes * 60_000).toISOString().slice(0, 19).replace('T', ' ');
  return { ...series, times: series.times.map((_, t) => stamp(t)) };
}
