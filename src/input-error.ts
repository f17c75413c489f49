/**
 * An error in what the user gave us (a file, an option, a value), as opposed to a bug.
 * The CLI prints its message as one line and exits with code 2; anything else is a bug
 * and keeps its stack trace.
 */
export class InputError extends Error {
  constructor(message: string) {
    // one line whatever a file put into it: a newline or a terminal escape in a layer name or
    // a path is shown as \u000a, \u001b, never acted on
    super(message.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
    this.name = 'InputError';
  }
}
