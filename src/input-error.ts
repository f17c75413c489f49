/**
 * An error in what the user gave us (a file, an option, a value), as opposed to a bug.
 * The CLI prints its message as one line and exits with code 2; anything else is a bug
 * and keeps its stack trace.
 */
export class InputError extends Error {
  constructor(message: string) {
    // one line whatever a file put into it: a newline or a terminal escape in a layer name or
    // a path is shown as \u000a, \u001b, never acted on
    super(shortened(message.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)));
    this.name = 'InputError';
  }
}

/** Longest message shown whole: a message quoting a 100 kB line of a file keeps its start and end. */
const MAX_MESSAGE = 1000;

function shortened(message: string): string {
  if (message.length <= MAX_MESSAGE) return message;
  const half = MAX_MESSAGE / 2 - 20;
  return `${message.slice(0, half)} … (${message.length - 2 * half} characters left out) … ${message.slice(-half)}`;
}
