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
}

export type StatePrecision = 'float32' | 'float64';

function stateBuffer(size: number, precision: StatePrecision): FloatArray {
  return precision === 'float64' ? new Float64Array(size) : new Float32Array(size);
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
}
