import { InputError } from '../../input-error.js';
import { VERSION } from '../../version.js';
import { variantOf } from '../../models/autoencoder/config.js';
import { decoderInputSize } from '../../models/autoencoder/layout.js';
import { modelContents, type SavableAutoencoder } from '../tfjs/artifacts.js';
import type { Normalization, Scaling } from '../../train/scaling.js';
import { onnxLstmWeights } from './lstm-weights.js';
import { OnnxGraph, OPSET, type Attribute } from './onnx-graph.js';

/** What an export holds: the encoder (series → code) or the whole autoencoder (series → code and reconstruction). */
export const ONNX_PARTS = ['encoder', 'autoencoder'] as const;
export type OnnxPart = (typeof ONNX_PARTS)[number];

/** A model to export: what its file holds, plus the normalize its config names (so an unfitted one is caught). */
export interface ExportableAutoencoder extends SavableAutoencoder {
  readonly config: SavableAutoencoder['config'] & { normalize?: Normalization };
}

export interface ToOnnxOptions {
  /** default 'autoencoder' */
  part?: OnnxPart;
}

/**
 * The model as an ONNX file's bytes (opset 17), for ONNX Runtime and any engine that reads
 * ONNX. It computes what `encode` and `reconstruct` do, scaling included, so it takes data in
 * its own units and answers in them:
 *   inputs   x (batch, time, channels) float32: any batch, any length;
 *            lengths (batch) int64, masked models only: series n is real for its first
 *            lengths[n] steps, whatever x holds after them
 *   outputs  code (batch, latent) float32: the encoder's state after each series' last real step;
 *            states (batch, time, latent) float32: its state after every step, 0 past a series' end;
 *            reconstruction (batch, time, channels) float32, 'autoencoder' only: in the data's
 *            units and time order, 0 past a series' end
 */
export async function toOnnx(model: ExportableAutoencoder, options: ToOnnxOptions = {}): Promise<Uint8Array> {
  const part = options.part ?? 'autoencoder';
  if (!(ONNX_PARTS as readonly string[]).includes(part)) {
    throw new InputError(`part ${JSON.stringify(part)} is not one a model has: expected ${ONNX_PARTS.join(' or ')}`);
  }
  const contents = modelContents(model);
  const { dims, recurrentActivation, weights } = contents;
  const variant = variantOf(contents.variant ?? {});
  const normalize = model.config.normalize ?? contents.scaling?.normalize ?? 'none';
  const scaling: Scaling = contents.scaling ?? { normalize: 'none', mean: [], std: [] };
  if (scaling.normalize !== normalize) {
    throw new InputError(`the model normalizes (${normalize}) but has no scaling statistics yet: fit it, or load a saved one, before exporting it`);
  }
  const { inputDim: D, latentDim: L } = dims;
  const masked = variant.maskValue !== null;
  const g = new OnnxGraph(`lstm_ae_${part}`);

  const x = g.input('x', 'float', ['batch', 'time', D]);
  // [0], [1], [2] as int64: axes for Squeeze/Unsqueeze, bounds for Slice
  const [axis0, axis1, axis2] = [0, 1, 2].map((a) => g.constant(`axis_${a}`, 'int64', [1], [a])) as [string, string, string];
  const shape = g.op('Shape', [x], 'x_shape');
  const time = g.op('Slice', [shape, axis1, axis2], 'time'); // [T]
  const batch = g.op('Slice', [shape, axis0, axis1], 'batch'); // [B]

  // lengths (B) int64: the input, or T for every series
  const lengths = masked ? g.input('lengths', 'int64', ['batch']) : g.op('Expand', [time, batch], 'full_lengths');
  // (B,T,1) true on real steps; the values after a series' end become 0, whatever they were (NaN, the mask value)
  let realSteps: string | undefined;
  let real = x;
  if (masked) {
    const scalarTime = g.op('Squeeze', [time, axis0], 'time_scalar');
    const steps = g.op('Range', [g.constant('range_start', 'int64', [], [0]), scalarTime, g.constant('range_delta', 'int64', [], [1])], 'steps');
    const stepRow = g.op('Unsqueeze', [steps, axis0], 'step_row'); // (1,T)
    const lengthColumn = g.op('Unsqueeze', [lengths, axis1], 'length_column'); // (B,1)
    const before = g.op('Less', [stepRow, lengthColumn], 'real_steps_2d');
    realSteps = g.op('Unsqueeze', [before, axis2], 'real_steps'); // (B,T,1)
    real = g.op('Where', [realSteps, x, g.constant('zero_float', 'float', [], [0])], 'x_real');
  }

  // scaling in float64, as train/scaling.ts computes it, then float32 as the network sees it
  const scale = scalingOps(g, scaling, real, realSteps, lengths, axis1);
  const scaled = scale ? g.op('Cast', [g.op('Div', [g.op('Sub', [scale.xDouble, scale.mean], 'x_centred'), scale.std], 'x_scaled_double')], 'x_scaled', { to: { int: 1 } }) : real;

  // the LSTMs run time-major, as ONNX's LSTM (and ONNX Runtime's) wants
  const xt = g.op('Transpose', [scaled], 'x_time_major', { perm: { ints: [1, 0, 2] } }); // (T,B,D)
  const sequenceLens = masked ? g.op('Cast', [lengths], 'sequence_lens', { to: { int: 6 } }) : '';
  const gates = lstmActivations(recurrentActivation);
  const enc = onnxLstmWeights(weights['encoder/kernel'], weights['encoder/recurrent_kernel'], weights['encoder/bias'], D, L);
  const [encoderSteps, encoderLast] = g.node(
    'LSTM',
    [xt, g.constant('encoder_W', 'float', [1, 4 * L, D], enc.W), g.constant('encoder_R', 'float', [1, 4 * L, L], enc.R), g.constant('encoder_B', 'float', [1, 8 * L], enc.B), sequenceLens],
    'encoder',
    { hidden_size: { int: L }, ...gates },
    2,
  );
  // Y_h (1,B,L): the state after each series' last real step, which Keras's masked LSTM carries to step T-1
  const code = g.op('Squeeze', [encoderLast!, axis0], 'code_value');
  g.output('code', code, 'float', ['batch', L]);
  // Y (T,1,B,L): every step's state, 0 past each series' end; what pooled features (classify's mean and max) are made of
  const states = g.op('Transpose', [g.op('Squeeze', [encoderSteps!, axis1], 'encoder_h_time_major')], 'encoder_h', { perm: { ints: [1, 0, 2] } });
  g.output('states', states, 'float', ['batch', 'time', L]);
  if (part === 'encoder') return encode(g, model, part);

  // decoder input (T,B,L[+D]): the code at every step, then (conditional) x reversed within each series' length
  const codeSteps = g.op('Expand', [g.op('Unsqueeze', [code, axis0], 'code_row'), g.op('Concat', [time, g.constant('ones_2', 'int64', [2], [1, 1])], 'repeat_shape', { axis: { int: 0 } })], 'code_repeated');
  const E = decoderInputSize(dims, variant.decoder);
  const decoderIn =
    variant.decoder === 'conditional'
      ? g.op('Concat', [codeSteps, g.op('ReverseSequence', [xt, lengths], 'x_reversed', { time_axis: { int: 0 }, batch_axis: { int: 1 } })], 'decoder_in', { axis: { int: 2 } })
      : codeSteps;
  const dec = onnxLstmWeights(weights['decoder/kernel'], weights['decoder/recurrent_kernel'], weights['decoder/bias'], E, L);
  const [decoderSteps] = g.node(
    'LSTM',
    [decoderIn, g.constant('decoder_W', 'float', [1, 4 * L, E], dec.W), g.constant('decoder_R', 'float', [1, 4 * L, L], dec.R), g.constant('decoder_B', 'float', [1, 8 * L], dec.B), sequenceLens],
    'decoder',
    { hidden_size: { int: L }, ...gates },
    1,
  );
  const decoderH = g.op('Transpose', [g.op('Squeeze', [decoderSteps!, axis1], 'decoder_h_time_major')], 'decoder_h', { perm: { ints: [1, 0, 2] } }); // (B,T,L)
  const hidden = g.op('Relu', [dense(g, 'dense_hidden', decoderH, weights['dense_hidden/kernel'], weights['dense_hidden/bias'], L, L)], 'dense_hidden');
  let output = dense(g, 'dense_out', hidden, weights['dense_out/kernel'], weights['dense_out/bias'], L, D);
  if (variant.outputActivation === 'tanh') output = g.op('Tanh', [output], 'dense_out_tanh');
  // a reverseTarget model's step t guesses x[len-1-t]: back into the data's order
  if (variant.reverseTarget) output = g.op('ReverseSequence', [output, lengths], 'output_data_order', { time_axis: { int: 1 }, batch_axis: { int: 0 } });
  if (scale) {
    const unscaled = g.op('Add', [g.op('Mul', [g.op('Cast', [output], 'output_double', { to: { int: 11 } }), scale.std], 'output_spread'), scale.mean], 'output_units_double');
    output = g.op('Cast', [unscaled], 'output_units', { to: { int: 1 } });
  }
  if (realSteps) output = g.op('Where', [realSteps, output, g.constant('zero_output', 'float', [], [0])], 'output_masked');
  g.output('reconstruction', output, 'float', ['batch', 'time', D]);
  return encode(g, model, 'autoencoder');
}

/** The LSTM attributes for Keras's gate activation; tanh for the cell, as Keras. */
function lstmActivations(recurrent: 'sigmoid' | 'hard_sigmoid'): Record<string, Attribute> {
  if (recurrent === 'sigmoid') return {};
  // Keras 2's hard_sigmoid, clip(0.2x + 0.5, 0, 1), is ONNX's HardSigmoid with alpha 0.2, beta 0.5
  return { activations: { strings: ['HardSigmoid', 'Tanh', 'Tanh'] }, activation_alpha: { floats: [0.2] }, activation_beta: { floats: [0.5] } };
}

/** x (B,T,in) @ kernel (in,out) + bias: a Keras Dense, before its activation. */
function dense(g: OnnxGraph, name: string, x: string, kernel: Float32Array, bias: Float32Array, inSize: number, outSize: number): string {
  const product = g.op('MatMul', [x, g.constant(`${name}_kernel`, 'float', [inSize, outSize], kernel)], `${name}_matmul`);
  return g.op('Add', [product, g.constant(`${name}_bias`, 'float', [outSize], bias)], `${name}_linear`);
}

/**
 * The scaling's statistics as graph values, in float64, broadcasting over (B,T,D): fixed
 * ones for 'global' and 'per-channel', each series' own (B,1,D) for 'per-series', computed
 * over its real steps as train/scaling.ts does. Undefined for 'none'.
 */
function scalingOps(
  g: OnnxGraph,
  scaling: Scaling,
  real: string,
  realSteps: string | undefined,
  lengths: string,
  timeAxis: string,
): { xDouble: string; mean: string; std: string } | undefined {
  if (scaling.normalize === 'none') return undefined;
  const xDouble = g.op('Cast', [real], 'x_double', { to: { int: 11 } });
  if (scaling.normalize !== 'per-series') {
    const n = scaling.mean.length;
    return { xDouble, mean: g.constant('scaling_mean', 'double', [n], scaling.mean), std: g.constant('scaling_std', 'double', [n], scaling.std) };
  }
  // the number of real steps, (B,1,1)
  const count = g.op('Cast', [g.op('Unsqueeze', [lengths, g.constant('count_axes', 'int64', [2], [1, 2])], 'series_count_int')], 'series_count', { to: { int: 11 } });
  const sum = g.op('ReduceSum', [xDouble, timeAxis], 'series_sum', { keepdims: { int: 1 } });
  const mean = g.op('Div', [sum, count], 'series_mean'); // (B,1,D)
  let deviation = g.op('Sub', [xDouble, mean], 'series_deviation');
  if (realSteps) deviation = g.op('Where', [realSteps, deviation, g.constant('zero_double', 'double', [], [0])], 'series_deviation_real');
  const variance = g.op('Div', [g.op('ReduceSum', [g.op('Mul', [deviation, deviation], 'series_squares'), timeAxis], 'series_square_sum', { keepdims: { int: 1 } }), count], 'series_variance');
  const std = g.op('Sqrt', [variance], 'series_std_raw');
  // a constant channel (deviation ~ 0) counts 1, so it is only centred (train/scaling.ts's rule)
  const floor = g.op('Mul', [g.constant('constant_tolerance', 'double', [], [1e-12]), g.op('Max', [g.op('Abs', [mean], 'series_mean_abs'), g.constant('one_double', 'double', [], [1])], 'series_mean_floor')], 'series_std_floor');
  const safeStd = g.op('Where', [g.op('Greater', [std, floor], 'series_std_varies'), std, g.constant('unit_std', 'double', [], [1])], 'series_std');
  return { xDouble, mean, std: safeStd };
}

function encode(g: OnnxGraph, model: ExportableAutoencoder, part: OnnxPart): Promise<Uint8Array> {
  const { normalize = model.scaling?.normalize ?? 'none', ...config } = model.config;
  return g.encode({
    producerVersion: VERSION,
    docString: `lstm-ae ${part} (opset ${OPSET}): x (batch, time, channels) float32 in the data's units${variantOf(config).maskValue !== null ? ', lengths (batch) int64' : ''} -> code (batch, latent), states (batch, time, latent)${part === 'autoencoder' ? ', reconstruction (batch, time, channels)' : ''}`,
    metadata: { 'lstm-ae.part': part, 'lstm-ae.config': JSON.stringify({ ...config, normalize }) },
  });
}
