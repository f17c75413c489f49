import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** What Vega passes to its text measurer: a text mark item (only these fields matter here). */
export interface VegaTextItem {
  fontSize?: number | string;
  fontWeight?: string | number;
  fontStyle?: string;
  limit?: number;
}
export type TextWidth = (item: VegaTextItem, text?: unknown) => number;

interface Scenegraph {
  textMetrics: { width: TextWidth };
}

/**
 * Vega measures text through `textMetrics.width` of the vega-scenegraph module. npm may
 * install several copies of that module (vega 6.3 pulls 5.2 and 5.3), and each Vega package
 * uses its own: the layout of titles and axes runs in vega-view-transforms' copy, labels in
 * vega-label's. So every copy reachable from `vega` gets the measurer, found by walking
 * the vega-* dependencies from where each package is installed.
 */
export async function setVegaTextWidth(width: TextWidth): Promise<void> {
  const entries = scenegraphEntries();
  if (entries.size === 0) throw new Error('vega-scenegraph not found below vega');
  for (const entry of entries) {
    const scenegraph = (await import(pathToFileURL(entry).href)) as Scenegraph;
    scenegraph.textMetrics.width = width;
  }
}

function scenegraphEntries(): Set<string> {
  const found = new Set<string>();
  const seen = new Set<string>();
  const queue = [packageJsonOf(createRequire(import.meta.url).resolve('vega'), 'vega')];
  while (queue.length > 0) {
    const packageJson = queue.pop()!;
    if (seen.has(packageJson)) continue;
    seen.add(packageJson);
    const { dependencies = {} } = JSON.parse(readFileSync(packageJson, 'utf8')) as { dependencies?: Record<string, string> };
    const require = createRequire(packageJson);
    for (const name of Object.keys(dependencies).filter((d) => d.startsWith('vega-'))) {
      let entry: string;
      try {
        entry = require.resolve(name);
      } catch {
        continue; // a types-only package such as vega-typings has no code to resolve
      }
      if (name === 'vega-scenegraph') found.add(entry);
      else queue.push(packageJsonOf(entry, name));
    }
  }
  return found;
}

/** The package.json of the package `name` whose file `entry` is (the nearest one named so). */
function packageJsonOf(entry: string, name: string): string {
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, 'package.json');
    try {
      if ((JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string }).name === name) return candidate;
    } catch {
      // no package.json at this level: keep walking up
    }
  }
  throw new Error(`cannot find the package.json of ${name} above ${entry}`);
}
