import type { Command } from 'commander';
import { writeNpyPieces } from '../io/npy-file.js';
import { ENGINES, type EngineName, type EngineOptions } from '../train/gradient-step.js';
import { isRagged, type AnySequences } from '../train/sequences.js';
import type { LstmAutoencoder } from '../models/autoencoder/lstm-autoencoder.js';
import { loadModelAndFiles } from '../io/tfjs/format.js';
import { choiceOption, defaultThreads, labelColumnOf, limitOption } from './options.js';
import { SERIES_FORMATS, type SeriesFormat } from '../io/read-series.js';
import { ensureOutputFile } from '../io/output-location.js';
import { readModelInput } from '../io/training-data.js';

export interface ForwardCommand {
  name: string;
  description: string;
  outHelp: string;
  /** the float32 result's shape and its values, in pieces (a row at a time, when whole it would be large) */
  run(model: LstmAutoencoder, x: AnySequences, engine: EngineOptions): Promise<{ shape: number[]; pieces: Iterable<Float32Array> }>;
}

/** A command that loads a model, runs it forward over X.npy on the chosen engine, and writes one float32 .npy. */
export function registerForwardCommand(program: Command, c: ForwardCommand): void {
  program
    .command(c.name)
    .description(c.description)
    .requiredOption('--model <model.json>', 'a saved model (TF.js Layers format)')
    .requiredOption('--input <file>', "series as the model's training data were given, of any length: .ts, .tsv, .csv or .npy ((N, T) or (N, T, D))")
    .requiredOption('--out <file.npy>', c.outHelp)
    .option('--threads <n>', 'threads, all cores unless given', limitOption('threads'), defaultThreads())
    .option('--engine <name>', `${ENGINES.join(' or ')}`, choiceOption(ENGINES), 'fast')
    .option('--format <f>', `read --input as ${SERIES_FORMATS.join(', ')} whatever its extension`, choiceOption(SERIES_FORMATS))
    .option('--label-column <name|index>', 'CSV: the column holding labels (skipped), by header name or 0-based index, as train takes it')
    .action(async (o: { model: string; input: string; out: string; threads: number; engine: EngineName; format?: SeriesFormat; labelColumn?: string }) => {
      const { model, files } = loadModelAndFiles(o.model);
      const x = readModelInput(o.input, model.config, `the model ${o.model}`, {
        ...(o.format !== undefined ? { format: o.format } : {}),
        ...(o.labelColumn !== undefined ? { labelColumn: labelColumnOf(o.labelColumn) } : {}),
      });
      // after the inputs, so a bad one leaves no folder behind; before the work, so it can be
      // saved; never over one of the files just read
      ensureOutputFile(o.out, '--out', [o.input, ...files]);
      try {
        const result = await c.run(model, x, { engine: o.engine, threads: o.threads });
        writeNpyPieces(o.out, result.shape, result.pieces);
      } finally {
        await model.dispose();
      }
    });
}

/** `lstm-ae encode`: each window's code, the encoder's final hidden state, as float32 (N, L). */
export function registerEncode(program: Command): void {
  registerForwardCommand(program, {
    name: 'encode',
    description: "write each window's code (the encoder's final hidden state) as float32 (N, L)",
    outHelp: 'where to write the codes',
    run: async (model, x, engine) => {
      const codes = await model.encode(x, engine);
      return { shape: codes.shape, pieces: [codes.data] };
    },
  });
}

/** `lstm-ae reconstruct`: the autoencoder's output for each window, float32 (N, T, D). */
export function registerReconstruct(program: Command): void {
  registerForwardCommand(program, {
    name: 'reconstruct',
    description: "write the autoencoder's reconstruction of each series as float32 (N, T, D), in the data's units; NaN past a series' end",
    outHelp: 'where to write the reconstructions',
    run: async (model, x, engine) => {
      // padded steps as the readers read them back: NaN, the UCR archive's mark for "no value"
      if (isRagged(x)) {
        // one padded row at a time: the whole (N, T, D) in memory is what ragged series avoid
        const { data, lengths, features: D } = await model.reconstruct(x, engine);
        const T = lengths.reduce((longest, steps) => Math.max(longest, steps), 0);
        function* rows(): Generator<Float32Array> {
          const row = new Float32Array(T * D);
          for (let n = 0, at = 0; n < lengths.length; at += lengths[n]! * D, n++) {
            row.set(data.subarray(at, at + lengths[n]! * D));
            row.fill(NaN, lengths[n]! * D);
            yield row;
          }
        }
        return { shape: [lengths.length, T, D], pieces: rows() };
      }
      const reconstruction = await model.reconstruct(x, engine);
      const [N, T, D] = x.shape;
      if (x.lengths) for (let n = 0; n < N; n++) reconstruction.data.fill(NaN, (n * T + x.lengths[n]!) * D, (n + 1) * T * D);
      return { shape: reconstruction.shape, pieces: [reconstruction.data] };
    },
  });
}
