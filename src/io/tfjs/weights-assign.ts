import { InputError } from '../../input-error.js';
import { autoencoderLayout, type WeightName } from '../../models/autoencoder/layout.js';
import type { AutoencoderTopology } from './topology-read.js';
import type { NamedWeight } from './weights-decode.js';

/**
 * Gives each weight of a file its place in our layout. A weight belongs to a layer when the
 * layer's name is one of its path segments ('decoder/kernel', 'lstm/lstm_cell/kernel' from
 * Keras, 'lstm_1/kernel:0'); its role is the last segment (kernel, recurrent_kernel, bias),
 * without the ':0' or '_1' that TensorFlow or TF.js may append.
 */
const ROLES = {
  encoder: { prefix: 'encoder', kind: 'LSTM', suffixes: ['kernel', 'recurrent_kernel', 'bias'] },
  decoder: { prefix: 'decoder', kind: 'LSTM', suffixes: ['kernel', 'recurrent_kernel', 'bias'] },
  denseHidden: { prefix: 'dense_hidden', kind: 'Dense', suffixes: ['kernel', 'bias'] },
  denseOut: { prefix: 'dense_out', kind: 'Dense', suffixes: ['kernel', 'bias'] },
} as const;

type Role = keyof typeof ROLES;

export function assignWeights(weights: NamedWeight[], topology: AutoencoderTopology, source: string): Record<WeightName, Float32Array> {
  const fail = (what: string): never => {
    throw new InputError(`${source}: ${what}`);
  };
  const layout = autoencoderLayout({ ...topology.dims, decoder: topology.decoder });
  const roles = Object.keys(ROLES) as Role[];
  const found = new Map<WeightName, NamedWeight>();

  for (const w of weights) {
    const segments = w.name.split('/');
    const owners = roles.filter((r) => segments.slice(0, -1).includes(topology.layerNames[r]));
    if (owners.length === 0) fail(`weight '${w.name}' belongs to no layer of the autoencoder`);
    if (owners.length > 1) fail(`weight '${w.name}' could belong to layers ${owners.map((r) => `'${topology.layerNames[r]}'`).join(' and ')}`);
    const role = ROLES[owners[0]!];
    const suffix = segments[segments.length - 1]!.replace(/:\d+$/, '').replace(/_\d+$/, '');
    if (!(role.suffixes as readonly string[]).includes(suffix)) {
      fail(`weight '${w.name}' is not one of ${role.kind} layer '${topology.layerNames[owners[0]!]}''s ${role.suffixes.join(', ')}`);
    }
    const ours = `${role.prefix}/${suffix}` as WeightName;
    if (found.has(ours)) fail(`weights '${found.get(ours)!.name}' and '${w.name}' are both the ${suffix} of layer '${topology.layerNames[owners[0]!]}'`);
    found.set(ours, w);
  }

  const result = {} as Record<WeightName, Float32Array>;
  for (const slot of layout.slots) {
    const name = slot.name as WeightName;
    const [prefix, suffix] = name.split('/') as [string, string];
    const role = roles.find((r) => ROLES[r].prefix === prefix)!;
    const w = found.get(name) ?? fail(`missing weights: no ${suffix} for ${ROLES[role].kind} layer '${topology.layerNames[role]}'`);
    if (w.shape.length !== slot.shape.length || w.shape.some((n, i) => n !== slot.shape[i])) {
      fail(`weight '${w.name}' has shape [${w.shape.join(',')}]; the model needs [${slot.shape.join(',')}]`);
    }
    result[name] = name === 'decoder/kernel' && topology.decoder === 'conditional' && topology.inputFirstInConcat ? codeRowsFirst(w.data, topology.dims.inputDim, topology.dims.latentDim) : w.data;
  }
  return result;
}

/** Our decoder kernel takes the repeated code in its first L rows; move D input rows after them. */
function codeRowsFirst(kernel: Float32Array, D: number, L: number): Float32Array {
  const cols = 4 * L;
  const out = new Float32Array(kernel.length);
  out.set(kernel.subarray(D * cols), 0);
  out.set(kernel.subarray(0, D * cols), L * cols);
  return out;
}
