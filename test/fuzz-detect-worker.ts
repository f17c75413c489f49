/**
 * The body of test/fuzz-detect.test.ts, run in a worker thread so that the test can stop it
 * (the readers are synchronous: a hang would hang the test process with it): detector.json
 * (fuzz-detector-json.ts), the --follow stream (fuzz-follow-stream.ts) and labels files
 * (fuzz-label-files.ts). Posts `{ kind: 'case', label }` before each input, then
 * `{ kind: 'done', counts, failures }`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { counts, failures } from './fuzz-support.js';
import { fuzzDetectorJson, type DetectorJsonRuns } from './fuzz-detector-json.js';
import { fuzzFollowStream, type FollowRuns } from './fuzz-follow-stream.js';
import { fuzzLabelFiles, type LabelRuns } from './fuzz-label-files.js';

export interface DetectFuzzSettings {
  seed: number;
  /** an empty folder for the fuzzed files; the test removes it, even after a hang */
  root: string;
  /** a `detect --out` run folder, and the header and rows of the input it was fitted on */
  run: string;
  rows: string[];
  runs: DetectorJsonRuns & FollowRuns & LabelRuns;
}

const s = workerData as DetectFuzzSettings;
fuzzDetectorJson(s.seed, s.run, s.root, s.runs);
await fuzzFollowStream(s.seed + 10, join(s.run, 'detector.json'), s.rows, s.runs);
const labels = join(s.root, 'labels');
mkdirSync(labels);
fuzzLabelFiles(s.seed + 20, labels, s.runs);
parentPort?.postMessage({ kind: 'done', counts, failures });
