import { lstatSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../input-error.js';
import { syncFolder, systemReason, tempName, writeNewFile } from '../durable-file.js';
import { isLeftoverOfDeadProcess, lockFolder, type FolderLock } from '../folder-lock.js';
import { makeFolder } from '../make-folder.js';
import { assertPlainFilesToReplace, commitNamedSet } from '../set-commit.js';
import { faultPoint } from '../test-faults.js';
import { encodeTrainingRecord, historyJson, readTrainingRecord, trainingFileName, type TrainingRecord } from '../training-record.js';
import { parseJsonText } from './json.js';
import { METADATA_KEY, type TfjsModelContents } from './read.js';
import { encodeTfjsModel } from './write.js';

/*
 * A model folder on disk, as one set committed by one rename:
 *
 *   RUN/model.json          the current model, and the commit point: a complete TF.js
 *                           model.json whose manifest names this generation's weights and
 *                           whose userDefinedMetadata["lstm-ae"] gives the generation and
 *                           names its training record
 *   RUN/weights.G.bin       the weights of generation G (float32, TF.js's layout)
 *   RUN/training.G.json     the history, and for a checkpoint the state to resume
 *   RUN/optimizer.G.bin     a checkpoint's optimizer buffers
 *   RUN/history.json        a copy of the history for people and scripts (Keras's layout)
 *   RUN/.lstm-ae.lock       while a process writes the folder: its pid
 *
 * Why this layout: `--model RUN/model.json` and `loadModel(RUN)` must keep naming the
 * current model, and TF.js must keep loading it. Two fixed names (model.json beside
 * weights.bin) cannot be switched together by one rename, and a folder cannot be
 * renamed over a non-empty one (nor swapped: Node has no renameat2), while symbolic links
 * are what a careful model reader refuses. So the new generation's files are written
 * under names no reader looks at yet, synced, and then model.json, which names them, is
 * renamed over the old one: that rename is the commit. Before it every reader (ours,
 * TF.js, a copy by hand) sees the old set whole; after it the new one. The old
 * generation's files are removed after the commit, and whatever a killed run left (an
 * uncommitted generation, temp files) by the next writer of the folder.
 *
 * history.json cannot be in the same rename, being a second fixed name: it is rewritten
 * right after the commit from the committed training record, and a writer that finds it
 * behind (a kill between the two renames) rewrites it. The record in training.G.json is
 * the history of record.
 */

export const MODEL_FILE = 'model.json';
export const HISTORY_FILE = 'history.json';
/** Files of a generation; only writers holding the folder's lock make them. */
const GENERATION_FILE = /^(?:weights\.(\d+)\.bin|optimizer\.(\d+)\.bin|training\.(\d+)\.json)$/;
/** What an older lstm-ae called its weights: removed once a model.json that named it is replaced. */
const LEGACY_WEIGHTS = 'weights.bin';
/** model.json files larger than this are not read for their set information (no model of ours is near it). */
const MAX_MODEL_JSON_BYTES = 64 << 20;

/** What model.json says about the set it commits. */
export interface ModelSetInfo {
  /** 0: a model.json we did not write as a set (an older lstm-ae's, TF.js's, Keras's) */
  generation: number;
  /** the shard files its manifest names */
  weightsFiles: string[];
  /** its training record's file, when it has one */
  training?: string;
  /** its permission bits, which a new set keeps */
  mode: number;
}

export interface SavedModelSet {
  generation: number;
  modelPath: string;
  /** when the set has a history */
  historyPath?: string;
  /**
   * history.json could not be brought up to date after the commit (a disk that filled up
   * in between): the set is saved whole, with its history in its record; the next writer
   * of the folder rewrites history.json. The caller decides whether that ends its work.
   */
  historyError?: InputError;
}

/** The set information in dir/model.json, or undefined when there is no model.json. */
export function readModelSetInfo(dir: string): ModelSetInfo | undefined {
  const path = join(dir, MODEL_FILE);
  const stats = lstatSync(path, { throwIfNoEntry: false });
  if (!stats) return undefined;
  const foreign: ModelSetInfo = { generation: 0, weightsFiles: [], mode: stats.mode & 0o7777 };
  if (!stats.isFile() || stats.size > MAX_MODEL_JSON_BYTES) return foreign;
  let json: unknown;
  try {
    json = parseJsonText(readFileSync(path, 'utf8'), path);
  } catch {
    return foreign; // not ours to judge here: a reader says what is wrong with it
  }
  const top = json as { weightsManifest?: Array<{ paths?: unknown }>; userDefinedMetadata?: Record<string, { generation?: unknown; training?: unknown } | undefined> };
  const weightsFiles = Array.isArray(top?.weightsManifest)
    ? top.weightsManifest.flatMap((group) => (Array.isArray(group?.paths) ? group.paths.filter((p): p is string => typeof p === 'string') : []))
    : [];
  const meta = top?.userDefinedMetadata?.[METADATA_KEY];
  const generation = meta?.generation;
  if (!Number.isSafeInteger(generation) || (generation as number) < 1) return { ...foreign, weightsFiles };
  const training = meta?.training === trainingFileName(generation as number) ? (meta.training as string) : undefined;
  return { generation: generation as number, weightsFiles, mode: foreign.mode, ...(training ? { training } : {}) };
}

/**
 * Commits `model` (and its training record, when given) to `dir` as the folder's new set:
 * see the layout above. Holds the folder's lock meanwhile (`lock`, when the caller
 * already holds it). A failure before the commit (a full disk, a folder that refuses
 * files) removes what it wrote and is one InputError line saying the old set is
 * unchanged; the files written are synced to the disk before the rename, and the folder
 * after it.
 */
export function commitModelSet(dir: string, model: TfjsModelContents, record?: TrainingRecord, lock?: FolderLock): SavedModelSet {
  makeFolder(dir);
  const own = lock ? undefined : lockFolder(dir, 'save');
  try {
    const before = tidyModelFolder(dir);
    assertPlainFilesToReplace(dir, [MODEL_FILE, HISTORY_FILE], 'model set');
    const generation = nextGeneration(dir, before);
    const mode = before?.mode;
    const weightsFile = `weights.${generation}.bin`;
    const training = record ? trainingFileName(generation) : undefined;
    const encoded = encodeTfjsModel(model, weightsFile, { generation, ...(training ? { training } : {}) });
    const files: Array<[string, string | Uint8Array]> = [[weightsFile, encoded.weights]];
    if (record && training) {
      const { json, optimizer } = encodeTrainingRecord(record, generation, { file: weightsFile, bytes: encoded.weights });
      if (optimizer) files.push([optimizer.file, optimizer.bytes]);
      files.push([training, json]);
    }
    const modelPath = commitNamedSet(dir, files, { name: MODEL_FILE, text: encoded.modelJson }, {
      what: 'model', existed: before !== undefined, mode, faults: { filesDone: 'set-files', beforeRename: 'before-rename', afterRename: 'after-rename' },
    });

    // committed: what follows brings history.json up to date and removes the old generation
    let historyPath: string | undefined;
    let historyError: InputError | undefined;
    if (record) {
      historyPath = join(dir, HISTORY_FILE);
      try {
        writeHistoryCopy(dir, historyText(record.history), mode, modelPath);
      } catch (err) {
        if (!(err instanceof InputError)) throw err;
        historyError = err;
      }
      faultPoint('after-history');
    }
    removeOtherGenerations(dir, generation, before);
    syncFolder(dir);
    return { generation, modelPath, ...(historyPath ? { historyPath } : {}), ...(historyError ? { historyError } : {}) };
  } finally {
    own?.release();
  }
}

/**
 * What an earlier writer of `dir` left unfinished, cleared up: a generation it wrote but
 * never committed, temp files of processes that are gone, a history.json behind its model.
 * Only for a caller holding the folder's lock. Returns the current set's information.
 */
export function tidyModelFolder(dir: string): ModelSetInfo | undefined {
  const info = readModelSetInfo(dir);
  let removed = false;
  for (const name of readdirSync(dir)) {
    const generation = generationOf(name);
    const stale =
      (generation !== undefined && generation !== info?.generation && !info?.weightsFiles.includes(name)) || isLeftoverOfDeadProcess(name);
    if (stale) {
      rmSync(join(dir, name), { force: true });
      removed = true;
    }
  }
  if (info?.training) {
    // a kill between model.json's rename and history.json's leaves history.json one save behind
    try {
      const text = historyText(readTrainingRecord(dir, info.generation, { historyOnly: true }).history);
      const current = lstatSync(join(dir, HISTORY_FILE), { throwIfNoEntry: false });
      if (!current || (current.isFile() && readFileSync(join(dir, HISTORY_FILE), 'utf8') !== text)) {
        writeHistoryCopy(dir, text, info.mode, join(dir, MODEL_FILE));
        removed = true;
      }
    } catch (err) {
      if (!(err instanceof InputError)) throw err; // a damaged record is reported by whoever reads it
    }
  }
  if (removed) syncFolder(dir);
  return info;
}

/** history.json's text for a history (Keras's layout). */
function historyText(history: TrainingRecord['history']): string {
  return JSON.stringify(historyJson(history), null, 1) + '\n';
}

function writeHistoryCopy(dir: string, text: string, mode: number | undefined, modelPath: string): void {
  const temp = join(dir, tempName(HISTORY_FILE));
  try {
    rmSync(temp, { force: true });
    writeNewFile(temp, text, mode);
    renameSync(temp, join(dir, HISTORY_FILE));
  } catch (err) {
    rmSync(temp, { force: true });
    if (typeof (err as NodeJS.ErrnoException).code !== 'string') throw err;
    throw new InputError(`${join(dir, HISTORY_FILE)}: cannot be written (${systemReason(err)}); the model is saved in ${modelPath} with its history`);
  }
}

function generationOf(name: string): number | undefined {
  const m = GENERATION_FILE.exec(name);
  return m ? Number(m[1] ?? m[2] ?? m[3]) : undefined;
}

function nextGeneration(dir: string, current: ModelSetInfo | undefined): number {
  let highest = current?.generation ?? 0;
  for (const name of readdirSync(dir)) highest = Math.max(highest, generationOf(name) ?? 0);
  return highest + 1;
}

function removeOtherGenerations(dir: string, generation: number, replaced: ModelSetInfo | undefined): void {
  for (const name of readdirSync(dir)) {
    const g = generationOf(name);
    if (g !== undefined && g !== generation) rmSync(join(dir, name), { force: true });
  }
  if (replaced?.weightsFiles.includes(LEGACY_WEIGHTS)) rmSync(join(dir, LEGACY_WEIGHTS), { force: true });
}
