import type { Command } from 'commander';
import { writeFileAtomic } from '../io/atomic-write.js';
import { ensureOutputFile } from '../io/output-location.js';
import { loadModelAndFiles } from '../io/tfjs/format.js';
import { ONNX_PARTS, toOnnx, type OnnxPart } from '../io/onnx/autoencoder-graph.js';
import { variantOf } from '../models/autoencoder/config.js';
import { loadDetectorModel } from '../tasks/detect/detector-file.js';
import { MAX_ENSEMBLE } from '../tasks/detect/detector.js';
import { choiceOption, integerOption } from './options.js';

/** The formats a model exports to; ONNX for ONNX Runtime (Node, browsers, Python, C++, Java, C#, Triton). */
const EXPORT_FORMATS = ['onnx'] as const;

/** `lstm-ae export`: a saved model as an ONNX file, for serving it in an engine that scales. */
export function registerExport(program: Command): void {
  program
    .command('export')
    .description("write a saved model as an ONNX file for ONNX Runtime: it takes series in the data's own units (and their lengths, for a masked model) and gives codes and reconstructions")
    .requiredOption('--model <model.json>', 'a saved model (TF.js Layers format), or with --context or --member a detector.json')
    .requiredOption('--out <file.onnx>', 'where to write the ONNX file')
    .option('--format <name>', EXPORT_FORMATS.join(' or '), choiceOption(EXPORT_FORMATS), 'onnx')
    .option('--part <name>', 'encoder (series → code) or autoencoder (series → code and reconstruction)', choiceOption(ONNX_PARTS), 'autoencoder')
    .option('--context', "--model names a detector.json: export its time-of-day model (input: the values, then the time of day's sin and cos)")
    .option('--member <k>', "--model names a detector.json: export member k of its ensemble (0: the detector's own model; with --context, that member's time-of-day model)", integerOption(0, MAX_ENSEMBLE - 1))
    .action(async (o: { model: string; out: string; part: OnnxPart; context?: boolean; member?: number }) => {
      const fromDetector = o.context === true || o.member !== undefined;
      const { model, files } = fromDetector ? loadDetectorModel(o.model, { member: o.member ?? 0, context: o.context === true }) : loadModelAndFiles(o.model);
      ensureOutputFile(o.out, '--out', files);
      const bytes = await toOnnx(model, { part: o.part });
      writeFileAtomic(o.out, bytes);
      const { inputDim: D, latentDim: L } = model.config;
      const lengths = variantOf(model.config).maskValue !== null ? ', lengths (batch) int64' : '';
      const outputs = `code (batch, ${L}), states (batch, time, ${L})${o.part === 'autoencoder' ? `, reconstruction (batch, time, ${D})` : ''}`;
      process.stdout.write(`wrote ${o.out} (${o.part}, ${bytes.length} bytes): inputs x (batch, time, ${D}) float32${lengths}; outputs ${outputs}\n`);
    });
}
