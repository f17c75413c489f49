import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InputError } from '../../input-error.js';
import { readInputFile } from '../read-input-file.js';
import type { WeightName } from '../../models/autoencoder/layout.js';
import { parseJsonText } from './json.js';
import { readAutoencoderTopology, type AutoencoderTopology } from './topology-read.js';
import { assignWeights } from './weights-assign.js';
import { readWeightsManifest } from './weights-read.js';

/** What a TF.js Layers model file says about the autoencoder: its sizes, activation and weights in our layout. */
export interface TfjsModelContents {
  dims: AutoencoderTopology['dims'];
  recurrentActivation: AutoencoderTopology['recurrentActivation'];
  weights: Record<WeightName, Float32Array>;
}

/**
 * Reads model.json (or a folder holding one) and its weight shards, whether TF.js, Keras via
 * tensorflowjs_converter, or we wrote them. Every problem is one InputError line naming the file.
 */
export function readTfjsModel(path: string): TfjsModelContents {
  const modelJson = isDirectory(path) ? join(path, 'model.json') : path;
  const text = readInputFile(modelJson, 'a TF.js model.json').toString('utf8');
  const json = parseJsonText(text, modelJson);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new InputError(`${modelJson}: expected a JSON object with modelTopology and weightsManifest`);
  }
  const { modelTopology, weightsManifest, format } = json as Record<string, unknown>;
  if (format !== undefined && format !== 'layers-model') {
    throw new InputError(`${modelJson}: format is ${JSON.stringify(format)}; expected a "layers-model" (a graph model has no layers to recognise)`);
  }
  const topology = readAutoencoderTopology(modelTopology, modelJson);
  const named = readWeightsManifest(weightsManifest, dirname(modelJson), modelJson);
  return { dims: topology.dims, recurrentActivation: topology.recurrentActivation, weights: assignWeights(named, topology, modelJson) };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
