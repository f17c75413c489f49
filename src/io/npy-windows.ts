import { withNpyFile } from './npy-file.js';
import { finishNpySeries, npySeriesShape } from './readers/npy-series.js';

/**
 * The series of a .npy of series (readers/npy-series.ts) read straight into the float32
 * (N, T, D) windows a model takes, with no copy of the file's bytes and no array per series:
 * a 480 MB float32 file needs its 480 MB, a float64 one half its size. Window n holds series
 * n's real steps first, lengths[n] of them; the steps after them are left for the caller to
 * pad (it alone knows the pad value and length).
 */
export interface NpyWindows {
  data: Float32Array;
  shape: [number, number, number];
  lengths: Int32Array;
}

// float64 values are read this many bytes at a time and turned into float32 in place
const CHUNK_BYTES = 8 * 2 ** 20;

/**
 * Reads `path` into windows, calling `visit` with each finished series (its real values as
 * the reader leaves them, before float32, for checks that need them), its number and the channels.
 * Every error seriesFromNpy gives is given here, worded the same.
 */
export function readNpyWindows(path: string, visit: (series: Float32Array | Float64Array, n: number, channels: number) => void = () => {}): NpyWindows {
  return withNpyFile(path, ({ header, readValues }) => {
    const [N, T, D] = npySeriesShape(header, path);
    const size = T * D;
    const data = new Float32Array(N * size);
    const lengths = new Int32Array(N);
    const perChunk = Math.max(1, Math.floor(CHUNK_BYTES / (size * header.itemSize)));
    // float32 goes straight into the windows; float64 through one chunk of float64
    const chunk = header.dtype === 'float64' ? new Float64Array(Math.min(N, perChunk) * size) : undefined;
    for (let first = 0; first < N; first += perChunk) {
      const count = Math.min(perChunk, N - first);
      const values = chunk ? chunk.subarray(0, count * size) : data.subarray(first * size, (first + count) * size);
      readValues(first * size, values);
      for (let i = 0; i < count; i++) {
        const n = first + i;
        const own = values.subarray(i * size, (i + 1) * size);
        const series = finishNpySeries(own, n, header.shape, path);
        visit(series, n, D);
        if (chunk || series !== own) data.set(series, n * size);
        lengths[n] = series.length / D;
      }
    }
    return { data, shape: [N, T, D], lengths };
  });
}
