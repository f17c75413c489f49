import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// The layout's rules, checked on the compiled JavaScript (what really loads: type-only
// imports are gone): lower folders never import upper ones, and the model and training
// code never reaches a Node-only module, so a browser Worker can load it as it is.
const SRC = fileURLToPath(new URL('../src/', import.meta.url));

/** Each folder's place, lowest first; files at the root of src/ (input-error, settings) sit below all. */
const LAYERS = ['', 'ops', 'fast', 'train', 'models', 'data', 'io', 'analysis', 'report', 'tasks', 'cli'];
/** The entry points sit above every layer but the CLI's. */
const ENTRIES = ['index.js', 'node.js', 'report.js'];

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? jsFiles(join(dir, e.name)) : e.name.endsWith('.js') ? [join(dir, e.name)] : [],
  );
}

/** The modules a compiled file loads statically (import/export ... from, bare import); dynamic import() is not loaded with it. */
function staticImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s+(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm)) specs.push(m[1] as string);
  return specs;
}

function layerOf(file: string): number {
  const rel = relative(SRC, file);
  const top = rel.includes('/') ? (rel.split('/')[0] as string) : '';
  if (ENTRIES.includes(rel)) return LAYERS.length;
  const rank = LAYERS.indexOf(top);
  assert.ok(rank >= 0, `${rel}: src/${top}/ is not in the layer list; add it to LAYERS in its place`);
  return rank;
}

const files = jsFiles(SRC);

test('the layout has every layer, and the compiled tree has the files this test reads', () => {
  assert.ok(files.length > 40, `found ${files.length} compiled files under ${SRC}`);
  for (const layer of LAYERS.slice(1)) assert.ok(files.some((f) => relative(SRC, f).startsWith(`${layer}/`)), `no files in src/${layer}/`);
});

test('no file imports from a layer above its own', () => {
  const upward: string[] = [];
  for (const file of files) {
    for (const spec of staticImports(file)) {
      if (!spec.startsWith('.')) continue;
      const target = resolve(dirname(file), spec);
      if (layerOf(target) > layerOf(file)) upward.push(`${relative(SRC, file)} -> ${relative(SRC, target)}`);
    }
  }
  assert.deepEqual(upward, []);
});

/** The task folder a file belongs to (src/tasks/<task>/...), or undefined. */
function taskOf(file: string): string | undefined {
  const parts = relative(SRC, file).split('/');
  return parts[0] === 'tasks' && parts.length > 2 ? parts[1] : undefined;
}

test('a task never imports another task', () => {
  const across: string[] = [];
  for (const file of files) {
    const own = taskOf(file);
    if (!own) continue;
    for (const spec of staticImports(file)) {
      if (!spec.startsWith('.')) continue;
      const target = resolve(dirname(file), spec);
      const other = taskOf(target);
      if (other && other !== own) across.push(`${relative(SRC, file)} -> ${relative(SRC, target)}`);
    }
  }
  assert.deepEqual(across, []);
  assert.ok(files.filter((f) => taskOf(f)).length > 10, 'the check sees the task folders');
});

test('ops, train, models, data, analysis, io/onnx and the core entry (index.js) load no Node-only module, directly or through what they import', () => {
  const platformFree = ['ops/', 'train/', 'models/', 'data/', 'analysis/', 'io/onnx/', 'fast/platform.js', 'input-error.js', 'settings.js', 'index.js'];
  const reaches = new Map<string, string[]>(); // file -> a chain to a node: module, [] when none
  const chainToNode = (file: string, seen: Set<string>): string[] => {
    const known = reaches.get(file);
    if (known) return known;
    if (seen.has(file)) return [];
    seen.add(file);
    let chain: string[] = [];
    for (const spec of staticImports(file)) {
      if (spec.startsWith('node:') || ['fs', 'os', 'path', 'worker_threads', 'child_process'].includes(spec)) {
        chain = [spec];
        break;
      }
      if (!spec.startsWith('.')) continue;
      const further = chainToNode(resolve(dirname(file), spec), seen);
      if (further.length > 0) {
        chain = [relative(SRC, resolve(dirname(file), spec)), ...further];
        break;
      }
    }
    reaches.set(file, chain);
    return chain;
  };
  const offenders = files
    .filter((f) => platformFree.some((p) => relative(SRC, f).startsWith(p)))
    .map((f) => ({ file: relative(SRC, f), chain: chainToNode(f, new Set()) }))
    .filter((r) => r.chain.length > 0)
    .map((r) => `${r.file} -> ${r.chain.join(' -> ')}`);
  assert.deepEqual(offenders, []);
  // the check can see a Node import where there is one
  assert.ok(chainToNode(join(SRC, 'fast/node-platform.js'), new Set()).length > 0);
});

test('the core entry reaches only packages that run in a browser: no chart library, no CLI package', () => {
  const allowed = new Set(['valibot', 'csv-parse/sync', 'onnx-proto']);
  const packages = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of staticImports(file)) {
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec));
      else packages.add(spec);
    }
  };
  visit(join(SRC, 'index.js'));
  assert.ok(seen.size > 40, `the core holds the models, training and readers (${seen.size} files)`);
  assert.deepEqual([...packages].filter((p) => !allowed.has(p)), []);
  // and the check sees a package where there is one: the report entry loads vega
  seen.clear();
  packages.clear();
  visit(join(SRC, 'report.js'));
  assert.ok(packages.has('vega'), [...packages].join(', '));
});
