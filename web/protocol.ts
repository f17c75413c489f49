// The messages between the page (main.ts, which only reads files and draws) and its task
// worker (task-worker.ts, which trains, detects and classifies on the fast path).

/** train a model; detect anomalies; encode and reconstruct with a model saved by the CLI or the page */
export type TaskName = 'train' | 'detect' | 'apply' | 'classify';

export interface InputFile {
  name: string;
  bytes: Uint8Array;
  /** a built-in example's class names, one per series, where its file format has no place for them */
  labels?: string[];
}

/** The built-in examples: the article's sine windows (train), the labelled anomaly series of `lstm-ae data --anomalies` (detect). */
export type ExampleName = 'sines' | 'anomalies';

export interface TaskSettings {
  epochs: number;
  seed: number;
  /** threads for the fast path: the worker's own and its helpers' */
  threads: number;
  /** detect: the share of the input, from its start, to train on */
  trainFraction: number;
}

export type ToWorker =
  | { kind: 'run'; task: TaskName; input: InputFile; settings: TaskSettings; model?: InputFile[]; test?: InputFile }
  | { kind: 'stop' }
  | { kind: 'example'; name: ExampleName }
  /** the last run's reconstruction of series `at` (train, encode) or of the window ending at row `at` (detect) */
  | { kind: 'inspect'; at: number };

/** A series and its reconstruction, (steps, channels) row-major in the data's units, as the reports draw them. */
export interface Reconstructed {
  label: string;
  name: string;
  channels: number;
  values: Float64Array;
  reconstruction: Float64Array;
}

/** What encoding a file gives: codes as .npy, their projection, a few reconstructions. */
export interface EncodeResult {
  task: 'apply';
  source: string;
  model: string;
  codesNpy: Uint8Array;
  projection: { x: number[]; y: number[]; labels: string[] };
  reconstructions: Reconstructed[];
  seconds: number;
}

export interface TrainResult {
  task: 'train';
  source: string;
  loss: number[];
  valLoss: number[] | undefined;
  epochKept: number;
  /** seconds each epoch took (training and validation), as history.json's */
  epochSeconds: number[];
  /** every weight, in the model's layout */
  params: Float32Array;
  modelJson: string;
  weightsBin: Uint8Array;
  /** the model as ONNX (lstm-ae export's file) */
  onnx: Uint8Array;
  /** the codes of the training series (N, latent), as .npy bytes */
  codesNpy: Uint8Array;
  projection: { x: number[]; y: number[]; labels: string[] };
  reconstructions: Reconstructed[];
  seconds: number;
}

/** A figure as the HTML report draws it: a Vega-Lite spec (plain JSON) with its title and caption. */
export interface Figure {
  title: string;
  caption: string;
  spec: unknown;
}

export interface DetectResult {
  task: 'detect';
  source: string;
  rows: number;
  trainRows: number;
  anomalyScore: Float64Array;
  flaggedRows: number;
  /** the events: start, end, peak and severity of each */
  intervals: { start: string; end: string; startRow: number; endRow: number; peakRow: number; severity: number; peakChannel?: string }[];
  /** the threshold rule in words */
  rule: string;
  /** the report's figures (tasks/detect/figure-specs.ts) */
  figures: Figure[];
  /** the files `lstm-ae detect` writes, as text: scores.csv, anomalies.json, detector.json with the model beside it */
  files: { name: string; text?: string; bytes?: Uint8Array }[];
  loss: number[];
  valLoss: number[];
  seconds: number;
}

export type FromWorker =
  | { kind: 'ready'; isolated: boolean; threads: number }
  | { kind: 'example'; input: InputFile; task: TaskName; description: string }
  /** `model`: which of the models trained one after another (detect's ensemble and time-of-day models) this epoch is of, from 1 */
  | { kind: 'epoch'; epoch: number; epochs: number; model: number; loss: number; valLoss?: number; seconds: number }
  | { kind: 'result'; result: TrainResult | DetectResult | EncodeResult | ClassifyResult }
  | { kind: 'inspected'; figure: Figure }
  | { kind: 'error'; message: string };

/** `lstm-ae classify --train FILE --test FILE`: accuracy beside the baselines, the confusion matrix, the report's figures. */
export interface ClassifyResult {
  task: 'classify';
  source: string;
  testSource: string;
  classes: string[];
  /** ours first, then 1-NN Euclidean, 1-NN DTW, logistic regression on the raw values */
  scores: { method: string; accuracy: number; seconds: number; ours?: boolean }[];
  /** rows: true class, columns: predicted, in `classes` order */
  confusion: number[][];
  predicted: string[];
  figures: Figure[];
  files: { name: string; text: string }[];
  seconds: number;
}
