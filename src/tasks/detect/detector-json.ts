/**
 * detector.json's content, in the core (no files): everything a saved detector needs besides
 * its model (model.json + weights, the TF.js Layers format, named by "model"): the columns, the
 * window, the scaling, the error Gaussian, the smoothing, the calibration's starting rows and
 * the threshold rule. Numbers are JSON doubles, which read back exactly, so a detector read
 * back scores exactly as the one that wrote it. Reading and writing the file: detector-file.ts.
 */
import * as v from 'valibot';
import { InputError } from '../../input-error.js';
import { finiteNumber, firstIssue } from '../../settings.js';
import type { TimeOrder } from '../../io/readers/timeseries-csv.js';
import type { ThresholdRule } from '../../analysis/anomaly/scorer.js';
import type { LstmAutoencoder } from '../../models/autoencoder/lstm-autoencoder.js';
import type { Detector } from './detector.js';

export const DETECTOR_FILE = 'detector.json';
const FORMAT = 'lstm-ae-detector';
const EXPECTED = `a ${DETECTOR_FILE} written by lstm-ae detect`;

export interface DetectorColumns {
  time: string | undefined;
  values: string[];
  label: string | undefined;
  timeOrder: TimeOrder;
}

const finite = finiteNumber();
const numbers = v.array(finite);
const whole = v.pipe(v.number(), v.integer(), v.minValue(1));
const positive = v.pipe(finiteNumber(), v.gtValue(0));
const atLeast = (n: number) => v.pipe(v.array(finite), v.minLength(n));

const schema = v.object({
  format: v.literal(FORMAT),
  version: v.literal(1),
  model: v.pipe(v.string(), v.minLength(1)),
  /** the model set's generation detector.json belongs to (model-set.ts); absent in a detector not saved to a folder */
  modelGeneration: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
  columns: v.object({
    time: v.nullable(v.string()),
    values: v.pipe(v.array(v.string()), v.minLength(1)),
    label: v.nullable(v.string()),
    timeOrder: v.picklist(['strict', 'rows']),
  }),
  window: v.pipe(whole, v.minValue(2)),
  steps: whole,
  scaling: v.object({ centre: numbers, half: v.array(positive), constant: v.array(v.pipe(v.number(), v.integer(), v.minValue(0))) }),
  errorModel: v.object({ dim: whole, mean: numbers, covariance: numbers, precision: numbers }),
  smoothingSpan: v.pipe(finiteNumber(), v.minValue(1)),
  calibration: v.variant('kind', [
    v.object({ kind: v.literal('held-out') }),
    v.object({ kind: v.literal('running'), history: whole, every: whole }),
  ]),
  heldOutSmoothed: atLeast(2),
  /** present when the detector scores the code's novelty too */
  code: v.nullable(v.object({ latent: whole, reference: atLeast(1), heldOutNovelty: atLeast(2) })),
  threshold: v.variant('rule', [
    v.object({ rule: v.literal('fpr'), fpr: v.pipe(v.number(), v.gtValue(0), v.ltValue(1)), score: finite }),
    v.object({ rule: v.literal('sigma'), k: v.pipe(finiteNumber(), v.minValue(0)), surprise: finite }),
    v.object({ rule: v.literal('fbeta'), beta: positive, surprise: finite }),
    v.object({ rule: v.literal('dynamic'), window: whole, every: whole, errorBuffer: whole, sdLimit: v.pipe(finiteNumber(), v.gtValue(2.5)) }),
  ]),
  training: v.record(v.string(), v.unknown()),
});

export type DetectorJson = v.InferOutput<typeof schema>;

/** detector.json's content for a fitted detector (`generation`: the model set's, once saved to a folder). */
export function detectorJson(
  detector: Detector,
  columns: DetectorColumns,
  threshold: ThresholdRule,
  training: Record<string, unknown>,
  generation?: number,
): DetectorJson {
  const g = detector.scorer.gaussian;
  return {
    format: FORMAT,
    version: 1,
    model: 'model.json',
    ...(generation === undefined ? {} : { modelGeneration: generation }),
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
}

/** detector.json's text as the CLI writes it. */
export function detectorJsonText(json: DetectorJson): string {
  return JSON.stringify(json, null, 1) + '\n';
}

/** A detector.json's content (text or parsed JSON) checked; anything wrong is one InputError line naming `source`. */
export function parseDetectorJson(input: string | unknown, source: string): DetectorJson {
  let raw = input;
  if (typeof input === 'string') {
    try {
      raw = JSON.parse(input);
    } catch {
      // the parser's message quotes the text; what the file holds stays unsaid
      throw new InputError(`${source}: not JSON; expected ${EXPECTED}`);
    }
  }
  const parsed = v.safeParse(schema, raw);
  if (!parsed.success) {
    const issue = firstIssue(parsed.issues, 'the file');
    throw new InputError(`${source}: ${issue.where}: ${issue.message}; expected ${EXPECTED}`);
  }
  const j = parsed.output;
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
    if (got !== want) throw new InputError(`${source}: ${what} has ${got} values; expected ${want} for ${D} channel(s) and ${j.steps} step(s)`);
  }
  return j;
}

/** The detector a checked detector.json describes, with its model (loaded from the file "model" names, or given in memory). */
export function detectorFromJson(j: DetectorJson, model: LstmAutoencoder, source: string, modelSource = 'the model'): Detector {
  const D = j.columns.values.length;
  const { timesteps, inputDim, latentDim } = model.config;
  if (timesteps !== j.window || inputDim !== D) {
    throw new InputError(`${modelSource}: the model takes windows of ${timesteps} rows of ${inputDim} channel(s), but ${source} says ${j.window} rows of ${D}`);
  }
  if (j.code && (j.code.latent !== latentDim || j.code.reference.length % latentDim !== 0 || j.code.heldOutNovelty.length !== j.heldOutSmoothed.length)) {
    throw new InputError(`${source}: code: the reference codes or held-out novelty do not fit the model's code of ${latentDim} and ${j.heldOutSmoothed.length} held-out rows`);
  }
  return {
    model,
    window: j.window,
    steps: j.steps,
    channels: D,
    scaling: { centre: [...j.scaling.centre], half: [...j.scaling.half], constant: [...j.scaling.constant] },
    scorer: {
      steps: j.steps,
      channels: D,
      gaussian: { dim: j.steps * D, mean: Float64Array.from(j.errorModel.mean), covariance: Float64Array.from(j.errorModel.covariance), precision: Float64Array.from(j.errorModel.precision) },
      smoothingSpan: j.smoothingSpan,
      calibration: j.calibration,
      heldOutSmoothed: Float64Array.from(j.heldOutSmoothed),
      ...(j.code ? { heldOutNovelty: Float64Array.from(j.code.heldOutNovelty) } : {}),
    },
    ...(j.code ? { codeReference: Float64Array.from(j.code.reference) } : {}),
  };
}

/** The columns a detector.json names. */
export function columnsOf(j: DetectorJson): DetectorColumns {
  return { time: j.columns.time ?? undefined, values: j.columns.values, label: j.columns.label ?? undefined, timeOrder: j.columns.timeOrder };
}
