import type { Command } from 'commander';
import { writeNpy } from '../data/npy.js';
import { loadModel } from '../model/tfjs-format.js';
import { readSequences } from './read-sequences.js';

/** `lstm-ae reconstruct`: the autoencoder's output for each window, float32 (N, T, D). */
export function registerReconstruct(program: Command): void {
  program
    .command('reconstruct')
    .description("write the autoencoder's reconstruction of each window as float32 (N, T, D)")
    .requiredOption('--model <model.json>', 'a saved model (TF.js Layers format)')
    .requiredOption('--input <X.npy>', 'windows (N, T, D), float64 or float32')
    .requiredOption('--out <XHAT.npy>', 'where to write the reconstructions')
    .action((o: { model: string; input: string; out: string }) => {
      const model = loadModel(o.model);
      const { timesteps, inputDim } = model.config;
      const x = readSequences(o.input, { timesteps, inputDim, what: `the model ${o.model}` });
      writeNpy(o.out, { dtype: 'float32', shape: [...x.shape], data: model.predict(x) });
    });
}
