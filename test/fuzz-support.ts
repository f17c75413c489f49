/**
 * What the fuzz worker's parts share (test/fuzz-readers-worker.ts, test/fuzz-series-readers.ts):
 * the tallies, the failure list, the case announcements that let the test locate a hang, and
 * byte mutations.
 */
import { parentPort } from 'node:worker_threads';
import fc from 'fast-check';
import { InputError } from '../src/input-error.js';

export interface ReaderCounts {
  tried: number;
  accepted: number;
  rejected: number;
}

/** Per reader, created on first use. */
export const counts: Record<string, ReaderCounts> = {};
/** One short line per failed property. */
export const failures: string[] = [];

export type Outcome<T> = { value: T } | { error: unknown };

export function attempt<T>(work: () => T): Outcome<T> {
  try {
    return { value: work() };
  } catch (error) {
    return { error };
  }
}

/** The error as an InputError of one line, or a thrown Error saying why it is not. */
export function oneLineInputError(error: unknown): InputError {
  if (!(error instanceof InputError)) {
    throw new Error(`not an InputError: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`.slice(0, 400));
  }
  if (/[\n\r\u2028\u2029]/.test(error.message)) throw new Error(`a message of more than one line: ${JSON.stringify(error.message).slice(0, 400)}`);
  return error;
}

/** Counts the outcome for `reader`: `accept` checks a result, `reject` an error; either throws to fail the case. */
export function tally<T>(reader: string, outcome: Outcome<T>, accept: (value: T) => void, reject: (error: InputError) => void): void {
  const c = (counts[reader] ??= { tried: 0, accepted: 0, rejected: 0 });
  c.tried++;
  if ('error' in outcome) {
    reject(oneLineInputError(outcome.error));
    c.rejected++;
  } else {
    accept(outcome.value);
    c.accepted++;
  }
}

/** A rejection's message must start with one of the files it could be about. */
export function namesFile(...paths: string[]): (error: InputError) => void {
  return (error) => {
    if (!paths.some((path) => error.message.startsWith(`${path}: `))) throw new Error(`the message does not start with the file (${paths.join(' or ')}): ${error.message.slice(0, 300)}`);
  };
}

/**
 * fc.assert, but a failure is kept as a short line (the error and the start of the input;
 * the seed and path replay it) and the next property still runs.
 */
export function check<Ts extends [unknown, ...unknown[]]>(property: fc.IProperty<Ts>, params: fc.Parameters<Ts>): void {
  const details = fc.check(property, params);
  if (!details.failed) return;
  const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  const input = fc.stringify(details.counterexample).slice(0, 300);
  failures.push(`seed ${details.seed}, path ${details.counterexamplePath}: ${error.slice(0, 500)}; input ${input}`);
}

let caseNumber = 0;
/** Tells the test which input comes next, so that a hang names it. */
export function announce(label: string): void {
  parentPort?.postMessage({ kind: 'case', label: `${label} #${caseNumber++}` });
}

// ---------------------------------------------------------------- byte mutations

export type Mutation =
  | { op: 'set'; at: number; byte: number }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'delete'; at: number; length: number }
  | { op: 'truncate'; at: number }
  | { op: 'extend'; bytes: Uint8Array };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('set' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 24 }) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('extend' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 256 }) }),
);

export function mutate(bytes: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let b = Buffer.from(bytes);
  for (const m of mutations) {
    const at = b.length === 0 ? 0 : ('at' in m ? m.at % (b.length + 1) : 0);
    if (m.op === 'set' && at < b.length) b[at] = m.byte;
    else if (m.op === 'insert') b = Buffer.concat([b.subarray(0, at), m.bytes, b.subarray(at)]);
    else if (m.op === 'delete') b = Buffer.concat([b.subarray(0, at), b.subarray(at + m.length)]);
    else if (m.op === 'truncate') b = b.subarray(0, at);
    else if (m.op === 'extend') b = Buffer.concat([b, m.bytes]);
  }
  return b;
}

/** check for an async property (fc.asyncProperty): the same short line on a failure. */
export async function checkAsync<Ts extends [unknown, ...unknown[]]>(property: fc.IAsyncProperty<Ts>, params: fc.Parameters<Ts>): Promise<void> {
  const details = await fc.check(property, params);
  if (!details.failed) return;
  const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  const input = fc.stringify(details.counterexample).slice(0, 300);
  failures.push(`seed ${details.seed}, path ${details.counterexamplePath}: ${error.slice(0, 500)}; input ${input}`);
}
