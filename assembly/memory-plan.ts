// Where everything lives in this instance's linear memory. `configure` sets the sizes once
// (one instance per thread, one model shape per instance) and grows memory to fit.
// v128 arrays hold one value per window for 4 windows ("a block"); a training step
// processes its blocks one after another, reusing the per-block histories below.

/** timesteps, input dims, latent units, gate rows (4L) */
export let T: i32 = 0;
export let D: i32 = 0;
export let L: i32 = 0;
export let G: i32 = 0;
/** hard_sigmoid instead of sigmoid as the recurrent activation */
export let hard: bool = false;
/** the decoder sees the input reversed beside the code (the article's); false: the code alone */
export let conditional: bool = true;
/** the target is the input reversed within its own length (Srivastava et al.'s order) */
export let reverseTarget: bool = false;
/** the output layer is linear instead of tanh */
export let linearOutput: bool = false;
/** steps of the block being processed: its longest window's length (<= T) */
export let Tb: i32 = 0;

/** Makes the next loops over time run `steps` steps (the current block's longest window). */
export function setBlockSteps(steps: i32): void {
  Tb = steps;
}

/** configure's `variant` bits */
export const UNCONDITIONAL: i32 = 1;
export const REVERSE_TARGET: i32 = 2;
export const LINEAR_OUTPUT: i32 = 4;
export let maxBlocks: i32 = 0;
export let paramCount: i32 = 0;

// Byte addresses of each weight inside `params` (and of its gradient inside `grads`/`gacc`).
// The host's layout (src/models/autoencoder/layout.ts) is the one source of truth: it
// places every tensor with placeTensor; this module only checks that each fits.
export let encK: usize = 0;
export let encR: usize = 0;
export let encB: usize = 0;
export let decK: usize = 0;
export let decR: usize = 0;
export let decB: usize = 0;
export let hidK: usize = 0;
export let hidB: usize = 0;
export let outK: usize = 0;
export let outB: usize = 0;

/** The tensors, numbered in the order of the host's WEIGHT_NAMES. */
export const TENSOR_COUNT: i32 = 10;

/** Floats the kernels read for tensor `i`, from the model's sizes (-1 for no such tensor). */
export function tensorSize(i: i32): i32 {
  switch (i) {
    case 0: return D * G; // encoder/kernel (D,4L)
    case 1: return L * G; // encoder/recurrent_kernel (L,4L)
    case 2: return G; // encoder/bias (4L)
    case 3: return (conditional ? L + D : L) * G; // decoder/kernel (L+D,4L): code rows, then input rows; (L,4L) unconditional
    case 4: return L * G; // decoder/recurrent_kernel (L,4L)
    case 5: return G; // decoder/bias (4L)
    case 6: return L * L; // dense_hidden/kernel (L,L)
    case 7: return L; // dense_hidden/bias (L)
    case 8: return L * D; // dense_out/kernel (L,D)
    case 9: return D; // dense_out/bias (D)
    default: return -1;
  }
}

/** Where tensor `i` starts, in floats from the start of params (after placeTensor). */
export function tensorOffset(i: i32): i32 {
  switch (i) {
    case 0: return <i32>(encK >> 2);
    case 1: return <i32>(encR >> 2);
    case 2: return <i32>(encB >> 2);
    case 3: return <i32>(decK >> 2);
    case 4: return <i32>(decR >> 2);
    case 5: return <i32>(decB >> 2);
    case 6: return <i32>(hidK >> 2);
    case 7: return <i32>(hidB >> 2);
    case 8: return <i32>(outK >> 2);
    case 9: return <i32>(outB >> 2);
    default: return -1;
  }
}

/**
 * Puts tensor `i` at float `offset` of params; returns 0, or 1 when `i` is unknown, the
 * host's size for it differs from what the kernels read, or it does not fit in params.
 */
export function placeTensor(i: i32, offset: i32, size: i32): i32 {
  const expected = tensorSize(i);
  if (expected < 0 || size != expected || offset < 0 || offset + size > paramCount) return 1;
  const at = <usize>offset << 2;
  switch (i) {
    case 0: encK = at; break;
    case 1: encR = at; break;
    case 2: encB = at; break;
    case 3: decK = at; break;
    case 4: decR = at; break;
    case 5: decB = at; break;
    case 6: hidK = at; break;
    case 7: hidB = at; break;
    case 8: outK = at; break;
    default: outB = at;
  }
  return 0;
}

/** f32 params in Keras layout, and the f32 gradients a step leaves */
export let params: usize = 0;
export let grads: usize = 0;
/**
 * The weights backward multiplies by on the left, transposed once per step for the
 * unrolled products (assembly/generated/products.ts): dense_out (D,L), dense_hidden (L,L),
 * and the (4L,L) transposes of both recurrent kernels and of the decoder's code rows.
 */
export let outKT: usize = 0;
export let hidKT: usize = 0;
export let decRT: usize = 0;
export let decCodeT: usize = 0;
export let encRT: usize = 0;
/** one v128 per parameter: gradients summed per lane over the step's blocks */
export let gacc: usize = 0;
/**
 * Staged by the host per block: the input (maxBlocks, T, D) v128; the input reversed within
 * each window's own length (the decoder's input, and the target when reverseTarget);
 * a 1/0 mask per step and lane (1 for a window's real steps, 0 for padding and for the
 * empty lanes of a last block); and each block's step count (i32).
 */
export let xs: usize = 0;
export let xrevs: usize = 0;
export let stepMasks: usize = 0;
export let blockSteps: usize = 0;
/** reconstruction (maxBlocks, T, D) and codes (maxBlocks, L) */
export let outputs: usize = 0;
export let codes: usize = 0;

// per-block histories (T steps) and small vectors
export let encGates: usize = 0; // (T, 4L) activated i,f,c,o
export let encC: usize = 0; // (T, L)
export let encTC: usize = 0; // (T, L) tanh(c)
export let encH: usize = 0; // (T, L)
export let decGates: usize = 0;
export let decC: usize = 0;
export let decTC: usize = 0;
export let decH: usize = 0;
export let hidden: usize = 0; // (T, L) relu output
export let dz: usize = 0; // (T, 4L) gate pre-activation gradients (one LSTM at a time)
export let dzHidden: usize = 0; // (T, L)
export let dzOut: usize = 0; // (T, D)
export let codeZ: usize = 0; // (4L) decoder bias + code projection, the same at every step
export let dzSum: usize = 0; // (4L) sum over steps of the decoder's dz
export let dh: usize = 0; // (L)
export let dhNext: usize = 0; // (L)
export let dcNext: usize = 0; // (L)
export let dhIn: usize = 0; // (L) the encoder's dh at a step: from the next step, plus dcode where the window ends
export let zeros: usize = 0; // (max(L, D)) h and c before the first step; also scalar zeros
export let ones: usize = 0; // one v128 of 1.0

let top: usize = 0;

function take(bytes: usize): usize {
  const at = top;
  top += (bytes + 15) & ~(<usize>15);
  return at;
}

/**
 * Sizes the instance for a model and `blocks` blocks of windows, with `parameters` floats
 * of params; the host then places each tensor (placeTensor). Returns 0, or 1 if memory
 * could not grow.
 */
export function configure(timesteps: i32, inputDim: i32, latentDim: i32, blocks: i32, hardSigmoid: bool, parameters: i32, variant: i32): i32 {
  T = timesteps; D = inputDim; L = latentDim; G = 4 * latentDim; hard = hardSigmoid; maxBlocks = blocks;
  conditional = (variant & UNCONDITIONAL) == 0;
  reverseTarget = (variant & REVERSE_TARGET) != 0;
  linearOutput = (variant & LINEAR_OUTPUT) != 0;
  Tb = timesteps;
  paramCount = parameters;

  top = (__heap_base + 15) & ~(<usize>15);
  const P = <usize>paramCount;
  const v = <usize>16;
  const tT = <usize>T, tD = <usize>D, tL = <usize>L, tG = <usize>G, nB = <usize>blocks;
  params = take(P * 4);
  grads = take(P * 4);
  gacc = take(P * v);
  outKT = take(tD * tL * 4);
  hidKT = take(tL * tL * 4);
  decRT = take(tG * tL * 4);
  decCodeT = take(tG * tL * 4);
  encRT = take(tG * tL * 4);
  xs = take(nB * tT * tD * v);
  xrevs = take(nB * tT * tD * v);
  stepMasks = take(nB * tT * v);
  blockSteps = take(nB * 4);
  outputs = take(nB * tT * tD * v);
  codes = take(nB * tL * v);
  encGates = take(tT * tG * v);
  encC = take(tT * tL * v);
  encTC = take(tT * tL * v);
  encH = take(tT * tL * v);
  decGates = take(tT * tG * v);
  decC = take(tT * tL * v);
  decTC = take(tT * tL * v);
  decH = take(tT * tL * v);
  hidden = take(tT * tL * v);
  dz = take(tT * tG * v);
  dzHidden = take(tT * tL * v);
  dzOut = take(tT * tD * v);
  codeZ = take(tG * v);
  dzSum = take(tG * v);
  dh = take(tL * v);
  dhNext = take(tL * v);
  dcNext = take(tL * v);
  dhIn = take(tL * v);
  zeros = take((tL > tD ? tL : tD) * v);
  ones = take(v);

  const needPages = <i32>((top + 0xffff) >> 16);
  const have = memory.size();
  if (needPages > have && memory.grow(needPages - have) < 0) return 1;
  memory.fill(zeros, 0, (tL > tD ? tL : tD) * v);
  v128.store(ones, f32x4.splat(1.0));
  return 0;
}
