import type { RecurrentActivation } from '../../ops/activations.js';
import { InputError } from '../../input-error.js';
import type { AutoencoderDims, DecoderKind } from '../../models/autoencoder/layout.js';
import type { OutputActivation } from '../../models/autoencoder/config.js';
import { LIMITS, rangeText, type LimitName } from '../../limits.js';
import { shown } from './json.js';

/**
 * Recognises the autoencoder in a Keras/TF.js functional-model topology by its shape, never
 * by layer names (a file may call them encoder/decoder, lstm_1/lstm_2, lstm_LSTM1, ...):
 * starting at the model's output we walk inbound_nodes back through
 *   Dense(tanh|linear) <- Dense(relu) <- LSTM(sequences) <- Concatenate <- [RepeatVector <- LSTM <- x, x reversed]
 * (the conditional decoder) or
 *   Dense(tanh|linear) <- Dense(relu) <- LSTM(sequences) <- RepeatVector <- LSTM <- x
 * (the unconditional one), where each input is an InputLayer, or a Masking layer over one,
 * and check every setting that changes what the network computes.
 */
export const SUPPORTED_LAYER_CLASSES = ['InputLayer', 'LSTM', 'RepeatVector', 'Concatenate', 'Dense', 'Masking'] as const;

const ARCHITECTURE =
  'the autoencoder Input -> LSTM -> RepeatVector, Input -> Concatenate -> LSTM -> Dense(relu) -> Dense(tanh or linear), ' +
  'or without the second Input and the Concatenate, each Input optionally followed by Masking';

export interface AutoencoderTopology {
  dims: AutoencoderDims;
  recurrentActivation: RecurrentActivation;
  decoder: DecoderKind;
  outputActivation: OutputActivation;
  /** The encoder input's Masking mask_value, or null when it has none. */
  maskValue: number | null;
  /** The file's names of the four layers that own weights. */
  layerNames: { encoder: string; decoder: string; denseHidden: string; denseOut: string };
  /** The Concatenate takes the reversed input first and the repeated code second (conditional only). */
  inputFirstInConcat: boolean;
}

type JsonObject = Record<string, unknown>;

interface KerasLayer {
  name: string;
  className: string;
  config: JsonObject;
  /** Names of the layers feeding this one (its single call). */
  inbound: string[];
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function readAutoencoderTopology(modelTopology: unknown, source: string): AutoencoderTopology {
  const fail = (what: string): never => {
    throw new InputError(`${source}: ${what}`);
  };
  if (!isObject(modelTopology)) return fail('modelTopology is missing or not an object');
  // Keras files converted by tensorflowjs_converter wrap the model in model_config.
  const model = isObject(modelTopology.model_config) ? modelTopology.model_config : modelTopology;
  const kerasVersion = shown(modelTopology.keras_version ?? '', Infinity);
  const modelClass = shown(model.class_name);
  if (modelClass !== 'Model' && modelClass !== 'Functional') {
    fail(`the model is a ${modelClass}; expected a functional Model (class_name Model or Functional)`);
  }
  const config = isObject(model.config) ? model.config : fail('modelTopology.config is missing');
  const rawLayers = Array.isArray(config.layers) ? config.layers : fail('modelTopology.config.layers is missing');

  const layers = new Map<string, KerasLayer>();
  rawLayers.forEach((raw, index) => {
    if (!isObject(raw)) fail(`layer ${index} is not an object`);
    const layerConfig = isObject(raw.config) ? raw.config : {};
    const name = shown(raw.name ?? layerConfig.name ?? `#${index}`, Infinity);
    const className = shown(raw.class_name);
    if (!(SUPPORTED_LAYER_CLASSES as readonly string[]).includes(className)) {
      fail(`layer '${name}' has unsupported class ${className}; supported: ${SUPPORTED_LAYER_CLASSES.join(', ')}`);
    }
    if (layers.has(name)) fail(`two layers are named '${name}'`);
    layers.set(name, { name, className, config: layerConfig, inbound: inboundLayerNames(raw.inbound_nodes, name, fail) });
  });

  const outputs = layerRefs(config.output_layers);
  if (outputs.length !== 1) fail(`the model has ${outputs.length} outputs; expected 1 (${ARCHITECTURE})`);

  const used: KerasLayer[] = [];
  const take = (name: string, className: string, role: string): KerasLayer => {
    const layer = layers.get(name) ?? fail(`layer '${name}' is referenced but not defined`);
    if (layer.className !== className) {
      fail(`layer '${name}' is a ${layer.className} where the autoencoder needs its ${role} (${className}); expected ${ARCHITECTURE}`);
    }
    used.push(layer);
    return layer;
  };
  const onlyInput = (layer: KerasLayer): string => {
    if (layer.inbound.length !== 1) fail(`layer '${layer.name}' takes ${layer.inbound.length} inputs; expected 1`);
    return layer.inbound[0]!;
  };

  /** An InputLayer, or a Masking layer over one: the input, and the mask value (null when unmasked). */
  const maybeMasked = (name: string, role: string): { input: KerasLayer; maskValue: number | null } => {
    const masking = layers.get(name);
    if (masking?.className !== 'Masking') return { input: take(name, 'InputLayer', role), maskValue: null };
    used.push(masking);
    // Keras and TF.js write mask_value; Keras's default is 0
    const value = masking.config.mask_value ?? masking.config.maskValue ?? 0;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      fail(`Masking layer '${masking.name}' has mask_value ${JSON.stringify(value)}; expected a finite number`);
    }
    return { input: take(onlyInput(masking), 'InputLayer', role), maskValue: value as number };
  };

  const denseOut = take(outputs[0]!, 'Dense', 'output layer');
  const denseHidden = take(onlyInput(denseOut), 'Dense', 'hidden layer');
  const decoder = take(onlyInput(denseHidden), 'LSTM', 'decoder');
  const decoderKind: DecoderKind = layers.get(onlyInput(decoder))?.className === 'RepeatVector' ? 'unconditional' : 'conditional';
  let repeat: KerasLayer;
  let inputFirstInConcat = false;
  let concat: KerasLayer | undefined;
  let reversed: { input: KerasLayer; maskValue: number | null } | undefined;
  if (decoderKind === 'unconditional') {
    repeat = take(onlyInput(decoder), 'RepeatVector', 'repeated code');
  } else {
    concat = take(onlyInput(decoder), 'Concatenate', 'decoder input');
    if (concat.inbound.length !== 2) fail(`layer '${concat.name}' joins ${concat.inbound.length} inputs; expected 2`);
    const firstClass = layers.get(concat.inbound[0]!)?.className;
    inputFirstInConcat = firstClass === 'InputLayer' || firstClass === 'Masking';
    const [repeatName, decoderInputName] = inputFirstInConcat ? [concat.inbound[1]!, concat.inbound[0]!] : concat.inbound;
    repeat = take(repeatName!, 'RepeatVector', 'repeated code');
    reversed = maybeMasked(decoderInputName!, 'second input (x reversed in time)');
  }
  const encoder = take(onlyInput(repeat), 'LSTM', 'encoder');
  const { input: encoderInput, maskValue } = maybeMasked(onlyInput(encoder), 'first input (x)');
  const decoderInput = reversed?.input;
  if (encoderInput === decoderInput) {
    fail(`the encoder and the decoder read the same input '${encoderInput.name}'; expected two inputs, x and x reversed in time`);
  }
  const unused = [...layers.values()].filter((l) => !used.includes(l)).map((l) => `'${l.name}'`);
  if (unused.length > 0) fail(`layer ${unused.join(', ')} is not part of ${ARCHITECTURE}`);
  const inputs = layerRefs(config.input_layers);
  const expectedInputs = decoderInput ? [encoderInput.name, decoderInput.name] : [encoderInput.name];
  if (inputs.length !== expectedInputs.length || !expectedInputs.every((name) => inputs.includes(name))) {
    fail(`the model's inputs are [${inputs.join(', ')}]; expected ${expectedInputs.map((name) => `'${name}'`).join(' and ')}`);
  }
  // A masked decoder input alone would leave the code reading the padding; a masked encoder
  // input alone is fine: the decoder's unmasked steps past the padding change no real step's output.
  if (reversed && reversed.maskValue !== null && reversed.maskValue !== maskValue) {
    fail(
      maskValue === null
        ? `the decoder's input '${reversed.input.name}' is masked but the encoder's input '${encoderInput.name}' is not; expected Masking on both or on neither`
        : `the two Masking layers have mask_value ${maskValue} and ${reversed.maskValue}; expected the same`,
    );
  }

  if (concat) {
    const axis = concat.config.axis ?? -1;
    if (axis !== -1 && axis !== 2) fail(`layer '${concat.name}' concatenates on axis ${shown(axis)}; expected -1 (features)`);
  }

  const encoderSettings = lstmSettings(encoder, false, fail);
  const decoderSettings = lstmSettings(decoder, true, fail);
  const L = encoderSettings.units;
  if (decoderSettings.units !== L) fail(`the decoder '${decoder.name}' has ${decoderSettings.units} units; the encoder has ${L}; expected equal`);
  if (decoderSettings.recurrentActivation !== encoderSettings.recurrentActivation) {
    fail(
      `the encoder uses recurrent_activation ${encoderSettings.recurrentActivation} and the decoder ${decoderSettings.recurrentActivation}; expected the same`,
    );
  }
  if (encoderSettings.recurrentActivation === 'hard_sigmoid' && kerasVersion.startsWith('3')) {
    // Keras 3 redefined hard_sigmoid as relu6(x+3)/6; ours (Keras 2, TF.js) is clip(0.2x+0.5, 0, 1).
    fail(`written by Keras ${kerasVersion}, whose hard_sigmoid is relu6(x+3)/6; supported: sigmoid, or the Keras 2 / TF.js hard_sigmoid`);
  }
  const hidden = denseSettings(denseHidden, ['relu'], 'latentDim', fail);
  if (hidden.units !== L) fail(`the hidden Dense '${denseHidden.name}' has ${hidden.units} units; expected ${L} (the LSTMs' units)`);
  const out = denseSettings(denseOut, ['tanh', 'linear'], 'inputDim', fail);
  const D = out.units;

  const T = sizeSetting(repeat.config.n, `layer '${repeat.name}' n`, 'timesteps', fail);
  for (const input of decoderInput ? [encoderInput, decoderInput] : [encoderInput]) {
    const shape = input.config.batch_input_shape ?? input.config.batch_shape ?? input.config.batchInputShape;
    if (!Array.isArray(shape) || shape.length !== 3) {
      fail(`input '${input.name}' has batch shape ${JSON.stringify(shape)}; expected [null, timesteps, features]`);
    }
    const [, t, d] = shape as unknown[];
    if (t !== null && t !== T) fail(`input '${input.name}' has ${shown(t)} timesteps; the RepeatVector repeats ${T}`);
    if (d !== null && d !== D) fail(`input '${input.name}' has ${shown(d)} features; the output layer has ${D}`);
  }

  return {
    dims: { timesteps: T, inputDim: D, latentDim: L },
    recurrentActivation: encoderSettings.recurrentActivation,
    decoder: decoderKind,
    outputActivation: out.activation as OutputActivation,
    maskValue,
    layerNames: { encoder: encoder.name, decoder: decoder.name, denseHidden: denseHidden.name, denseOut: denseOut.name },
    inputFirstInConcat,
  };
}

/**
 * The layer names a layer is called on. Keras 2 and TF.js write [[[name, node, tensor, kwargs], ...]];
 * Keras 3 writes [{args: [...], kwargs}] with {keras_history: [name, node, tensor]} tensors inside.
 */
function inboundLayerNames(nodes: unknown, layer: string, fail: (what: string) => never): string[] {
  if (nodes === undefined || (Array.isArray(nodes) && nodes.length === 0)) return [];
  if (!Array.isArray(nodes)) return fail(`layer '${layer}' has malformed inbound_nodes`);
  if (nodes.length > 1) fail(`layer '${layer}' is called ${nodes.length} times; shared layers are not supported`);
  const node = nodes[0];
  if (Array.isArray(node)) {
    return node.map((ref) => (Array.isArray(ref) && typeof ref[0] === 'string' ? ref[0] : fail(`layer '${layer}' has malformed inbound_nodes`)));
  }
  // a walk with its own stack, in document order: however deep a file nests, no recursion
  const names: string[] = [];
  const stack: unknown[] = [isObject(node) ? node.args : undefined];
  while (stack.length > 0) {
    const v = stack.pop();
    if (Array.isArray(v)) pushReversed(stack, v);
    else if (isObject(v)) {
      const history = isObject(v.config) ? v.config.keras_history : undefined;
      if (Array.isArray(history) && typeof history[0] === 'string') names.push(history[0]);
      else pushReversed(stack, Object.values(v));
    }
  }
  if (names.length === 0) fail(`layer '${layer}' has malformed inbound_nodes`);
  return names;
}

/** [[name, 0, 0], ...] or, for a single one in Keras 3, [name, 0, 0]. */
function layerRefs(refs: unknown): string[] {
  if (!Array.isArray(refs)) return [];
  if (typeof refs[0] === 'string') return [refs[0]];
  return refs.map((r) => shown(Array.isArray(r) ? r[0] : r, Infinity));
}

/** One at a time: spreading a list of a million items into push() would overflow the stack. */
function pushReversed(stack: unknown[], items: readonly unknown[]): void {
  for (let k = items.length - 1; k >= 0; k--) stack.push(items[k]);
}

/** A size the model is built with, within the range src/limits.ts gives every command. */
function sizeSetting(v: unknown, what: string, limit: LimitName, fail: (what: string) => never): number {
  const { min, max } = LIMITS[limit];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) fail(`${what} is ${shown(v)}; expected ${rangeText(LIMITS[limit])}`);
  return v as number;
}

function activationName(v: unknown): string {
  // Keras 3 may write {class_name, config}; TF.js camelCases its own class names.
  const name = shown(isObject(v) ? (isObject(v.config) ? (v.config.name ?? v.class_name) : v.class_name) : v);
  return name === 'hardSigmoid' ? 'hard_sigmoid' : name;
}

function lstmSettings(layer: KerasLayer, returnSequences: boolean, fail: (what: string) => never) {
  const c = layer.config;
  const where = `LSTM layer '${layer.name}'`;
  const units = sizeSetting(c.units, `${where} units`, 'latentDim', fail);
  const activation = c.activation === undefined ? 'tanh' : activationName(c.activation);
  if (activation !== 'tanh') fail(`${where} has activation ${activation}; supported: tanh`);
  if (c.recurrent_activation === undefined) {
    fail(`${where} does not say its recurrent_activation (Keras and TF.js defaults differ); supported: sigmoid, hard_sigmoid`);
  }
  const recurrent = activationName(c.recurrent_activation);
  if (recurrent !== 'sigmoid' && recurrent !== 'hard_sigmoid') {
    fail(`${where} has recurrent_activation ${recurrent}; supported: sigmoid, hard_sigmoid`);
  }
  if (c.use_bias === false) fail(`${where} has no bias (use_bias false); expected use_bias true`);
  if ((c.return_sequences ?? false) !== returnSequences) {
    fail(`${where} has return_sequences ${shown(c.return_sequences ?? false)}; the ${returnSequences ? 'decoder' : 'encoder'} needs ${returnSequences}`);
  }
  // features lstm-ae does not compute: a stateful LSTM carries its state across batches, an
  // unrolled one is a graph-building choice we do not mirror; each is refused by name rather
  // than computed as the plain LSTM (which would give other numbers than Keras for stateful)
  for (const flag of ['stateful', 'go_backwards', 'return_state', 'time_major', 'unroll'] as const) {
    if (c[flag] !== undefined && c[flag] !== false) fail(`${where} has ${flag} ${shown(c[flag])}; lstm-ae computes only ${flag} false`);
  }
  return { units, recurrentActivation: recurrent as RecurrentActivation };
}

function denseSettings(
  layer: KerasLayer,
  allowed: readonly string[],
  limit: LimitName,
  fail: (what: string) => never,
): { units: number; activation: string } {
  const c = layer.config;
  const where = `Dense layer '${layer.name}'`;
  const units = sizeSetting(c.units, `${where} units`, limit, fail);
  const activation = c.activation === undefined ? 'linear' : activationName(c.activation);
  if (!allowed.includes(activation)) fail(`${where} has activation ${activation}; the autoencoder needs ${allowed.join(' or ')} there`);
  if (c.use_bias === false) fail(`${where} has no bias (use_bias false); expected use_bias true`);
  return { units, activation };
}
