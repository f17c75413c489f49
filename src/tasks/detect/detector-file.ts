/**
 * detector.json: everything `detect --model DIR/detector.json --follow` needs besides the model
 * files beside it (model.json + weights.bin, the TF.js Layers format): the columns, the window,
 * the scaling, the error Gaussian, the smoothing, the calibration's starting rows and the
 * threshold rule. Numbers are written as JSON doubles, which read back exactly, so a detector
 * read from disk scores exactly as the one that wrote it.
 */
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { InputError } from '../../input-error.js';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { readInputFile } from '../../io/read-input-file.js';
import { loadModel, saveModel } from '../../io/tfjs/format.js';
import type { TimeOrder } from '../../io/readers/timeseries-csv.js';
import type { ThresholdRule } from '../../analysis/anomaly/scorer.js';
import type { Detector } from './detector.js';

export const DETECTOR_FILE = 'detector.json';
const FORMAT = 'lstm-ae-detector';

export interface DetectorColumns {
  time: string | undefined;
  values: string[];
  label: string | undefined;
  timeOrder: TimeOrder;
}

const finite = z.number().refine(Number.isFinite, 'a finite number');
const numbers = z.array(finite);
const whole = z.number().int().min(1);

const schema = z.object({
  format: z.literal(FORMAT),
  version: z.literal(1),
  model: z.string().min(1),
  columns: z.object({
    time: z.string().nullable(),
    values: z.array(z.string()).min(1),
    label: z.string().nullable(),
    timeOrder: z.enum(['strict', 'rows']),
  }),
  window: whole.min(2),
  steps: whole,
  scaling: z.object({ centre: numbers, half: z.array(z.number().positive()), constant: z.array(z.number().int().min(0)) }),
  errorModel: z.object({ dim: whole, mean: numbers, covariance: numbers, precision: numbers }),
  smoothingSpan: z.number().min(1),
  calibration: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('held-out') }),
    z.object({ kind: z.literal('running'), history: whole, every: whole }),
  ]),
  heldOutSmoothed: numbers.min(2),
  /** present when the detector scores the code's novelty too */
  code: z.object({ latent: whole, reference: numbers.min(1), heldOutNovelty: numbers.min(2) }).nullable(),
  threshold: z.discriminatedUnion('rule', [
    z.object({ rule: z.literal('fpr'), fpr: z.number().gt(0).lt(1), score: finite }),
    z.object({ rule: z.literal('sigma'), k: z.number().min(0), surprise: finite }),
    z.object({ rule: z.literal('fbeta'), beta: z.number().positive(), surprise: finite }),
    z.object({ rule: z.literal('dynamic'), window: whole, every: whole, errorBuffer: whole, sdLimit: z.number().gt(2.5) }),
  ]),
  training: z.record(z.string(), z.unknown()),
});

export type DetectorJson = z.infer<typeof schema>;

/** Writes the model files and detector.json into `dir` (detector.json last); returns its path. */
export function saveDetector(dir: string, detector: Detector, columns: DetectorColumns, threshold: ThresholdRule, training: Record<string, unknown>): string {
  saveModel(dir, detector.model);
  const g = detector.scorer.gaussian;
  const json: DetectorJson = {
    format: FORMAT,
    version: 1,
    model: 'model.json',
    columns: { time: columns.time ?? null, values: columns.values, label: columns.label ?? null, timeOrder: columns.timeOrder },
    window: detector.window,
    steps: detector.steps,
    scaling: detector.scaling,
    errorModel: { dim: g.dim, mean: Array.from(g.mean), covariance: Array.from(g.covariance), precision: Array.from(g.precision) },
    smoothingSpan: detector.scorer.smoothingSpan,
    calibration: detector.scorer.calibration,
    heldOutSmoothed: Array.from(detector.scorer.heldOutSmoothed),
    code:
      detector.codeReference && detector.scorer.heldOutNovelty
        ? { latent: detector.model.config.latentDim, reference: Array.from(detector.codeReference), heldOutNovelty: Array.from(detector.scorer.heldOutNovelty) }
        : null,
    threshold,
    training,
  };
  const path = join(dir, DETECTOR_FILE);
  writeFileAtomic(path, JSON.stringify(json, null, 1) + '\n');
  return path;
}

/** Reads a detector.json and its model; anything missing or inconsistent is an InputError naming the file. */
export function loadDetector(path: string): { detector: Detector; columns: DetectorColumns; threshold: ThresholdRule; json: DetectorJson } {
  const text = readInputFile(path, `a ${DETECTOR_FILE} written by lstm-ae detect`).toString('utf8');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new InputError(`${path}: not JSON (${(err as Error).message}); expected a ${DETECTOR_FILE} written by lstm-ae detect`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(`${path}: ${issue?.path.join('.') || 'the file'}: ${issue?.message ?? 'invalid'}; expected a ${DETECTOR_FILE} written by lstm-ae detect`);
  }
  const j = parsed.data;
  const D = j.columns.values.length;
  const dim = j.steps * D;
  const sizes: [string, number, number][] = [
    ['scaling.centre', j.scaling.centre.length, D],
    ['scaling.half', j.scaling.half.length, D],
    ['errorModel.dim', j.errorModel.dim, dim],
    ['errorModel.mean', j.errorModel.mean.length, dim],
    ['errorModel.covariance', j.errorModel.covariance.length, dim * dim],
    ['errorModel.precision', j.errorModel.precision.length, dim * dim],
  ];
  for (const [what, got, want] of sizes) {
    if (got !== want) throw new InputError(`${path}: ${what} has ${got} values; expected ${want} for ${D} channel(s) and ${j.steps} step(s)`);
  }
  const modelPath = join(dirname(path), j.model);
  const model = loadModel(modelPath);
  const { timesteps, inputDim, latentDim } = model.config;
  if (timesteps !== j.window || inputDim !== D) {
    throw new InputError(`${modelPath}: the model takes windows of ${timesteps} rows of ${inputDim} channel(s), but ${path} says ${j.window} rows of ${D}`);
  }
  if (j.code && (j.code.latent !== latentDim || j.code.reference.length % latentDim !== 0 || j.code.heldOutNovelty.length !== j.heldOutSmoothed.length)) {
    throw new InputError(`${path}: code: the reference codes or held-out novelty do not fit the model's code of ${latentDim} and ${j.heldOutSmoothed.length} held-out rows`);
  }
  const detector: Detector = {
    model,
    window: j.window,
    steps: j.steps,
    channels: D,
    scaling: j.scaling,
    scorer: {
      steps: j.steps,
      channels: D,
      gaussian: { dim, mean: Float64Array.from(j.errorModel.mean), covariance: Float64Array.from(j.errorModel.covariance), precision: Float64Array.from(j.errorModel.precision) },
      smoothingSpan: j.smoothingSpan,
      calibration: j.calibration,
      heldOutSmoothed: Float64Array.from(j.heldOutSmoothed),
      ...(j.code ? { heldOutNovelty: Float64Array.from(j.code.heldOutNovelty) } : {}),
    },
    ...(j.code ? { codeReference: Float64Array.from(j.code.reference) } : {}),
  };
  const columns: DetectorColumns = { time: j.columns.time ?? undefined, values: j.columns.values, label: j.columns.label ?? undefined, timeOrder: j.columns.timeOrder };
  return { detector, columns, threshold: j.threshold, json: j };
}
