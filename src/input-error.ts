/**
 * An error in what the user gave us (a file, an option, a value), as opposed to a bug.
 * The CLI prints its message as one line and exits with code 2; anything else is a bug
 * and keeps its stack trace.
 */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}
