import type { onnx as proto } from 'onnx-proto';

// onnx-proto is the official onnx.proto compiled by protobufjs (CommonJS, with protobufjs: about
// 6 MB and 0.05 s to load), so it loads only when a model is written (encode): importing the
// library does not pay for it. The enum values below are onnx.proto's own (TensorProto.DataType,
// AttributeProto.AttributeType), fixed by the ONNX standard; test/onnx-*.test.ts reads every
// graph back in ONNX Runtime.

/** ONNX's opset this project writes: 17 (ONNX 1.12), read by every ONNX Runtime since 1.12. */
export const OPSET = 17;
/** The IR version that goes with opset 17. */
const IR_VERSION = 8;

export type ElementType = 'float' | 'double' | 'int64' | 'int32' | 'bool';

const DATA_TYPE: Record<ElementType, number> = { float: 1, int32: 6, int64: 7, bool: 9, double: 11 };

/** AttributeProto.AttributeType */
const A = { FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;

/** A tensor's dimension: a fixed size, or a named one the caller chooses at run time ('batch'). */
export type Dim = number | string;

/** A node attribute's value, typed as ONNX wants it. */
export type Attribute = { int: number } | { ints: number[] } | { float: number } | { floats: number[] } | { string: string } | { strings: string[] };

/**
 * An ONNX graph under construction: nodes in the order they run, constants as initializers,
 * every intermediate value named uniquely; `encode` gives the model's protobuf bytes.
 */
export class OnnxGraph {
  private readonly nodes: proto.INodeProto[] = [];
  private readonly initializers: proto.ITensorProto[] = [];
  private readonly inputs: proto.IValueInfoProto[] = [];
  private readonly outputs: proto.IValueInfoProto[] = [];
  private readonly used = new Set<string>();

  constructor(private readonly name: string) {}

  /** A graph input; returns its name. */
  input(name: string, type: ElementType, shape: Dim[]): string {
    this.inputs.push(valueInfo(this.claim(name), type, shape));
    return name;
  }

  /** Makes `value` a graph output called `name` (through an Identity, so any value can be one). */
  output(name: string, value: string, type: ElementType, shape: Dim[]): void {
    this.nodes.push({ opType: 'Identity', input: [value], output: [this.claim(name)], name: `${name}_output` });
    this.outputs.push(valueInfo(name, type, shape));
  }

  /** A constant tensor (an initializer), row-major; returns its name. */
  constant(name: string, type: ElementType, dims: number[], values: ArrayLike<number>): string {
    const size = dims.reduce((a, b) => a * b, 1);
    if (values.length !== size) throw new Error(`OnnxGraph: ${name} has ${values.length} values, dims (${dims.join(',')}) need ${size}`);
    const tensor: proto.ITensorProto = { name: this.claim(name), dims, dataType: DATA_TYPE[type] };
    const list = Array.from(values);
    if (type === 'float') tensor.floatData = list;
    else if (type === 'double') tensor.doubleData = list;
    else if (type === 'int64') tensor.int64Data = list;
    else tensor.int32Data = type === 'bool' ? list.map((v) => (v ? 1 : 0)) : list;
    this.initializers.push(tensor);
    return tensor.name!;
  }

  /**
   * Appends one node; returns the names of its `outputs` outputs (`name`, or `name_1`,
   * `name_2`, ... for several). An input of '' is an optional input left out.
   */
  node(opType: string, inputs: string[], name: string, attributes: Record<string, Attribute> = {}, outputs = 1): string[] {
    const out = Array.from({ length: outputs }, (_, k) => this.claim(outputs === 1 ? name : `${name}_${k}`));
    this.nodes.push({ opType, input: inputs, output: out, name: `${out[0]}_node`, attribute: Object.entries(attributes).map(([key, value]) => attribute(key, value)) });
    return out;
  }

  /** The one-output case of `node`. */
  op(opType: string, inputs: string[], name: string, attributes: Record<string, Attribute> = {}): string {
    return this.node(opType, inputs, name, attributes)[0]!;
  }

  /** The model's protobuf bytes (opset 17), with `metadata` as its metadata_props. */
  async encode(meta: { producerVersion: string; docString: string; metadata: Record<string, string> }): Promise<Uint8Array> {
    // an ES import of the CommonJS module reaches its namespace as the default export, in Node and bundlers alike
    const { onnx } = (await import('onnx-proto')).default;
    const model: proto.IModelProto = {
      irVersion: IR_VERSION,
      opsetImport: [{ domain: '', version: OPSET }],
      producerName: 'lstm-ae',
      producerVersion: meta.producerVersion,
      docString: meta.docString,
      metadataProps: Object.entries(meta.metadata).map(([key, value]) => ({ key, value })),
      graph: { name: this.name, node: this.nodes, initializer: this.initializers, input: this.inputs, output: this.outputs },
    };
    return onnx.ModelProto.encode(model).finish();
  }

  /** A name no value in the graph has yet (ONNX wants every name assigned once). */
  private claim(name: string): string {
    if (this.used.has(name)) throw new Error(`OnnxGraph: the name ${name} is taken`);
    this.used.add(name);
    return name;
  }
}

function valueInfo(name: string, type: ElementType, shape: Dim[]): proto.IValueInfoProto {
  const dim = shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType: DATA_TYPE[type], shape: { dim } } } };
}

const text = new TextEncoder();

function attribute(name: string, value: Attribute): proto.IAttributeProto {
  if ('int' in value) return { name, type: A.INT, i: value.int };
  if ('ints' in value) return { name, type: A.INTS, ints: value.ints };
  if ('float' in value) return { name, type: A.FLOAT, f: value.float };
  if ('floats' in value) return { name, type: A.FLOATS, floats: value.floats };
  if ('string' in value) return { name, type: A.STRING, s: text.encode(value.string) };
  return { name, type: A.STRINGS, strings: value.strings.map((s) => text.encode(s)) };
}
