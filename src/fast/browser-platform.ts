import { AtomicsWorkerGroup, controlBuffer } from './job-control.js';
import type { FastPlatform, WorkerGroup } from './platform.js';

/**
 * The fast path in a browser: the WebAssembly kernels fetched from the page's own server,
 * and Web Workers sharing memory with the calling thread through SharedArrayBuffer and
 * Atomics, as Node's worker threads do. Shared memory exists only in a cross-origin isolated
 * page (served with COOP/COEP headers, as `lstm-ae serve` does); elsewhere the fast path
 * runs on the calling thread alone (run it in a Worker so the page stays responsive).
 *
 *   installFastPlatform(await createBrowserPlatform({ base: new URL('./lstm-ae/', location.href) }));
 *
 * `base` is the folder of the browser kit that `npm run build` writes to dist/web: the
 * kernels (`autoencoder.wasm`), the worker (`browser-worker.js`) and the job-runner modules
 * the models name (`fast-chunks.js`), each found there by its file name.
 */
export interface BrowserPlatformOptions {
  /** the folder URL the kit is served from */
  base: string | URL;
  /** threads when the caller names none (the calling thread included); default every core when isolated, else 1 */
  threads?: number;
  /** the kernels to fetch and compile before the platform is handed out (default: the autoencoder's) */
  kernels?: readonly string[];
}

/** Whether this context may share memory with its workers (cross-origin isolated). */
export function sharesMemory(): boolean {
  return typeof SharedArrayBuffer === 'function' && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
}

/** Fetches and compiles the kernels (asynchronously: a browser's main thread may not compile large modules at once). */
export async function createBrowserPlatform(options: BrowserPlatformOptions): Promise<FastPlatform> {
  const base = new URL(String(options.base));
  const compiled = new Map<string, WebAssembly.Module>();
  await Promise.all(
    (options.kernels ?? ['autoencoder']).map(async (name) => {
      const url = new URL(`${name}.wasm`, base);
      const response = await fetch(url);
      if (!response.ok) throw new Error(`the fast path's WebAssembly kernels could not be fetched from ${url.href} (HTTP ${response.status})`);
      compiled.set(name, await WebAssembly.compile(await response.arrayBuffer()));
    }),
  );
  const isolated = sharesMemory();
  const cores = Math.max(1, globalThis.navigator?.hardwareConcurrency ?? 1);
  return {
    defaultThreads: () => (isolated ? (options.threads ?? cores) : 1),
    wasmModule(name) {
      const module = compiled.get(name);
      if (!module) throw new Error(`the fast path's kernels '${name}' were not fetched: name them in createBrowserPlatform's kernels`);
      return module;
    },
    startWorkers(runnerModule, count, setup) {
      if (!isolated) {
        return Promise.reject(new Error('this page is not cross-origin isolated, so the fast path cannot share memory with workers: use 1 thread, or serve the page with COOP/COEP headers (lstm-ae serve)'));
      }
      // the runner module is the kit's file of the same name, wherever the calling bundle lies
      const runner = new URL(runnerModule.slice(runnerModule.lastIndexOf('/') + 1), base).href;
      return BrowserWorkerGroup.start(new URL('browser-worker.js', base), count, { ...setup, runnerModule: runner });
    },
  };
}

/** Web Workers running the lock-step protocol of job-control.ts. */
class BrowserWorkerGroup extends AtomicsWorkerGroup {
  private readonly workers: Worker[];

  private constructor(workers: Worker[], control: Int32Array) {
    super(workers.length, control);
    this.workers = workers;
    for (const [i, w] of workers.entries()) {
      w.onerror = (e) => this.fail(new Error(`worker ${i}: ${e.message}`));
      w.onmessage = (e: MessageEvent) => this.fail(new Error(`worker ${i}: ${String(e.data)}`));
    }
  }

  static async start(entry: URL, count: number, setup: Record<string, unknown>): Promise<WorkerGroup> {
    const control = controlBuffer(count);
    const workers: Worker[] = [];
    const ready: Promise<void>[] = [];
    for (let index = 0; index < count; index++) {
      const worker = new Worker(entry, { type: 'module', name: `lstm-ae fast path ${index}` });
      workers.push(worker);
      ready.push(
        new Promise<void>((resolve, reject) => {
          worker.onmessage = (e: MessageEvent) => (e.data === 'ready' ? resolve() : reject(new Error(`fast-path worker ${index}: ${String(e.data)}`)));
          worker.onerror = (e) => {
            e.preventDefault();
            reject(new Error(`fast-path worker ${index} failed to start: ${e.message || entry.href}`));
          };
        }),
      );
      worker.postMessage({ ...setup, control, index });
    }
    try {
      await Promise.all(ready);
    } catch (e) {
      for (const w of workers) w.terminate();
      throw e;
    }
    return new BrowserWorkerGroup(workers, control);
  }

  protected terminate(): Promise<void> {
    for (const w of this.workers) w.terminate();
    return Promise.resolve();
  }
}
