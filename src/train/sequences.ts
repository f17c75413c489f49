import { InputError } from '../input-error.js';
import { firstNonFinite } from './non-finite.js';
import type { ModelDims } from './gradient-step.js';

/** N windows of T steps of D features, row-major (N,T,D). */
export interface Sequences {
  data: Float32Array | Float64Array;
  shape: [number, number, number];
}

/**
 * Throws InputError unless `x` is (N,T,D) for the model's T and D, its data holds N*T*D
 * values and every value is finite; `what` names the input in the message (e.g. 'x').
 */
export function checkSequences(x: Sequences, { timesteps: T, inputDim: D }: Pick<ModelDims, 'timesteps' | 'inputDim'>, what: string): void {
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
    throw new InputError(`${what} holds ${bad.value} at window ${bad.window}, step ${bad.step}, feature ${bad.feature} (flat index ${bad.index}); expected finite numbers`);
  }
}

/** The data as float32, copied only when it is not float32 already. */
export function asFloat32(data: Float32Array | Float64Array): Float32Array {
  return data instanceof Float32Array ? data : Float32Array.from(data);
}
