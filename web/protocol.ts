// The messages between the page (main.ts, which only reads files and draws) and its task
// worker (task-worker.ts, which trains, detects and classifies on the fast path).

export type TaskName = 'train' | 'detect';

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
  | { kind: 'run'; task: TaskName; input: InputFile; settings: TaskSettings }
  | { kind: 'stop' }
  | { kind: 'example'; name: ExampleName };

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
  /** the codes of the training series (N, latent), as .npy bytes */
  codesNpy: Uint8Array;
  projection: { x: number[]; y: number[]; labels: string[] };
  seconds: number;
}

export interface DetectResult {
  task: 'detect';
  source: string;
  rows: number;
  trainRows: number;
  anomalyScore: Float64Array;
  surprise: Float64Array;
  thresholdSurprise: number;
  flagged: { start: number; end: number }[];
  loss: number[];
  valLoss: number[];
  seconds: number;
}

export type FromWorker =
  | { kind: 'ready'; isolated: boolean; threads: number }
  | { kind: 'example'; input: InputFile; task: TaskName; description: string }
  | { kind: 'epoch'; epoch: number; epochs: number; loss: number; valLoss?: number; seconds: number }
  | { kind: 'result'; result: TrainResult | DetectResult }
  | { kind: 'error'; message: string };
