// The page's worker: reads the input, trains, detects, on the fast path (which starts its own
// helper workers when the page is cross-origin isolated), and posts progress and results.
// The main thread never computes, so the page stays responsive while a model trains.
import {
  InputError, createBrowserPlatform, sharesMemory, installFastPlatform, LstmAutoencoder, DivergenceGuard, createOptimizer,
  EarlyStopping, splitValidationRandom, MASK_VALUE, toSequences, toRaggedSequences, encodeNpy, modelArtifacts, pca, checkedTrainingWindows,
  AnomalyDetector, parseSeries, parseTimeSeriesCsv,
  DEFAULT_LEARNING_RATE, TRAIN_DEFAULTS, defaultBatchSize, makeSineData, makeAnomalySeries, anomalySeriesCsv,
  modelFromArtifacts, toOnnx, SeriesClassifier, CLASSIFY_DEFAULTS, oneNearestNeighbour, logisticOnRaw, resampleSeries, fitStandardizer, type SeriesSet,
  type AnySequences,
} from '../src/index.js';
import { WindowSet } from '../src/train/window-set.js';
import { detectFigureSpecs, mostSevereRows, windowReconstructionChart } from '../src/tasks/detect/figure-specs.js';
import { anomaliesJson, scoresCsv } from '../src/tasks/detect/outputs.js';
import { detectorJsonText } from '../src/tasks/detect/detector-json.js';
import { describeRule } from '../src/tasks/detect/describe-rule.js';
import { checkClassificationSets, rawBaselineSteps, shapeSeries } from '../src/tasks/classify/data.js';
import { accuracyOf, predictionsCsv } from '../src/tasks/classify/predictions.js';
import { accuracyChart, classPcaChart, ensembleLossChart, reconstructionByClassChart } from '../src/report/classify-charts.js';
import type { ClassifyResult, DetectResult, EncodeResult, Figure, ExampleName, FromWorker, Reconstructed, TaskSettings, ToWorker, TrainResult } from './protocol.js';
import type { InputFile } from './protocol.js';

const scope = globalThis as unknown as { onmessage: ((e: MessageEvent<ToWorker>) => void) | null; postMessage(m: FromWorker, transfer?: Transferable[]): void };
const post = (m: FromWorker, transfer: Transferable[] = []) => scope.postMessage(m, transfer);


let stop: AbortController | undefined;

/** The last run's model (train, encode) or detector (detect), kept so the page can ask for the reconstruction of a series or row it chooses. */
let kept:
  | { kind: 'series'; model: LstmAutoencoder; set: SeriesSet; all: AnySequences; threads: number }
  | { kind: 'rows'; detector: AnomalyDetector; table: ReturnType<typeof readTable> }
  | undefined;

/** Keeps this run's model or detector in place of the last one (whose worker threads go). */
async function keep(next: NonNullable<typeof kept>): Promise<void> {
  const previous = kept;
  kept = next;
  if (previous?.kind === 'series') await previous.model.dispose();
  if (previous?.kind === 'rows') await previous.detector.dispose();
}

/** The reconstruction of series `at` (train, encode) or of the window ending at row `at` (detect), as a figure. */
async function inspect(at: number): Promise<Figure> {
  if (!kept) throw new InputError('nothing to show yet: run a task first');
  if (kept.kind === 'series') {
    const { model, set, all, threads } = kept;
    if (!(Number.isInteger(at) && at >= 0 && at < set.series.length)) throw new InputError(`series ${at}: expected a series number from 0 to ${set.series.length - 1}`);
    const series = await reconstructSome(model, set, all, threads, [at]);
    return { title: `Series ${at}`, caption: "The series as the model sees it (blue) and its reconstruction (red), in the data's units.", spec: reconstructionByClassChart(series, series.map((r) => r.label), 'original blue, reconstruction red', { title: `Reconstruction of series ${at}` }) };
  }
  const { detector, table } = kept;
  const windows = await detector.reconstructAt(table, [at]);
  return { title: `The window ending at row ${at}`, caption: "Every channel as read (blue) and as the model rebuilds it (red), in the data's units.", spec: windowReconstructionChart(windows, table, `Reconstruction of the window ending at row ${at}`, 'data blue, reconstruction red') };
}

const ready = (async () => {
  installFastPlatform(await createBrowserPlatform({ base: new URL('./', import.meta.url) }));
  post({ kind: 'ready', isolated: sharesMemory(), threads: sharesMemory() ? navigator.hardwareConcurrency : 1 });
})();

scope.onmessage = (e) => {
  const m = e.data;
  if (m.kind === 'stop') {
    stop?.abort();
    return;
  }
  if (m.kind === 'example') {
    post(example(m.name));
    return;
  }
  if (m.kind === 'inspect') {
    void inspect(m.at).then(
      (figure) => post({ kind: 'inspected', figure }),
      (err: unknown) => post({ kind: 'error', message: `lstm-ae: ${err instanceof Error ? err.message : String(err)}` }),
    );
    return;
  }
  void (async () => {
    try {
      await ready;
      stop = new AbortController();
      const result = m.task === 'train' ? await train(m.input, m.settings, stop.signal)
        : m.task === 'apply' ? await apply(m.input, m.model ?? [], m.settings)
        : m.task === 'classify' ? await classify(m.input, m.test, m.settings)
        : await detect(m.input, m.test, m.settings);
      post({ kind: 'result', result });
    } catch (err) {
      post({ kind: 'error', message: err instanceof InputError ? `lstm-ae: ${err.message}` : `lstm-ae: ${err instanceof Error ? err.message : String(err)}` });
    }
  })();
};

/** A built-in example as the file `lstm-ae data` writes for it (made here, off the page's thread). */
function example(name: ExampleName): FromWorker {
  if (name === 'sines') {
    const d = makeSineData();
    const bytes = encodeNpy({ dtype: 'float32', shape: d.trainShape, data: Float32Array.from(d.xTrain) });
    return {
      kind: 'example', task: 'train',
      input: { name: 'X_train.npy', bytes, labels: Array.from(d.yTrain, String) },
      description: `the article's training windows: ${d.trainShape[0].toLocaleString()} windows of ${d.trainShape[1]} steps of two noisy sines (class 0: 20 samples a cycle, class 1: 80), as lstm-ae data writes them`,
    };
  }
  const series = makeAnomalySeries();
  return {
    kind: 'example', task: 'detect',
    input: { name: 'series.csv', bytes: new TextEncoder().encode(anomalySeriesCsv(series)) },
    description: `a labelled series: ${series.times.length.toLocaleString()} rows of ${series.channels.length} channels with spikes, level shifts, frequency changes and noise bursts, as lstm-ae data --anomalies writes it`,
  };
}

/** Each epoch's losses to the page; a fit that trains several models one after another (detect's) starts again at epoch 0 for each. */
function epochReporter(epochs: number) {
  let model = 0;
  return {
    onEpochEnd(epoch: number, logs: { loss: number; val_loss?: number; seconds: number }) {
      if (epoch === 0) model++;
      post({ kind: 'epoch', epoch, epochs, model, loss: logs.loss, ...(logs.val_loss === undefined ? {} : { valLoss: logs.val_loss }), seconds: logs.seconds });
    },
  };
}

/** The series of a file, with a built-in example's labels. */
function readSet(input: InputFile): SeriesSet {
  const parsed = parseSeries(input.bytes, input.name);
  return input.labels ? { ...parsed, labels: input.labels } : parsed;
}

/**
 * The series as the model takes them, as the CLI gives them (io/training-data.ts): windows
 * when all have one length, else ragged, so that each batch is padded only to its own
 * longest series; `steps` is the longest.
 */
function modelInput(set: SeriesSet): { all: AnySequences; steps: number; masked: boolean } {
  const lengths = set.series.map((s) => s.length / set.channels);
  const steps = Math.max(...lengths);
  if (lengths.every((n) => n === steps)) return { all: toSequences(set, MASK_VALUE), steps, masked: false };
  return { all: toRaggedSequences(set), steps, masked: true };
}

/** The codes' projection on their two principal components, with each series' label. */
function project(codes: { data: Float32Array; shape: [number, number] }, set: SeriesSet): TrainResult['projection'] {
  const [N, L] = codes.shape;
  const projected = N >= 2 ? pca({ data: codes.data, rows: N, cols: L }, 2).projections : new Float64Array(2 * N);
  return { x: Array.from({ length: N }, (_, n) => projected[2 * n]!), y: Array.from({ length: N }, (_, n) => projected[2 * n + 1]!), labels: set.labels ?? [] };
}

/** The first series of each class (of the first four, unlabelled) and the model's reconstruction of it, at its own length. */
async function reconstructSome(model: LstmAutoencoder, set: SeriesSet, all: AnySequences, threads: number, chosen?: number[]): Promise<Reconstructed[]> {
  const picked: number[] = chosen ? [...chosen] : [];
  if (chosen) {
    // the series asked for
  } else if (set.labels) {
    const seen = new Set<string>();
    set.labels.forEach((label, n) => { if (!seen.has(label) && picked.length < 8) { seen.add(label); picked.push(n); } });
  } else for (let n = 0; n < Math.min(4, set.series.length); n++) picked.push(n);
  // the series as the model sees them (padded or ragged, or resampled by classify), each up to its own length, end to end
  const windows = WindowSet.of(all).pick(picked);
  const D = windows.features;
  const lengths = Int32Array.from(picked, (_, k) => windows.length(k));
  const values = Float32Array.from(picked.flatMap((_, k) => Array.from(windows.values(k))));
  const out = (await model.reconstruct({ data: values, lengths, features: D }, { threads })).data;
  let at = 0;
  return picked.map((n, k) => {
    const span = [at, (at += lengths[k]! * D)] as const;
    return {
      label: set.labels?.[n] ?? '', name: `series ${n}`, channels: D,
      values: Float64Array.from(values.subarray(...span)),
      reconstruction: Float64Array.from(out.subarray(...span)),
    };
  });
}

/** What train and encode show of a model's pass over the series: the codes (as .npy), their projection, a few reconstructions. */
async function encodedView(model: LstmAutoencoder, set: SeriesSet, all: AnySequences, threads: number): Promise<Pick<EncodeResult, 'codesNpy' | 'projection' | 'reconstructions'>> {
  const codes = await model.encode(all, { threads });
  return {
    codesNpy: encodeNpy({ dtype: 'float32', shape: codes.shape, data: codes.data }),
    projection: project(codes, set),
    reconstructions: await reconstructSome(model, set, all, threads),
  };
}

/** `lstm-ae encode` and `lstm-ae reconstruct` with a model saved by the CLI or the page (model.json and its weights file). */
async function apply(input: InputFile, modelFiles: InputFile[], s: TaskSettings): Promise<EncodeResult | DetectResult> {
  const detectorJson = modelFiles.find((f) => f.name === 'detector.json');
  const modelJson = modelFiles.find((f) => f.name.endsWith('.json') && f !== detectorJson);
  if (!modelJson) throw new InputError('no model loaded: choose its model.json and weights file (and detector.json, for a detector)');
  if (detectorJson) return detectWith(input, modelFiles, modelJson, detectorJson);
  const model = modelFromArtifacts(new TextDecoder().decode(modelJson.bytes), new Map(modelFiles.map((f) => [f.name, f.bytes])), modelJson.name);
  try {
    const started = performance.now();
    const set = readSet(input);
    if (set.channels !== model.config.inputDim) throw new InputError(`${input.name}: its series have ${set.channels} channel(s); the model takes ${model.config.inputDim}`);
    const { all } = modelInput(set);
    const result: EncodeResult = { task: 'apply', source: input.name, model: modelJson.name, ...(await encodedView(model, set, all, s.threads)), seconds: (performance.now() - started) / 1000 };
    await keep({ kind: 'series', model, set, all, threads: s.threads });
    return result;
  } catch (err) {
    await model.dispose();
    throw err;
  }
}

/** `lstm-ae train --data FILE --epochs E --seed S --threads N` with its other defaults. */
async function train(input: InputFile, s: TaskSettings, signal: AbortSignal): Promise<TrainResult> {
  const set = readSet(input);
  const { all, steps, masked } = modelInput(set);
  const { train: x, validation } = splitValidationRandom(all, TRAIN_DEFAULTS.validationSplit, s.seed);
  const trainCount = WindowSet.of(x).count;
  // create's defaults are train's (AUTOENCODER_DEFAULTS); only equal-length series go unmasked, as with the CLI
  const model = LstmAutoencoder.create({ timesteps: steps, inputDim: set.channels, seed: s.seed, ...(masked ? {} : { maskValue: null }) });
  const started = performance.now();
  const stopper = new EarlyStopping(model.params.length, { patience: TRAIN_DEFAULTS.patience });
  try {
    const history = await model.fit(x, {
      epochs: s.epochs,
      batchSize: Math.min(defaultBatchSize(trainCount), trainCount),
      validationData: validation,
      earlyStopping: stopper,
      threads: s.threads,
      optimizer: createOptimizer({ name: 'rmsprop', learningRate: DEFAULT_LEARNING_RATE.rmsprop }, model.params.length),
      divergence: new DivergenceGuard(),
      signal,
      callbacks: epochReporter(s.epochs),
    });
    const loss = history.history.loss;
    const kept = stopper.bestEpoch >= 0 ? history.epoch.indexOf(stopper.bestEpoch) : loss.length - 1;
    const { modelJson, weights } = modelArtifacts(model);
    const result: TrainResult = {
      task: 'train',
      source: input.name,
      loss,
      valLoss: history.history.val_loss,
      epochKept: kept + 1,
      epochSeconds: history.history.seconds,
      params: model.params.slice(),
      modelJson,
      weightsBin: weights,
      onnx: await toOnnx(model, { part: 'autoencoder' }),
      ...(await encodedView(model, set, all, s.threads)),
      seconds: (performance.now() - started) / 1000,
    };
    await keep({ kind: 'series', model, set, all, threads: s.threads });
    return result;
  } catch (err) {
    await model.dispose();
    throw err;
  }
}

/** A time-series CSV as `lstm-ae detect` reads it (rows in file order, one warning's worth of disorder allowed). */
function readTable(input: InputFile) {
  return parseTimeSeriesCsv(new TextDecoder().decode(input.bytes), input.name, {});
}

/**
 * `lstm-ae detect --input FILE [--train FILE | --train-fraction F] --seed S --threads N` with
 * its other defaults, through the library's AnomalyDetector.
 */
async function detect(input: InputFile, trainInput: InputFile | undefined, s: TaskSettings): Promise<DetectResult> {
  const table = readTable(input);
  const trainTable = trainInput ? readTable(trainInput) : undefined;
  const trainRows = trainTable ? trainTable.times.length : Math.floor(s.trainFraction * table.times.length);
  const detector = new AnomalyDetector({ seed: s.seed, threads: s.threads, epochs: s.epochs });
  checkedTrainingWindows(trainRows, detector.settings, (trainTable ?? table).source);
  const started = performance.now();
  try {
    await detector.fit(trainTable ?? table, {
      rows: trainRows,
      channels: table.valueColumns,
      like: table,
      describe: trainInput ? trainInput.name : `first ${trainRows} rows of the input (--train-fraction ${s.trainFraction})`,
      callbacks: epochReporter(s.epochs),
    });
    const result = await detectResult(detector, table, trainTable ? 0 : trainRows, started);
    await keep({ kind: 'rows', detector, table });
    return result;
  } catch (err) {
    await detector.dispose();
    throw err;
  }
}

/** `lstm-ae detect --model DIR/detector.json` on a whole file: a detector saved by the CLI or this page scores it. */
async function detectWith(input: InputFile, modelFiles: InputFile[], modelJson: InputFile, detectorJson: InputFile): Promise<DetectResult> {
  const model = modelFromArtifacts(new TextDecoder().decode(modelJson.bytes), new Map(modelFiles.map((f) => [f.name, f.bytes])), modelJson.name);
  const detector = AnomalyDetector.fromJSON(new TextDecoder().decode(detectorJson.bytes), model, detectorJson.name);
  try {
    const table = readTable(input);
    const result = await detectResult(detector, table, 0, performance.now());
    await keep({ kind: 'rows', detector, table });
    return result;
  } catch (err) {
    await detector.dispose();
    throw err;
  }
}

/** What the page shows and offers of a detection: the report's figures and detect's files. */
async function detectResult(detector: AnomalyDetector, table: ReturnType<typeof readTable>, trainRows: number, started: number): Promise<DetectResult> {
  const d = await detector.score(table, { from: trainRows });
  const figures = detectFigureSpecs({
    table, series: d, flags: d.flags, thresholds: d.thresholds, rule: d.rule, trainRows,
    heldOutSmoothed: detector.detector.scorer.heldOutSmoothed, reconstructions: await detector.reconstructAt(table, mostSevereRows(d.intervals)),
  });
  const { modelJson, weights } = modelArtifacts(detector.model);
  const { loss, valLoss } = detector.lossCurves;
  return {
    task: 'detect',
    source: table.source,
    rows: table.times.length,
    trainRows,
    anomalyScore: d.anomalyScore,
    flaggedRows: d.flags.reduce((n, f) => n + f, 0),
    intervals: d.intervals.map(({ start, end, startRow, endRow, peakRow, severity, peakChannel }) => ({ start, end, startRow, endRow, peakRow, severity, ...(peakChannel === undefined ? {} : { peakChannel }) })),
    rule: describeRule(d.rule),
    figures,
    files: [
      { name: 'scores.csv', text: scoresCsv(table, d) },
      { name: 'anomalies.json', text: anomaliesJson(d, detector.detector.window) },
      { name: 'detector.json', text: detectorJsonText(detector.toJSON()) },
      { name: 'model.json', text: modelJson },
      { name: 'weights.bin', bytes: weights },
    ],
    loss,
    valLoss,
    seconds: (performance.now() - started) / 1000,
  };
}

/** `lstm-ae classify --train FILE --test FILE --seeds S..S+2 --threads N` with its other defaults, through the library's SeriesClassifier. */
async function classify(input: InputFile, testInput: InputFile | undefined, s: TaskSettings): Promise<ClassifyResult> {
  if (!testInput) throw new InputError('classify needs a test file too: choose one under "test file"');
  const { train, test, classes } = checkClassificationSets(readSet(input), readSet(testInput));
  const started = performance.now();
  const seeds = CLASSIFY_DEFAULTS.seeds.map((k) => k + s.seed);
  const classifier = new SeriesClassifier({ seeds, epochs: s.epochs, threads: s.threads });
  try {
    await classifier.fit(train, undefined, { callbacks: () => epochReporter(s.epochs) });
    const testFeatures = await classifier.transform(test);
    const probabilities = classifier.classifier.predictProba(testFeatures);
    const predicted = classifier.classifier.predict(testFeatures);
    const timed = (method: string, run: () => { accuracy: number | null }) => {
      const t0 = performance.now();
      const accuracy = run().accuracy ?? NaN;
      return { method, accuracy, seconds: (performance.now() - t0) / 1000 };
    };
    const rawSteps = rawBaselineSteps(classifier.shaping);
    const resampled = (set: typeof train) => ({ ...set, series: set.series.map((x) => resampleSeries(x, set.channels, rawSteps)) });
    const scores = [
      { method: 'autoencoder features', accuracy: accuracyOf(test.labels, predicted), seconds: (performance.now() - started) / 1000, ours: true },
      timed('1-NN Euclidean', () => oneNearestNeighbour(train, test, 'euclidean')),
      timed('1-NN DTW', () => oneNearestNeighbour(train, test, 'dtw')),
      timed('logistic regression, raw', () => logisticOnRaw(resampled(train), resampled(test))),
    ];
    const index = new Map(classes.map((c, k) => [c, k] as const));
    const confusion = classes.map(() => new Array<number>(classes.length).fill(0));
    test.labels.forEach((label, i) => { confusion[index.get(label)!]![index.get(predicted[i]!)!]!++; });

    const standardized = fitStandardizer(testFeatures).transform(testFeatures);
    const projection = pca(standardized, 2);
    const models = classifier.trainedModels.filter((m) => m.history !== undefined).map((m, k) => ({
      name: `seed ${seeds[k]}`,
      loss: m.history!.history.loss,
      ...(m.history!.history.val_loss ? { valLoss: m.history!.history.val_loss } : {}),
      ...(m.history!.earlyStopping ? { bestEpoch: m.history!.earlyStopping.bestEpoch + 1 } : {}),
    }));
    const first = classifier.trainedModels[0]!.model;
    const shaped = shapeSeries(test, classifier.shaping);
    const reconstructed = await reconstructSome(first, test, shaped, s.threads);
    const figures = [
      { title: 'Accuracy against the baselines', caption: 'Test accuracy of the autoencoder features and of the three baselines on the same split.', spec: accuracyChart(scores) },
      { title: "The test series' features in two dimensions", caption: 'Every test series\' features, standardised, on their first two principal components, coloured by the true class.',
        spec: classPcaChart(projection.projections, test.labels, classes, [projection.explainedVarianceRatio[0]!, projection.explainedVarianceRatio[1]!], `${test.labels.length} test series`) },
      { title: 'Training', caption: "Each model's loss per epoch; the marked point is the epoch it kept.", spec: ensembleLossChart(models) },
      { title: 'Reconstructions', caption: "The first model's reconstruction of the first test series of each class, as the model sees it.",
        spec: reconstructionByClassChart(reconstructed, classes, 'original blue, reconstruction red', { title: 'Reconstructions, one test series per class' }) },
    ];
    return {
      task: 'classify', source: input.name, testSource: testInput.name, classes, scores, confusion, predicted, figures,
      files: [
        { name: 'predictions.csv', text: predictionsCsv(predicted, probabilities, classes, test.labels) },
        { name: 'classifier.json', text: JSON.stringify(classifier.toJSON()) },
      ],
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await classifier.dispose();
  }
}
