/**
 * detector.json's content, in the core (no files): everything a saved detector needs besides
 * its model (model.json + weights, the TF.js Layers format, named by "model"): the columns, the
 * window, the scaling, the error Gaussian, the smoothing, the calibration's starting rows and
 * the threshold rule. Numbers are JSON doubles, which read back exactly, so a detector read
 * back scores exactly as the one that wrote it. Reading and writing the file: detector-file.ts.
 */
import * as v from 'valibot';
import { InputError } from '../../input-error.js';
import { finiteNumber, firstIssue, integerIn } from '../../settings.js';
import { LIMITS, type LimitName } from '../../limits.js';
import { MAX_REFERENCE_CODES } from '../../analysis/anomaly/novelty.js';
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
const nonNegative = v.pipe(finiteNumber(), v.minValue(0));
const limit = (name: LimitName) => integerIn(LIMITS[name].min, LIMITS[name].max);
/** the CLI's bounds on a rule's number (--threshold-sigma, --fbeta, --smoothing) */
const MAX_SETTING = 1e6;
/** Telemanom's z runs from 2.5 in steps of 0.5 below this: a bound keeps the search short */
const MAX_SD_LIMIT = 1000;

const calibrationSchema = v.variant('kind', [
  v.object({ kind: v.literal('held-out') }),
  v.object({ kind: v.literal('running'), history: limit('history'), every: limit('history') }),
]);
const dynamicSchema = v.object({
  rule: v.literal('dynamic'),
  window: limit('history'),
  every: limit('history'),
  errorBuffer: limit('history'),
  sdLimit: v.pipe(finiteNumber(), v.gtValue(2.5), v.maxValue(MAX_SD_LIMIT)),
});

/** An estimator's settings checked by the same rules as detector.json's (an option out of range is one InputError line). */
export function checkDetectorOptions(o: { calibration?: unknown; window?: number; threshold?: { rule: string } }): void {
  const check = (schema: v.GenericSchema, value: unknown, name: string) => {
    const parsed = v.safeParse(schema, value);
    if (!parsed.success) {
      const issue = firstIssue(parsed.issues, name);
      throw new InputError(`${name}${issue.where === name ? '' : `.${issue.where}`}: ${issue.message}`);
    }
  };
  if (o.calibration !== undefined) check(calibrationSchema, o.calibration, 'calibration');
  if (o.window !== undefined) check(limit('detectWindow'), o.window, 'window');
  if (o.threshold?.rule === 'dynamic') check(dynamicSchema, o.threshold, 'threshold');
}

const schema = v.object({
  format: v.literal(FORMAT),
  version: v.literal(1),
  model: v.pipe(v.string(), v.minLength(1), v.maxLength(4096)),
  /** the model set's generation detector.json belongs to (model-set.ts); absent in a detector not saved to a folder */
  modelGeneration: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(Number.MAX_SAFE_INTEGER))),
  columns: v.object({
    time: v.nullable(v.pipe(v.string(), v.maxLength(4096))),
    values: v.pipe(v.array(v.pipe(v.string(), v.maxLength(4096))), v.minLength(1), v.maxLength(LIMITS.inputDim.max)),
    label: v.nullable(v.pipe(v.string(), v.maxLength(4096))),
    timeOrder: v.picklist(['strict', 'rows']),
  }),
  window: limit('detectWindow'),
  steps: integerIn(1, LIMITS.detectWindow.max),
  scaling: v.object({ centre: numbers, half: v.array(positive), constant: v.array(integerIn(0, LIMITS.inputDim.max - 1)) }),
  errorModel: v.object({ dim: whole, mean: numbers, covariance: numbers, precision: numbers }),
  smoothingSpan: v.pipe(finiteNumber(), v.minValue(1), v.maxValue(MAX_SETTING)),
  calibration: calibrationSchema,
  /** reconstruction statistics (squared distances' EWMA): never negative */
  heldOutSmoothed: v.pipe(v.array(nonNegative), v.minLength(2)),
  /** present when the detector scores the code's novelty too */
  code: v.nullable(
    v.object({
      latent: limit('latentDim'),
      reference: v.pipe(v.array(finite), v.minLength(1), v.maxLength(MAX_REFERENCE_CODES * LIMITS.latentDim.max)),
      heldOutNovelty: v.pipe(v.array(nonNegative), v.minLength(2)),
    }),
  ),
  threshold: v.variant('rule', [
    v.object({ rule: v.literal('fpr'), fpr: v.pipe(v.number(), v.gtValue(0), v.ltValue(1)), score: finite }),
    v.object({ rule: v.literal('sigma'), k: v.pipe(finiteNumber(), v.minValue(0), v.maxValue(MAX_SETTING)), surprise: finite }),
    v.object({ rule: v.literal('fbeta'), beta: v.pipe(positive, v.maxValue(MAX_SETTING)), surprise: finite }),
    dynamicSchema,
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
  const fail = (what: string, expected: string) => {
    throw new InputError(`${source}: ${what}; expected ${expected} (${EXPECTED})`);
  };
  if (j.steps > j.window) fail(`steps ${j.steps} is more than the window's ${j.window} rows`, `1 to ${j.window}`);
  const constant = new Set<number>();
  for (const c of j.scaling.constant) {
    if (c >= D || constant.has(c)) fail(`scaling.constant names channel ${c}`, `distinct channels from 0 to ${D - 1}`);
    // a constant channel is scaled by 1 unit of its own (scaling.ts)
    if (j.scaling.half[c] !== 1) fail(`scaling.half[${c}] is ${j.scaling.half[c]} for a constant channel`, '1');
    constant.add(c);
  }
  // a covariance and its inverse have positive diagonals; a negative precision would make distances negative
  for (let i = 0; i < dim; i++) {
    if (!(j.errorModel.covariance[i * dim + i]! > 0)) fail(`errorModel.covariance[${i * dim + i}] (a variance) is ${j.errorModel.covariance[i * dim + i]}`, 'a number above 0');
    if (!(j.errorModel.precision[i * dim + i]! > 0)) fail(`errorModel.precision[${i * dim + i}] (a diagonal of the inverse) is ${j.errorModel.precision[i * dim + i]}`, 'a number above 0');
  }
  if (j.calibration.kind === 'running' && j.calibration.every > j.calibration.history) fail(`calibration.every ${j.calibration.every} is more than its history of ${j.calibration.history} rows`, `1 to ${j.calibration.history}`);
  if (j.threshold.rule === 'dynamic' && j.threshold.every > j.threshold.window) fail(`threshold.every ${j.threshold.every} is more than its window of ${j.threshold.window} rows`, `1 to ${j.threshold.window}`);
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
