/**
 * numpy's legacy `np.random.RandomState` (MT19937), draw for draw: the same seed gives the
 * same uniforms, normals and permutations as numpy, so data and batch orders made here can
 * be replayed in Python. Only the methods the pipeline needs, each following numpy's C code
 * (numpy/random/src/mt19937, legacy-distributions.c, distributions.c: random_interval).
 */

const STATE_LENGTH = 624;
const SHIFT = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

/** Anything shuffle can permute in place: a plain array or any typed array. */
export interface IndexableArray<T> {
  length: number;
  [index: number]: T;
}

/**
 * Everything the next draw depends on, as numpy's `get_state()` gives it: the MT19937 key,
 * the position in it, and the second normal of the last Box–Muller pair if one is kept.
 */
export interface RandomStateSnapshot {
  key: Uint32Array;
  position: number;
  hasGauss: boolean;
  gauss: number;
}

export class RandomState {
  private readonly key = new Uint32Array(STATE_LENGTH);
  private position = STATE_LENGTH;
  // the legacy polar Box–Muller makes normals in pairs and keeps the second for the next call
  private hasCachedGauss = false;
  private cachedGauss = 0;

  /** Exactly `np.random.seed(seed)` for an integer seed in [0, 2^32). */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new Error(`RandomState seed must be an integer from 0 to 2^32 - 1, got ${seed}`);
    }
    // numpy's mt19937_seed, which is Matsumoto and Nishimura's init_genrand
    let s = seed >>> 0;
    for (let i = 0; i < STATE_LENGTH; i++) {
      this.key[i] = s;
      s = (Math.imul(1812433253, (s ^ (s >>> 30)) >>> 0) + i + 1) >>> 0;
    }
    this.position = STATE_LENGTH;
  }

  /** A copy of the state (numpy's `get_state()`): setState on any RandomState then continues this one's stream draw for draw. */
  getState(): RandomStateSnapshot {
    return { key: this.key.slice(), position: this.position, hasGauss: this.hasCachedGauss, gauss: this.cachedGauss };
  }

  /** numpy's `set_state()`; refuses (Error) a state no MT19937 can be in, so a damaged checkpoint is never drawn from. */
  setState(state: RandomStateSnapshot): void {
    const { key, position, hasGauss, gauss } = state;
    if (!(key instanceof Uint32Array) || key.length !== STATE_LENGTH) throw new Error(`RandomState key must be ${STATE_LENGTH} unsigned 32-bit integers`);
    if (!Number.isInteger(position) || position < 0 || position > STATE_LENGTH) throw new Error(`RandomState position must be an integer from 0 to ${STATE_LENGTH}, got ${position}`);
    // an all-zero key would give zeros for ever (numpy refuses it too)
    if (key.every((word) => word === 0)) throw new Error('RandomState key is all zeros');
    if (typeof hasGauss !== 'boolean' || !Number.isFinite(gauss)) throw new Error('RandomState cached normal must be a finite number');
    this.key.set(key);
    this.position = position;
    this.hasCachedGauss = hasGauss;
    this.cachedGauss = hasGauss ? gauss : 0;
  }

  /** The next raw 32-bit output of MT19937, as an unsigned integer. */
  nextUint32(): number {
    if (this.position >= STATE_LENGTH) this.regenerate();
    let y = this.key[this.position++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** `random_sample()`: a double in [0, 1) with 53 random bits taken from two draws. */
  randomSample(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** `uniform(low, high)`, computed as numpy does: low + (high - low) * random_sample(). */
  uniform(low = 0, high = 1): number {
    return low + (high - low) * this.randomSample();
  }

  /** `standard_normal()` of the legacy generator: polar Box–Muller, second value cached. */
  standardNormal(): number {
    if (this.hasCachedGauss) {
      this.hasCachedGauss = false;
      const cached = this.cachedGauss;
      this.cachedGauss = 0;
      return cached;
    }
    let x1: number;
    let x2: number;
    let r2: number;
    do {
      x1 = 2 * this.randomSample() - 1;
      x2 = 2 * this.randomSample() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * Math.log(r2)) / r2);
    this.cachedGauss = f * x1;
    this.hasCachedGauss = true;
    return f * x2;
  }

  /**
   * A uniform integer in [0, max], by numpy's masked rejection (random_interval): draw
   * 32 bits, keep the smallest all-ones mask covering max, retry while above max.
   */
  randomInterval(max: number): number {
    if (!Number.isInteger(max) || max < 0 || max > 0xffffffff) {
      throw new Error(`randomInterval needs an integer max from 0 to 2^32 - 1, got ${max}`);
    }
    if (max === 0) return 0;
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let value: number;
    do {
      value = (this.nextUint32() & mask) >>> 0;
    } while (value > max);
    return value;
  }

  /** Shuffle in place as the legacy `shuffle` does for a 1-d array (Fisher–Yates from the end). */
  shuffle<T>(array: IndexableArray<T>): void {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.randomInterval(i);
      const held = array[i] as T;
      array[i] = array[j] as T;
      array[j] = held;
    }
  }

  /** `permutation(n)`: a shuffled 0 … n-1. */
  permutation(n: number): Int32Array {
    if (!Number.isInteger(n) || n < 0 || n > 0x7fffffff) {
      throw new Error(`permutation needs a non-negative integer length, got ${n}`);
    }
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    this.shuffle(order);
    return order;
  }

  /** Refill the whole state block (numpy's mt19937_gen). */
  private regenerate(): void {
    const key = this.key;
    let i = 0;
    for (; i < STATE_LENGTH - SHIFT; i++) {
      const y = (key[i]! & UPPER_MASK) | (key[i + 1]! & LOWER_MASK);
      key[i] = key[i + SHIFT]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    for (; i < STATE_LENGTH - 1; i++) {
      const y = (key[i]! & UPPER_MASK) | (key[i + 1]! & LOWER_MASK);
      key[i] = key[i + SHIFT - STATE_LENGTH]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    const y = (key[STATE_LENGTH - 1]! & UPPER_MASK) | (key[0]! & LOWER_MASK);
    key[STATE_LENGTH - 1] = key[SHIFT - 1]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    this.position = 0;
  }
}
