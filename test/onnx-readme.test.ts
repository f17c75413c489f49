import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LstmAutoencoder } from '../src/models/autoencoder/lstm-autoencoder.js';
import { toOnnx } from '../src/io/onnx/autoencoder-graph.js';

// README's "Serving at scale" Node example, as written there, run on an export of a default
// model (masked, scaled per channel, latent 10, 2 channels): it runs, and prints what its
// comment says it prints.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The ```js block that follows the serving-example marker in README.md. */
function servingExample(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = /<!-- serving-example[^>]*-->\n```js\n([\s\S]*?)```/.exec(readme);
  assert.ok(block, 'README.md has the serving example after its marker');
  return block[1]!;
}

test('the README\'s ONNX Runtime example runs on an exported model and prints what its comment says', async () => {
  const code = servingExample();
  const printed = /console\.log\(.*\);\s*\/\/ (.*)\n/.exec(code);
  assert.ok(printed, 'the example says in a comment what it prints');
  const dir = mkdtempSync(join(tmpdir(), 'lstm-ae-onnx-readme-'));
  try {
    const model = LstmAutoencoder.create({ timesteps: 8, inputDim: 2, seed: 2 });
    model.setScaling({ normalize: 'per-channel', mean: [10, 10], std: [0.7, 0.7] });
    writeFileSync(join(dir, 'model.onnx'), await toOnnx(model));
    writeFileSync(join(dir, 'example.mjs'), code);
    // the user's project has onnxruntime-node installed: ours, through a link
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
    const r = spawnSync(process.execPath, ['example.mjs'], { cwd: dir, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), printed[1]!.trim());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
