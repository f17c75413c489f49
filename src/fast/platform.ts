/**
 * The fast path's platform seam: everything the fast path needs from its host comes
 * through this one interface, so the models and training never touch Node's modules and
 * a browser build can supply its own (WebAssembly bytes by fetch, Web Workers,
 * navigator.hardwareConcurrency) without changing them.
 *
 * On Node the platform installs itself the first time the fast path asks for it
 * (node-platform.ts, loaded by a dynamic import); elsewhere call installFastPlatform first.
 */
export interface FastPlatform {
  /** threads to use when the caller names none, the calling thread included */
  defaultThreads(): number;
  /** the compiled WebAssembly kernels named `name` (built by `npm run build` from assembly/) */
  wasmModule(name: string): WebAssembly.Module;
  /**
   * Starts `count` workers. Each imports `runnerModule` (a module URL), calls its exported
   * `createJobRunner(setup)` and runs the returned function once per job of the group.
   */
  startWorkers(runnerModule: string, count: number, setup: object): Promise<WorkerGroup>;
}

/** Workers that run one job at a time in lock step with the calling thread. */
export interface WorkerGroup {
  readonly size: number;
  /** wakes every worker for the next job */
  begin(): void;
  /** resolves when every worker has finished the job begun last; rejects if one failed */
  finish(): Promise<void>;
  /** stops the workers; the group is unusable afterwards */
  close(): Promise<void>;
}

/** What a job-runner module exports: a runner for one worker, built from the shared setup. */
export type CreateJobRunner = (setup: object) => () => void;

let installed: FastPlatform | undefined;

/** Makes `platform` the one the fast path uses from now on. */
export function installFastPlatform(platform: FastPlatform): void {
  installed = platform;
}

/** The installed platform, or on Node the Node one; elsewhere an Error saying what to do. */
export async function fastPlatform(): Promise<FastPlatform> {
  if (installed) return installed;
  const onNode = typeof globalThis.process === 'object' && typeof globalThis.process.versions?.node === 'string';
  if (!onNode) {
    throw new Error("the fast path has no platform here: call installFastPlatform(...) first, or use engine: 'reference'");
  }
  // a dynamic import, so that the static import graph of the models stays free of Node; the
  // specifier is not a literal, so a bundler for the browser leaves Node's platform out
  const nodePlatformModule: string = './node-platform.js';
  const { nodePlatform } = (await import(nodePlatformModule)) as typeof import('./node-platform.js');
  installed ??= nodePlatform;
  return installed;
}
