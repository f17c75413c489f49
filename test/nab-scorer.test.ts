/**
 * Our NAB scorer against NAB's own (v1.1, run.py --optimize --score --normalize) on the 18 NAB
 * files of test/fixtures/nab, given the anomaly scores of NAB's HTM (`numenta`) detector.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { thresholdSweep } from '../src/analysis/nab/optimize-threshold.js';
import { NAB_PROFILES, type NabProfiles } from '../src/analysis/nab/profiles.js';
import { type NabWindows, scoreCorpus } from '../src/analysis/nab/score-corpus.js';
import { sweepFile } from '../src/analysis/nab/score-file.js';
import { resolveWindows, timestampKey, windowsFromLabels } from '../src/analysis/nab/windows.js';
import { readExpected, readNabJson, readNumentaScores } from './nab-fixture.js';

const files = readNumentaScores();
const windows = readNabJson<NabWindows>('combined_windows.json');
const profiles = readNabJson<NabProfiles>('profiles.json');
const expected = readExpected();
const PROFILE_NAMES = ['standard', 'reward_low_FP_rate', 'reward_low_FN_rate'];
const result = scoreCorpus(files, windows, profiles);

test('the fixture holds the 18 files with as many rows as NAB scored', () => {
  assert.equal(files.length, 18);
  // NAB's Total_Count is the rows after the probationary period: 4032 rows -> 4032 - floor(0.15 * 4032) = 3428.
  const rows = Object.fromEntries(files.map((f) => [f.name, f.timestamps.length]));
  assert.equal(rows['artificialNoAnomaly/art_noisy.csv'], 4032);
  assert.equal(rows['realKnownCause/machine_temperature_system_failure.csv'], 22695);
});

test("NAB's own profiles.json is the profiles we ship", () => {
  assert.deepEqual(profiles, NAB_PROFILES);
});

test("windows built from the labelled anomaly points are NAB's combined_windows.json", () => {
  const labels = readNabJson<Record<string, string[]>>('combined_labels.json');
  for (const file of files) {
    const ours = windowsFromLabels(file.name, file.timestamps, labels[file.name] ?? []);
    const theirs = windows[file.name] ?? [];
    const key = (w: readonly (readonly [string, string])[]) => w.map(([a, b]) => [timestampKey(a, 'a'), timestampKey(b, 'b')]);
    assert.deepEqual(key(ours), key(theirs), file.name);
  }
  // ambient_temperature has two labels, so two windows of floor(0.1 * 7267 / 2) = 363 -> 2 * 181 + 1 rows each.
  const ambient = files.find((f) => f.name.includes('ambient'));
  assert.ok(ambient);
  const rows = resolveWindows(ambient.name, ambient.timestamps, windows[ambient.name] ?? []);
  assert.deepEqual(rows.map((w) => w.end - w.start + 1), [363, 363]);
});

test("the optimiser picks NAB's threshold for each profile, with NAB's corpus score", () => {
  for (const profile of PROFILE_NAMES) {
    const ours = result.perProfile[profile];
    const theirs = expected.optimized_thresholds.numenta[profile];
    assert.ok(ours && theirs, profile);
    assert.equal(ours.threshold, theirs.threshold, profile); // one of the scores in the files: exact
    assert.ok(Math.abs(ours.rawScore - theirs.score) < 1e-12, `${profile}: raw ${ours.rawScore} vs NAB ${theirs.score}`);
  }
});

test("every file's raw score and TP/TN/FP/FN counts are NAB's", () => {
  for (const profile of PROFILE_NAMES) {
    const rows = expected.per_file[profile] ?? [];
    assert.equal(rows.length, 19, profile); // 18 files and the totals
    for (const row of rows) {
      const ours = row.File === null ? result.perProfile[profile]?.totals : result.perProfile[profile]?.perFile[row.File];
      const what = `${profile} ${row.File ?? 'totals'}`;
      assert.ok(ours, what);
      assert.ok(Math.abs(ours.score - row.Score) < 1e-12, `${what}: score ${ours.score} vs NAB ${row.Score}`);
      assert.deepEqual([ours.tp, ours.tn, ours.fp, ours.fn, ours.total], [row.TP, row.TN, row.FP, row.FN, row.Total_Count], what);
    }
  }
});

test('the normalised scores are NAB\'s 61.30 / 54.31 / 66.20', () => {
  const rounded = PROFILE_NAMES.map((p) => result.perProfile[p]?.normalizedScore.toFixed(2));
  assert.deepEqual(rounded, ['61.30', '54.31', '66.20']);
  for (const profile of PROFILE_NAMES) {
    const ours = result.perProfile[profile]?.normalizedScore ?? NaN;
    const theirs = expected.final_normalized_scores.numenta[profile] ?? NaN;
    assert.ok(Math.abs(ours - theirs) < 1e-10, `${profile}: ${ours} vs NAB ${theirs}`);
  }
  // 25 windows: the null detector misses them all, the perfect one earns tpWeight for each.
  assert.equal(result.perProfile.standard?.nullScore, -25);
  assert.equal(result.perProfile.reward_low_FN_rate?.nullScore, -50);
  assert.equal(result.perProfile.standard?.perfectScore, 25);
});

test('the null detector (never detects) scores 0, and the sweep starts from it at threshold 1.1', () => {
  const nulls = files.map((f) => ({ ...f, scores: new Array<number>(f.scores.length).fill(0) }));
  const nullResult = scoreCorpus(nulls, windows, profiles);
  for (const profile of PROFILE_NAMES) {
    assert.equal(nullResult.perProfile[profile]?.normalizedScore, 0, profile);
    assert.equal(nullResult.perProfile[profile]?.threshold, 1.1, profile);
  }
  const cost = NAB_PROFILES.standard?.CostMatrix ?? assert.fail('no standard profile');
  const swept = files.map((f) => ({
    swept: sweepFile(f.name, f.scores.length, resolveWindows(f.name, f.timestamps, windows[f.name] ?? []), cost),
    scores: f.scores,
  }));
  const sweep = thresholdSweep(swept);
  assert.deepEqual(sweep[0], { threshold: 1.1, score: -25 });
  // one entry per distinct scored anomaly score, highest first
  const thresholds = sweep.map((t) => t.threshold);
  assert.ok(thresholds.every((t, k) => k === 0 || t < (thresholds[k - 1] ?? NaN)));
  assert.equal(thresholds.length, 1 + new Set(files.flatMap((f) => f.scores.slice(Math.min(750, Math.floor(0.15 * f.scores.length))))).size);
});

test('a fixed threshold is used as given', () => {
  const fixed = scoreCorpus(files, windows, profiles, { thresholds: { standard: 0.5 } });
  assert.equal(fixed.perProfile.standard?.threshold, 0.5);
  assert.ok((fixed.perProfile.standard?.rawScore ?? Infinity) < (result.perProfile.standard?.rawScore ?? -Infinity));
  // the other profiles are still optimised
  assert.equal(fixed.perProfile.reward_low_FP_rate?.threshold, 0.602095149663);
});
