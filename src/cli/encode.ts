import type { Command } from 'commander';
import { registerForwardCommand } from './forward-command.js';

/** `lstm-ae encode`: each window's code, the encoder's final hidden state, as float32 (N, L). */
export function registerEncode(program: Command): void {
  registerForwardCommand(program, {
    name: 'encode',
    description: "write each window's code (the encoder's final hidden state) as float32 (N, L)",
    outHelp: 'where to write the codes',
    run: async (engine, model, x) => ({ data: await engine.encode(model, x), shape: [x.shape[0], model.config.latentDim] }),
  });
}
