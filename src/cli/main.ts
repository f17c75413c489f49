#!/usr/bin/env node
import { VERSION } from '../version.js';
import { Command, CommanderError } from 'commander';
import { InputError } from '../input-error.js';
import { registerClassify } from './classify.js';
import { registerData } from './data.js';
import { registerDemo } from './demo.js';
import { registerDetect } from './detect.js';
import { registerEncode, registerReconstruct } from './forward-command.js';
import { registerExport } from './export.js';
import { registerServe } from './serve.js';
import { registerTrain } from './train.js';

// A reader that closes stdout early (`lstm-ae detect --follow ... | head -c 100`) has all it
// wants: the command ends quietly with exit 0, as `head` expects of the programs it reads,
// instead of an unhandled EPIPE with a stack trace. One handler for every command.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  process.stderr.write(`lstm-ae: standard output: ${err.code ?? err.message}\n`);
  process.exit(2);
});

const program = new Command('lstm-ae')
  .description('LSTM autoencoders for time series: the Keras seed pipeline, fast and checkable.')
  .version(VERSION, '-V, --version', 'print the version')
  .showHelpAfterError(false)
  .exitOverride();

// a reader that closes the pipe early (`| head`) has what it wanted: end quietly, as head expects
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}

registerData(program);
registerDemo(program);
registerTrain(program);
registerEncode(program);
registerReconstruct(program);
registerExport(program);
registerDetect(program);
registerClassify(program);
registerServe(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // help and version are not failures; every parse error is bad input (exit 2)
    process.exit(err.exitCode === 0 ? 0 : 2);
  }
  if (err instanceof InputError) {
    process.stderr.write(`lstm-ae: ${err.message}\n`);
    process.exit(2);
  }
  const io = err as NodeJS.ErrnoException;
  if (typeof io?.code === 'string' && (typeof io.path === 'string' || typeof io.syscall === 'string')) {
    // the system refused a file operation (permissions, a full disk, ...): a write names no path
    process.stderr.write(`lstm-ae: ${io.path === undefined ? '' : `${io.path}: `}${io.code} during ${io.syscall ?? 'file access'}\n`);
    process.exit(2);
  }
  throw err;
}
