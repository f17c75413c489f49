/**
 * All parameters live in ONE flat buffer (and all gradients in another of the same
 * layout): the optimizer is one loop, saving is one write, workers share one buffer.
 * A layout names each tensor, its shape and its offset; `views` hands out subarrays.
 */
export type FloatArray = Float32Array | Float64Array;

export interface TensorSpec {
  name: string;
  shape: number[];
}

export interface TensorSlot extends TensorSpec {
  offset: number;
  size: number;
}

export class ParamLayout {
  readonly slots: TensorSlot[];
  readonly size: number;

  constructor(specs: TensorSpec[]) {
    let offset = 0;
    this.slots = specs.map((s) => {
      const size = s.shape.reduce((a, b) => a * b, 1);
      const slot = { name: s.name, shape: [...s.shape], offset, size };
      offset += size;
      return slot;
    });
    this.size = offset;
  }

  slot(name: string): TensorSlot {
    const s = this.slots.find((t) => t.name === name);
    if (!s) throw new Error(`no tensor named ${name} in this layout`);
    return s;
  }

  /** Named subarray views into `buffer` (no copies). */
  views<A extends FloatArray>(buffer: A): Record<string, A> {
    if (buffer.length !== this.size) throw new Error(`buffer has ${buffer.length} values, layout needs ${this.size}`);
    const out: Record<string, A> = {};
    for (const s of this.slots) out[s.name] = buffer.subarray(s.offset, s.offset + s.size) as A;
    return out;
  }
}
