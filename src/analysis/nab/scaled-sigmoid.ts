/**
 * NAB's scaled sigmoid (numenta/NAB nab/sweeper.py): how much a detection is worth given where
 * it falls relative to an anomaly window. Position -1 is the window's left edge (worth
 * 2·sigmoid(5) - 1 = 0.98661), 0 its right edge (worth 0), positive positions lie after the
 * window (negative worth, down to -0.98661 at +1 and a flat -1 from +3 on).
 */
export function scaledSigmoid(position: number): number {
  // From 3 window-lengths after a window a false positive costs its full weight.
  if (position >= 3.0) return -1.0;
  return 2 / (1 + Math.exp(5 * position)) - 1;
}

/** The sigmoid at the left edge of a window: NAB divides by it so the earliest detection is worth exactly tpWeight. */
export const SCALED_SIGMOID_LEFT_EDGE = scaledSigmoid(-1.0);
