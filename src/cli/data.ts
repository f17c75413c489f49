import type { Command } from 'commander';

/** `lstm-ae data`: the seed's sine data set as .npy files. (Filled in by the data issue.) */
export function registerData(program: Command): void {
  program.command('data').description('write the seed sine data set as .npy files');
}
