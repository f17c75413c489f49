import { writeSync } from 'node:fs';

/**
 * Preload (`node --import .../peak-memory-on-exit.js script.mjs ...`) that prints the
 * process's peak resident memory as its last stdout line, `PEAK_RSS_KB <kilobytes>`, so a
 * script we must not edit (the TF.js yardstick) is measured the same way as our own runs.
 */
process.on('exit', () => {
  // writeSync: an exit handler cannot wait for an asynchronous stream write
  writeSync(1, `PEAK_RSS_KB ${process.resourceUsage().maxRSS}\n`);
});
