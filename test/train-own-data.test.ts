import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModel } from '../src/io/tfjs/format.js';
import { readSeries } from '../src/io/read-series.js';
import { toSequences } from '../src/io/series-set.js';
import { runCli } from './run-cli.js';

// `lstm-ae train` on a user's own file, with no option but where to save: it reads the
// format from the extension, pads and masks unequal lengths, scales per channel, validates on
// a held-out fifth, stops early and keeps the best epoch, all saved with the model.
const fixture = (name: string) => fileURLToPath(new URL(`../../test/fixtures/${name}`, import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'lstm-ae-own-data-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

test('train --data FILE.ts alone: masked, scaled, stops early and keeps the best epoch, which the saved model reproduces', async () => {
  const out = join(scratch, 'plaid');
  const data = fixture('ucr/PLAID_TRAIN.ts');
  const r = await runCli('train', '--data', data, '--out', out, '--latent', '4', '--patience', '3', '--threads', '2', '--json');
  assert.equal(r.code, 0, r.stderr);
  const summary = JSON.parse(r.stdout);
  assert.equal(summary.stopped_early, true, `it stops before 200 epochs: ${r.stdout}`);
  assert.equal(summary.epochs - summary.epoch_kept, 3, 'the best epoch, three before the stop');
  const history = JSON.parse(readFileSync(join(out, 'history.json'), 'utf8'));
  assert.equal(history.epoch.length, summary.epochs);
  assert.equal(summary.val_loss, Math.min(...history.val_loss), 'the kept epoch has the lowest validation loss');

  const model = loadModel(out);
  assert.equal(model.config.maskValue, -1e9);
  assert.equal(model.config.outputActivation, 'linear');
  assert.equal(model.scaling?.normalize, 'per-channel');
  assert.equal(model.config.timesteps, 1344);
  const json = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'));
  assert.ok(JSON.stringify(json.modelTopology).includes('"Masking"'), 'Keras and TF.js users see the masking');

  // the saved weights are the kept epoch's: the same validation windows (a random fifth, seed 0) give its val_loss
  const set = readSeries(data);
  const x = toSequences(set, -1e9);
  const { splitValidationRandom } = await import('../src/train/validation-split.js');
  const { validation } = splitValidationRandom(x, 0.2, 0);
  const reconstruction = (await model.predict(validation, { threads: 2 })).data;
  await model.dispose();
  // the loss is over real steps, in scaled units
  const { std } = model.scaling!;
  let sse = 0, count = 0;
  for (let n = 0; n < validation.shape[0]; n++) {
    for (let t = 0; t < validation.lengths![n]!; t++) {
      const i = n * 1344 + t;
      sse += ((reconstruction[i]! - validation.data[i]!) / std[0]!) ** 2;
      count++;
    }
  }
  assert.ok(Math.abs(sse / count - summary.val_loss) < 1e-4 * summary.val_loss, `${sse / count} vs ${summary.val_loss}`);
});

test('train takes --validation in another format, refuses a non-empty --out without --force, and reads only what it is given', async () => {
  const out = join(scratch, 'arrowhead');
  const args = ['train', '--data', fixture('ucr/ArrowHead_TRAIN.ts'), '--validation', fixture('ucr/ArrowHead_TRAIN.tsv'), '--out', out, '--epochs', '3', '--latent', '3', '--threads', '1', '--json'];
  const first = await runCli(...args);
  assert.equal(first.code, 0, first.stderr);
  assert.equal(JSON.parse(readFileSync(join(out, 'history.json'), 'utf8')).val_loss.length, 3);
  const again = await runCli(...args);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /^lstm-ae: --out .*arrowhead: the folder is not empty; give an empty or new folder, or --force to replace the model there\n$/);
  const forced = await runCli(...args, '--force');
  assert.equal(forced.code, 0, forced.stderr);
});

test('train on unequal multichannel series: a channel count the validation file does not share is one line, exit 2', async () => {
  const r = await runCli('train', '--data', fixture('readers/unequal-multivariate.ts'), '--validation', fixture('ucr/ArrowHead_TRAIN.ts'), '--out', join(scratch, 'mixed'));
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^lstm-ae: .*ArrowHead_TRAIN\.ts: series of 1 channel; the training data .*unequal-multivariate\.ts has 2\n$/);
});
