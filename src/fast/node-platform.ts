import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { FastPlatform } from './platform.js';
import { AtomicsWorkerPool } from './worker-pool.js';

const compiled = new Map<string, WebAssembly.Module>();

/** The fast path on Node: kernels read from dist/, worker_threads, every core by default. */
export const nodePlatform: FastPlatform = {
  defaultThreads: () => availableParallelism(),

  wasmModule(name) {
    let module = compiled.get(name);
    if (!module) {
      const file = new URL(`./${name}.wasm`, import.meta.url);
      let bytes: Uint8Array<ArrayBuffer>;
      try {
        bytes = Uint8Array.from(readFileSync(file));
      } catch (e) {
        throw new Error(`the fast path's WebAssembly kernels are missing (${file.pathname}); run \`npm run build\``, { cause: e });
      }
      module = new WebAssembly.Module(bytes);
      compiled.set(name, module);
    }
    return module;
  },

  startWorkers: (runnerModule, count, setup) =>
    AtomicsWorkerPool.start(new URL('./node-worker.js', import.meta.url), count, { ...setup, runnerModule }),
};
