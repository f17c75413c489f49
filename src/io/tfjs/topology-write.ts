import type { RecurrentActivation } from '../../ops/activations.js';
import type { AutoencoderDims, DecoderKind } from '../../models/autoencoder/layout.js';
import type { OutputActivation } from '../../models/autoencoder/config.js';

/**
 * The autoencoder as a Keras functional model in the TF.js Layers JSON, so that
 * `tf.loadLayersModel` (and Keras, via tensorflowjs_converter) rebuild the same network.
 * The layer names are the weight prefixes of layout.ts. Every activation is written out:
 * the library defaults differ (TF.js's LSTM defaults to hard_sigmoid, TF2 Keras's to
 * sigmoid), so a file that relied on them would be ambiguous.
 *
 * The conditional model has two inputs: x, and x reversed in time (within each window's
 * length when windows are padded). The unconditional one has x alone:
 * Input -> LSTM -> RepeatVector -> LSTM -> Dense -> Dense. A masked model (maskValue set)
 * puts a Masking layer after each input, as Keras would build it: the encoder then carries
 * its state through the padded steps (steps whose every feature is maskValue), and the
 * conditional decoder, masked through the Concatenate, carries its own.
 */
export interface TopologySettings extends AutoencoderDims {
  recurrentActivation: RecurrentActivation;
  /** default 'conditional' */
  decoder?: DecoderKind;
  /** default 'tanh' */
  outputActivation?: OutputActivation;
  /** null or absent: no Masking layers */
  maskValue?: number | null;
}

const GLOROT_UNIFORM = {
  class_name: 'VarianceScaling',
  config: { scale: 1, mode: 'fan_avg', distribution: 'uniform', seed: null },
};
const ORTHOGONAL = { class_name: 'Orthogonal', config: { gain: 1, seed: null } };
const ZEROS = { class_name: 'Zeros', config: {} };

function inputLayer(name: string, timesteps: number, inputDim: number) {
  return {
    name,
    class_name: 'InputLayer',
    config: { batch_input_shape: [null, timesteps, inputDim], dtype: 'float32', sparse: false, name },
    inbound_nodes: [],
  };
}

function from(...names: string[]) {
  return [names.map((name) => [name, 0, 0, {}])];
}

function maskingLayer(name: string, maskValue: number, input: string) {
  return { name, class_name: 'Masking', config: { mask_value: maskValue, name, trainable: true, dtype: 'float32' }, inbound_nodes: from(input) };
}

function lstmLayer(name: string, units: number, recurrentActivation: string, returnSequences: boolean, input: string) {
  return {
    name,
    class_name: 'LSTM',
    config: {
      name,
      trainable: true,
      units,
      activation: 'tanh',
      recurrent_activation: recurrentActivation,
      use_bias: true,
      kernel_initializer: GLOROT_UNIFORM,
      recurrent_initializer: ORTHOGONAL,
      bias_initializer: ZEROS,
      unit_forget_bias: true,
      kernel_regularizer: null,
      recurrent_regularizer: null,
      bias_regularizer: null,
      activity_regularizer: null,
      kernel_constraint: null,
      recurrent_constraint: null,
      bias_constraint: null,
      dropout: 0,
      recurrent_dropout: 0,
      implementation: null,
      return_sequences: returnSequences,
      return_state: false,
      go_backwards: false,
      stateful: false,
      unroll: false,
    },
    inbound_nodes: from(input),
  };
}

function denseLayer(name: string, units: number, activation: string, input: string) {
  return {
    name,
    class_name: 'Dense',
    config: {
      name,
      trainable: true,
      units,
      activation,
      use_bias: true,
      kernel_initializer: GLOROT_UNIFORM,
      bias_initializer: ZEROS,
      kernel_regularizer: null,
      bias_regularizer: null,
      activity_regularizer: null,
      kernel_constraint: null,
      bias_constraint: null,
    },
    inbound_nodes: from(input),
  };
}

export function autoencoderTopology(s: TopologySettings): Record<string, unknown> {
  const { timesteps: T, inputDim: D, latentDim: L, recurrentActivation } = s;
  const conditional = (s.decoder ?? 'conditional') === 'conditional';
  const maskValue = s.maskValue ?? null;
  const layers: unknown[] = [inputLayer('input_1', T, D)];
  let encoderInput = 'input_1';
  if (maskValue !== null) {
    layers.push(maskingLayer('masking_1', maskValue, 'input_1'));
    encoderInput = 'masking_1';
  }
  layers.push(
    lstmLayer('encoder', L, recurrentActivation, false, encoderInput),
    { name: 'repeat_vector', class_name: 'RepeatVector', config: { n: T, name: 'repeat_vector', trainable: true }, inbound_nodes: from('encoder') },
  );
  let decoderInput = 'repeat_vector';
  if (conditional) {
    layers.push(inputLayer('input_2', T, D));
    let reversed = 'input_2';
    if (maskValue !== null) {
      layers.push(maskingLayer('masking_2', maskValue, 'input_2'));
      reversed = 'masking_2';
    }
    layers.push({
      name: 'concatenate',
      class_name: 'Concatenate',
      config: { axis: -1, name: 'concatenate', trainable: true },
      inbound_nodes: from('repeat_vector', reversed),
    });
    decoderInput = 'concatenate';
  }
  layers.push(
    lstmLayer('decoder', L, recurrentActivation, true, decoderInput),
    denseLayer('dense_hidden', L, 'relu', 'decoder'),
    denseLayer('dense_out', D, s.outputActivation ?? 'tanh', 'dense_hidden'),
  );
  return {
    class_name: 'Model',
    config: {
      name: 'lstm_autoencoder',
      layers,
      input_layers: conditional
        ? [
            ['input_1', 0, 0],
            ['input_2', 0, 0],
          ]
        : [['input_1', 0, 0]],
      output_layers: [['dense_out', 0, 0]],
    },
  };
}
