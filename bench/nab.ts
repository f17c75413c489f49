/**
 * `npm run nab -- --data DIR --labels FILE`: `detect` on every CSV under DIR with NAB's
 * protocol, and the NAB score of ours beside the null detector and NAB's windowed Gaussian,
 * scored the same way by our NAB scorer (src/analysis/nab, which reproduces NAB's own
 * numbers). For each file: the detector is fitted on the probationary rows only (the first
 * 15%, at most 750 rows: the rows NAB does not score), then every row is scored from the
 * window ending at it, so no score uses a later row. Rows are taken in file order (NAB's files
 * hold repeated and out-of-order time stamps, and NAB reads them so). NAB's scorer thresholds
 * one number per row: ours is given the surprise (-log10 of the tail probability, after the
 * likelihood and the alert gate), which orders rows as anomaly_score = 1 - 10^-surprise does
 * but does not run out of digits at 1 - 1e-16.
 *
 * Settings are chosen honestly: the files are split into a tuning half and a confirming half
 * (within each category, sorted by name, the 1st, 3rd, 5th... file tunes and the 2nd, 4th...
 * confirms; see `half`), defaults are chosen on the tuning half only, and each half is scored
 * on its own (NAB's optimiser picks each corpus's threshold) beside all the files, for ours,
 * NAB's windowed Gaussian and HTM (NAB's published results, test/fixtures/nab). The
 * confirming half is also scored at the thresholds the tuning half chose.
 *
 * Measured and left out of `detect` (docs/detect.md), kept here so they can be repeated:
 * detectors of other window lengths (--windows, their surprises combined by --combine), the
 * anomaly likelihood and online learning; and what `detect` does by default, which can be
 * changed: the ensemble of detectors of other seeds (--ensemble 1: one), the second model
 * that sees the time of day (--no-time-of-day) and the alert gate (--refractory 0; it runs
 * here on the combined surprise, for one window length exactly as the detector's own would).
 */
import { availableParallelism } from 'node:os';
import { dirname, relative, sep } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { writeFileAtomic } from '../src/io/atomic-write.js';
import { readTimeSeriesCsv } from '../src/io/read-series.js';
import { NAB_PROFILES, probationaryLength } from '../src/analysis/nab/profiles.js';
import { type CorpusScore, type NabFile, scoreCorpus } from '../src/analysis/nab/score-corpus.js';
import { windowedGaussianScores } from '../src/analysis/nab/windowed-gaussian.js';
import { DEFAULT_DETECTOR_SETTINGS, DEFAULT_ENSEMBLE, DEFAULT_ONLINE_LEARNING, disposeDetector, MAX_ENSEMBLE, fitDetector, scoreSeries, type DetectorSettings } from '../src/tasks/detect/detector.js';
import { DEFAULT_LIKELIHOOD } from '../src/analysis/anomaly/likelihood.js';
import { DEFAULT_SCORING } from '../src/analysis/anomaly/scorer.js';
import { AlertGate } from '../src/analysis/anomaly/alerts.js';
import { COMBINATIONS, combineSurprises, type Combination } from './nab-ensemble.js';
import { readNumentaScores } from '../test/nab-fixture.js';
import { firstChannel, nabCsvFiles, readNabWindows, readOrExit } from './nab-files.js';

function numberArg(min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min) throw new InvalidArgumentError(`expected a number from ${min} up`);
    return n;
  };
}

function windowList(value: string): number[] {
  const windows = value.split(',').map(Number);
  if (!windows.every((n) => Number.isInteger(n) && n >= 2)) throw new InvalidArgumentError('expected window lengths separated by commas, e.g. 8,16,32');
  return windows;
}

function seedList(value: string): number[] {
  const seeds = value.split(',').map(Number);
  if (!seeds.every((n) => Number.isInteger(n) && n >= 0)) throw new InvalidArgumentError('expected seeds separated by commas, e.g. 0,1,2');
  return seeds;
}

const d = DEFAULT_DETECTOR_SETTINGS;
const program = new Command('nab')
  // bad options are bad input, exit 2 as lstm-ae's own commands (help stays 0)
  .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
  .description("Score `lstm-ae detect` on the Numenta Anomaly Benchmark, beside the null detector, NAB's windowed Gaussian and HTM.")
  .requiredOption('--data <dir>', "NAB's data folder: <category>/<file>.csv")
  .requiredOption('--labels <file>', "NAB's combined_windows.json")
  .option('--window <n>', 'rows per window', numberArg(2), d.window)
  .option('--steps <n>', 'newest steps of each window scored', numberArg(1), d.steps)
  .option('--smoothing <rows>', 'EWMA span of the anomaly statistic', numberArg(1), d.smoothingSpan)
  .option('--history <rows>', "rows the running calibration keeps (0: only the held-out rows, no running calibration)", numberArg(0), d.calibration.history)
  .option('--likelihood-average <rows>', "the anomaly likelihood's moving average (0: no likelihood, the default)", numberArg(0), 0)
  .option('--likelihood-history <rows>', "moving averages the likelihood's Gaussian is fitted to", numberArg(2), DEFAULT_LIKELIHOOD.history)
  .option('--red <surprise>', 'the surprise at which a row is red (alerts.ts)', numberArg(0), DEFAULT_SCORING.alerts.red)
  .option('--damped <surprise>', 'what later red rows of an event are lowered to', numberArg(0), DEFAULT_SCORING.alerts.damped)
  .option('--refractory <rows>', 'rows without a red row that end an event (0: no alert gate)', numberArg(0), DEFAULT_SCORING.alerts.refractory)
  .option('--escalation <surprise>', "how far a later red row must climb above the event's last undamped row to keep its surprise (0: any new peak)", numberArg(0), DEFAULT_SCORING.alerts.escalation)
  .option('--learn-every <rows>', 'online learning: rows between two tunings (0: none)', numberArg(0), DEFAULT_ONLINE_LEARNING?.every ?? 0)
  .option('--learn-span <rows>', 'online learning: the tuning windows end in the last this many rows', numberArg(1), DEFAULT_ONLINE_LEARNING?.span ?? 1000)
  .option('--learn-epochs <n>', 'online learning: epochs of each tuning', numberArg(1), DEFAULT_ONLINE_LEARNING?.epochs ?? 1)
  .option('--learn-rate <r>', 'online learning: learning rate of the tunings', numberArg(0))
  .option('--ensemble <k>', "detectors in each detector's ensemble, of seeds seed, seed + 1000, ... (detector.ts)", numberArg(1), DEFAULT_ENSEMBLE)
  .option('--windows <list>', 'window lengths, a detector of --ensemble seeds each, their surprises combined (default: --window)', windowList)
  .option('--combine <how>', `how the window lengths' surprises are combined row by row (${COMBINATIONS.join(' | ')})`, 'mean')
  .option('--no-time-of-day', 'no second model that also sees the time of day')
  .option('--no-code', "score the reconstruction error alone, not also the code's novelty")
  .option('--latent <n>', 'code size', numberArg(1))
  .option('--epochs <n>', 'most epochs (early stopping ends most runs sooner)', numberArg(1))
  .option('--seeds <list>', 'the seeds to run, each a whole run of every file', seedList, [0])
  .option('--threads <n>', 'threads for training and scoring', numberArg(1), Math.min(2, availableParallelism()))
  .option('--only <text>', 'only the files whose name holds this text')
  .option('--half <which>', 'only the tuning or the confirming half (tuning | confirming)')
  .option('--per-file', "print each file's raw score and counts under the standard profile (the first seed's), beside HTM's")
  .option('--out <file>', 'also write every figure as JSON here')
  .parse();

const o = program.opts<{
  data: string; labels: string; window: number; steps: number; smoothing: number; history: number;
  likelihoodAverage: number; likelihoodHistory: number; learnEvery: number; learnSpan: number; learnEpochs: number; learnRate?: number; red: number; damped: number; refractory: number; escalation: number;
  ensemble: number; windows?: number[]; combine: string; timeOfDay: boolean;
  code: boolean; latent?: number; epochs?: number;
  seeds: number[]; threads: number; only?: string; half?: string; perFile?: boolean; out?: string;
}>();
if (!(COMBINATIONS as readonly string[]).includes(o.combine)) program.error(`--combine ${o.combine}: expected ${COMBINATIONS.join(', ')}`);
if (!(Number.isInteger(o.ensemble) && o.ensemble <= MAX_ENSEMBLE)) program.error(`--ensemble ${o.ensemble}: expected a whole number from 1 to ${MAX_ENSEMBLE}`);
const memberWindows = o.windows ?? [o.window];
if (o.half !== undefined && o.half !== 'tuning' && o.half !== 'confirming') program.error(`--half ${o.half}: expected tuning or confirming`);

/** The fixed split: within each category (folder), sorted by name, alternate files tune (0th, 2nd...) and confirm (1st, 3rd...). */
function half(names: readonly string[]): Map<string, 'tuning' | 'confirming'> {
  const split = new Map<string, 'tuning' | 'confirming'>();
  const seen = new Map<string, number>();
  for (const name of [...names].sort()) {
    const category = dirname(name);
    const k = seen.get(category) ?? 0;
    seen.set(category, k + 1);
    split.set(name, k % 2 === 0 ? 'tuning' : 'confirming');
  }
  return split;
}

const windows = readOrExit('nab', () => readNabWindows(o.labels));
// the alert gate runs on the members' combined surprise (for one member: as the detector's own gate would)
const gate = o.refractory > 0 ? { red: o.red, damped: o.damped, refractory: o.refractory, escalation: o.escalation } : null;
const settings = (seed: number, window = o.window): DetectorSettings => ({
  window, steps: o.steps, smoothingSpan: o.smoothing, heldOutShare: d.heldOutShare,
  calibration: o.history > 0 ? { ...d.calibration, history: o.history } : { kind: 'held-out' },
  useCode: o.code,
  timeOfDay: o.timeOfDay,
  likelihood: o.likelihoodAverage > 0 ? { ...DEFAULT_LIKELIHOOD, average: o.likelihoodAverage, history: o.likelihoodHistory } : null,
  alerts: null,
  online: o.learnEvery > 0 ? { every: o.learnEvery, span: o.learnSpan, epochs: o.learnEpochs, ...(o.learnRate ? { learningRate: o.learnRate } : {}) } : null,
  ensemble: o.ensemble, seed, latentDim: o.latent, epochs: o.epochs, threads: o.threads,
});

// each file by its name in NAB's label file: <category>/<file>.csv
const all = readOrExit('nab', () => nabCsvFiles(o.data)).map((path) => ({ path, name: relative(o.data, path).split(sep).join('/') }));
const split = half(all.map((f) => f.name));
const files = all.filter(({ path, name }) => (o.only === undefined || path.includes(o.only)) && (o.half === undefined || split.get(name) === o.half));
const tables = readOrExit('nab', () => files.map(({ path, name }) => ({ path, name, table: readTimeSeriesCsv(path, { timeOrder: 'rows' }) })));

const gaussian: NabFile[] = tables.map(({ name, table }) => ({ name, timestamps: table.times, scores: windowedGaussianScores(firstChannel(table)) }));
const nulls: NabFile[] = tables.map(({ name, table }) => ({ name, timestamps: table.times, scores: new Float64Array(table.times.length) }));
const htmByName = new Map(readNumentaScores().map((f) => [f.name, f]));
const htm: NabFile[] = tables.flatMap(({ name }) => (htmByName.has(name) ? [htmByName.get(name)!] : []));

const runs: { seed: number; ours: NabFile[]; seconds: number; files: { name: string; rows: number; trainRows: number; epochs: number; seconds: number; alerts: number }[] }[] = [];
for (const seed of o.seeds) {
  const ours: NabFile[] = [];
  const perFile: (typeof runs)[number]['files'] = [];
  const started = performance.now();
  for (const { path, name, table } of tables) {
    const t0 = performance.now();
    const rows = table.times.length;
    const trainRows = Math.floor(probationaryLength(rows));
    const members: Float64Array[] = [];
    let epochs = 0;
    for (const window of memberWindows) {
      const detector = await fitDetector(table.values, table.channels, trainRows, settings(seed, window), path, table.times);
      members.push((await scoreSeries(detector, table.values, o.threads, table.times)).surprise);
      epochs += detector.training.loss.length;
      await disposeDetector(detector);
    }
    const surprise = combineSurprises(members, o.combine as Combination);
    let alerts = 0;
    if (gate) {
      const rowGate = new AlertGate(gate);
      surprise.forEach((s, t) => {
        const gated = rowGate.push(s);
        surprise[t] = gated.surprise;
        if (gated.alert) alerts++;
      });
    }
    // rows before the first full window (all inside the probation) are not scored by NAB
    ours.push({ name, timestamps: table.times, scores: Float64Array.from(surprise, (s) => (Number.isNaN(s) ? 0 : s)) });
    const seconds = (performance.now() - t0) / 1000;
    perFile.push({ name, rows, trainRows, epochs, seconds, alerts });
    process.stderr.write(`seed ${seed} ${name}: ${rows} rows, trained on ${trainRows} (${epochs} epochs of the first model, ${members.length} window length(s) of ${o.ensemble} detector(s)), ${alerts} alerts, ${seconds.toFixed(1)} s\n`);
  }
  runs.push({ seed, ours, seconds: (performance.now() - started) / 1000, files: perFile });
}

const profiles = Object.keys(NAB_PROFILES);
const inGroup = (group: string) => (f: NabFile) => group === 'all' || split.get(f.name) === group;
const groups = ['tuning', 'confirming', 'all'].filter((g) => o.half === undefined ? true : g === o.half);
const figures: Record<string, Record<string, Record<string, number>>> = {};
const out: string[] = [];
const row = (label: string, values: number[]) => out.push(`  ${label.padEnd(40)}${values.map((v) => v.toFixed(2).padStart(20)).join('')}`);
const normalized = (r: CorpusScore) => profiles.map((p) => r.perProfile[p]!.normalizedScore);
for (const group of groups) {
  const pick = inGroup(group);
  const chosen = tables.filter((t) => pick({ name: t.name } as NabFile));
  if (chosen.length === 0) continue;
  const rows = chosen.reduce((s, t) => s + t.table.times.length, 0);
  out.push(`${group === 'all' ? 'all files' : `the ${group} half`}: ${chosen.length} files, ${rows} rows`);
  out.push(`  ${'detector'.padEnd(40)}${profiles.map((p) => p.padStart(20)).join('')}`);
  const entries: [string, number[]][] = [];
  const perSeed = runs.map((run) => scoreCorpus(run.ours.filter(pick), windows));
  runs.forEach((run, k) => entries.push([`ours, seed ${run.seed}`, normalized(perSeed[k]!)]));
  if (runs.length > 1) entries.push([`ours, mean of ${runs.length} seeds`, profiles.map((_, j) => entries.reduce((s, [, v]) => s + v[j]!, 0) / runs.length)]);
  if (group === 'confirming' && o.half === undefined) {
    // the confirming half at the thresholds the tuning half chose, as a detector deployed with them would run
    runs.forEach((run) => {
      const tuned = scoreCorpus(run.ours.filter(inGroup('tuning')), windows);
      const thresholds = Object.fromEntries(profiles.map((p) => [p, tuned.perProfile[p]!.threshold]));
      entries.push([`ours, seed ${run.seed}, tuning's thresholds`, normalized(scoreCorpus(run.ours.filter(pick), windows, NAB_PROFILES, { thresholds }))]);
    });
  }
  entries.push(["NAB's windowed Gaussian", normalized(scoreCorpus(gaussian.filter(pick), windows))]);
  const htmFiles = htm.filter(pick);
  if (htmFiles.length === chosen.length) entries.push(["HTM (NAB's published results)", normalized(scoreCorpus(htmFiles, windows))]);
  entries.push(['null', normalized(scoreCorpus(nulls.filter(pick), windows))]);
  for (const [label, values] of entries) row(label, values);
  figures[group] = Object.fromEntries(entries.map(([label, values]) => [label, Object.fromEntries(profiles.map((p, j) => [p, values[j]!]))]));
}
process.stdout.write(`NAB normalised scores (standard, low FP, low FN), window ${memberWindows.join(', ')}, ${o.ensemble} detector(s) per window (${o.combine} over windows)${o.timeOfDay ? ', each with the time-of-day model' : ''}, ${o.threads} thread(s), seeds ${o.seeds.join(', ')}\n`);
process.stdout.write(out.join('\n') + '\n');
if (o.perFile && runs.length > 0) {
  const standard = scoreCorpus(runs[0]!.ours, windows).perProfile.standard!;
  const htmStandard = htm.length === tables.length ? scoreCorpus(htm, windows).perProfile.standard! : undefined;
  process.stdout.write(`per file, standard profile, seed ${runs[0]!.seed} (threshold ${standard.threshold}) beside HTM's:\n`);
  for (const [name, f] of Object.entries(standard.perFile)) {
    const h = htmStandard?.perFile[name];
    process.stdout.write(`  ${split.get(name)!.padEnd(11)} ${name.padEnd(58)} ${f.score.toFixed(3).padStart(8)}  tp ${String(f.tp).padStart(4)} fp ${String(f.fp).padStart(4)}` +
      (h ? `   HTM ${h.score.toFixed(3).padStart(8)}  tp ${String(h.tp).padStart(4)} fp ${String(h.fp).padStart(4)}` : '') + '\n');
  }
}
for (const run of runs) process.stdout.write(`seed ${run.seed}: ${run.files.length} files (${run.files.reduce((s, f) => s + f.rows, 0)} rows) in ${run.seconds.toFixed(1)} s (training and scoring)\n`);
if (o.out) {
  writeFileAtomic(o.out, JSON.stringify({ settings: { ...settings(0), alerts: gate, seeds: o.seeds, ensemble: o.ensemble, windows: memberWindows, combine: o.combine }, split: Object.fromEntries(split), runs: runs.map(({ seed, seconds, files: f }) => ({ seed, seconds, files: f })), scores: figures }, null, 1) + '\n');
}
