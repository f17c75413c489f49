import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The package's entries as Node imports them: esbuild's bundle in dist/lib
// (scripts/bundle-package.mjs), beside tsc's files in dist/src that the CLI and the tests run.
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LIB = join(ROOT, 'dist/lib');
const files = readdirSync(LIB).filter((f) => f.endsWith('.js'));
const text = (file: string) => readFileSync(join(LIB, file), 'utf8');

/** The specifiers a bundled file imports statically: statements that start a line (`import ... from "x";`, `export ... from "x";`, `import "x";`), as esbuild writes them. */
function staticImports(source: string): string[] {
  return [...source.matchAll(/^(?:import|export)\s[^;]*?\bfrom\s*["']([^"']+)["']|^import\s*["']([^"']+)["']/gm)].map((m) => (m[1] ?? m[2])!);
}

test('every file a bundled file names by a relative path (imports, import(), new URL) lies beside it in dist/lib', () => {
  const named = new Set<string>();
  for (const file of files) for (const m of text(file).matchAll(/["'](\.\/[\w.-]+\.(?:js|wasm))["']/g)) named.add(m[1]!);
  // the fast path's worker, its job runner, and the Node-only modules the core loads on demand
  for (const needed of ['./node-worker.js', './fast-chunks.js', './node-platform.js', './format.js', './detector-file.js', './classifier-folder.js']) {
    assert.ok(named.has(needed), `some bundled file names ${needed}`);
  }
  for (const name of named) assert.ok(existsSync(join(LIB, name)), `${name} is named in dist/lib but is not there`);
  // the kernels' file name is built at run time (`./${name}.wasm`): the one name there is
  assert.ok(existsSync(join(LIB, 'autoencoder.wasm')));
});

/** The bundled files an entry loads statically, and the specifiers outside dist/lib they import. */
function staticGraph(entry: string): { files: Set<string>; outside: Set<string> } {
  const graph = { files: new Set<string>(), outside: new Set<string>() };
  const visit = (file: string) => {
    if (graph.files.has(file)) return;
    graph.files.add(file);
    for (const specifier of staticImports(text(file))) {
      if (specifier.startsWith('./')) visit(specifier.slice(2));
      else graph.outside.add(specifier);
    }
  };
  visit(entry);
  return graph;
}

test("the core's static import graph is our own files only: no Node module, no chart library, no package left to load", () => {
  const core = staticGraph('index.js');
  assert.ok(core.files.size > 1, 'the core imports its chunks');
  assert.deepEqual([...core.outside], []);
  // the scan does see imports: the Node entry reaches Node's modules (files, worker threads), the report vega
  assert.ok([...staticGraph('node.js').outside].some((s) => s.startsWith('node:')), 'lstm-ae/node imports node: modules');
  assert.ok(staticGraph('report.js').outside.has('vega'), 'lstm-ae/report imports vega');
});

test("`lstm-ae` and `lstm-ae/node` resolve to the bundle and share one copy of every class", async () => {
  assert.equal(import.meta.resolve('lstm-ae'), new URL('index.js', `file://${LIB}/`).href);
  const core = await import('lstm-ae');
  const node = await import('lstm-ae/node');
  assert.equal(node.LstmAutoencoder, core.LstmAutoencoder);
  assert.equal(node.InputError, core.InputError);
  assert.equal(node.AnomalyDetector, core.AnomalyDetector);
});

test('the bundle\'s source maps carry the TypeScript they map to', () => {
  for (const file of files) {
    const map = JSON.parse(text(`${file}.map`)) as { sources: string[]; sourcesContent?: Array<string | null> };
    assert.equal(map.sourcesContent?.length, map.sources.length, `${file}.map: one content per source`);
    assert.ok(map.sourcesContent!.every((content) => typeof content === 'string' && content.length > 0), `${file}.map: every source's content`);
  }
  const autoencoder = files.map((f) => JSON.parse(text(`${f}.map`)) as { sources: string[]; sourcesContent: string[] })
    .flatMap((map) => map.sources.map((source, i) => ({ source, content: map.sourcesContent[i]! })))
    .find((s) => s.source.endsWith('src/models/autoencoder/lstm-autoencoder.ts'));
  assert.ok(autoencoder?.content.includes('export class LstmAutoencoder'));
});
