// The browser entry of the bundle test: installs the browser's fast platform (the kit is
// served beside this bundle), runs the experiment and leaves the result for the test to read.
import { createBrowserPlatform, installFastPlatform } from 'lstm-ae';
import { runExperiment, type ExperimentResult } from './experiment.js';

const threads = Number(new URLSearchParams(location.search).get('threads') ?? '1');
const page = globalThis as unknown as { experiment?: ExperimentResult | { error: string } };
try {
  installFastPlatform(await createBrowserPlatform({ base: new URL('./', location.href) }));
  page.experiment = await runExperiment(threads);
} catch (err) {
  page.experiment = { error: err instanceof Error ? `${err.message}\n${err.stack}` : String(err) };
}
