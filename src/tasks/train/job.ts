import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import * as v from 'valibot';
import { finiteNumber, integerIn, limitInteger, parseSettings } from '../../settings.js';
import { LIMITS, rangeText } from '../../limits.js';
import { checkFingerprint, fileFingerprint } from '../../io/file-fingerprint.js';
import { InputError } from '../../input-error.js';
import {
  createOptimizer,
  DEFAULT_DIVERGENCE_FACTOR,
  DivergenceGuard,
  LstmAutoencoder,
  TrainingDivergedError,
  type OptimizerName,
} from '../../models/autoencoder/lstm-autoencoder.js';
import type { History } from '../../train/fit.js';
import { readTfjsModel } from '../../io/tfjs/read.js';
import { commitModelSet, HISTORY_FILE, MODEL_FILE, readModelSetInfo, tidyModelFolder } from '../../io/tfjs/model-set.js';
import { modelContents, modelFromFile } from '../../io/tfjs/format.js';
import { readTrainingRecord, type ResumeState, type TrainingRecord } from '../../io/training-record.js';
import { LOCK_FILE, lockFolder, type FolderLock } from '../../io/folder-lock.js';
import { faultPoint } from '../../io/test-faults.js';
import { ENGINES, type EngineName } from '../../train/gradient-step.js';
import { ensureOutputFolder, refuseInputs } from '../../io/output-location.js';
import { readTrainingData, trainingFilePath, MASK_VALUE, type TrainingData } from '../../io/training-data.js';
import { SERIES_FORMATS, type SeriesFormat } from '../../io/read-series.js';
import { NORMALIZATIONS, type Normalization } from '../../train/scaling.js';
import { EarlyStopping } from '../../train/early-stopping.js';
import { splitValidationRandom } from '../../train/validation-split.js';
import { sequenceCount, type AnySequences } from '../../train/sequences.js';
import type { FitCallbacks } from '../../train/fit.js';
import { DEFAULT_LEARNING_RATE, OPTIMIZERS } from '../../train/optimizer-config.js';
import { AUTOENCODER_DEFAULTS, DECODERS, OUTPUT_ACTIVATIONS } from '../../models/autoencoder/config.js';
import { defaultBatchSize } from './defaults.js';

/** Exit codes of a run stopped by a signal, as a shell reports them (128 + the signal's number). */
export const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;

export interface TrainOptions {
  data?: string;
  validation?: string;
  validationSplit: number;
  patience: number;
  earlyStopping: boolean;
  normalize: Normalization;
  decoder: (typeof DECODERS)[number];
  reverseTarget?: boolean;
  outputActivation: (typeof OUTPUT_ACTIVATIONS)[number];
  format?: SeriesFormat;
  labelColumn?: string;
  force?: boolean;
  out?: string;
  resume?: string;
  epochs: number;
  batchSize?: number;
  latent?: number;
  optimizer: OptimizerName;
  lr?: number;
  seed: number;
  shuffle: boolean;
  init?: string;
  json?: boolean;
  threads: number;
  engine: EngineName;
  lstmBiasPair?: boolean;
  checkpointEvery: number;
  divergenceFactor: number;
}

/**
 * What a checkpoint records of the command, so `--resume` repeats it: everything that
 * decides the weights (data by content, sizes, optimizer, seed, order, threads, engine) and
 * how the run saves and stops.
 */
const sha256Hex = v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/));
/** where a record says its data is: resolved when the run began, so absolute; read only after its fingerprint matches */
const recordedPath = v.pipe(v.string(), v.check((p) => isAbsolute(p) && !p.includes('\0'), 'an absolute path'));
const settingsSchema = v.object({
  data: recordedPath,
  trainSha256: sha256Hex,
  /** the data's size in bytes (records of older versions lack it: their hash alone decides) */
  trainBytes: v.optional(integerIn(0)),
  validation: v.nullable(recordedPath),
  validationSha256: v.nullable(sha256Hex),
  validationBytes: v.optional(v.nullable(integerIn(0))),
  validationSplit: v.pipe(finiteNumber(), v.minValue(0), v.ltValue(1)),
  /** where validation comes from: the --validation file, Keras's last fraction (--validation-split given), or a seeded random fraction (the default) */
  validationFrom: v.picklist(['file', 'last', 'random']),
  patience: integerIn(0, LIMITS.epochs.max),
  earlyStopping: v.boolean(),
  normalize: v.picklist(NORMALIZATIONS),
  decoder: v.picklist(DECODERS),
  reverseTarget: v.boolean(),
  outputActivation: v.picklist(OUTPUT_ACTIVATIONS),
  format: v.nullable(v.picklist(SERIES_FORMATS)),
  labelColumn: v.nullable(v.string()),
  epochs: limitInteger('epochs'),
  /** 0 until the run fixes its default (runTraining) */
  batchSize: integerIn(0, LIMITS.batchSize.max),
  latent: limitInteger('latentDim'),
  optimizer: v.picklist(OPTIMIZERS),
  lr: v.pipe(finiteNumber(), v.gtValue(0)),
  seed: limitInteger('seed'),
  shuffle: v.boolean(),
  lstmBiasPair: v.boolean(),
  threads: limitInteger('threads'),
  engine: v.picklist(ENGINES),
  checkpointEvery: integerIn(0, LIMITS.epochs.max),
  divergenceFactor: v.pipe(finiteNumber(), v.check((f) => f === 0 || f >= 1)),
  init: v.optional(v.string()),
});
/** What each checked setting takes, in the words the options use. */
const SETTING_RANGES: Record<string, string> = {
  epochs: rangeText(LIMITS.epochs),
  batchSize: `an integer from 0 (the default) to ${LIMITS.batchSize.max}`,
  latent: rangeText(LIMITS.latentDim),
  seed: rangeText(LIMITS.seed),
  threads: rangeText(LIMITS.threads),
  patience: `an integer from 0 to ${LIMITS.epochs.max}`,
  checkpointEvery: `an integer from 0 to ${LIMITS.epochs.max}`,
  divergenceFactor: '0 (off) or a number from 1 up',
  lr: 'a finite number above 0',
  validationSplit: 'a number from 0 up to, not including, 1',
};
type RunSettings = v.InferOutput<typeof settingsSchema>;

/** Options a resumed run takes from its checkpoint: giving one is a mistake worth naming. */
const FIXED_ON_RESUME: Array<[keyof TrainOptions, string]> = [
  ['validation', '--validation'],
  ['validationSplit', '--validation-split'],
  ['patience', '--patience'],
  ['earlyStopping', '--no-early-stopping'],
  ['normalize', '--normalize'],
  ['decoder', '--decoder'],
  ['reverseTarget', '--reverse-target'],
  ['outputActivation', '--output-activation'],
  ['format', '--format'],
  ['labelColumn', '--label-column'],
  ['batchSize', '--batch-size'],
  ['latent', '--latent'],
  ['optimizer', '--optimizer'],
  ['lr', '--lr'],
  ['seed', '--seed'],
  ['shuffle', '--no-shuffle'],
  ['init', '--init'],
  ['lstmBiasPair', '--lstm-bias-pair'],
];

/** The run to resume: its lock (held from here to the end), model, checkpoint and settings. */
function openResumedRun(run: string, given: (name: string) => boolean) {
  if (given('out')) throw new InputError(`--out cannot be given with --resume: the run goes on in its own folder, ${run}`);
  for (const [key, flag] of FIXED_ON_RESUME) {
    if (given(key)) throw new InputError(`${flag} cannot be given with --resume: the run goes on with the settings it began with (see ${join(run, MODEL_FILE)})`);
  }
  if (!existsSync(run) || !statSync(run).isDirectory()) throw new InputError(`--resume ${run}: not a folder; expected the --out folder of an earlier train`);
  const lock = lockFolder(run, 'train');
  const info = tidyModelFolder(run);
  if (!info) throw new InputError(`--resume ${run}: holds no model yet (the run stopped before its first checkpoint); start it again without --resume`);
  if (!info.training) {
    throw new InputError(`--resume ${run}: its ${MODEL_FILE} has no checkpoint (an older lstm-ae's or a plain save); train on from its weights with --init ${join(run, MODEL_FILE)}`);
  }
  const record = readTrainingRecord(run, info.generation);
  if (!record.resume) {
    throw new InputError(`--resume ${run}: its ${MODEL_FILE} was saved without a checkpoint; train on from its weights with --init ${join(run, MODEL_FILE)}`);
  }
  if (info.weightsFiles.join() !== `weights.${info.generation}.bin`) throw new InputError(`--resume ${run}: its ${MODEL_FILE} names weights ${info.weightsFiles.join(', ')}, not its checkpoint's weights.${info.generation}.bin`);
  // the same ranges as the options': a record is input like any other
  const recordPath = join(run, info.training);
  const settings = parseSettings(settingsSchema, record.resume.settings, {
    name: (field) => `--resume ${run}: ${recordPath}: setting ${field}`,
    expected: (field) => SETTING_RANGES[field] ?? 'the value lstm-ae train writes there',
    unknown: (keys) => `--resume ${run}: ${recordPath}: unknown settings ${keys.join(', ')}`,
  });
  const saved = readTfjsModel(run);
  return { lock, record: record as TrainingRecord & { resume: ResumeState }, settings, saved };
}

/**
 * A resumed run's data (the record's, or --data given again) against the record's
 * fingerprints, before any of it is parsed: what differs is refused without a word of what
 * it holds.
 */
function checkResumedData(s: RunSettings, dataPath: string, out: string): void {
  const differs = `the run in ${out} was trained on; resume needs the same files`;
  checkFingerprint(trainingFilePath(dataPath), { sha256: s.trainSha256, ...(s.trainBytes === undefined ? {} : { bytes: s.trainBytes }) }, 'the training data of the run', differs);
  if (s.validation !== null) {
    if (s.validationSha256 === null) throw new InputError(`--resume ${out}: its record names validation data without a fingerprint; it was not written by this lstm-ae`);
    const bytes = s.validationBytes ?? undefined;
    checkFingerprint(s.validation, { sha256: s.validationSha256, ...(bytes === undefined ? {} : { bytes }) }, 'the validation data of the run', differs);
  }
}

/** Progress on a terminal, or a line per epoch, or nothing (--json): the CLI's choice. */
export type TrainFeedback = (epochs: number, batchesPerEpoch: number, firstEpoch: number) => FitCallbacks & { stop(): void };

/**
 * `lstm-ae train` as a job: checks the inputs, trains (or resumes) and saves the model set in
 * the run folder after every checkpoint. Returns what the command prints.
 */
export async function runTrainJob(o: TrainOptions, given: (name: string) => boolean, feedback: TrainFeedback): Promise<TrainJobResult> {
  const resumed = o.resume === undefined ? undefined : openResumedRun(o.resume, given);
  const out = resumed ? o.resume! : o.out;
  if (out === undefined) throw new InputError("required option '--out <run>' not specified (or --resume <run> to continue a run)");
  const dataPath = o.data ?? resumed?.settings.data;
  if (dataPath === undefined) throw new InputError("required option '--data <file>' not specified");

  // Everything the user gave is checked before any training or writing starts: the inputs
  // first, so a bad one leaves no trace, then the output folder, so a long run can save.
  // a resumed run's files are those its record names: each must match the record's fingerprint before it is parsed
  if (resumed) checkResumedData(resumed.settings, dataPath, out);
  const read = resumed ? resumed.settings : { format: o.format ?? null, labelColumn: o.labelColumn ?? null, validation: o.validation ?? null };
  const labelColumn = read.labelColumn === null ? undefined : /^\d+$/.test(read.labelColumn) ? Number(read.labelColumn) : read.labelColumn;
  const data = readTrainingData(dataPath, read.validation ?? undefined, {
    ...(read.format === null ? {} : { format: read.format }),
    ...(labelColumn === undefined ? {} : { labelColumn }),
  });
  const { trainPath, x } = data;
  const [N, T, D] = [sequenceCount(x), data.timesteps, data.channels];
  const validationPath = data.validationPath;
  const trainPrint = resumed ? undefined : fileFingerprint(trainPath, 'the training data');
  const validationPrint = resumed || !validationPath ? undefined : fileFingerprint(validationPath, 'the validation data');
  const validates = data.validation !== undefined || (resumed ? resumed.settings.validationSplit : o.validationSplit) > 0;

  let settings: RunSettings;
  let model: LstmAutoencoder;
  let before: History = { epoch: [], history: { loss: [], seconds: [], ...(validates ? { val_loss: [] } : {}) } };
  if (resumed) {
    const s = resumed.settings;
    const done = resumed.record.resume.epochsDone;
    const epochs = given('epochs') ? o.epochs : s.epochs;
    if (epochs < done) throw new InputError(`--epochs ${epochs}: the run in ${out} has done ${done} epochs already; give a total from ${done} up`);
    settings = {
      ...s,
      data: resolve(trainPath),
      epochs,
      threads: given('threads') ? o.threads : s.threads,
      engine: given('engine') ? o.engine : s.engine,
      checkpointEvery: given('checkpointEvery') ? o.checkpointEvery : s.checkpointEvery,
      divergenceFactor: given('divergenceFactor') ? o.divergenceFactor : s.divergenceFactor,
    };
    const { dims } = resumed.saved;
    if (dims.timesteps !== T || dims.inputDim !== D) throw new InputError(`${trainPath}: windows of T=${T}, D=${D}; the run in ${out} expects T=${dims.timesteps}, D=${dims.inputDim}`);
    model = modelFromFile(resumed.saved, s.seed);
    try {
      model.shuffleRng.setState(resumed.record.resume.random);
    } catch (err) {
      throw new InputError(`--resume ${out}: the checkpoint's random state is damaged (${(err as Error).message})`);
    }
    before = resumed.record.history;
  } else {
    const base = {
      data: resolve(trainPath),
      trainSha256: trainPrint!.sha256,
      trainBytes: trainPrint!.bytes,
      validationSha256: validationPrint?.sha256 ?? null,
      validationBytes: validationPrint?.bytes ?? null,
      validation: validationPath ? resolve(validationPath) : null,
      validationSplit: data.validation ? 0 : o.validationSplit,
      validationFrom: data.validation ? ('file' as const) : given('validationSplit') ? ('last' as const) : ('random' as const),
      patience: o.patience,
      earlyStopping: o.earlyStopping && validates,
      normalize: o.normalize,
      decoder: o.decoder,
      reverseTarget: o.reverseTarget ?? false,
      outputActivation: o.outputActivation,
      format: o.format ?? null,
      labelColumn: o.labelColumn ?? null,
      batchSize: o.batchSize ?? 0, // 0: the default, fixed once the training windows are known (runTraining)
      optimizer: o.optimizer,
      lr: o.lr ?? DEFAULT_LEARNING_RATE[o.optimizer],
    };
    const rest = { seed: o.seed, shuffle: o.shuffle, lstmBiasPair: o.lstmBiasPair ?? false, threads: o.threads, engine: o.engine };
    const how = { checkpointEvery: o.checkpointEvery, divergenceFactor: o.divergenceFactor };
    if (o.init !== undefined) {
      const init = readTfjsModel(o.init);
      const { timesteps, inputDim, latentDim } = init.dims;
      if (timesteps !== T || inputDim !== D) {
        throw new InputError(`${trainPath}: windows of T=${T} steps and D=${D} features; the --init model ${o.init} expects T=${timesteps}, D=${inputDim}`);
      }
      if (o.latent !== undefined && o.latent !== latentDim) {
        throw new InputError(`--latent ${o.latent} contradicts the --init model ${o.init}, whose latent size is ${latentDim}`);
      }
      model = modelFromFile(init, o.seed);
      // the model's history goes on: this run's epochs are numbered after it, and nothing of it is lost
      before = initHistory(o.init) ?? before;
      const k = nextEpoch(before);
      settings = { ...base, ...rest, ...how, latent: latentDim, epochs: k + o.epochs, init: resolve(o.init) };
      if (k > 0) {
        process.stderr.write(`--init ${o.init}: its history of ${k} epoch${k === 1 ? '' : 's'} goes on (this run's are ${k + 1} to ${k + o.epochs}); the optimizer starts afresh (--resume would continue it)\n`);
      }
    } else {
      model = LstmAutoencoder.create({
        timesteps: T,
        inputDim: D,
        latentDim: o.latent ?? AUTOENCODER_DEFAULTS.latentDim,
        seed: o.seed,
        decoder: base.decoder,
        reverseTarget: base.reverseTarget,
        outputActivation: base.outputActivation,
        normalize: base.normalize,
        maskValue: data.masked ? MASK_VALUE : null,
      });
      settings = { ...base, ...rest, ...how, latent: model.config.latentDim, epochs: o.epochs };
    }
    // one list per metric, aligned with epoch: epochs that had no validation data have NaN there (null in JSON)
    if (validates && !before.history.val_loss) before.history.val_loss = before.epoch.map(() => NaN);
  }

  let lock: FolderLock;
  if (resumed) lock = resumed.lock;
  else {
    ensureOutputFolder(out);
    lock = lockFolder(out, 'train');
    try {
      tidyModelFolder(out); // what a killed run left is ours to clear, and does not count as content
      refuseNonEmpty(out, o);
    } catch (err) {
      lock.release();
      throw err;
    }
  }
  try {
    // a model or history written over the data being trained on (through links) would destroy it
    refuseInputs([MODEL_FILE, HISTORY_FILE].map((name) => join(out, name)), [trainPath, ...(validationPath ? [validationPath] : [])]);
    return await runTraining({ o, out, settings, model, data, before, resumed: resumed?.record.resume, lock, feedback });
  } finally {
    lock.release();
  }
}

/**
 * A folder that already holds files is replaced only when asked (--force), as `demo` does,
 * or when it is the --init model's own folder (training a saved model on, in place).
 */
function refuseNonEmpty(out: string, o: TrainOptions): void {
  const content = readdirSync(out).filter((name) => name !== LOCK_FILE && !name.startsWith(`${LOCK_FILE}.`));
  if (o.force || content.length === 0) return;
  const initFolder = o.init === undefined ? undefined : existsSync(o.init) && statSync(o.init).isDirectory() ? o.init : dirname(o.init);
  if (initFolder !== undefined && resolve(initFolder) === resolve(out)) return;
  throw new InputError(`--out ${out}: the folder is not empty; give an empty or new folder, or --force to replace the model there`);
}

/** The history saved with the --init model, if lstm-ae saved it (as a set's model.json) with one. */
function initHistory(init: string): History | undefined {
  const isFolder = existsSync(init) && statSync(init).isDirectory();
  if (!isFolder && basename(init) !== MODEL_FILE) return undefined;
  const dir = isFolder ? init : dirname(init);
  const info = readModelSetInfo(dir);
  if (!info?.training) return undefined;
  return readTrainingRecord(dir, info.generation, { historyOnly: true }).history;
}

function nextEpoch(history: History): number {
  const last = history.epoch[history.epoch.length - 1];
  return last === undefined ? 0 : last + 1;
}

interface Run {
  o: TrainOptions;
  out: string;
  settings: RunSettings;
  model: LstmAutoencoder;
  data: TrainingData;
  /** the epochs before this run (a resumed checkpoint's, an --init model's) */
  before: History;
  resumed: ResumeState | undefined;
  lock: FolderLock;
  feedback: TrainFeedback;
}

/** What a train run ended with: a summary, or the signal that stopped it and the line to print. */
export type TrainJobResult =
  | { kind: 'trained'; summary: TrainSummary; note?: string }
  | { kind: 'stopped'; signal: keyof typeof SIGNAL_EXIT; message: string };

export interface TrainSummary {
  model: string;
  history: string;
  epochs: number;
  epoch_kept: number;
  stopped_early: boolean;
  loss: number | undefined;
  val_loss?: number;
  seconds: number;
  /** the run had nothing left to train: why, in words */
  nothingToDo?: string;
}

async function runTraining({ o, out, settings: s, model, data, before, resumed, lock, feedback }: Run): Promise<TrainJobResult> {
  let x = data.x;
  let validation: AnySequences | undefined = data.validation;
  if (s.validationFrom === 'random' && s.validationSplit > 0) ({ train: x, validation } = splitValidationRandom(x, s.validationSplit, s.seed));
  const N = sequenceCount(x);
  const initialEpoch = resumed ? resumed.epochsDone : nextEpoch(before);
  const optimizer = createOptimizer({ name: s.optimizer, learningRate: s.lr }, model.params.length);
  if (resumed) {
    try {
      optimizer.setState(resumed.optimizer);
    } catch (err) {
      throw new InputError(`--resume ${out}: the checkpoint's optimizer state does not fit (${(err as Error).message})`);
    }
  }
  const guard = new DivergenceGuard({ factor: s.divergenceFactor, reference: resumed?.divergenceReference });

  // the history of record: the epochs before this run and this run's, saved with each checkpoint
  const history: History = structuredClone(before);
  const contents = () => modelContents(model);
  // early stopping's state is part of a checkpoint: a resumed run stops where the straight one would
  const stopper = s.earlyStopping ? new EarlyStopping(model.params.length, { patience: s.patience }) : undefined;
  if (stopper && resumed?.earlyStopping) {
    try {
      stopper.setState(resumed.earlyStopping);
    } catch (err) {
      throw new InputError(`--resume ${out}: the checkpoint's early stopping state does not fit (${(err as Error).message})`);
    }
  }
  let saved = initialEpoch; // the epochs in the set on disk (for a new run: none of its own yet)
  let savedPath: string | undefined;
  const save = (epochsDone: number): void => {
    const record: TrainingRecord = {
      history,
      resume: {
        epochsDone,
        settings: s,
        ...(guard.reference === undefined ? {} : { divergenceReference: guard.reference }),
        random: model.shuffleRng.getState(),
        optimizer: optimizer.getState(),
        ...(stopper ? { earlyStopping: stopper.getState() } : {}),
      },
    };
    const resumeHint = `free some space, then go on with: lstm-ae train --resume ${out}`;
    let result;
    try {
      result = commitModelSet(out, contents(), record, lock);
    } catch (err) {
      if (!(err instanceof InputError) || saved === initialEpoch) throw err;
      throw new InputError(`${err.message}: it holds epoch ${saved}; ${resumeHint}`);
    }
    savedPath = result.modelPath;
    saved = epochsDone;
    if (result.historyError) {
      throw new InputError(`${result.historyError.message}${epochsDone < s.epochs ? ` (epoch ${epochsDone}); ${resumeHint}` : ''}`);
    }
  };

  // Ctrl-C or a TERM: stop after the current batch, keep the last finished epoch, say how to go on
  const controller = new AbortController();
  let stoppedBy: keyof typeof SIGNAL_EXIT | undefined;
  const onSignal = (name: keyof typeof SIGNAL_EXIT) => {
    if (stoppedBy) process.exit(SIGNAL_EXIT[name]); // a second signal: at once (the set on disk is whole either way)
    stoppedBy = name;
    controller.abort();
  };
  const onInt = () => onSignal('SIGINT');
  const onTerm = () => onSignal('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);

  const split = s.validationFrom === 'last' && s.validationSplit > 0 ? s.validationSplit : undefined;
  const trainingWindows = split === undefined ? N : Math.floor(N * (1 - split));
  if (s.batchSize === 0) s.batchSize = defaultBatchSize(trainingWindows);
  const batchSize = Math.min(s.batchSize, trainingWindows);
  const stoppedBefore = stopper !== undefined && stopper.stoppedEpoch >= 0;
  const progress = feedback(s.epochs, Math.ceil(trainingWindows / batchSize), initialEpoch);
  const started = performance.now();
  let diverged: TrainingDivergedError | undefined;
  let fitted: History | undefined;
  try {
    fitted = await model.fit(x, {
      // a run that early stopping ended has nothing left to train
      epochs: stoppedBefore ? initialEpoch : s.epochs,
      initialEpoch,
      ...(split === undefined ? {} : { validationSplit: split }),
      ...(stopper ? { earlyStopping: stopper } : {}),
      batchSize,
      shuffle: s.shuffle,
      validationData: validation,
      engine: s.engine,
      threads: s.threads,
      lstmBiasPair: s.lstmBiasPair,
      optimizer,
      divergence: guard,
      signal: controller.signal,
      callbacks: {
        onEpochBegin: (epoch) => progress.onEpochBegin?.(epoch),
        async onBatchEnd(batch, logs) {
          progress.onBatchEnd?.(batch, logs);
          faultPoint('batch');
          await nextTurn(); // let a signal's handler run even when every step is synchronous
        },
        onEpochEnd(epoch, logs) {
          history.epoch.push(epoch);
          history.history.loss.push(logs.loss);
          if (history.history.val_loss) history.history.val_loss.push(logs.val_loss ?? NaN);
          history.history.seconds.push(logs.seconds);
          progress.onEpochEnd?.(epoch, logs);
          const done = epoch + 1;
          const stopsHere = stopper !== undefined && stopper.stoppedEpoch === epoch;
          if (stopsHere || done === s.epochs || (s.checkpointEvery > 0 && done % s.checkpointEvery === 0)) save(done);
        },
      },
    });
  } catch (err) {
    if (!(err instanceof TrainingDivergedError)) throw err;
    diverged = err; // fit has put the model back at the end of the last sound epoch
  } finally {
    progress.stop();
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
    await model.dispose();
  }
  const done = nextEpoch(history);
  // what finished since the last checkpoint (--checkpoint-every > 1, or a stop) is saved now: it is sound;
  // so are the best epoch's weights that early stopping put back at the end of a full run
  const restoredAtEnd = fitted?.earlyStopping?.restoredBestWeights === true && fitted.earlyStopping.stoppedEpoch < 0;
  if (done > saved || (restoredAtEnd && done > initialEpoch)) save(done);
  const modelPath = join(out, MODEL_FILE);
  const holds = saved > initialEpoch || resumed ? `${modelPath} holds epoch ${saved}` : `nothing of this run was saved (${out} is as it was)`;

  if (diverged) {
    const where = `epoch ${diverged.epoch}${diverged.batch === undefined ? '' : `, batch ${diverged.batch}`}`;
    const kept = saved > initialEpoch || resumed ? `${holds}, the last sound one` : holds;
    throw new InputError(`training diverged at ${where} (${diverged.what}); ${kept}; try a smaller --lr`);
  }
  if (stoppedBy) {
    const goOn = saved > 0 && saved < s.epochs ? `; go on with: lstm-ae train --resume ${out}` : '';
    return { kind: 'stopped', signal: stoppedBy, message: `lstm-ae: stopped by ${stoppedBy} after epoch ${done} of ${s.epochs}; ${holds}${goOn}` };
  }

  const { loss, val_loss } = history.history;
  // the model kept: early stopping's best epoch, or the last
  const kept = stopper && stopper.bestEpoch >= 0 ? history.epoch.indexOf(stopper.bestEpoch) : loss.length - 1;
  const keptValLoss = val_loss?.[kept];
  const summary: TrainSummary = {
    model: savedPath ?? modelPath,
    history: join(out, 'history.json'),
    epochs: history.epoch.length,
    epoch_kept: (history.epoch[kept] ?? -1) + 1,
    stopped_early: stopper !== undefined && stopper.stoppedEpoch >= 0,
    loss: loss[kept],
    ...(keptValLoss !== undefined ? { val_loss: keptValLoss } : {}),
    seconds: Number(((performance.now() - started) / 1000).toFixed(3)),
  };
  if (initialEpoch === s.epochs || stoppedBefore) {
    summary.nothingToDo = stoppedBefore ? `stopped early after epoch ${stopper.stoppedEpoch + 1}` : `has done its ${s.epochs} epochs already; give --epochs N (more) to train on`;
  }
  return { kind: 'trained', summary };
}
