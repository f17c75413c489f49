/**
 * detector.json's content, in the core (no files): everything a saved detector needs besides
 * its model (model.json + weights, the TF.js Layers format, named by "model"): the columns, the
 * window, the scaling, the error Gaussian, the smoothing, the calibration's starting rows and
 * the threshold rule, the alert gate, and the second model that sees the time of day (its
 * TF.js files inline, the weights in base64, with its own scaling and statistics), and an
 * ensemble's other members (each its models inline and its statistics). Numbers are
 * JSON doubles, which read back exactly, so a detector read back scores exactly as the one
 * that wrote it. Reading and writing the file: detector-file.ts.
 */
import * as v from 'valibot';
import { InputError } from '../../input-error.js';
import { finiteNumber, firstIssue, integerIn } from '../../settings.js';
import { LIMITS, type LimitName } from '../../limits.js';
import { MAX_REFERENCE_CODES } from '../../analysis/anomaly/novelty.js';
import type { TimeOrder } from '../../io/readers/timeseries-csv.js';
import { heldOutRawSurprises, type ScorerModel, type ThresholdRule } from '../../analysis/anomaly/scorer.js';
import type { ChannelScaling } from '../../analysis/anomaly/scaling.js';
import type { LstmAutoencoder } from '../../models/autoencoder/lstm-autoencoder.js';
import { base64ToBytes, bytesToBase64 } from '../../io/base64.js';
import { modelArtifacts, modelFromArtifacts } from '../../io/tfjs/artifacts.js';
import { MAX_ENSEMBLE, type ContextModel, type Detector } from './detector.js';

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

/** One model's statistics: the scaling of its input, the error Gaussian, the held-out statistics and the code's. */
const memberParts = {
  scaling: v.object({ centre: numbers, half: v.array(positive), constant: v.array(integerIn(0, LIMITS.inputDim.max + 1)) }),
  errorModel: v.object({ dim: whole, mean: numbers, covariance: numbers, precision: numbers }),
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
};

/** A model's TF.js files inline: model.json's object and the weights in base64. */
const inlineModelSchema = v.object({ modelJson: v.record(v.string(), v.unknown()), weights: v.pipe(v.string(), v.maxLength(64 << 20)) });
const contextSchema = v.object({ model: inlineModelSchema, ...memberParts });

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
  ...memberParts,
  smoothingSpan: v.pipe(finiteNumber(), v.minValue(1), v.maxValue(MAX_SETTING)),
  calibration: calibrationSchema,
  /** the alert gate (alerts.ts); absent in a detector.json written before it was on by default: none; escalation absent: 0, as before it existed */
  alerts: v.optional(
    v.nullable(v.object({ red: finite, damped: v.nullable(finite), refractory: limit('history'), escalation: v.optional(v.pipe(finiteNumber(), v.minValue(0), v.maxValue(MAX_SETTING))) })),
  ),
  /** the second model, which also sees the time of day (detector.ts ContextModel); absent or null: none */
  context: v.optional(v.nullable(contextSchema)),
  /** an ensemble's other detectors (detector.ts Detector.members), each with its second model or null; absent: none, one detector */
  members: v.optional(v.pipe(v.array(v.object({ model: inlineModelSchema, ...memberParts, context: v.nullable(contextSchema) })), v.maxLength(MAX_ENSEMBLE - 1))),
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
  const context = detector.context;
  return {
    format: FORMAT,
    version: 1,
    model: 'model.json',
    ...(generation === undefined ? {} : { modelGeneration: generation }),
    columns: { time: columns.time ?? null, values: columns.values, label: columns.label ?? null, timeOrder: columns.timeOrder },
    window: detector.window,
    steps: detector.steps,
    ...memberJson(detector),
    smoothingSpan: detector.scorer.smoothingSpan,
    calibration: detector.scorer.calibration,
    alerts: detector.scorer.alerts ?? null,
    context: context ? inlineMember(context) : null,
    ...(detector.members ? { members: detector.members.map((m) => ({ ...inlineMember(m), context: m.context ? inlineMember(m.context) : null })) } : {}),
    threshold,
    training,
  };
}

/** A model's statistics as detector.json holds them. */
function memberJson(m: { model: LstmAutoencoder; scaling: ChannelScaling; scorer: ScorerModel; codeReference?: Float64Array }): Pick<DetectorJson, 'scaling' | 'errorModel' | 'heldOutSmoothed' | 'code'> {
  const g = m.scorer.gaussian;
  return {
    scaling: m.scaling,
    errorModel: { dim: g.dim, mean: Array.from(g.mean), covariance: Array.from(g.covariance), precision: Array.from(g.precision) },
    heldOutSmoothed: Array.from(m.scorer.heldOutSmoothed),
    code:
      m.codeReference && m.scorer.heldOutNovelty
        ? { latent: m.model.config.latentDim, reference: Array.from(m.codeReference), heldOutNovelty: Array.from(m.scorer.heldOutNovelty) }
        : null,
  };
}

/** A model kept inside detector.json (the second model, an ensemble's member): its TF.js files inline and its statistics. */
function inlineMember(m: ContextModel): v.InferOutput<typeof contextSchema> {
  return { model: inlineModel(m.model), ...memberJson(m) };
}

/** A model's TF.js files inline: model.json's object and the weights in base64. */
function inlineModel(model: LstmAutoencoder): { modelJson: Record<string, unknown>; weights: string } {
  const files = modelArtifacts(model);
  return { modelJson: JSON.parse(files.modelJson) as Record<string, unknown>, weights: bytesToBase64(files.weights) };
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
  const fail = (what: string, expected: string): never => {
    throw new InputError(`${source}: ${what}; expected ${expected} (${EXPECTED})`);
  };
  checkMember(j, '', D, D, j.steps, source, fail);
  if (j.steps > j.window) fail(`steps ${j.steps} is more than the window's ${j.window} rows`, `1 to ${j.window}`);
  const checkContext = (c: typeof j.context, prefix: string) => {
    if (!c) return;
    checkMember(c, `${prefix}context.`, D + 2, D, j.steps, source, fail);
    if (c.heldOutSmoothed.length !== j.heldOutSmoothed.length) fail(`${prefix}context.heldOutSmoothed has ${c.heldOutSmoothed.length} values`, `${j.heldOutSmoothed.length}, one per held-out row as heldOutSmoothed`);
  };
  checkContext(j.context, '');
  j.members?.forEach((m, k) => {
    const prefix = `members[${k}].`;
    checkMember(m, prefix, D, D, j.steps, source, fail);
    if (m.heldOutSmoothed.length !== j.heldOutSmoothed.length) fail(`${prefix}heldOutSmoothed has ${m.heldOutSmoothed.length} values`, `${j.heldOutSmoothed.length}, one per held-out row as heldOutSmoothed`);
    checkContext(m.context, prefix);
  });
  if (j.alerts && j.alerts.damped !== null && !(j.alerts.damped < j.alerts.red)) fail(`alerts.damped ${j.alerts.damped} is not below alerts.red ${j.alerts.red}`, 'damped below red');
  if (j.calibration.kind === 'running' && j.calibration.every > j.calibration.history) fail(`calibration.every ${j.calibration.every} is more than its history of ${j.calibration.history} rows`, `1 to ${j.calibration.history}`);
  if (j.threshold.rule === 'dynamic' && j.threshold.every > j.threshold.window) fail(`threshold.every ${j.threshold.every} is more than its window of ${j.threshold.window} rows`, `1 to ${j.threshold.window}`);
  return j;
}

/** The sizes and signs of one model's statistics: `inputs` channels scaled, the errors of `scored` of them modelled. */
function checkMember(
  m: Pick<DetectorJson, 'scaling' | 'errorModel'>,
  prefix: string,
  inputs: number,
  scored: number,
  steps: number,
  source: string,
  fail: (what: string, expected: string) => never,
): void {
  const dim = steps * scored;
  const sizes: [string, number, number][] = [
    ['scaling.centre', m.scaling.centre.length, inputs],
    ['scaling.half', m.scaling.half.length, inputs],
    ['errorModel.dim', m.errorModel.dim, dim],
    ['errorModel.mean', m.errorModel.mean.length, dim],
    ['errorModel.covariance', m.errorModel.covariance.length, dim * dim],
    ['errorModel.precision', m.errorModel.precision.length, dim * dim],
  ];
  for (const [what, got, want] of sizes) {
    if (got !== want) throw new InputError(`${source}: ${prefix}${what} has ${got} values; expected ${want} for ${inputs} channel(s) and ${steps} step(s)`);
  }
  const constant = new Set<number>();
  for (const c of m.scaling.constant) {
    if (c >= inputs || constant.has(c)) fail(`${prefix}scaling.constant names channel ${c}`, `distinct channels from 0 to ${inputs - 1}`);
    // a constant channel is scaled by 1 unit of its own (scaling.ts)
    if (m.scaling.half[c] !== 1) fail(`${prefix}scaling.half[${c}] is ${m.scaling.half[c]} for a constant channel`, '1');
    constant.add(c);
  }
  // a covariance and its inverse have positive diagonals; a negative precision would make distances negative
  for (let i = 0; i < dim; i++) {
    if (!(m.errorModel.covariance[i * dim + i]! > 0)) fail(`${prefix}errorModel.covariance[${i * dim + i}] (a variance) is ${m.errorModel.covariance[i * dim + i]}`, 'a number above 0');
    if (!(m.errorModel.precision[i * dim + i]! > 0)) fail(`${prefix}errorModel.precision[${i * dim + i}] (a diagonal of the inverse) is ${m.errorModel.precision[i * dim + i]}`, 'a number above 0');
  }
}

/** The detector a checked detector.json describes, with its model (loaded from the file "model" names, or given in memory). */
export function detectorFromJson(j: DetectorJson, model: LstmAutoencoder, source: string, modelSource = 'the model'): Detector {
  const members = (j.members ?? []).map((m, k) => {
    const prefix = `members[${k}].`;
    return oneDetector(j, m, prefix, inlineModelFrom(m.model, `${source}: ${prefix}model`), m.context, source, `${source}: ${prefix}model`);
  });
  const main = oneDetector(j, j, '', model, j.context, source, modelSource);
  return {
    ...main,
    scorer: {
      ...main.scorer,
      ...(members.length > 0 ? { heldOutMembers: members.map((m) => heldOutRawSurprises(m.scorer)) } : {}),
      // a detector.json written before the gate was on by default has none
      alerts: j.alerts ?? null,
    },
    ...(members.length > 0 ? { members } : {}),
  };
}

/** A model given inline (TF.js files, the weights in base64). */
function inlineModelFrom(m: v.InferOutput<typeof inlineModelSchema>, where: string): LstmAutoencoder {
  return modelFromArtifacts(m.modelJson, base64ToBytes(m.weights, `${where}.weights`), `${where}.modelJson`);
}

/** One detector of a checked detector.json (the file's own, or a member of its ensemble) with its second model, without likelihood or gate. */
function oneDetector(
  j: DetectorJson,
  parts: Pick<DetectorJson, 'scaling' | 'errorModel' | 'heldOutSmoothed' | 'code'>,
  prefix: string,
  model: LstmAutoencoder,
  contextJson: DetectorJson['context'],
  source: string,
  modelSource: string,
): Detector {
  const D = j.columns.values.length;
  const main = memberFromJson(parts, prefix, model, D, D, j, source, modelSource);
  let context: ContextModel | undefined;
  if (contextJson) {
    const where = `${source}: ${prefix}context.model`;
    context = memberFromJson(contextJson, `${prefix}context.`, inlineModelFrom(contextJson.model, where), D + 2, D, j, source, where);
  }
  return {
    model,
    window: j.window,
    steps: j.steps,
    channels: D,
    scaling: main.scaling,
    scorer: { ...main.scorer, ...(context ? { heldOutContext: heldOutRawSurprises(context.scorer) } : {}) },
    ...(main.codeReference ? { codeReference: main.codeReference } : {}),
    ...(context ? { context } : {}),
  };
}

/** One model of a checked detector.json with its statistics: `inputs` channels in, the errors of `scored` of them scored. */
function memberFromJson(
  m: Pick<DetectorJson, 'scaling' | 'errorModel' | 'heldOutSmoothed' | 'code'>,
  prefix: string,
  model: LstmAutoencoder,
  inputs: number,
  scored: number,
  j: DetectorJson,
  source: string,
  modelSource: string,
): ContextModel {
  const { timesteps, inputDim, latentDim } = model.config;
  if (timesteps !== j.window || inputDim !== inputs) {
    throw new InputError(`${modelSource}: the model takes windows of ${timesteps} rows of ${inputDim} channel(s), but ${source} says ${j.window} rows of ${inputs}`);
  }
  if (m.code && (m.code.latent !== latentDim || m.code.reference.length % latentDim !== 0 || m.code.heldOutNovelty.length !== m.heldOutSmoothed.length)) {
    throw new InputError(`${source}: ${prefix}code: the reference codes or held-out novelty do not fit the model's code of ${latentDim} and ${m.heldOutSmoothed.length} held-out rows`);
  }
  return {
    model,
    scaling: { centre: [...m.scaling.centre], half: [...m.scaling.half], constant: [...m.scaling.constant] },
    scorer: {
      steps: j.steps,
      channels: scored,
      gaussian: { dim: j.steps * scored, mean: Float64Array.from(m.errorModel.mean), covariance: Float64Array.from(m.errorModel.covariance), precision: Float64Array.from(m.errorModel.precision) },
      smoothingSpan: j.smoothingSpan,
      calibration: j.calibration,
      heldOutSmoothed: Float64Array.from(m.heldOutSmoothed),
      ...(m.code ? { heldOutNovelty: Float64Array.from(m.code.heldOutNovelty) } : {}),
      likelihood: null,
      alerts: null,
    },
    ...(m.code ? { codeReference: Float64Array.from(m.code.reference) } : {}),
  };
}

/** The columns a detector.json names. */
export function columnsOf(j: DetectorJson): DetectorColumns {
  return { time: j.columns.time ?? undefined, values: j.columns.values, label: j.columns.label ?? undefined, timeOrder: j.columns.timeOrder };
}
