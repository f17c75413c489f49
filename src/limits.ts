/**
 * The one range of each size setting, shared by every command's option parsing, the model
 * config and the readers, so that `demo`, `train` and a saved model agree on what is allowed
 * and a value outside it is one clear line instead of a failed allocation deep inside.
 *
 * The bounds are what the engine can take on one machine, not what the seed uses: latent
 * 1024 with D=1 is 8.4 million weights; a batch of 500 windows of 100 steps at latent 1024
 * already needs about 0.8 GB per gate buffer.
 */
export interface Range {
  readonly min: number;
  readonly max: number;
}

export const LIMITS = {
  /** the code size: the encoder's and decoder's LSTM units */
  latentDim: { min: 1, max: 1024 },
  /** window length T */
  timesteps: { min: 1, max: 10_000 },
  /** features per step D */
  inputDim: { min: 1, max: 10_000 },
  epochs: { min: 1, max: 100_000 },
  /** windows per gradient step (a larger value than the data holds means all of it) */
  batchSize: { min: 1, max: 1_000_000 },
  threads: { min: 1, max: 256 },
  seed: { min: 0, max: 2 ** 32 - 1 },
  /** detect's window: rows per window */
  detectWindow: { min: 2, max: 4096 },
  /** rows detect's running calibration keeps, and the dynamic threshold's trailing window (a Float64Array each) */
  history: { min: 2, max: 10_000_000 },
} as const satisfies Record<string, Range>;

export type LimitName = keyof typeof LIMITS;

/**
 * The longest class label a file may give, in characters: a class name, not a document. A
 * 100 KB label would go into every message, predictions.csv row and report that names it.
 */
export const MAX_LABEL_CHARS = 1000;

/** 'an integer from 1 to 1024': the words every message uses for a range. */
export function rangeText(range: Range): string {
  return `an integer from ${range.min} to ${range.max}`;
}

/**
 * Text files of series (.ts, .tsv, .csv, detect's CSV): the largest file, decoded whole into
 * one string (Node's longest string is just under 512 MiB of UTF-16 units), and the longest
 * line (about 12 million values), so that a huge file or line is one line of error naming
 * it, never a string-length crash or a parse that runs for minutes.
 */
export const TEXT_LIMITS = {
  fileBytes: 500 * 2 ** 20,
  lineBytes: 128 * 2 ** 20,
} as const;
