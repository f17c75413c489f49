/** Reads test/fixtures/nab: NAB's labels, profiles, expected scores and the HTM detector's results. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

// dist/test/nab-fixture.js -> repository root
const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'test', 'fixtures', 'nab');

export function readNabJson<T>(name: string): T {
  return JSON.parse(fs.readFileSync(path.join(fixtures, name), 'utf8')) as T;
}

interface PackedFile {
  start: string;
  steps: [number, number][];
  scores: number[];
}

/** "YYYY-MM-DD HH:MM:SS" of a UTC time, NAB's timestamp format. */
function format(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** The HTM detector's rows per file: timestamps decoded from their run-length steps, and anomaly scores. */
export function readNumentaScores(): { name: string; timestamps: string[]; scores: number[] }[] {
  const packed = JSON.parse(gunzipSync(fs.readFileSync(path.join(fixtures, 'numenta-scores.json.gz'))).toString('utf8')) as Record<string, PackedFile>;
  return Object.entries(packed).map(([name, file]) => {
    let ms = Date.parse(file.start.replace(' ', 'T') + 'Z');
    const timestamps = [format(ms)];
    for (const [count, seconds] of file.steps) {
      for (let k = 0; k < count; k++) {
        ms += seconds * 1000;
        timestamps.push(format(ms));
      }
    }
    return { name, timestamps, scores: file.scores };
  });
}

export interface ExpectedRow {
  File: string | null;
  Threshold: number | null;
  Score: number;
  TP: number;
  TN: number;
  FP: number;
  FN: number;
  Total_Count: number;
}

/** expected.json as NAB's pandas wrote it: its totals rows hold a bare NaN, which JSON.parse refuses, read here as null. */
export function readExpected(): Expected {
  const text = fs.readFileSync(path.join(fixtures, 'expected.json'), 'utf8');
  return JSON.parse(text.replace(/: NaN\b/g, ': null')) as Expected;
}

export interface Expected {
  final_normalized_scores: { numenta: Record<string, number> };
  optimized_thresholds: { numenta: Record<string, { score: number; threshold: number }> };
  per_file: Record<string, ExpectedRow[]>;
}
