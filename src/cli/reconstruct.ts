import type { Command } from 'commander';
import { registerForwardCommand } from './forward-command.js';

/** `lstm-ae reconstruct`: the autoencoder's output for each window, float32 (N, T, D). */
export function registerReconstruct(program: Command): void {
  registerForwardCommand(program, {
    name: 'reconstruct',
    description: "write the autoencoder's reconstruction of each window as float32 (N, T, D)",
    outHelp: 'where to write the reconstructions',
    run: async (engine, model, x) => ({ data: await engine.predict(model, x), shape: [...x.shape] }),
  });
}
