import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// package.json's "bin" points at dist/src/cli/main.js. tsc writes it without its run bit, so
// `npx lstm-ae` in a freshly built clone said "Permission denied" (issue 16); the build now
// sets the bit and checks the #! line.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

test('the built bin starts with #!/usr/bin/env node and is executable by everyone', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { bin: Record<string, string> };
  assert.equal(fileURLToPath(new URL(`../../${pkg.bin['lstm-ae']}`, import.meta.url)), BIN);
  assert.ok(readFileSync(BIN, 'utf8').startsWith('#!/usr/bin/env node\n'));
  // checked before anything below runs it: npx would set the bit itself on its way
  assert.equal(statSync(BIN).mode & 0o111, 0o111, `mode ${(statSync(BIN).mode & 0o777).toString(8)}`);
});

test('the bin runs as a program, and through npx from the package folder', (t) => {
  const direct = spawnSync(BIN, ['--help'], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(direct.error, undefined, String(direct.error));
  assert.equal(direct.status, 0, direct.stderr);
  assert.match(direct.stdout, /^Usage: lstm-ae \[options\] \[command\]/);

  // --no: never fetch from a registry; the package's own bin must be found. npx links the
  // package into its cache the first time, which would run its `prepare` (the build, whose
  // first step empties dist/ under the tests running beside this one): no scripts here.
  const env = { ...process.env, npm_config_ignore_scripts: 'true' };
  const npx = spawnSync('npx', ['--no', '--', 'lstm-ae', '--help'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env });
  if (npx.error && (npx.error as NodeJS.ErrnoException).code === 'ENOENT') {
    t.skip('npx is not on PATH');
    return;
  }
  assert.equal(npx.status, 0, npx.stderr);
  assert.match(npx.stdout, /^Usage: lstm-ae \[options\] \[command\]/);
});
