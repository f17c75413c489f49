import cliProgress from 'cli-progress';
import type { FitCallbacks } from '../models/autoencoder/lstm-autoencoder.js';

/**
 * A progress bar for `lstm-ae train` on a terminal: epoch, batch, running loss and the time
 * left (cli-progress estimates it from the batches done so far). Drawn on stderr so that
 * stdout stays clean for --json. `models` trained one after another (detect's ensemble and
 * time-of-day models) share the bar, each from its epoch 1, with "model k/n" in front.
 */
export function trainingProgressBar(epochs: number, batchesPerEpoch: number, firstEpoch = 0, models = 1): FitCallbacks & { stop(): void } {
  const bar = new cliProgress.SingleBar(
    {
      format: `${models > 1 ? 'model {model}/{models}  ' : ''}epoch {epoch}/{epochs} |{bar}| batch {batch}/{batches}  loss {loss}  {eta_formatted} left`,
      stream: process.stderr,
      hideCursor: false, // a run killed by Ctrl-C must not leave the cursor hidden
      clearOnComplete: false,
      etaBuffer: 2 * batchesPerEpoch,
      barsize: 24,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let epochNumber = 0;
  let model = 1;
  let lastLoss = '-';
  const payload = (batch: number) => ({ model, models, epoch: epochNumber, epochs, batch, batches: batchesPerEpoch, loss: lastLoss });
  return {
    onEpochBegin(epoch: number) {
      if (started && epoch + 1 <= epochNumber && model < models) {
        // the next model starts; the bar jumps to its share (the last one stopped early)
        bar.update(model * (epochs - firstEpoch) * batchesPerEpoch, payload(0));
        model++;
      }
      epochNumber = epoch + 1;
      if (!started) {
        bar.start(models * (epochs - firstEpoch) * batchesPerEpoch, 0, payload(0));
        started = true;
      } else bar.update(payload(0));
    },
    onBatchEnd(batch: number, logs: { loss: number }) {
      lastLoss = logs.loss.toPrecision(4);
      bar.increment(1, payload(batch + 1));
    },
    onEpochEnd(_epoch: number, logs: { loss: number; val_loss?: number }) {
      lastLoss = logs.val_loss === undefined ? logs.loss.toPrecision(4) : `${logs.loss.toPrecision(4)} val ${logs.val_loss.toPrecision(4)}`;
      bar.update(payload(batchesPerEpoch));
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

/**
 * What a person sees while a model trains: the progress bar on a terminal; elsewhere one
 * plain line per epoch on stderr; with --json nothing, so stdout stays one JSON line.
 * `epochs` is the epoch trained up to, `firstEpoch` the first this run trains (a resumed
 * run's epochs are numbered as the whole run's).
 */
export function trainingFeedback(epochs: number, batchesPerEpoch: number, json: boolean, firstEpoch = 0): FitCallbacks & { stop(): void } {
  if (json) return { stop() {} };
  if (process.stderr.isTTY) return trainingProgressBar(epochs, batchesPerEpoch, firstEpoch);
  return {
    onEpochEnd(epoch, logs) {
      const val = logs.val_loss === undefined ? '' : ` val_loss ${logs.val_loss.toFixed(5)}`;
      process.stderr.write(`epoch ${epoch + 1}/${epochs} loss ${logs.loss.toFixed(5)}${val} ${logs.seconds.toFixed(2)} s\n`);
    },
    stop() {},
  };
}
