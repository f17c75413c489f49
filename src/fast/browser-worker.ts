// A fast-path Web Worker: given the shared setup in its first message, builds the job runner
// that the setup's runner module makes, says it is ready, then runs one job per generation
// of the group (browser-platform.ts) until told to stop. The browser's twin of node-worker.ts.
import { serveJobs } from './job-control.js';
import type { CreateJobRunner } from './platform.js';

const scope = globalThis as unknown as { onmessage: ((e: MessageEvent) => void) | null; postMessage(m: unknown): void };

scope.onmessage = (e: MessageEvent) => {
  scope.onmessage = null;
  const setup = e.data as { runnerModule: string; control: Int32Array; index: number };
  void (async () => {
    let run: () => void;
    try {
      const { createJobRunner } = (await import(/* @vite-ignore */ setup.runnerModule)) as { createJobRunner: CreateJobRunner };
      run = createJobRunner(setup);
    } catch (err) {
      scope.postMessage(err instanceof Error ? err.message : String(err));
      return;
    }
    scope.postMessage('ready');
    serveJobs(setup.control, setup.index, run);
    globalThis.close();
  })();
};
