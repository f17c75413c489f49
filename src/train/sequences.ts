import { InputError } from '../input-error.js';
import { firstNonFinite, FLOAT32_RANGE_TEXT } from './non-finite.js';
import type { ModelDims } from './gradient-step.js';

/**
 * N windows of T steps of D features, row-major (N,T,D). With `lengths`, window n is
 * lengths[n] steps long (2 <= lengths[n] <= T): its real steps come first and steps
 * lengths[n] .. T-1 are padding, whose values are never read (post-padding, as Keras's
 * pad_sequences(padding='post') and Masking expect). Without it every window is T long.
 */
export interface Sequences {
  data: Float32Array | Float64Array;
  shape: [number, number, number];
  lengths?: Int32Array;
}

/**
 * N series of their own lengths, stored end to end without padding: series n is lengths[n]
 * steps of D features, row-major, right after series n-1. What the readers' series become
 * for the model when their lengths differ: a batch is padded only to its own longest
 * series, so memory follows the real steps (Sequences pads every series to the longest).
 */
export interface RaggedSequences {
  /** every series' steps, one series after another: (sum of lengths, features) */
  data: Float32Array | Float64Array;
  /** steps of each series (N) */
  lengths: Int32Array;
  /** values per step (D) */
  features: number;
}

/** Padded windows or ragged series: what fit, encode and reconstruct take. */
export type AnySequences = Sequences | RaggedSequences;

/** Whether x is ragged (it has no shape, it has features). */
export function isRagged(x: AnySequences): x is RaggedSequences {
  return typeof x === 'object' && x !== null && !('shape' in x) && 'features' in x;
}

/** How many windows or series x holds. */
export function sequenceCount(x: AnySequences): number {
  return isRagged(x) ? x.lengths.length : x.shape[0];
}

/**
 * checkSequences's checks for ragged series: D features as the model takes, a Float32Array
 * or Float64Array of sum(lengths)*D finite float32 values, each series from 2 steps (1 for
 * an unmasked model, whose series must then all be one length) up to `maxSteps` when given,
 * and no real step all maskValue.
 */
export function checkRagged(x: RaggedSequences, model: Pick<ModelDims, 'inputDim'> & { maskValue?: number | null }, what: string, maxSteps?: number): void {
  const D = model.inputDim;
  if (!(x.data instanceof Float32Array || x.data instanceof Float64Array)) {
    throw new InputError(`${what}: data must be a Float32Array or Float64Array of the series' steps, one series after another`);
  }
  if (x.features !== D) throw new InputError(`${what} has ${x.features} features per step but the model takes ${D}`);
  if (!(x.lengths instanceof Int32Array)) throw new InputError(`${what}: lengths must be an Int32Array of N series lengths`);
  const masked = model.maskValue !== undefined && model.maskValue !== null;
  let total = 0;
  for (let n = 0; n < x.lengths.length; n++) {
    const len = x.lengths[n]!;
    if (len < (masked ? 2 : 1) || (maxSteps !== undefined && len > maxSteps)) {
      throw new InputError(`${what}: lengths[${n}] is ${len}; expected from ${masked ? 2 : 1} to ${maxSteps ?? 'any length'}`);
    }
    if (!masked && len !== x.lengths[0]) {
      throw new InputError(`${what}: series ${n} has ${len} steps, series 0 has ${x.lengths[0]}; the model is not masked, so it takes series of one length (create it with a maskValue)`);
    }
    total += len;
  }
  if (x.data.length !== total * D) throw new InputError(`${what}: data holds ${x.data.length} values, lengths make ${total * D}`);
  let start = 0;
  for (let n = 0; n < x.lengths.length; n++) {
    const len = x.lengths[n]!;
    const series = x.data.subarray(start, start + len * D);
    const bad = firstNonFinite(series, len, D);
    if (bad) throw new InputError(`${what} holds ${bad.value} at series ${n}, step ${bad.step}, feature ${bad.feature}; expected ${FLOAT32_RANGE_TEXT}`);
    if (masked) {
      const step = firstMaskedStep(series, len, D, model.maskValue as number, undefined);
      if (step) {
        throw new InputError(
          `${what} series ${n}, step ${step.step} has every feature equal to the model's maskValue ${model.maskValue}: ` +
            'Keras and TF.js would skip that step; expected a maskValue that real steps never take',
        );
      }
    }
    start += len * D;
  }
}

/**
 * Throws InputError unless `x` is (N,T,D) for the model's T and D, its data holds N*T*D
 * values and every value is a finite float32; `what` names the input in the message (e.g. 'x').
 * Lengths are for a masked model only (maskValue set): a model file without Masking
 * layers would read the padding as data. And no real step may have every feature equal
 * to maskValue, since Keras's Masking would skip that step where we do not.
 */
export function checkSequences(
  x: Sequences,
  model: Pick<ModelDims, 'timesteps' | 'inputDim'> & { maskValue?: number | null },
  what: string,
): void {
  const { timesteps: T, inputDim: D } = model;
  if (!x || !(x.data instanceof Float32Array || x.data instanceof Float64Array)) {
    throw new InputError(`${what}: data must be a Float32Array or Float64Array of shape (N,T,D)`);
  }
  const shape = x.shape;
  if (!Array.isArray(shape) || shape.length !== 3 || !shape.every((s) => Number.isInteger(s) && s >= 0)) {
    throw new InputError(`${what}: shape ${JSON.stringify(shape)} is not (N,T,D) of non-negative integers`);
  }
  const [N, t, d] = shape;
  if (t !== T || d !== D) {
    throw new InputError(`${what} has shape (${N},${t},${d}) but the model takes (N,${T},${D}): ${T} timesteps of ${D} feature${D === 1 ? '' : 's'}`);
  }
  if (x.data.length !== N * T * D) {
    throw new InputError(`${what}: data holds ${x.data.length} values, shape (${N},${T},${D}) needs ${N * T * D}`);
  }
  const bad = firstNonFinite(x.data, T, D);
  if (bad) {
    throw new InputError(`${what} holds ${bad.value} at window ${bad.window}, step ${bad.step}, feature ${bad.feature} (flat index ${bad.index}); expected ${FLOAT32_RANGE_TEXT}`);
  }
  if (x.lengths !== undefined) checkLengths(x.lengths, N, T, model.maskValue ?? null, what);
  if (model.maskValue !== undefined && model.maskValue !== null) {
    const step = firstMaskedStep(x.data, T, D, model.maskValue, x.lengths);
    if (step) {
      throw new InputError(
        `${what} window ${step.window}, step ${step.step} has every feature equal to the model's maskValue ${model.maskValue}: ` +
          'Keras and TF.js would skip that step; expected a maskValue that real steps never take',
      );
    }
  }
}

function checkLengths(lengths: unknown, N: number, T: number, maskValue: number | null, what: string): void {
  if (!(lengths instanceof Int32Array)) throw new InputError(`${what}: lengths must be an Int32Array of N window lengths`);
  if (maskValue === null) {
    throw new InputError(`${what} has lengths but the model is not masked: create it with a maskValue (e.g. maskValue: -1e9, a value no real step takes)`);
  }
  if (lengths.length !== N) throw new InputError(`${what}: lengths holds ${lengths.length} values; expected one per window, ${N}`);
  for (let n = 0; n < N; n++) {
    const len = lengths[n]!;
    if (len < 2 || len > T) throw new InputError(`${what}: lengths[${n}] is ${len}; expected from 2 to T = ${T}`);
  }
}

/** The first real step (t < its window's length) whose every feature is maskValue, as float32 compares it. */
function firstMaskedStep(
  data: Float32Array | Float64Array,
  T: number,
  D: number,
  maskValue: number,
  lengths: Int32Array | undefined,
): { window: number; step: number } | undefined {
  const mask = Math.fround(maskValue);
  const N = data.length / (T * D);
  for (let n = 0; n < N; n++) {
    const len = lengths ? lengths[n]! : T;
    for (let t = 0; t < len; t++) {
      let all = true;
      for (let d = 0; d < D && all; d++) all = Math.fround(data[(n * T + t) * D + d]!) === mask;
      if (all) return { window: n, step: t };
    }
  }
  return undefined;
}
