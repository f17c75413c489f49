import type { FloatArray } from './param-layout.js';
import {
  hardSigmoid,
  hardSigmoidGradFromOutput,
  sigmoid,
  sigmoidGradFromOutput,
  tanhGradFromOutput,
  type RecurrentActivation,
} from './activations.js';

/**
 * One Keras LSTM layer over whole sequences, with full backpropagation through time.
 *
 *   z_t = x_t W + h_{t-1} U + b              W: (D,4L)  U: (L,4L)  b: (4L)
 *   i = ra(z_i)  f = ra(z_f)  g = tanh(z_c)  o = ra(z_o)     (ra: sigmoid or hard_sigmoid)
 *   c_t = f*c_{t-1} + i*g    h_t = o*tanh(c_t)               h_{-1} = c_{-1} = 0
 *
 * The forward pass keeps every h, c and the activated gates: that is all backward needs.
 * Use the whole h sequence, or only its last step (pass dh zero elsewhere).
 *
 * Masking, as Keras does it for post-padded sequences: with `lengths`, row n's steps
 * t >= lengths[n] are padding. A padded step carries the state unchanged
 * (h_t = h_{t-1}, c_t = c_{t-1}; its gates are left 0), so every h from the last real step
 * on, the final one included, is the state after the last real step, and the padding's
 * values never enter. Backward is the same identity read the other way: dLoss/dh and
 * dLoss/dc pass through padded steps untouched to the last real one, and padded steps add
 * nothing to any weight's gradient. Without `lengths` every row has length T.
 */
export interface LstmDims {
  /** batch */
  B: number;
  /** timesteps */
  T: number;
  /** input features */
  D: number;
  /** units */
  L: number;
}

// x: (B,T,D)  W: (D,4L)  U: (L,4L)  b: (4L)  lengths: (B), 1 <= lengths[n] <= T, or absent
//   ->  h, c: (B,T,L)  gates: (B,T,4L) activated, order i,f,c,o as in Keras (0 at padded steps)
export function lstmForward(
  h: FloatArray,
  c: FloatArray,
  gates: FloatArray,
  x: FloatArray,
  W: FloatArray,
  U: FloatArray,
  b: FloatArray,
  { B, T, D, L }: LstmDims,
  recurrentActivation: RecurrentActivation,
  lengths?: Int32Array,
): void {
  const G = 4 * L;
  const hard = recurrentActivation === 'hard_sigmoid';
  checkLengths(lengths, B, T, 'lstmForward');
  for (let n = 0; n < B; n++) {
    const len = lengths ? lengths[n]! : T;
    for (let t = 0; t < T; t++) {
      const z = (n * T + t) * G;
      if (t >= len) {
        // padding: carry h and c (t >= len >= 1, so step t-1 exists)
        const s = (n * T + t) * L;
        for (let k = 0; k < L; k++) {
          h[s + k] = h[s - L + k]!;
          c[s + k] = c[s - L + k]!;
        }
        gates.fill(0, z, z + G);
        continue;
      }
      for (let j = 0; j < G; j++) gates[z + j] = b[j]!;
      const xt = (n * T + t) * D;
      for (let d = 0; d < D; d++) {
        const xv = x[xt + d]!;
        const w = d * G;
        for (let j = 0; j < G; j++) gates[z + j] = gates[z + j]! + xv * W[w + j]!;
      }
      const prev = (n * T + t - 1) * L; // h_{t-1}, c_{t-1}; absent at t = 0
      if (t > 0) {
        for (let k = 0; k < L; k++) {
          const hv = h[prev + k]!;
          const u = k * G;
          for (let j = 0; j < G; j++) gates[z + j] = gates[z + j]! + hv * U[u + j]!;
        }
      }
      const s = (n * T + t) * L;
      for (let k = 0; k < L; k++) {
        const i = hard ? hardSigmoid(gates[z + k]!) : sigmoid(gates[z + k]!);
        const f = hard ? hardSigmoid(gates[z + L + k]!) : sigmoid(gates[z + L + k]!);
        const g = Math.tanh(gates[z + 2 * L + k]!);
        const o = hard ? hardSigmoid(gates[z + 3 * L + k]!) : sigmoid(gates[z + 3 * L + k]!);
        gates[z + k] = i;
        gates[z + L + k] = f;
        gates[z + 2 * L + k] = g;
        gates[z + 3 * L + k] = o;
        const cPrev = t > 0 ? c[prev + k]! : 0;
        const cv = f * cPrev + i * g;
        c[s + k] = cv;
        h[s + k] = o * Math.tanh(cv);
      }
    }
  }
}

/** Work space for lstmBackward, allocated once per batch size. */
export interface LstmBackwardScratch {
  /** (B,T,4L): dLoss/dz at every step */
  dz: FloatArray;
  /** (B,L): dLoss/dh_{t} flowing back from step t+1 */
  dhCarry: FloatArray;
  /** (B,L): dLoss/dc_{t} flowing back from step t+1 */
  dcCarry: FloatArray;
}

export function lstmBackwardScratch(make: (n: number) => FloatArray, { B, T, L }: LstmDims): LstmBackwardScratch {
  return { dz: make(B * T * 4 * L), dhCarry: make(B * L), dcCarry: make(B * L) };
}

// dh: (B,T,L) dLoss/dh_t from above, zeros where unused; lengths as given to lstmForward
//   ->  dW (D,4L), dU (L,4L), db (4L) accumulated (+=);
// dx: (B,T,D) overwritten (0 at padded steps), or null when the input needs no gradient
export function lstmBackward(
  dx: FloatArray | null,
  dW: FloatArray,
  dU: FloatArray,
  db: FloatArray,
  dh: FloatArray,
  x: FloatArray,
  h: FloatArray,
  c: FloatArray,
  gates: FloatArray,
  W: FloatArray,
  U: FloatArray,
  { B, T, D, L }: LstmDims,
  recurrentActivation: RecurrentActivation,
  { dz, dhCarry, dcCarry }: LstmBackwardScratch,
  lengths?: Int32Array,
): void {
  const G = 4 * L;
  const hard = recurrentActivation === 'hard_sigmoid';
  checkLengths(lengths, B, T, 'lstmBackward');
  dhCarry.fill(0, 0, B * L);
  dcCarry.fill(0, 0, B * L);
  // Through time, last step first: only dz and the carried dh, dc depend on the order.
  for (let t = T - 1; t >= 0; t--) {
    for (let n = 0; n < B; n++) {
      const s = (n * T + t) * L;
      const z = (n * T + t) * G;
      const carry = n * L;
      if (lengths && t >= lengths[n]!) {
        // padding: h_t = h_{t-1} and c_t = c_{t-1}, so both gradients pass straight through
        for (let k = 0; k < L; k++) dhCarry[carry + k] = dhCarry[carry + k]! + dh[s + k]!;
        dz.fill(0, z, z + G);
        continue;
      }
      for (let k = 0; k < L; k++) {
        const i = gates[z + k]!;
        const f = gates[z + L + k]!;
        const g = gates[z + 2 * L + k]!;
        const o = gates[z + 3 * L + k]!;
        const tc = Math.tanh(c[s + k]!);
        const dhk = dh[s + k]! + dhCarry[carry + k]!;
        const dc = dcCarry[carry + k]! + dhk * o * tanhGradFromOutput(tc);
        const cPrev = t > 0 ? c[s - L + k]! : 0;
        dcCarry[carry + k] = dc * f;
        const dOut = dhk * tc;
        dz[z + k] = dc * g * (hard ? hardSigmoidGradFromOutput(i) : sigmoidGradFromOutput(i));
        dz[z + L + k] = dc * cPrev * (hard ? hardSigmoidGradFromOutput(f) : sigmoidGradFromOutput(f));
        dz[z + 2 * L + k] = dc * i * tanhGradFromOutput(g);
        dz[z + 3 * L + k] = dOut * (hard ? hardSigmoidGradFromOutput(o) : sigmoidGradFromOutput(o));
      }
      // dh_{t-1} = dz_t U^T
      for (let k = 0; k < L; k++) {
        const u = k * G;
        let acc = 0;
        for (let j = 0; j < G; j++) acc += dz[z + j]! * U[u + j]!;
        dhCarry[carry + k] = acc;
      }
    }
  }
  // With every dz known, the weight gradients are plain sums over (batch, time) of the real steps.
  for (let n = 0; n < B; n++) {
    const len = lengths ? lengths[n]! : T;
    for (let t = 0; t < T; t++) {
      if (t >= len) {
        if (dx) dx.fill(0, (n * T + t) * D, (n * T + t + 1) * D);
        continue;
      }
      const z = (n * T + t) * G;
      for (let j = 0; j < G; j++) db[j] = db[j]! + dz[z + j]!;
      const xt = (n * T + t) * D;
      for (let d = 0; d < D; d++) {
        const xv = x[xt + d]!;
        const w = d * G;
        for (let j = 0; j < G; j++) dW[w + j] = dW[w + j]! + xv * dz[z + j]!;
      }
      if (t > 0) {
        const prev = (n * T + t - 1) * L;
        for (let k = 0; k < L; k++) {
          const hv = h[prev + k]!;
          const u = k * G;
          for (let j = 0; j < G; j++) dU[u + j] = dU[u + j]! + hv * dz[z + j]!;
        }
      }
      if (dx) {
        for (let d = 0; d < D; d++) {
          const w = d * G;
          let acc = 0;
          for (let j = 0; j < G; j++) acc += dz[z + j]! * W[w + j]!;
          dx[xt + d] = acc;
        }
      }
    }
  }
}

/** A caller's bug, not the user's: lengths are checked at the API boundary (checkSequences). */
function checkLengths(lengths: Int32Array | undefined, B: number, T: number, who: string): void {
  if (!lengths) return;
  if (lengths.length < B) throw new Error(`${who}: lengths has ${lengths.length} values, batch ${B} needs ${B}`);
  for (let n = 0; n < B; n++) {
    const len = lengths[n]!;
    if (!(len >= 1 && len <= T)) throw new Error(`${who}: lengths[${n}] is ${len}, outside 1..${T}`);
  }
}
