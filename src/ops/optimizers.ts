import type { FloatArray } from './param-layout.js';

/**
 * Keras's optimizers as one loop over one flat parameter buffer. Their state (moving
 * averages, velocities) lives in flat buffers of the same layout, allocated once.
 * Defaults are Keras's (tf.keras 2.x).
 */
export interface Optimizer {
  /** number of steps taken so far (Adam's bias correction counts them) */
  readonly iterations: number;
  /** params -= update(grads), in place */
  step(params: FloatArray, grads: FloatArray): void;
  /** A copy of everything the next step depends on besides its settings (Keras's optimizer.variables()). */
  getState(): OptimizerState;
  /** Continues from a state getState gave (a checkpoint's): same optimizer, buffer sizes and precision, or an Error saying which differs. */
  setState(state: OptimizerState): void;
}

/**
 * An optimizer's state: its step count and its named buffers (RMSprop's `meanSquare`,
 * Adam's `firstMoment` and `secondMoment`, SGD's `velocity`), each in the parameters' layout.
 */
export interface OptimizerState {
  name: 'rmsprop' | 'adam' | 'sgd';
  iterations: number;
  buffers: Record<string, FloatArray>;
}

export type StatePrecision = 'float32' | 'float64';

function stateBuffer(size: number, precision: StatePrecision): FloatArray {
  return precision === 'float64' ? new Float64Array(size) : new Float32Array(size);
}

/** Copies `state`'s buffers into `into` after checking that they are the same kind, sizes and precision. */
function restoreState(name: OptimizerState['name'], into: Record<string, FloatArray>, state: OptimizerState): number {
  if (state.name !== name) throw new Error(`optimizer state is ${state.name}'s, this optimizer is ${name}`);
  if (!Number.isSafeInteger(state.iterations) || state.iterations < 0) throw new Error(`optimizer state: iterations ${state.iterations} is not a count`);
  const expected = Object.keys(into).sort().join(',');
  if (Object.keys(state.buffers).sort().join(',') !== expected) {
    throw new Error(`optimizer state holds buffers ${Object.keys(state.buffers).join(', ') || 'none'}; ${name} keeps ${expected || 'none'}`);
  }
  for (const [key, target] of Object.entries(into)) {
    const source = state.buffers[key]!;
    if (source.length !== target.length || source.constructor !== target.constructor) {
      throw new Error(`optimizer state: ${key} is a ${source.constructor.name} of ${source.length}, expected a ${target.constructor.name} of ${target.length}`);
    }
  }
  for (const [key, target] of Object.entries(into)) target.set(state.buffers[key]!);
  return state.iterations;
}

function copyOf(buffer: FloatArray): FloatArray {
  return buffer.slice();
}

function checkSizes(name: string, state: FloatArray, params: FloatArray, grads: FloatArray): void {
  if (params.length !== state.length || grads.length !== state.length) {
    throw new Error(`${name}: built for ${state.length} parameters, got params ${params.length}, grads ${grads.length}`);
  }
}

export interface RmspropOptions {
  learningRate?: number;
  rho?: number;
  epsilon?: number;
}

// a = rho a + (1 - rho) g^2;  p -= lr g / (sqrt(a) + eps)      a starts at 0
export class Rmsprop implements Optimizer {
  readonly learningRate: number;
  readonly rho: number;
  readonly epsilon: number;
  readonly meanSquare: FloatArray;
  iterations = 0;

  constructor(size: number, { learningRate = 1e-3, rho = 0.9, epsilon = 1e-7 }: RmspropOptions = {}, precision: StatePrecision = 'float32') {
    this.learningRate = learningRate;
    this.rho = rho;
    this.epsilon = epsilon;
    this.meanSquare = stateBuffer(size, precision);
  }

  step(params: FloatArray, grads: FloatArray): void {
    const { learningRate: lr, rho, epsilon: eps, meanSquare: a } = this;
    checkSizes('Rmsprop', a, params, grads);
    for (let i = 0; i < a.length; i++) {
      const g = grads[i]!;
      a[i] = rho * a[i]! + (1 - rho) * g * g;
      params[i] = params[i]! - (lr * g) / (Math.sqrt(a[i]!) + eps);
    }
    this.iterations++;
  }

  getState(): OptimizerState {
    return { name: 'rmsprop', iterations: this.iterations, buffers: { meanSquare: copyOf(this.meanSquare) } };
  }

  setState(state: OptimizerState): void {
    this.iterations = restoreState('rmsprop', { meanSquare: this.meanSquare }, state);
  }
}

export interface AdamOptions {
  learningRate?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

// t += 1;  m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;
// p -= lr sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps)     (Keras's form of the bias correction)
export class Adam implements Optimizer {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly firstMoment: FloatArray;
  readonly secondMoment: FloatArray;
  iterations = 0;

  constructor(
    size: number,
    { learningRate = 1e-3, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7 }: AdamOptions = {},
    precision: StatePrecision = 'float32',
  ) {
    this.learningRate = learningRate;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.firstMoment = stateBuffer(size, precision);
    this.secondMoment = stateBuffer(size, precision);
  }

  step(params: FloatArray, grads: FloatArray): void {
    const { beta1: b1, beta2: b2, epsilon: eps, firstMoment: m, secondMoment: v } = this;
    checkSizes('Adam', m, params, grads);
    const t = this.iterations + 1;
    const lrT = (this.learningRate * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
    for (let i = 0; i < m.length; i++) {
      const g = grads[i]!;
      m[i] = b1 * m[i]! + (1 - b1) * g;
      v[i] = b2 * v[i]! + (1 - b2) * g * g;
      params[i] = params[i]! - (lrT * m[i]!) / (Math.sqrt(v[i]!) + eps);
    }
    this.iterations = t;
  }

  getState(): OptimizerState {
    return { name: 'adam', iterations: this.iterations, buffers: { firstMoment: copyOf(this.firstMoment), secondMoment: copyOf(this.secondMoment) } };
  }

  setState(state: OptimizerState): void {
    this.iterations = restoreState('adam', { firstMoment: this.firstMoment, secondMoment: this.secondMoment }, state);
  }
}

export interface SgdOptions {
  learningRate?: number;
  momentum?: number;
}

// momentum 0: p -= lr g.   Otherwise v = momentum v - lr g;  p += v      v starts at 0
export class Sgd implements Optimizer {
  readonly learningRate: number;
  readonly momentum: number;
  /** empty without momentum: plain SGD keeps no state */
  readonly velocity: FloatArray;
  iterations = 0;

  constructor(size: number, { learningRate = 0.01, momentum = 0 }: SgdOptions = {}, precision: StatePrecision = 'float32') {
    this.learningRate = learningRate;
    this.momentum = momentum;
    this.velocity = stateBuffer(momentum === 0 ? 0 : size, precision);
  }

  step(params: FloatArray, grads: FloatArray): void {
    const { learningRate: lr, momentum, velocity: v } = this;
    if (params.length !== grads.length) throw new Error(`Sgd: params ${params.length} and grads ${grads.length} differ`);
    if (momentum === 0) {
      for (let i = 0; i < params.length; i++) params[i] = params[i]! - lr * grads[i]!;
    } else {
      checkSizes('Sgd', v, params, grads);
      for (let i = 0; i < v.length; i++) {
        v[i] = momentum * v[i]! - lr * grads[i]!;
        params[i] = params[i]! + v[i]!;
      }
    }
    this.iterations++;
  }

  /** without momentum, only the step count */
  getState(): OptimizerState {
    return { name: 'sgd', iterations: this.iterations, buffers: this.momentum === 0 ? {} : { velocity: copyOf(this.velocity) } };
  }

  setState(state: OptimizerState): void {
    this.iterations = restoreState('sgd', this.momentum === 0 ? {} : { velocity: this.velocity }, state);
  }
}
