// The page's main thread: takes the file and the settings, hands the work to the task
// worker, and draws what comes back with the same Vega-Lite specs as the HTML reports.
import embed from 'vega-embed';
import type { TopLevelSpec } from 'vega-lite';
import { lossChart, pcaChart } from '../src/report/charts.js';
import { reconstructionByClassChart } from '../src/report/classify-charts.js';
import { TRAIN_DEFAULTS, DETECT_TRAINING, CLASSIFY_DEFAULTS } from '../src/index.js';
import type { ClassifyResult, DetectResult, EncodeResult, ExampleName, Figure, FromWorker, InputFile, Reconstructed, TaskName, TrainResult } from './protocol.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** What the page's tests read: the last result, every error shown, the long tasks seen. */
const state = {
  result: undefined as TrainResult | DetectResult | EncodeResult | ClassifyResult | undefined,
  errors: [] as string[],
  /** main-thread tasks over 50 ms: [start, duration] in ms since the page's time origin */
  longTasks: [] as [number, number][],
  /** the last run's [start, end]: from Run to its result or error */
  runSpan: [0, 0] as [number, number],
  ready: false,
  /** ms from the page's time origin to the worker's first word: the page is interactive */
  readyAt: 0,
};
(globalThis as unknown as { lstmAe: typeof state }).lstmAe = state;
try {
  new PerformanceObserver((list) => { for (const e of list.getEntries()) state.longTasks.push([e.startTime, e.duration]); }).observe({ type: 'longtask', buffered: true });
} catch { /* no Long Tasks API in this browser */ }

/** `lstm-ae train`'s and `lstm-ae detect`'s epoch defaults. */
const DEFAULT_EPOCHS: Record<TaskName, number> = { train: TRAIN_DEFAULTS.epochs, detect: DETECT_TRAINING.epochs, apply: 0, classify: CLASSIFY_DEFAULTS.epochs };

let input: InputFile | undefined;
/** a model saved by the CLI or the page: model.json and its weights file */
let modelFiles: InputFile[] = [];
/** classify's test file */
let testFile: InputFile | undefined;
let running = false;
const worker = new Worker(new URL('./task-worker.js', import.meta.url), { type: 'module', name: 'lstm-ae tasks' });

function showError(message: string): void {
  state.errors.push(message);
  const box = $('error');
  box.textContent = message;
  box.hidden = false;
}

function setRunning(on: boolean): void {
  running = on;
  $<HTMLButtonElement>('run').disabled = on || !input || !state.ready;
  $<HTMLButtonElement>('stop').disabled = !on;
}

function setInput(file: InputFile, description: string): void {
  input = file;
  $('chosen').textContent = description;
  $('error').hidden = true;
  setRunning(running);
}

async function choose(file: File): Promise<void> {
  setInput({ name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) }, `${file.name}: ${file.size.toLocaleString()} bytes`);
}

function chooseTask(task: TaskName): void {
  $<HTMLSelectElement>('task').value = task;
  $<HTMLInputElement>('epochs').value = String(DEFAULT_EPOCHS[task]);
  $('fraction-field').hidden = task !== 'detect';
  $('epochs-field').hidden = task === 'apply';
  $('test-field').hidden = task !== 'classify' && task !== 'detect';
  $('test-label').textContent = task === 'classify' ? 'test file' : 'normal data to train on (optional)';
}

$<HTMLInputElement>('test-file').addEventListener('change', (e) => {
  void (async () => {
    const file = (e.target as HTMLInputElement).files?.[0];
    testFile = file ? { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) } : undefined;
  })();
});

$<HTMLInputElement>('model-files').addEventListener('change', (e) => {
  void (async () => {
    const files = Array.from((e.target as HTMLInputElement).files ?? []);
    modelFiles = await Promise.all(files.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
    $('model-chosen').textContent = files.length > 0 ? `model: ${files.map((f) => f.name).join(', ')}` : '';
    $<HTMLOptionElement>('apply-option').disabled = files.length === 0;
    if (files.length > 0) chooseTask('apply');
  })();
});

$<HTMLSelectElement>('example').addEventListener('change', (e) => {
  const name = (e.target as HTMLSelectElement).value as ExampleName | '';
  if (name) worker.postMessage({ kind: 'example', name });
});

$<HTMLInputElement>('file').addEventListener('change', (e) => {
  const file = (e.target as HTMLInputElement).files?.[0];
  if (file) void choose(file);
});
const drop = $('drop');
drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  const file = e.dataTransfer?.files[0];
  if (file) void choose(file);
});
$<HTMLSelectElement>('task').addEventListener('change', () => chooseTask($<HTMLSelectElement>('task').value as TaskName));
$('fraction-field').hidden = true;

$('run').addEventListener('click', () => {
  if (!input || running) return;
  const number = (id: string) => Number($<HTMLInputElement>(id).value);
  const task = $<HTMLSelectElement>('task').value as TaskName;
  $('error').hidden = true;
  $('results').hidden = true;
  $('details').replaceChildren();
  $<HTMLProgressElement>('progress').value = 0;
  $('progress-text').textContent = 'reading…';
  losses = { loss: [], val_loss: [] };
  clearLiveLoss();
  started = performance.now();
  state.runSpan = [started, Infinity];
  setRunning(true);
  worker.postMessage({ kind: 'run', task, input: { ...input, bytes: input.bytes.slice() }, model: modelFiles, ...(testFile ? { test: testFile } : {}), settings: { epochs: number('epochs'), seed: number('seed'), threads: number('threads'), trainFraction: number('train-fraction') } });
});
$('stop').addEventListener('click', () => worker.postMessage({ kind: 'stop' }));
$('inspect').addEventListener('click', () => worker.postMessage({ kind: 'inspect', at: Number($<HTMLInputElement>('inspect-at').value) }));

/** Offers the reconstruction of a chosen series (train, encode) or of the window ending at a chosen row (detect). */
function offerInspect(what: 'series' | 'row' | undefined, first = 0): void {
  $('inspect-row').hidden = what === undefined;
  $('inspected').replaceChildren();
  if (!what) return;
  $('inspect-label').textContent = what === 'series' ? 'show the reconstruction of series number' : 'show the window ending at row';
  $<HTMLInputElement>('inspect-at').value = String(first);
}

let losses = { loss: [] as number[], val_loss: [] as number[] };

/** The loss chart while training runs: drawn at the first epoch, its data replaced at each later one (the report's spec, with its data named). */
let liveView: Promise<Awaited<ReturnType<typeof embed>>['view']> | undefined;
function drawLiveLoss(): void {
  const rows = [
    ...losses.loss.map((loss, e) => ({ epoch: e + 1, loss, series: 'training loss' })),
    ...losses.val_loss.map((loss, e) => ({ epoch: e + 1, loss, series: 'validation loss' })),
  ];
  if (!liveView) {
    const spec = lossChart({ loss: losses.loss, ...(losses.val_loss.length > 0 ? { val_loss: losses.val_loss } : {}) }) as TopLevelSpec & { data: unknown };
    spec.data = { name: 'losses', values: rows };
    $('live').hidden = false;
    liveView = embed($('live'), spec, { actions: false, renderer: 'canvas' }).then((r) => r.view);
    return;
  }
  void liveView.then((view) => view.data('losses', rows).runAsync());
}

/**
 * Draws a loss chart once, off screen, while the page waits for a file: Vega's first chart
 * compiles its code and takes a few hundred milliseconds, which would otherwise fall on the
 * first epoch of a run.
 */
function warmCharts(): void {
  const box = document.createElement('div');
  box.style.cssText = 'position:absolute;left:-10000px;top:0;';
  document.body.append(box);
  void embed(box, lossChart({ loss: [1, 0.5], val_loss: [1.1, 0.6] }), { actions: false, renderer: 'canvas' }).then((r) => {
    r.view.finalize();
    box.remove();
  });
}

function clearLiveLoss(): void {
  void liveView?.then((view) => view.finalize());
  liveView = undefined;
  $('live').replaceChildren();
  $('live').hidden = true;
}
let started = 0;

worker.onmessage = (e: MessageEvent<FromWorker>) => {
  const m = e.data;
  switch (m.kind) {
    case 'ready':
      state.ready = true;
      state.readyAt = performance.now();
      (globalThis.requestIdleCallback ?? ((f: () => void) => setTimeout(f, 0)))(() => warmCharts());
      $('platform').textContent = m.isolated
        ? `cross-origin isolated: the fast path shares memory with its workers (${m.threads} cores)`
        : 'not cross-origin isolated (served without COOP/COEP headers): the fast path runs on one worker; serve with `npx lstm-ae serve` for every core';
      $<HTMLInputElement>('threads').value = String(m.isolated ? Math.min(2, m.threads) : 1);
      $<HTMLInputElement>('threads').max = String(m.isolated ? m.threads : 1);
      setRunning(false);
      break;
    case 'inspected': {
      const box = document.createElement('div');
      $('inspected').replaceChildren(box);
      void embed(box, interactive(m.figure.spec as TopLevelSpec), { actions: false, renderer: 'canvas', tooltip: true });
      break;
    }
    case 'example':
      chooseTask(m.task);
      setInput(m.input, `example: ${m.description}`);
      break;
    case 'epoch': {
      // the live chart follows the model in training: the next one starts from its own first epoch
      if (m.epoch === 0) {
        losses = { loss: [], val_loss: [] };
        started = performance.now() - m.seconds * 1000;
      }
      losses.loss.push(m.loss);
      if (m.valLoss !== undefined) losses.val_loss.push(m.valLoss);
      drawLiveLoss();
      const done = m.epoch + 1;
      const elapsed = (performance.now() - started) / 1000;
      $<HTMLProgressElement>('progress').value = done / m.epochs;
      $('progress-text').textContent = `${m.model > 1 ? `model ${m.model}, ` : ''}epoch ${done} of at most ${m.epochs}: loss ${m.loss.toPrecision(4)}${m.valLoss === undefined ? '' : `, val_loss ${m.valLoss.toPrecision(4)}`}; at most ${Math.round((elapsed / done) * (m.epochs - done))} s left`;
      break;
    }
    case 'result':
      state.runSpan[1] = performance.now();
      $('live').hidden = true; // the result's own loss chart takes its place
      state.result = m.result;
      setRunning(false);
      $<HTMLProgressElement>('progress').value = 1;
      $('progress-text').textContent = `done in ${m.result.seconds.toFixed(2)} s`;
      void (m.result.task === 'train' ? showTrain(m.result) : m.result.task === 'apply' ? showEncode(m.result) : m.result.task === 'classify' ? showClassify(m.result) : showDetect(m.result));
      break;
    case 'error':
      state.runSpan[1] = performance.now();
      setRunning(false);
      $('progress-text').textContent = '';
      showError(m.message);
      break;
  }
};
worker.onerror = (e) => { setRunning(false); showError(`lstm-ae: the task worker failed: ${e.message}`); };

function download(name: string, parts: BlobPart[], type = 'application/octet-stream'): HTMLAnchorElement {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob(parts, { type }));
  a.download = name;
  a.textContent = name;
  return a;
}

type Unit = { mark?: string | { type: string }; encoding?: { x?: { type?: string } }; params?: unknown[]; layer?: Unit[] };

/**
 * The report's spec, made to explore: tooltips on lines and points, and the time (row) axis
 * zoomed with the wheel and panned by dragging, where the x axis is quantitative.
 */
function interactive(spec: TopLevelSpec): TopLevelSpec {
  const copy = structuredClone(spec) as unknown as Unit;
  const units = copy.layer ?? [copy];
  let zoomable = false;
  for (const unit of units) {
    if (!unit.mark) continue;
    const mark = typeof unit.mark === 'string' ? { type: unit.mark } : unit.mark;
    if (['line', 'point', 'circle'].includes(mark.type)) unit.mark = { ...mark, tooltip: true } as Unit['mark'];
    if (!zoomable && unit.encoding?.x?.type === 'quantitative' && mark.type !== 'rect') {
      unit.params = [...(unit.params ?? []), { name: 'zoom', select: { type: 'interval', encodings: ['x'] }, bind: 'scales' }];
      zoomable = true;
    }
  }
  return copy as unknown as TopLevelSpec;
}


/** The codes on their two principal components, coloured by label. */
function codesChart(projection: TrainResult['projection']): TopLevelSpec {
  const labels = projection.labels.length > 0 ? projection.labels : projection.x.map(() => '0');
  const classes = [...new Set(labels)];
  const projections = new Float64Array(projection.x.length * 2);
  projection.x.forEach((x, n) => { projections[2 * n] = x; projections[2 * n + 1] = projection.y[n]!; });
  return pcaChart(projections, labels.map((l) => classes.indexOf(l)), { title: 'The codes, projected on their two principal components' });
}

function reconstructionsChart(series: Reconstructed[]): TopLevelSpec {
  return reconstructionByClassChart(series, [...new Set(series.map((s) => s.label))], 'the first series of each class at its own length, in the data\'s units; original blue, reconstruction red');
}

async function showEncode(r: EncodeResult): Promise<void> {
  offerInspect('series');
  $('result-title').textContent = `${r.source}, encoded by ${r.model}`;
  $('summary').textContent = `${r.projection.x.length} series encoded and reconstructed, as lstm-ae encode and lstm-ae reconstruct do with this model.`;
  $('downloads').replaceChildren(download('codes.npy', [r.codesNpy as BlobPart]));
  $('results').hidden = false;
  await drawFigures([{ spec: codesChart(r.projection) }, { spec: reconstructionsChart(r.reconstructions) }]);
}

async function showTrain(r: TrainResult): Promise<void> {
  offerInspect('series');
  $('result-title').textContent = `Trained on ${r.source}`;
  $('summary').textContent = `${r.loss.length} epochs; kept epoch ${r.epochKept}: loss ${r.loss[r.epochKept - 1]?.toPrecision(5)}${r.valLoss ? `, val_loss ${r.valLoss[r.epochKept - 1]?.toPrecision(5)}` : ''}.`;
  $('downloads').replaceChildren(
    download('model.json', [r.modelJson], 'application/json'),
    download('weights.bin', [r.weightsBin as BlobPart]),
    download('model.onnx', [r.onnx as BlobPart]),
    download('codes.npy', [r.codesNpy as BlobPart]),
  );
  $('results').hidden = false;
  await drawFigures([
    { spec: lossChart({ loss: r.loss, ...(r.valLoss ? { val_loss: r.valLoss } : {}) }) },
    { spec: codesChart(r.projection) },
    { spec: reconstructionsChart(r.reconstructions) },
  ]);
}

async function showDetect(r: DetectResult): Promise<void> {
  offerInspect('row', [...r.intervals].sort((a, b) => b.severity - a.severity)[0]?.peakRow ?? r.rows - 1);
  $('result-title').textContent = `Anomalies in ${r.source}`;
  $('summary').textContent = `${r.rows.toLocaleString()} rows; trained on the first ${r.trainRows.toLocaleString()} (${r.loss.length} epochs); ${r.flaggedRows.toLocaleString()} rows flagged in ${r.intervals.length} event(s). ${r.rule}`;
  $('downloads').replaceChildren(...r.files.map((f) => download(f.name, [(f.text ?? f.bytes!) as BlobPart], f.name.endsWith('.csv') ? 'text/csv' : f.name.endsWith('.json') ? 'application/json' : 'application/octet-stream')));
  const table = document.createElement('table');
  table.id = 'intervals';
  const head = ['start', 'end', 'rows', 'peak row', 'severity (−log10 p)', ...(r.intervals.some((i) => i.peakChannel !== undefined) ? ['channel'] : [])];
  table.createTHead().insertRow().append(...head.map((h) => Object.assign(document.createElement('th'), { textContent: h })));
  const body = table.createTBody();
  for (const i of [...r.intervals].sort((a, b) => b.severity - a.severity).slice(0, 20)) {
    const cells = [i.start, i.end, String(i.endRow - i.startRow + 1), String(i.peakRow), i.severity.toFixed(2), ...(head.length > 5 ? [i.peakChannel ?? ''] : [])];
    body.insertRow().append(...cells.map((c) => Object.assign(document.createElement('td'), { textContent: c })));
  }
  $('details').replaceChildren(...(r.intervals.length > 0 ? [Object.assign(document.createElement('h3'), { textContent: `The ${Math.min(20, r.intervals.length)} most severe events (all are in anomalies.json)` }), table] : []));
  $('results').hidden = false;
  await drawFigures([...r.figures, { title: 'Training', caption: 'Loss and held-out loss per epoch.', spec: lossChart({ loss: r.loss, val_loss: r.valLoss }) }]);
}

/** A table of strings, the first row its header. */
function tableOf(id: string, rows: string[][]): HTMLTableElement {
  const table = document.createElement('table');
  table.id = id;
  table.createTHead().insertRow().append(...rows[0]!.map((h) => Object.assign(document.createElement('th'), { textContent: h })));
  const body = table.createTBody();
  for (const row of rows.slice(1)) body.insertRow().append(...row.map((c) => Object.assign(document.createElement('td'), { textContent: c })));
  return table;
}

async function showClassify(r: ClassifyResult): Promise<void> {
  offerInspect(undefined);
  const [ours, ...baselines] = r.scores;
  $('result-title').textContent = `${r.testSource} classified, trained on ${r.source}`;
  $('summary').textContent = `Test accuracy ${ours!.accuracy.toFixed(3)} from the autoencoder features; ${baselines.map((b) => `${b.method} ${b.accuracy.toFixed(3)}`).join(', ')}.`;
  $('downloads').replaceChildren(...r.files.map((f) => download(f.name, [f.text], f.name.endsWith('.csv') ? 'text/csv' : 'application/json')));
  $('details').replaceChildren(
    tableOf('scores', [['method', 'test accuracy', 'seconds'], ...r.scores.map((s) => [s.method, s.accuracy.toFixed(4), s.seconds.toFixed(1)])]),
    Object.assign(document.createElement('h3'), { textContent: 'Confusion matrix (rows: true class, columns: predicted)' }),
    tableOf('confusion', [['', ...r.classes], ...r.confusion.map((row, k) => [r.classes[k]!, ...row.map(String)])]),
  );
  $('results').hidden = false;
  await drawFigures(r.figures);
}

/** The report's figures: each title, caption and chart, in the page. */
async function drawFigures(figures: (Figure | { spec: TopLevelSpec; title?: undefined; caption?: undefined })[]): Promise<void> {
  const charts = $('charts');
  charts.replaceChildren();
  for (const f of figures) {
    const box = document.createElement('figure');
    const div = document.createElement('div');
    if (f.title) box.append(Object.assign(document.createElement('h3'), { textContent: f.title }));
    box.append(div);
    if (f.caption) box.append(Object.assign(document.createElement('figcaption'), { textContent: f.caption }));
    charts.append(box);
    await embed(div, interactive(f.spec as TopLevelSpec), { actions: false, renderer: 'canvas', tooltip: true });
  }
}
