/**
 * detector.json on disk, beside its model files (model.json + weights.G.bin, one model set,
 * io/tfjs/model-set.ts): writing the set and the detector in an order that never leaves a
 * new model beside an old detector, and reading them back with the model's path confined to
 * the detector's folder. What detector.json holds: detector-json.ts (the core).
 */
import { dirname, join } from 'node:path';
import { rmSync } from 'node:fs';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { confinedFile } from '../../io/confined-file.js';
import type { FolderLock } from '../../io/folder-lock.js';
import { readInputFile } from '../../io/read-input-file.js';
import { modelContents } from '../../io/tfjs/artifacts.js';
import { loadModel } from '../../io/tfjs/format.js';
import { commitModelSet, readModelSetInfo } from '../../io/tfjs/model-set.js';
import { InputError } from '../../input-error.js';
import type { ThresholdRule } from '../../analysis/anomaly/scorer.js';
import type { Detector } from './detector.js';
import { columnsOf, DETECTOR_FILE, detectorFromJson, detectorJson, detectorJsonText, parseDetectorJson, type DetectorColumns, type DetectorJson } from './detector-json.js';

export { DETECTOR_FILE, type DetectorColumns, type DetectorJson } from './detector-json.js';

/** The files a detect run writes into its folder (and the model set's weights.G.bin). */
export const DETECT_OUTPUTS = ['scores.csv', 'anomalies.json', DETECTOR_FILE, 'model.json', 'report.html', 'metrics.json'];

/** detector.json files larger than this are refused before reading (the largest of ours: a few MB of reference codes). */
const MAX_DETECTOR_BYTES = 256 << 20;

/**
 * Writes the model set and detector.json into `dir`; returns detector.json's path. The old
 * detector.json goes first, then the model set is committed (one rename), then the new
 * detector.json naming that set's generation: a kill at any point leaves the old pair, no
 * detector, or the new pair, never a detector beside a model it was not fitted with.
 */
export function saveDetector(dir: string, detector: Detector, columns: DetectorColumns, threshold: ThresholdRule, training: Record<string, unknown>, lock?: FolderLock): string {
  const path = join(dir, DETECTOR_FILE);
  rmSync(path, { force: true });
  const { generation } = commitModelSet(dir, modelContents(detector.model), undefined, lock);
  writeFileAtomic(path, detectorJsonText(detectorJson(detector, columns, threshold, training, generation)));
  return path;
}

/** Reads a detector.json and its model; anything missing or inconsistent is an InputError naming the file. */
export function loadDetector(path: string): { detector: Detector; columns: DetectorColumns; threshold: ThresholdRule; json: DetectorJson } {
  const text = readInputFile(path, `a ${DETECTOR_FILE} written by lstm-ae detect`, {
    maxBytes: MAX_DETECTOR_BYTES,
    limitText: `a ${DETECTOR_FILE} of at most ${MAX_DETECTOR_BYTES >> 20} MiB written by lstm-ae detect`,
  }).toString('utf8');
  const json = parseDetectorJson(text, path);
  const dir = dirname(path);
  const modelPath = confinedFile(dir, json.model, path, 'model');
  if (json.modelGeneration !== undefined) {
    const info = readModelSetInfo(dirname(modelPath));
    if (info?.generation !== json.modelGeneration) {
      throw new InputError(`${path}: names model generation ${json.modelGeneration}, but ${modelPath} is generation ${info?.generation ?? 'unknown'} (a detect run was interrupted while saving); run lstm-ae detect again`);
    }
  }
  const detector = detectorFromJson(json, loadModel(modelPath), path, modelPath);
  return { detector, columns: columnsOf(json), threshold: json.threshold, json };
}

/**
 * One model of a detector, for `lstm-ae export`: member k of its ensemble (0: the detector's
 * own, whose model.json sits beside detector.json; 1 and up: the others, kept inline), or with
 * `context` that member's time-of-day model (its input is the values and then the time of
 * day's sin and cos). One line when there is no such member, or it has no time-of-day model
 * (fitted with --no-time-of-day, or on rows whose stamps did not span a day).
 */
export function loadDetectorModel(path: string, which: { member: number; context: boolean }): { model: Detector['model']; files: string[] } {
  const { detector, json } = loadDetector(path);
  const files = [path, join(dirname(path), json.model)];
  const members = [detector, ...(detector.members ?? [])];
  const member = members[which.member];
  if (!member) throw new InputError(`${path}: --member ${which.member}, but this detector has ${members.length} member(s); expected 0 to ${members.length - 1}`);
  if (!which.context) return { model: member.model, files };
  if (!member.context) {
    const where = which.member === 0 ? 'its "context" is null' : `members[${which.member - 1}].context is null`;
    throw new InputError(`${path}: this detector has no time-of-day model (${where}); export its model with --model ${join(dirname(path), json.model)}`);
  }
  return { model: member.context.model, files };
}
