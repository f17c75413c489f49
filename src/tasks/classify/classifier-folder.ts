import { lstatSync, readdirSync, realpathSync, rmSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import * as v from 'valibot';
import { InputError } from '../../input-error.js';
import { syncFolder } from '../../io/durable-file.js';
import { isLeftoverOfDeadProcess, lockFolder } from '../../io/folder-lock.js';
import { makeFolder } from '../../io/make-folder.js';
import { readInputFile } from '../../io/read-input-file.js';
import { modelContents, modelFromFile } from '../../io/tfjs/artifacts.js';
import { MAX_JSON_BYTES, parseJsonText } from '../../io/tfjs/json.js';
import { readTfjsModel } from '../../io/tfjs/read.js';
import { assertPlainFilesToReplace, commitNamedSet } from '../../io/set-commit.js';
import { encodeTfjsModel } from '../../io/tfjs/write.js';
import { classifierFromDescription, SeriesClassifier } from './series-classifier.js';

/*
 * A saved classifier, a folder committed as one set by one rename, as model sets are
 * (io/tfjs/model-set.ts):
 *
 *   DIR/classifier.json          the commit point: the classifier (classes, shaping, feature
 *                                blocks and statistics, standardiser, logistic regression)
 *                                naming its autoencoders' files of generation G
 *   DIR/autoencoder-K.G.json     autoencoder K as a TF.js Layers model.json (its scaling in
 *   DIR/autoencoder-K.G.bin      userDefinedMetadata), loadable by TF.js as it is
 *   DIR/.lstm-ae.lock            while a process writes the folder: its pid
 *
 * A new generation's files are written under names no reader looks at yet and synced, then
 * classifier.json, which names them, is renamed over the old one: before that every reader
 * sees the old classifier whole, after it the new one. The old generation's files go after
 * the commit, and what a killed writer left, by the next writer. `lstm-ae classify --out
 * RUN` saves its classifier in RUN/classifier.
 */

export const CLASSIFIER_FILE = 'classifier.json';
/** The folder `classify --out RUN` saves its classifier in. */
export const CLASSIFIER_FOLDER = 'classifier';
const AUTOENCODER_FILE = /^autoencoder-(\d+)\.(\d+)\.(?:json|bin)$/;

/** Saves `classifier` in `dir` as one set (see above); returns classifier.json's path. */
export function saveClassifier(dir: string, classifier: SeriesClassifier): string {
  makeFolder(dir);
  const lock = lockFolder(dir, 'classify');
  try {
    const current = currentGeneration(dir);
    removeStale(dir, current);
    const generation = nextGeneration(dir);
    const files: Array<[string, string | Uint8Array]> = [];
    const described = classifier.describe((model, k) => {
      const name = `autoencoder-${k}.${generation}`;
      const encoded = encodeTfjsModel(modelContents(model), `${name}.bin`);
      files.push([`${name}.bin`, encoded.weights], [`${name}.json`, encoded.modelJson]);
      return { model: `${name}.json` };
    });
    assertPlainFilesToReplace(dir, [CLASSIFIER_FILE], 'classifier');
    const path = commitNamedSet(dir, files, { name: CLASSIFIER_FILE, text: JSON.stringify(described, null, 1) + '\n' }, {
      what: 'classifier', existed: current !== undefined,
      faults: { eachFile: 'classifier-write', filesDone: 'classifier-write', beforeRename: 'classifier-before-rename', afterRename: 'classifier-after-rename' },
    });
    removeStale(dir, generation);
    syncFolder(dir);
    return path;
  } finally {
    lock.release();
  }
}

/**
 * The classifier saved in `dir` (a folder saveClassifier wrote, or a `classify --out` run
 * folder, whose classifier is in RUN/classifier), and every file it read. Each part is read
 * confined to the folder: the autoencoders' files must be plain files of the folder named
 * as saveClassifier names them, their weights beside them. A missing or damaged part is one
 * InputError line naming it.
 */
export function loadClassifier(dir: string): { classifier: SeriesClassifier; files: string[]; dir: string } {
  const folder = classifierFolder(dir);
  const path = join(folder, CLASSIFIER_FILE);
  const expected = 'a classifier.json saved by lstm-ae classify --out or SeriesClassifier.save';
  const text = readInputFile(path, expected, { maxBytes: MAX_JSON_BYTES, limitText: `${expected}, at most 16 MiB` }).toString('utf8');
  const files = [path];
  const root = realpathSync(folder);
  const classifier = classifierFromDescription(parseJsonText(text, path), path, (entry, k) => {
    const named = v.safeParse(v.object({ model: v.string() }), entry);
    const name = named.success ? named.output.model : undefined;
    if (name === undefined || !AUTOENCODER_FILE.test(name) || !name.endsWith('.json')) {
      throw new InputError(`${path}: autoencoders.${k} is ${JSON.stringify(entry)?.slice(0, 80)}; expected { "model": "autoencoder-${k}.G.json" }, a file of the folder`);
    }
    const modelPath = join(folder, name);
    let real: string;
    try {
      real = realpathSync(modelPath);
    } catch {
      throw new InputError(`${modelPath}: file not found; expected autoencoder ${k} of the classifier ${path} (a part of the saved classifier is missing)`);
    }
    if (!real.startsWith(root + sep)) throw new InputError(`${modelPath}: leads outside the classifier's folder through a symbolic link; expected a file of ${folder}`);
    const read = readTfjsModel(modelPath);
    files.push(...read.files);
    return modelFromFile(read);
  });
  return { classifier, files, dir: folder };
}

/** `dir` itself when it holds classifier.json; RUN/classifier for a classify run folder. */
export function classifierFolder(dir: string): string {
  const stats = lstatSync(dir, { throwIfNoEntry: false });
  if (!stats) throw new InputError(`${dir}: folder not found; expected a classifier folder (classify --out RUN saves one in RUN/${CLASSIFIER_FOLDER})`);
  if (!statSync(dir).isDirectory()) throw new InputError(`${dir}: is not a folder; expected a classifier folder (classify --out RUN saves one in RUN/${CLASSIFIER_FOLDER})`);
  const has = (d: string) => lstatSync(join(d, CLASSIFIER_FILE), { throwIfNoEntry: false }) !== undefined;
  if (has(dir)) return dir;
  const inner = join(dir, CLASSIFIER_FOLDER);
  if (has(inner)) return inner;
  throw new InputError(`${dir}: holds no ${CLASSIFIER_FILE}; expected a classifier folder (classify --out RUN saves one in RUN/${CLASSIFIER_FOLDER})`);
}

function generationOf(name: string): number | undefined {
  const m = AUTOENCODER_FILE.exec(name);
  return m ? Number(m[2]) : undefined;
}

/** The generation classifier.json names, when it names one we can read. */
function currentGeneration(dir: string): number | undefined {
  try {
    const text = readInputFile(join(dir, CLASSIFIER_FILE), 'a classifier.json', { maxBytes: MAX_JSON_BYTES }).toString('utf8');
    const json = JSON.parse(text) as { autoencoders?: Array<{ model?: unknown }> };
    const name = json.autoencoders?.[0]?.model;
    return typeof name === 'string' ? generationOf(name) : undefined;
  } catch {
    return undefined;
  }
}

function nextGeneration(dir: string): number {
  let highest = 0;
  for (const name of readdirSync(dir)) highest = Math.max(highest, generationOf(name) ?? 0);
  return highest + 1;
}

/** Removes every autoencoder file not of generation `keep`, and what dead writers left. */
function removeStale(dir: string, keep: number | undefined): void {
  for (const name of readdirSync(dir)) {
    const g = generationOf(name);
    if ((g !== undefined && g !== keep) || isLeftoverOfDeadProcess(name)) rmSync(join(dir, name), { force: true });
  }
}
