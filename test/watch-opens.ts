import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

/**
 * Runs `work` while recording every path node:fs opens or reads whole, and hands back
 * what it returned or threw: how the loader tests see that nothing outside a model's
 * folder is read.
 */
export function watchingOpens<T>(work: () => T): { opened: string[]; outcome: { value: T } | { error: unknown } } {
  const opened: string[] = [];
  const { openSync, readFileSync: readWhole } = fs;
  fs.openSync = ((path: fs.PathLike, ...rest: unknown[]) => {
    opened.push(String(path));
    return (openSync as (...a: unknown[]) => number)(path, ...rest);
  }) as typeof fs.openSync;
  fs.readFileSync = ((path: fs.PathOrFileDescriptor, ...rest: unknown[]) => {
    opened.push(String(path));
    return (readWhole as (...a: unknown[]) => unknown)(path, ...rest);
  }) as typeof fs.readFileSync;
  syncBuiltinESMExports(); // so that the modules' `import { openSync } from 'node:fs'` see the spies
  try {
    return { opened, outcome: { value: work() } };
  } catch (error) {
    return { opened, outcome: { error } };
  } finally {
    fs.openSync = openSync;
    fs.readFileSync = readWhole;
    syncBuiltinESMExports();
  }
}
