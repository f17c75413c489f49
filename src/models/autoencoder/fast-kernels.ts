import type { RecurrentActivation } from '../../ops/activations.js';
import type { ParamLayout } from '../../ops/param-layout.js';
import { autoencoderLayout, WEIGHT_NAMES, type AutoencoderDims } from './layout.js';

/** Windows per SIMD vector: the kernels process blocks of this many windows, padding the last. */
export const LANES = 4;

/** The name the platform knows the kernels by (assembly/ is built into dist/src/fast/autoencoder.wasm). */
export const KERNELS_NAME = 'autoencoder';

/** The exports of assembly/index.ts. */
interface KernelExports {
  memory: WebAssembly.Memory;
  configure(T: number, D: number, L: number, maxBlocks: number, hard: number, parameters: number, variant: number): number;
  tensorCount(): number;
  placeTensor(i: number, offset: number, size: number): number;
  tensorOffset(i: number): number;
  tensorSize(i: number): number;
  paramCount(): number;
  paramsPtr(): number;
  gradsPtr(): number;
  inputsPtr(): number;
  reversedInputsPtr(): number;
  stepMasksPtr(): number;
  blockStepsPtr(): number;
  outputsPtr(): number;
  codesPtr(): number;
  trainStep(blocks: number, scale: number): number;
  forwardBlocks(blocks: number, decode: number): void;
  tanhInPlace(ptr: number, n: number): void;
  sigmoidInPlace(ptr: number, n: number): void;
}

/** The model variants the kernels compute, beside the article's (all false). */
export interface KernelVariant {
  /** the decoder sees the code alone, not [code | input reversed] */
  unconditional: boolean;
  /** the target is the input reversed within each window's length */
  reverseTarget: boolean;
  /** the output layer is linear instead of tanh */
  linearOutput: boolean;
}

export const ARTICLE_VARIANT: KernelVariant = { unconditional: false, reverseTarget: false, linearOutput: false };

/** configure's variant bits (assembly/memory-plan.ts) */
function variantBits(v: KernelVariant): number {
  return (v.unconditional ? 1 : 0) | (v.reverseTarget ? 2 : 0) | (v.linearOutput ? 4 : 0);
}

/** Where the kernels read one tensor: its offset in params and how many floats, as the instance reports them. */
export interface PlacedTensor {
  name: string;
  offset: number;
  size: number;
}

/**
 * One instance of the WebAssembly kernels for one model shape and at most `maxWindows`
 * windows per call: the host side of a single thread's work. The parameter layout is the
 * host's (`layout`, by default autoencoderLayout(dims)): each tensor is placed where the
 * layout says, and the instance refuses a tensor whose size differs from what it reads.
 * Windows are staged into blocks of 4 (window-major, lanes innermost:
 * [block][t][d][lane]), each with its length: steps past it (and the empty lanes of a last
 * block) have x = 0 and step mask 0, so they add exactly nothing to the loss or the
 * gradients, and a block runs only as many steps as its longest window has.
 */
export class FastKernels {
  readonly dims: AutoencoderDims;
  readonly maxWindows: number;
  readonly paramCount: number;
  private readonly wasm: KernelExports;
  private readonly params: Float32Array;
  private readonly grads: Float32Array;
  readonly variant: KernelVariant;
  private readonly inputs: Float32Array;
  private readonly reversed: Float32Array;
  private readonly stepMasks: Float32Array;
  private readonly blockSteps: Int32Array;
  /** each staged window's length, for unstaging */
  private readonly stagedLengths: Int32Array;
  private readonly outputs: Float32Array;
  private readonly codes: Float32Array;

  constructor(
    module: WebAssembly.Module,
    dims: AutoencoderDims,
    maxWindows: number,
    recurrentActivation: RecurrentActivation,
    layout: ParamLayout = autoencoderLayout(dims),
    variant: KernelVariant = ARTICLE_VARIANT,
  ) {
    const { timesteps: T, inputDim: D, latentDim: L } = dims;
    this.dims = { timesteps: T, inputDim: D, latentDim: L };
    this.maxWindows = maxWindows;
    this.variant = { ...variant };
    this.wasm = new WebAssembly.Instance(module, {}).exports as unknown as KernelExports;
    const blocks = Math.max(1, Math.ceil(maxWindows / LANES));
    if (this.wasm.configure(T, D, L, blocks, recurrentActivation === 'hard_sigmoid' ? 1 : 0, layout.size, variantBits(variant)) !== 0) {
      throw new Error(`the fast path could not get WebAssembly memory for (T,D,L) = (${T},${D},${L}) and ${maxWindows} windows`);
    }
    if (this.wasm.tensorCount() !== WEIGHT_NAMES.length) {
      throw new Error(`the fast kernels know ${this.wasm.tensorCount()} tensors, the model has ${WEIGHT_NAMES.length}: rebuild (npm run build)`);
    }
    for (const [i, name] of WEIGHT_NAMES.entries()) {
      const slot = layout.slot(name);
      if (this.wasm.placeTensor(i, slot.offset, slot.size) !== 0) {
        throw new Error(`the fast kernels read ${this.wasm.tensorSize(i)} floats for ${name}, the layout gives (${slot.shape.join(',')}) = ${slot.size} at ${slot.offset} of ${layout.size}`);
      }
    }
    this.paramCount = layout.size;
    const buffer = this.wasm.memory.buffer; // memory grows only in configure: views stay valid
    const f32 = (ptr: number, n: number) => new Float32Array(buffer, ptr, n);
    this.params = f32(this.wasm.paramsPtr(), this.paramCount);
    this.grads = f32(this.wasm.gradsPtr(), this.paramCount);
    this.inputs = f32(this.wasm.inputsPtr(), blocks * T * D * LANES);
    this.reversed = f32(this.wasm.reversedInputsPtr(), blocks * T * D * LANES);
    this.stepMasks = f32(this.wasm.stepMasksPtr(), blocks * T * LANES);
    this.blockSteps = new Int32Array(buffer, this.wasm.blockStepsPtr(), blocks);
    this.stagedLengths = new Int32Array(blocks * LANES);
    this.outputs = f32(this.wasm.outputsPtr(), blocks * T * D * LANES);
    this.codes = f32(this.wasm.codesPtr(), blocks * L * LANES);
  }

  /** Where the instance reads each tensor, in WEIGHT_NAMES order (for the layout test). */
  placedTensors(): PlacedTensor[] {
    return WEIGHT_NAMES.map((name, i) => ({ name, offset: this.wasm.tensorOffset(i), size: this.wasm.tensorSize(i) }));
  }

  setParams(params: Float32Array): void {
    this.params.set(params.subarray(0, this.paramCount));
  }

  /**
   * Stages windows [first, first + count) of x (N,T,D) as blocks, with their lengths
   * (`lengths[first + w]`, every window `steps` (default T) long when absent); returns the block count.
   */
  stage(x: Float32Array, first: number, count: number, lengths?: Int32Array, steps = this.dims.timesteps): number {
    const { timesteps: T, inputDim: D } = this.dims;
    if (count < 0 || count > this.maxWindows) throw new Error(`cannot stage ${count} windows, at most ${this.maxWindows}`);
    const row = T * D;
    const blocks = Math.ceil(count / LANES);
    const { inputs, reversed, stepMasks, stagedLengths } = this;
    for (let b = 0; b < blocks; b++) {
      // the block runs its longest window's steps: nothing past them is read, so nothing past them is written
      let blockSteps = 0;
      for (let lane = 0; lane < LANES; lane++) {
        const w = b * LANES + lane;
        const length = w >= count ? 0 : lengths ? lengths[first + w]! : steps;
        if (!(Number.isInteger(length) && length >= 0 && length <= T)) throw new Error(`window ${first + w}: length ${length} outside 0..${T}`);
        stagedLengths[w] = length;
        blockSteps = Math.max(blockSteps, length);
      }
      this.blockSteps[b] = blockSteps;
      const base = b * row * LANES;
      for (let lane = 0; lane < LANES; lane++) {
        const length = stagedLengths[b * LANES + lane]!;
        const from = (first + b * LANES + lane) * row;
        for (let t = 0; t < blockSteps; t++) {
          const real = t < length;
          stepMasks[(b * T + t) * LANES + lane] = real ? 1 : 0;
          const at = base + t * D * LANES + lane;
          const src = from + t * D;
          const rev = from + (length - 1 - t) * D;
          for (let d = 0; d < D; d++) {
            inputs[at + d * LANES] = real ? x[src + d]! : 0;
            reversed[at + d * LANES] = real ? x[rev + d]! : 0;
          }
        }
      }
    }
    return blocks;
  }

  /** Over the staged windows: the sum of squared errors; gradients (output gradient scale*(y - x)) in `gradients`. */
  trainStep(count: number, scale: number): number {
    return this.wasm.trainStep(Math.ceil(count / LANES), scale);
  }

  /** The last trainStep's gradients (a view into this instance's memory). */
  get gradients(): Float32Array {
    return this.grads;
  }

  /** Forward over the staged windows: codes always, the reconstruction when `decode`. */
  forward(count: number, decode: boolean): void {
    this.wasm.forwardBlocks(Math.ceil(count / LANES), decode ? 1 : 0);
  }

  /**
   * Copies the reconstruction of the `count` staged windows into out (N,T,D) from window
   * `at`, in the data's own time order (a reversed target is turned back); steps past a
   * window's length are 0.
   */
  readOutputs(out: Float32Array, at: number, count: number): void {
    const { timesteps: T, inputDim: D } = this.dims;
    const reverse = this.variant.reverseTarget;
    for (let w = 0; w < count; w++) {
      const base = Math.floor(w / LANES) * T * D * LANES;
      const lane = w % LANES;
      const length = this.stagedLengths[w]!;
      const to = (at + w) * T * D;
      for (let t = 0; t < T; t++) {
        const source = reverse ? length - 1 - t : t;
        for (let d = 0; d < D; d++) out[to + t * D + d] = t < length ? this.outputs[base + (source * D + d) * LANES + lane]! : 0;
      }
    }
  }

  /** Copies the codes of the `count` staged windows into out (N,L) from window `at`. */
  readCodes(out: Float32Array, at: number, count: number): void {
    const L = this.dims.latentDim;
    for (let w = 0; w < count; w++) {
      const base = Math.floor(w / LANES) * L * LANES;
      const lane = w % LANES;
      for (let k = 0; k < L; k++) out[(at + w) * L + k] = this.codes[base + k * LANES + lane]!;
    }
  }

  /** The vector tanh and sigmoid approximations the kernels use, applied to up to maxWindows*T*D values (for tests). */
  approximate(fn: 'tanh' | 'sigmoid', values: Float32Array): Float32Array {
    const n = Math.ceil(values.length / LANES) * LANES;
    if (n > this.inputs.length) throw new Error(`at most ${this.inputs.length} values at a time`);
    this.inputs.fill(0, 0, n).set(values);
    (fn === 'tanh' ? this.wasm.tanhInPlace : this.wasm.sigmoidInPlace)(this.inputs.byteOffset, n);
    return this.inputs.slice(0, values.length);
  }
}
