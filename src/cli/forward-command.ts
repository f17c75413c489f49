import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { writeNpy } from '../io/npy.js';
import { ENGINES, type EngineName } from '../models/autoencoder/create-gradient-step.js';
import type { LstmAutoencoder } from '../models/autoencoder/lstm-autoencoder.js';
import { loadModel } from '../io/tfjs/format.js';
import { createTrainingEngine, type TrainingEngine } from '../pipeline/training-engine.js';
import { choiceOption, integerOption } from './options.js';
import { ensureOutputFile } from '../io/output-location.js';
import { readSequences, type SequenceFile } from '../io/read-sequences.js';

/** Windows per forward call: bounds the engine's buffers whatever N is. */
const CHUNK = 1024;

export interface ForwardCommand {
  name: string;
  description: string;
  outHelp: string;
  /** the float32 result and its shape */
  run(engine: TrainingEngine, model: LstmAutoencoder, x: SequenceFile): Promise<{ data: Float32Array; shape: number[] }>;
}

/** A command that loads a model, runs it forward over X.npy on the chosen engine, and writes one float32 .npy. */
export function registerForwardCommand(program: Command, c: ForwardCommand): void {
  program
    .command(c.name)
    .description(c.description)
    .requiredOption('--model <model.json>', 'a saved model (TF.js Layers format)')
    .requiredOption('--input <X.npy>', 'windows (N, T, D), float64 or float32')
    .requiredOption('--out <file.npy>', c.outHelp)
    .option('--threads <n>', 'threads, all cores unless given', integerOption(1, 256), availableParallelism())
    .option('--engine <name>', `${ENGINES.join(' or ')}`, choiceOption(ENGINES), 'fast')
    .action(async (o: { model: string; input: string; out: string; threads: number; engine: EngineName }) => {
      const model = loadModel(o.model);
      const { timesteps, inputDim } = model.config;
      const x = readSequences(o.input, { timesteps, inputDim, what: `the model ${o.model}` });
      // after the inputs, so a bad one leaves no folder behind; before the work, so it can be saved
      ensureOutputFile(o.out);
      const engine = await createTrainingEngine(o.engine, model.config, Math.min(CHUNK, x.shape[0]), o.threads);
      try {
        const result = await c.run(engine, model, x);
        writeNpy(o.out, { dtype: 'float32', ...result });
      } finally {
        await engine.dispose();
      }
    });
}
