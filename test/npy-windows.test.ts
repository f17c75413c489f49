import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeNpy, parseNpy, type NpyArray } from '../src/io/npy.js';
import { readNpy, writeNpy } from '../src/io/npy-file.js';
import { readNpyWindows } from '../src/io/npy-windows.js';
import { seriesFromNpy } from '../src/io/readers/npy-series.js';
import { toSequences } from '../src/io/series-set.js';
import { MASK_VALUE, readModelInput, readTrainingData } from '../src/io/training-data.js';
import type { Sequences } from '../src/train/sequences.js';

// The chunked .npy reader (header first, data straight into the float32 windows) against
// the whole-file path it replaces: parseNpy on the file's bytes, a Float64Array per series
// (seriesFromNpy), then toSequences' padded copy.
const scratch = mkdtempSync(join(tmpdir(), 'lstm-ae-npy-windows-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

let files = 0;
function npyFile(array: NpyArray): string {
  const path = join(scratch, `x${files++}.npy`);
  writeNpy(path, array);
  return path;
}

/** The whole-file path: every series as a Float64Array, padded to its longest with MASK_VALUE. */
function wholeFile(path: string, pad = MASK_VALUE) {
  return toSequences(seriesFromNpy(parseNpy(readFileSync(path), path), path), pad);
}

/** Deterministic values with NaN tails of varying length and an interior NaN, C-order (N, T, D). */
function seriesValues(N: number, T: number, D: number, ragged: boolean): Float64Array {
  const x = new Float64Array(N * T * D);
  for (let n = 0; n < N; n++) {
    const steps = ragged ? T - (n % 3) : T;
    for (let t = 0; t < T; t++) {
      for (let d = 0; d < D; d++) {
        const i = (n * T + t) * D + d;
        x[i] = t >= steps || (ragged && n % 5 === 1 && t === 1) ? NaN : Math.sin(0.1 * i + d) * (1 + n) * 1.000000123;
      }
    }
  }
  return x;
}

for (const dtype of ['float32', 'float64'] as const) {
  for (const shape of [[7, 6], [7, 6, 3]]) {
    for (const ragged of [false, true]) {
      test(`a ${dtype} ${JSON.stringify(shape)} .npy${ragged ? ' with NaN tails and gaps' : ''} reads into the same windows as the whole-file path`, () => {
        const [N, T, D = 1] = shape as [number, number, number?];
        const values = seriesValues(N, T, D, ragged);
        const path = npyFile({ dtype, shape, data: dtype === 'float32' ? Float32Array.from(values) : values });
        const expected = wholeFile(path);
        const got = readTrainingData(path, undefined).x as Sequences; // a .npy stays padded, as the file is
        assert.deepEqual(got.shape, expected.shape);
        assert.ok(got.data instanceof Float32Array);
        assert.deepEqual(got.data, expected.data);
        assert.deepEqual(got.lengths, expected.lengths);
        if (ragged) assert.deepEqual([...got.lengths!.slice(0, 3)], [T, T - 1, T - 2]);
        // and readNpy, straight into its typed array, holds the file's values exactly
        assert.deepEqual(readNpy(path), parseNpy(readFileSync(path), path));
      });
    }
  }
}

test('a small ragged .npy gives the windows worked out by hand: NaN tails dropped, a gap interpolated, the mask after', () => {
  const path = npyFile({ dtype: 'float64', shape: [2, 4], data: Float64Array.from([1, NaN, 3, NaN, 4, 5, 6, 7]) });
  const x = readTrainingData(path, undefined).x as Sequences;
  assert.deepEqual(x.shape, [2, 4, 1]);
  assert.deepEqual([...x.data], [1, 2, 3, MASK_VALUE, 4, 5, 6, 7].map(Math.fround));
  assert.deepEqual([...x.lengths!], [3, 4]);
});

test('float64 data over several chunks (more than 8 MiB) turns into the same float32 windows', () => {
  const [N, T, D] = [3000, 200, 2]; // 9.6 MB: two chunks, the second partial
  const values = seriesValues(N, T, D, true);
  const path = npyFile({ dtype: 'float64', shape: [N, T, D], data: values });
  const expected = wholeFile(path);
  const got = readTrainingData(path, undefined).x as Sequences; // a .npy stays padded, as the file is
  assert.deepEqual(got.shape, expected.shape);
  assert.deepEqual(got.lengths, expected.lengths);
  assert.ok(got.data.every((v, i) => Object.is(v, expected.data[i])), 'every value the same');
});

test('when every series is shorter than the file T the windows shrink in place to the longest; a longer validation file pads them out', () => {
  const data = Float32Array.from([1, 2, 3, NaN, NaN, 4, 5, NaN, NaN, NaN]);
  const path = npyFile({ dtype: 'float32', shape: [2, 5], data });
  const model = { timesteps: 5, inputDim: 1, maskValue: -7 };
  const x = readModelInput(path, model, 'the model') as Sequences;
  assert.deepEqual(x.shape, [2, 3, 1]);
  assert.deepEqual([...x.data], [1, 2, 3, 4, 5, -7]);
  assert.deepEqual([...x.lengths!], [3, 2]);
  const longer = npyFile({ dtype: 'float32', shape: [1, 4], data: Float32Array.from([1, 2, 3, 4]) });
  const withValidation = readTrainingData(path, longer) as { x: Sequences; validation?: Sequences };
  assert.deepEqual(withValidation.x.shape, [2, 4, 1]);
  assert.deepEqual([...withValidation.x.data], [1, 2, 3, MASK_VALUE, 4, 5, MASK_VALUE, MASK_VALUE]);
  assert.deepEqual([...withValidation.validation!.data], [1, 2, 3, 4]);
  assert.equal(withValidation.validation!.lengths, undefined);
});

test("errors keep the whole-file path's words and order: the reader's first, then the float32 range", () => {
  const overflow = npyFile({ dtype: 'float64', shape: [2, 3], data: Float64Array.from([1, 1e39, 2, 1, 2, 3]) });
  assert.throws(() => readTrainingData(overflow, undefined), {
    message: `${overflow}: series 0, step 1, channel 0 holds 1e+39; expected finite numbers within float32's range (|x| <= 3.4028234663852886e+38)`,
  });
  const both = npyFile({ dtype: 'float64', shape: [2, 3], data: Float64Array.from([1, 1e39, 2, 1, Infinity, 3]) });
  assert.throws(() => readTrainingData(both, undefined), {
    message: `${both}: value Infinity at index [1, 1]; expected finite numbers, or NaN for a missing value`,
  });
  const oneStep = npyFile({ dtype: 'float32', shape: [2, 1], data: Float32Array.from([1, 2]) });
  assert.throws(() => readNpyWindows(oneStep), { message: `${oneStep}: series 0: only 1 step after dropping trailing missing values; expected at least 2` });
  const truncated = join(scratch, 'truncated.npy');
  writeFileSync(truncated, encodeNpy({ dtype: 'float32', shape: [2, 3], data: new Float32Array(6) }).subarray(0, -4));
  assert.throws(() => readNpyWindows(truncated), { message: `${truncated}: data is 20 bytes but shape (2, 3) of <f4 needs 24 (truncated)` });
});
