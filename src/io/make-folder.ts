import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * `mkdir -p`, one level at a time. Node's own recursive mkdir spins forever on a path
 * under /proc or /sys: those answer ENOENT to a mkdir, Node takes that for a missing
 * parent, finds the parent there and tries again. Made level by level, such a path fails
 * at once with ENOENT; a file in the way fails with ENOTDIR.
 */
export function makeFolder(dir: string): void {
  const missing: string[] = [];
  for (let at = resolve(dir); !statSync(at, { throwIfNoEntry: false }); at = dirname(at)) {
    missing.push(at);
    if (dirname(at) === at) break; // a root that does not exist
  }
  for (const folder of missing.reverse()) {
    try {
      mkdirSync(folder);
    } catch (err) {
      // made meanwhile by someone else: just as good
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(folder).isDirectory()) throw err;
    }
  }
}
