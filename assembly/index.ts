// The fast path's WebAssembly module: the conditional LSTM autoencoder's training step and
// forward pass over blocks of 4 windows, f32x4 SIMD. One instance per thread; the host
// writes params and staged input (see src/models/autoencoder/fast-kernels.ts), calls, reads results.
import {
  T, D, L, paramCount as count, params, grads, gacc, xs, xrevs, stepMasks, blockSteps, outputs, codes,
} from './memory-plan';
import {
  encoderForward, decoderForward, denseForward, lossAndOutputGradient,
  denseBackward, decoderBackward, encoderBackward, transposeWeights,
} from './autoencoder';
import { tanh4, sigmoid4 } from './activations';
import { TENSOR_COUNT, setBlockSteps } from './memory-plan';

export { configure, placeTensor, tensorOffset, tensorSize } from './memory-plan';

export function tensorCount(): i32 { return TENSOR_COUNT; }
export function paramCount(): i32 { return count; }
export function paramsPtr(): usize { return params; }
export function gradsPtr(): usize { return grads; }
export function inputsPtr(): usize { return xs; }
export function reversedInputsPtr(): usize { return xrevs; }
export function stepMasksPtr(): usize { return stepMasks; }
export function blockStepsPtr(): usize { return blockSteps; }
export function outputsPtr(): usize { return outputs; }
export function codesPtr(): usize { return codes; }

function blockInput(b: i32): usize { return xs + (<usize>(b * T * D) << 4); }
function blockReversed(b: i32): usize { return xrevs + (<usize>(b * T * D) << 4); }
function blockMask(b: i32): usize { return stepMasks + (<usize>(b * T) << 4); }
function blockOutput(b: i32): usize { return outputs + (<usize>(b * T * D) << 4); }
function blockCode(b: i32): usize { return codes + (<usize>(b * L) << 4); }

/** Makes block b the current one: its steps (its longest window) bound every loop over time. */
function enterBlock(b: i32): void {
  setBlockSteps(load<i32>(blockSteps + (<usize>b << 2)));
}

/**
 * Loss and gradient over the first `blocks` staged blocks: returns the sum of squared
 * errors and leaves dLoss/dParams in `grads`, the output gradient being scale*(out - target)
 * (scale = 2/N for a mean over N real values).
 */
export function trainStep(blocks: i32, scale: f32): f64 {
  memory.fill(gacc, 0, <usize>count << 4);
  transposeWeights();
  let sse: f64 = 0;
  for (let b = 0; b < blocks; b++) {
    enterBlock(b);
    const x = blockInput(b), xrev = blockReversed(b), mask = blockMask(b);
    encoderForward(x, mask, blockCode(b));
    decoderForward(xrev, blockCode(b));
    denseForward(blockOutput(b));
    sse += lossAndOutputGradient(blockOutput(b), x, xrev, mask, scale);
    denseBackward();
    decoderBackward(xrev, blockCode(b));
    encoderBackward(x, mask);
  }
  // lanes summed in one fixed order: a step is deterministic
  for (let p = 0; p < count; p++) {
    const v = v128.load(gacc + (<usize>p << 4));
    const s = (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
    store<f32>(grads + (<usize>p << 2), s);
  }
  return sse;
}

/** Forward pass over the first `blocks` staged blocks: codes, and the output when `decode`. */
export function forwardBlocks(blocks: i32, decode: bool): void {
  for (let b = 0; b < blocks; b++) {
    enterBlock(b);
    encoderForward(blockInput(b), blockMask(b), blockCode(b));
    if (!decode) continue;
    decoderForward(blockReversed(b), blockCode(b));
    denseForward(blockOutput(b));
  }
}

/** In place over n values at ptr (n a multiple of 4): the approximations, for their tests. */
export function tanhInPlace(ptr: usize, n: i32): void {
  for (let i = 0; i < n; i += 4) v128.store(ptr + (<usize>i << 2), tanh4(v128.load(ptr + (<usize>i << 2))));
}
export function sigmoidInPlace(ptr: usize, n: i32): void {
  for (let i = 0; i < n; i += 4) v128.store(ptr + (<usize>i << 2), sigmoid4(v128.load(ptr + (<usize>i << 2))));
}
