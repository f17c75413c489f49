import { RandomState } from '../ops/random-state.js';
import { parseSineDataConfig, splitLengths, type SineDataConfig } from './sine-data-config.js';
import { windowCount, writeSlidingWindows } from './windows.js';

/** The seed's data set: windows of two noisy sine waves, class 0 first, as float64 in C order. */
export interface SineData {
  /** (trainShape) windows, each `timesteps` values of one series. */
  xTrain: Float64Array;
  /** One label per training window: 0 or 1. */
  yTrain: Int32Array;
  xTest: Float64Array;
  yTest: Int32Array;
  /** [N, T, 1], as numpy's X_train.shape. */
  trainShape: [number, number, 1];
  testShape: [number, number, 1];
  /** The full series of class 0 and class 1, before splitting. */
  series: [Float64Array, Float64Array];
  /** The configuration after defaults, so a caller can record what was made. */
  config: SineDataConfig;
}

/**
 * One class's series as the article computes it, one row at a time:
 * `np.sin(x * (2 * np.pi / s) + np.random.uniform(-1.0, 1.0) * random_factor)` for x in 0 … s * cycles.
 * The expression keeps numpy's order of operations so each value rounds the same way.
 */
export function sineSeries(rng: RandomState, samplingNum: number, numberOfCycles: number, randomFactor: number): Float64Array {
  const series = new Float64Array(samplingNum * numberOfCycles + 1);
  const step = (2 * Math.PI) / samplingNum;
  for (let x = 0; x < series.length; x++) {
    series[x] = Math.sin(x * step + rng.uniform(-1.0, 1.0) * randomFactor);
  }
  return series;
}

/**
 * The article's make_data: class 0 then class 1 from one RNG stream seeded once, each series
 * split at int(round(n * (1 - testSize))), each part cut into n - timesteps windows, the
 * classes stacked (class 0 first). Throws InputError for an invalid configuration.
 */
export function makeSineData(input: Partial<SineDataConfig> = {}): SineData {
  const config = parseSineDataConfig(input);
  const { timesteps } = config;
  const rng = new RandomState(config.seed);
  const series: [Float64Array, Float64Array] = [
    sineSeries(rng, config.samplingNumPair[0], config.numberOfCycles, config.randomFactor),
    sineSeries(rng, config.samplingNumPair[1], config.numberOfCycles, config.randomFactor),
  ];
  const parts = splitLengths(config);
  const trainRows = parts.reduce((sum, part) => sum + windowCount(part.train, timesteps), 0);
  const testRows = parts.reduce((sum, part) => sum + windowCount(part.test, timesteps), 0);

  const xTrain = new Float64Array(trainRows * timesteps);
  const xTest = new Float64Array(testRows * timesteps);
  const yTrain = new Int32Array(trainRows);
  const yTest = new Int32Array(testRows);
  let trainRow = 0;
  let testRow = 0;
  series.forEach((values, label) => {
    const split = parts[label]!.train;
    const trainWritten = writeSlidingWindows(values.subarray(0, split), timesteps, xTrain, trainRow);
    yTrain.fill(label, trainRow, trainRow + trainWritten);
    trainRow += trainWritten;
    const testWritten = writeSlidingWindows(values.subarray(split), timesteps, xTest, testRow);
    yTest.fill(label, testRow, testRow + testWritten);
    testRow += testWritten;
  });

  return {
    xTrain,
    yTrain,
    xTest,
    yTest,
    trainShape: [trainRows, timesteps, 1],
    testShape: [testRows, timesteps, 1],
    series,
    config,
  };
}
