import type { Command } from 'commander';
import { writeNpy } from '../data/npy.js';
import { loadModel } from '../model/tfjs-format.js';
import { readSequences } from './read-sequences.js';

/** `lstm-ae encode`: each window's code, the encoder's final hidden state, as float32 (N, L). */
export function registerEncode(program: Command): void {
  program
    .command('encode')
    .description("write each window's code (the encoder's final hidden state) as float32 (N, L)")
    .requiredOption('--model <model.json>', 'a saved model (TF.js Layers format)')
    .requiredOption('--input <X.npy>', 'windows (N, T, D), float64 or float32')
    .requiredOption('--out <Z.npy>', 'where to write the codes')
    .action((o: { model: string; input: string; out: string }) => {
      const model = loadModel(o.model);
      const { timesteps, inputDim, latentDim } = model.config;
      const x = readSequences(o.input, { timesteps, inputDim, what: `the model ${o.model}` });
      writeNpy(o.out, { dtype: 'float32', shape: [x.shape[0], latentDim], data: model.encode(x) });
    });
}
