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
 * The detector's time-of-day model (detector.json's `context`, kept inline), for `lstm-ae
 * export --context`: its input is the values and then the time of day's sin and cos. One
 * line when the detector has none (it was fitted with --no-time-of-day, or on rows whose
 * stamps did not span a day).
 */
export function loadDetectorContextModel(path: string): { model: Detector['model']; files: string[] } {
  const { detector, json } = loadDetector(path);
  if (!detector.context) {
    throw new InputError(`${path}: this detector has no time-of-day model (its "context" is null); export its model with --model ${join(dirname(path), json.model)}`);
  }
  return { model: detector.context.model, files: [path, join(dirname(path), json.model)] };
}
