import { createHash } from 'node:crypto';
import { lstatSync } from 'node:fs';
import { readInputFile } from './read-input-file.js';
import { join } from 'node:path';
import * as v from 'valibot';
import { firstIssue } from '../settings.js';
import { OPTIMIZERS } from '../train/optimizer-config.js';
import { InputError } from '../input-error.js';
import type { OptimizerState } from '../ops/optimizers.js';
import type { RandomStateSnapshot } from '../ops/random-state.js';
import type { History } from '../train/fit.js';
import type { EarlyStoppingState } from '../train/early-stopping.js';
import { parseJsonText } from './tfjs/json.js';

/**
 * training.G.json (and optimizer.G.bin): what a model set records about the training that
 * made its weights. Always the history (the history of record: history.json beside it is a
 * copy for people and plotting scripts). For a checkpoint also everything a resumed run
 * needs to go on exactly as the uninterrupted run would have: the epochs done, the
 * command's settings, the model's random state (MT19937 key and position, the cached
 * normal), the optimizer's step count and buffers (those in optimizer.G.bin, float32 or
 * float64 little-endian, one after another), the divergence guard's reference, and the
 * SHA-256 of the weights and optimizer files, so a resume never mixes files of
 * different generations or runs on damaged ones.
 */
export interface TrainingRecord {
  history: History;
  resume?: ResumeState;
}

export interface ResumeState {
  /** epochs 0 … epochsDone-1 are in the weights: the next epoch's index (Keras's initial_epoch) */
  epochsDone: number;
  /** the command's own settings, which it checks itself */
  settings: Record<string, unknown>;
  /** DivergenceGuard's reference, once the run has one */
  divergenceReference?: number;
  random: RandomStateSnapshot;
  optimizer: OptimizerState;
  /** early stopping's state, when the run stops early (its best weights travel in optimizer.G.bin) */
  earlyStopping?: EarlyStoppingState;
}

/** The name early stopping's best weights take among the buffers of optimizer.G.bin. */
const BEST_WEIGHTS_BUFFER = 'earlyStoppingBestWeights';

const TRAINING_FORMAT = 'lstm-ae-training';

export function trainingFileName(generation: number): string {
  return `training.${generation}.json`;
}

function optimizerFileName(generation: number): string {
  return `optimizer.${generation}.bin`;
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Keras's history.json layout: `{epoch, loss, val_loss?, seconds}`. */
export function historyJson(history: History): Record<string, number[]> {
  return { epoch: history.epoch, ...history.history };
}

/** The record's files for generation `generation`, whose weights file is `weights` (named and hashed in it). */
export function encodeTrainingRecord(
  record: TrainingRecord,
  generation: number,
  weights: { file: string; bytes: Uint8Array },
): { json: string; optimizer?: { file: string; bytes: Uint8Array } } {
  const base = { format: TRAINING_FORMAT, version: 1, generation, history: historyJson(record.history) };
  const resume = record.resume;
  if (!resume) return { json: JSON.stringify(base, null, 1) + '\n' };
  const stopping = resume.earlyStopping;
  const buffers: Array<[string, Float32Array | Float64Array]> = [
    ...Object.entries(resume.optimizer.buffers),
    ...(stopping ? [[BEST_WEIGHTS_BUFFER, stopping.bestWeights] as [string, Float32Array]] : []),
  ];
  const size = buffers.reduce((sum, [, b]) => sum + b.byteLength, 0);
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  let at = 0;
  for (const [, buffer] of buffers) {
    const wide = buffer instanceof Float64Array;
    for (let i = 0; i < buffer.length; i++, at += wide ? 8 : 4) {
      if (wide) view.setFloat64(at, buffer[i]!, true);
      else view.setFloat32(at, buffer[i]!, true);
    }
  }
  const file = optimizerFileName(generation);
  const json = {
    ...base,
    resume: {
      epochsDone: resume.epochsDone,
      settings: resume.settings,
      ...(resume.divergenceReference === undefined ? {} : { divergenceReference: resume.divergenceReference }),
      ...(stopping
        ? { earlyStopping: { bestEpoch: stopping.bestEpoch, bestLoss: jsonNumber(stopping.bestLoss), stoppedEpoch: stopping.stoppedEpoch, wait: stopping.wait } }
        : {}),
      random: { key: Array.from(resume.random.key), position: resume.random.position, hasGauss: resume.random.hasGauss, gauss: resume.random.gauss },
      optimizer: {
        name: resume.optimizer.name,
        iterations: resume.optimizer.iterations,
        file,
        bytes: size,
        sha256: sha256(bytes),
        buffers: buffers.map(([name, b]) => ({ name, dtype: b instanceof Float64Array ? 'float64' : 'float32', length: b.length })),
      },
      weights: { file: weights.file, sha256: sha256(weights.bytes) },
    },
  };
  return { json: JSON.stringify(json, null, 1) + '\n', optimizer: { file, bytes } };
}

const numbers = v.array(v.number());
const count = (min = 0, max = Number.MAX_SAFE_INTEGER) => v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max));
const sha256Hex = v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/));
/** an epoch without validation data has NaN as its val_loss, null in JSON */
const numbersOrNull = v.pipe(v.array(v.nullable(v.number())), v.transform((values) => values.map((x) => x ?? NaN)));
const recordSchema = v.object({
  format: v.literal(TRAINING_FORMAT),
  version: v.literal(1),
  generation: count(1),
  history: v.looseObject({ epoch: v.array(count()), loss: numbers, val_loss: v.optional(numbersOrNull), seconds: numbers }),
  resume: v.optional(
    v.object({
      epochsDone: count(),
      settings: v.record(v.string(), v.unknown()),
      divergenceReference: v.optional(v.pipe(v.number(), v.minValue(0))),
      earlyStopping: v.optional(
        v.object({
          bestEpoch: count(-1),
          bestLoss: v.nullable(v.number()),
          stoppedEpoch: count(-1),
          wait: count(),
        }),
      ),
      random: v.object({
        key: v.pipe(v.array(count(0, 0xffffffff)), v.length(624)),
        position: count(0, 624),
        hasGauss: v.boolean(),
        gauss: v.number(),
      }),
      optimizer: v.object({
        name: v.picklist(OPTIMIZERS),
        iterations: count(),
        file: v.string(),
        bytes: count(),
        sha256: sha256Hex,
        buffers: v.array(v.object({ name: v.pipe(v.string(), v.regex(/^[A-Za-z]+$/)), dtype: v.picklist(['float32', 'float64']), length: count() })),
      }),
      weights: v.object({ file: v.string(), sha256: sha256Hex }),
    }),
  ),
});

/** Largest training.G.json read: a history of a million epochs fits many times over. */
const MAX_RECORD_BYTES = 256 << 20;

/**
 * Reads training.G.json of `dir` (and for a checkpoint, unless `historyOnly`, its optimizer
 * file, checking its size before reading and its SHA-256 after, and the weights file's
 * SHA-256): every problem is one InputError line naming the file.
 */
export function readTrainingRecord(dir: string, generation: number, { historyOnly = false } = {}): TrainingRecord {
  const path = join(dir, trainingFileName(generation));
  const json = parseJsonText(readBounded(path, MAX_RECORD_BYTES, 'a training record written with the model').toString('utf8'), path);
  const parsed = v.safeParse(recordSchema, json);
  if (!parsed.success) {
    const issue = firstIssue(parsed.issues, 'the record');
    throw new InputError(`${path}: ${issue.where}: ${issue.message}; expected a training record written by lstm-ae`);
  }
  const r = parsed.output;
  const fail = (what: string): never => {
    throw new InputError(`${path}: ${what}`);
  };
  if (r.generation !== generation) fail(`is generation ${r.generation}, the model names generation ${generation}`);
  const { epoch, loss, val_loss, seconds } = r.history;
  if (loss.length !== epoch.length || seconds.length !== epoch.length || (val_loss && val_loss.length !== epoch.length)) {
    fail(`history lists differ in length (epoch ${epoch.length}, loss ${loss.length}, seconds ${seconds.length}${val_loss ? `, val_loss ${val_loss.length}` : ''})`);
  }
  const history: History = { epoch, history: { loss, seconds, ...(val_loss ? { val_loss } : {}) } };
  if (!r.resume || historyOnly) return { history };

  const resume = r.resume;
  if (resume.optimizer.file !== optimizerFileName(generation)) fail(`names optimizer file ${JSON.stringify(resume.optimizer.file)}, expected ${optimizerFileName(generation)}`);
  const weightsPath = join(dir, resume.weights.file);
  if (resume.weights.file !== `weights.${generation}.bin`) fail(`names weights file ${JSON.stringify(resume.weights.file)}, expected weights.${generation}.bin`);
  if (sha256(readBounded(weightsPath, Number.MAX_SAFE_INTEGER, 'the weights of the checkpoint')) !== resume.weights.sha256) {
    throw new InputError(`${weightsPath}: its SHA-256 is not the one ${path} records; the checkpoint is damaged`);
  }
  const optimizerPath = join(dir, resume.optimizer.file);
  const bytes = readBounded(optimizerPath, resume.optimizer.bytes, 'the optimizer state of the checkpoint', true);
  if (sha256(bytes) !== resume.optimizer.sha256) throw new InputError(`${optimizerPath}: its SHA-256 is not the one ${path} records; the checkpoint is damaged`);
  const wanted = resume.optimizer.buffers.reduce((sum, b) => sum + b.length * (b.dtype === 'float64' ? 8 : 4), 0);
  if (wanted !== bytes.length) fail(`its optimizer buffers need ${wanted} bytes, ${optimizerPath} holds ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const buffers: OptimizerState['buffers'] = {};
  let at = 0;
  for (const b of resume.optimizer.buffers) {
    const wide = b.dtype === 'float64';
    const buffer = wide ? new Float64Array(b.length) : new Float32Array(b.length);
    for (let i = 0; i < b.length; i++, at += wide ? 8 : 4) buffer[i] = wide ? view.getFloat64(at, true) : view.getFloat32(at, true);
    buffers[b.name] = buffer;
  }
  let earlyStopping: EarlyStoppingState | undefined;
  if (resume.earlyStopping) {
    const best = buffers[BEST_WEIGHTS_BUFFER];
    if (!(best instanceof Float32Array)) fail(`records early stopping but ${optimizerPath} holds no float32 ${BEST_WEIGHTS_BUFFER}`);
    const { bestEpoch, bestLoss, stoppedEpoch, wait } = resume.earlyStopping;
    earlyStopping = { bestEpoch, bestLoss: bestLoss ?? Infinity, stoppedEpoch, wait, bestWeights: best as Float32Array };
  }
  delete buffers[BEST_WEIGHTS_BUFFER];
  return {
    history,
    resume: {
      epochsDone: resume.epochsDone,
      settings: resume.settings,
      ...(resume.divergenceReference === undefined ? {} : { divergenceReference: resume.divergenceReference }),
      ...(earlyStopping ? { earlyStopping } : {}),
      random: { key: Uint32Array.from(resume.random.key), position: resume.random.position, hasGauss: resume.random.hasGauss, gauss: resume.random.gauss },
      optimizer: { name: resume.optimizer.name, iterations: resume.optimizer.iterations, buffers },
    },
  };
}

/** Infinity (no best loss yet) has no JSON form: null stands for it. */
function jsonNumber(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

/**
 * A plain file of the run's own, its size checked first (at most `limit`, or exactly it when
 * `exact`). The set's files are written by lstm-ae as plain files: a symbolic link (to a file
 * outside, say) is refused without being followed, so nothing it leads to is read or quoted.
 */
function readBounded(path: string, limit: number, expected: string, exact = false): Buffer {
  let stats;
  try {
    stats = lstatSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(`${path}: ${code === 'ENOENT' ? 'file not found' : `cannot be read (${code ?? String(err)})`}; expected ${expected}`);
  }
  if (stats.isSymbolicLink()) throw new InputError(`${path}: is a symbolic link; expected ${expected}, a plain file written there by lstm-ae`);
  if (!stats.isFile()) throw new InputError(`${path}: is not a plain file; expected ${expected}`);
  if (exact ? stats.size !== limit : stats.size > limit) throw new InputError(`${path}: is ${stats.size} bytes, expected ${exact ? '' : 'at most '}${limit}`);
  return readInputFile(path, expected, { maxBytes: exact ? limit : Math.min(limit, Number.MAX_SAFE_INTEGER) });
}
