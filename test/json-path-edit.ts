/** One fuzz edit of a parsed JSON value: set or delete the value at a path of keys and indices. */
export type PathEdit = { op: 'set'; value: unknown } | { op: 'delete' };

/**
 * Applies `edit` at `path` inside `root` in place; nothing when an earlier edit removed or
 * replaced a parent on the way (the fuzzers stack several edits on one value).
 */
export function applyPathEdit(root: unknown, path: readonly (string | number)[], edit: PathEdit): void {
  let parent: unknown = root;
  for (const key of path.slice(0, -1)) parent = parent === null || typeof parent !== 'object' ? undefined : (parent as Record<string | number, unknown>)[key];
  if (parent === null || typeof parent !== 'object') return;
  const last = path[path.length - 1]!;
  if (edit.op === 'delete') delete (parent as Record<string | number, unknown>)[last];
  else (parent as Record<string | number, unknown>)[last] = edit.value;
}
