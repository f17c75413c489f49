// The fast path's WebAssembly module: the conditional LSTM autoencoder's training step and
// forward pass over blocks of 4 windows, f32x4 SIMD. One instance per thread; the host
// writes params and staged input (see src/models/autoencoder/fast-kernels.ts), calls, reads results.
import {
  T, D, L, paramCount as count, params, grads, gacc, xs, masks, outputs, codes, encH,
} from './memory-plan';
import {
  encoderForward, decoderForward, denseForward, lossAndOutputGradient,
  denseBackward, decoderBackward, encoderBackward, transposeWeights,
} from './autoencoder';
import { tanh4, sigmoid4 } from './activations';

export { configure, placeTensor, tensorOffset, tensorSize } from './memory-plan';
import { TENSOR_COUNT } from './memory-plan';

export function tensorCount(): i32 { return TENSOR_COUNT; }

export function paramCount(): i32 { return count; }
export function paramsPtr(): usize { return params; }
export function gradsPtr(): usize { return grads; }
export function inputsPtr(): usize { return xs; }
export function masksPtr(): usize { return masks; }
export function outputsPtr(): usize { return outputs; }
export function codesPtr(): usize { return codes; }

function blockInput(b: i32): usize { return xs + (<usize>(b * T * D) << 4); }
function blockOutput(b: i32): usize { return outputs + (<usize>(b * T * D) << 4); }
function blockCode(b: i32): usize { return codes + (<usize>(b * L) << 4); }

function encodeBlock(b: i32): void {
  encoderForward(blockInput(b));
  memory.copy(blockCode(b), encH + (<usize>((T - 1) * L) << 4), <usize>L << 4);
}

/**
 * Loss and gradient over the first `blocks` staged blocks: returns the sum of squared
 * errors and leaves dLoss/dParams in `grads`, the output gradient being scale*(out - x)
 * (scale = 2/N for a mean over N values).
 */
export function trainStep(blocks: i32, scale: f32): f64 {
  memory.fill(gacc, 0, <usize>count << 4);
  transposeWeights();
  let sse: f64 = 0;
  for (let b = 0; b < blocks; b++) {
    const x = blockInput(b);
    encodeBlock(b);
    decoderForward(x, blockCode(b));
    denseForward(blockOutput(b));
    sse += lossAndOutputGradient(blockOutput(b), x, masks + (<usize>b << 4), scale);
    denseBackward();
    decoderBackward(x, blockCode(b));
    encoderBackward(x);
  }
  // lanes summed in one fixed order: a step is deterministic
  for (let p = 0; p < count; p++) {
    const v = v128.load(gacc + (<usize>p << 4));
    const s = (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
    store<f32>(grads + (<usize>p << 2), s);
  }
  return sse;
}

/** Forward pass over the first `blocks` staged blocks: codes, and the reconstruction when `decode`. */
export function forwardBlocks(blocks: i32, decode: bool): void {
  for (let b = 0; b < blocks; b++) {
    encodeBlock(b);
    if (!decode) continue;
    decoderForward(blockInput(b), blockCode(b));
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
