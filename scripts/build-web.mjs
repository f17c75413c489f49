// Builds the browser kit and the page into dist/web with esbuild: every script, style and
// WebAssembly file the page needs is served from there (no CDN), so it works offline.
//
//   dist/web/index.html, style.css   the page
//   dist/web/main.js                 the page's script (main thread: reading input, drawing)
//   dist/web/task-worker.js          the Worker that trains, detects, classifies
//   dist/web/browser-worker.js       a fast-path worker (src/fast/browser-worker.ts)
//   dist/web/fast-chunks.js          the job runner the autoencoder names for its workers
//   dist/web/autoencoder.wasm        the SIMD kernels (built by asc into dist/src/fast/)
//
// Run after asc (the kernels) in `npm run build`; `node scripts/build-web.mjs` alone rebuilds the page.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}dist/web`;

/** The options every bundle of the browser kit takes; exported for tests that bundle a program of their own. */
export const BROWSER_BUNDLE_OPTIONS = {
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome110', 'firefox115', 'safari16.4'],
  minify: true,
  sourcemap: 'linked',
  logLevel: 'warning',
  legalComments: 'none',
};

export async function buildWeb() {
  mkdirSync(out, { recursive: true });
  const result = await build({
    ...BROWSER_BUNDLE_OPTIONS,
    entryPoints: {
      main: `${root}web/main.ts`,
      'task-worker': `${root}web/task-worker.ts`,
      'browser-worker': `${root}src/fast/browser-worker.ts`,
      'fast-chunks': `${root}src/models/autoencoder/fast-chunks.ts`,
    },
    outdir: out,
    metafile: true,
  });
  for (const file of ['index.html', 'style.css']) copyFileSync(`${root}web/${file}`, `${out}/${file}`);
  copyFileSync(`${root}dist/src/fast/autoencoder.wasm`, `${out}/autoencoder.wasm`);
  return result;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await buildWeb();
  if (result.errors.length > 0) process.exit(1);
}
