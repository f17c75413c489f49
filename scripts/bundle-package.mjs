// Bundles the library's three entries (`lstm-ae`, `lstm-ae/node`, `lstm-ae/report`) into
// dist/lib with esbuild, as the package's `exports` serve them. Why: Node's cost of importing
// the core is per module (about a hundred files, and all of valibot where a few of its
// functions are used), so one tree-shaken file per entry imports in about half the time and
// memory. Splitting puts the code the entries share into shared chunks, so a program that
// imports `lstm-ae` and `lstm-ae/node` holds one copy of every class and of the fast path's
// state. The CLI and the tests keep running tsc's files in dist/src.
//
//   dist/lib/index.js, node.js, report.js   the entries
//   dist/lib/chunk-*.js                     code they share
//   dist/lib/node-worker.js, fast-chunks.js the fast path's worker thread and its job runner
//   dist/lib/node-platform.js, format.js, detector-file.js, classifier-folder.js
//                                           Node-only modules the core loads by a computed
//                                           specifier (so browser bundles leave them out)
//   dist/lib/autoencoder.wasm               the kernels (built by asc into dist/src/fast/)
//
// Every file the code finds by a relative URL (`new URL('./x', import.meta.url)`, `import('./x')`)
// lies flat beside it here, as it does in dist/src. Run after asc and tsc in `npm run build`.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}dist/lib`;
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));

// valibot is bundled (only the functions used; it is most of the core's import cost); the
// other dependencies stay imports: the report's are large and load only for a report, and
// csv-parse must stay one so that browser bundlers still apply the package's `browser` map
const BUNDLED = new Set(['valibot', 'csv-parse']);

// Node-only modules the core loads by a computed specifier (`const specifier: string = '../x.js'`,
// so that browser bundles leave them out): each becomes an entry of its own, flat in dist/lib,
// and the plugin below rewrites the specifier to that flat name
const LAZY_NODE_MODULES = {
  'node-platform': 'src/fast/node-platform.ts',
  format: 'src/io/tfjs/format.ts',
  'detector-file': 'src/tasks/detect/detector-file.ts',
  'classifier-folder': 'src/tasks/classify/classifier-folder.ts',
};

/** Rewrites `const NAME: string = './rel/path.js'` where the path names a LAZY_NODE_MODULES file to its flat name. */
const flatLazySpecifiers = {
  name: 'flat-lazy-specifiers',
  setup(build) {
    const flatName = new Map(Object.entries(LAZY_NODE_MODULES).map(([name, file]) => [resolve(root, file), `./${name}.js`]));
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const contents = source.replace(/(const \w+: string = )'(\.\.?\/[^']+)\.js'/g, (whole, head, relative) => {
        const target = flatName.get(resolve(dirname(args.path), `${relative}.ts`));
        return target === undefined ? whole : `${head}'${target}'`;
      });
      return { contents, loader: 'ts' };
    });
  },
};

export async function bundlePackage() {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const lazyEntries = Object.fromEntries(Object.entries(LAZY_NODE_MODULES).map(([name, file]) => [name, `${root}${file}`]));
  const result = await build({
    entryPoints: {
      index: `${root}src/index.ts`,
      node: `${root}src/node.ts`,
      report: `${root}src/report.ts`,
      'node-worker': `${root}src/fast/node-worker.ts`,
      'fast-chunks': `${root}src/models/autoencoder/fast-chunks.ts`,
      ...lazyEntries,
    },
    outdir: out,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: Object.keys(pkg.dependencies).filter((name) => !BUNDLED.has(name)),
    plugins: [flatLazySpecifiers],
    sourcemap: 'linked',
    sourcesContent: true,
    legalComments: 'inline',
    logLevel: 'warning',
    metafile: true,
  });
  copyFileSync(`${root}dist/src/fast/autoencoder.wasm`, `${out}/autoencoder.wasm`);
  return result;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await bundlePackage();
  if (result.errors.length > 0) process.exit(1);
}
