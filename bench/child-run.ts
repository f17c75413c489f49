import { spawn } from 'node:child_process';

/** What one child process left behind: its output, how it ended, and how long it took. */
export interface ChildRunResult {
  stdoutLines: string[];
  stderrTail: string[];
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** The spawn itself failed (command not found and the like). */
  spawnError?: string;
  wallSeconds: number;
}

export interface ChildRunOptions {
  cwd: string;
  timeoutSeconds: number;
  /** Prefix for echoed progress lines, e.g. "torch 1 thread". */
  label: string;
  /** Echo the child's stdout lines that this accepts to our stderr, as progress. */
  echoStdout?: (line: string) => boolean;
  /** Echo every stderr line of the child (our own children print their progress there). */
  echoStderr?: boolean;
  /** Called on each stdout line as it arrives, while the child still runs (to sample its memory). */
  onStdoutLine?: (line: string, pid: number) => void;
}

const STDERR_TAIL_LINES = 12;

/**
 * Run one command to completion with a hard timeout, collecting stdout by line. The bench
 * runs each configuration in its own process so that peak memory is per configuration and
 * one crash or hang cannot take the others with it.
 */
export function runChild(command: string, args: string[], options: ChildRunOptions): Promise<ChildRunResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const stdoutLines: string[] = [];
    const stderrTail: string[] = [];
    let timedOut = false;
    let spawnError: string | undefined;
    const child = spawn(command, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutSeconds * 1000);

    forEachLine(child.stdout, (line) => {
      stdoutLines.push(line);
      if (child.pid !== undefined) options.onStdoutLine?.(line, child.pid);
      if (options.echoStdout?.(line)) progress(`    ${options.label} | ${line}`);
    });
    forEachLine(child.stderr, (line) => {
      stderrTail.push(line);
      if (stderrTail.length > STDERR_TAIL_LINES) stderrTail.shift();
      if (options.echoStderr) progress(`    ${options.label} | ${line}`);
    });
    child.on('error', (err) => {
      spawnError = err.message;
    });
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      resolve({
        stdoutLines,
        stderrTail,
        exitCode,
        signal,
        timedOut,
        spawnError,
        wallSeconds: (performance.now() - started) / 1000,
      });
    });
  });
}

/** Why a child run gave no result, in one line; undefined when it exited cleanly. */
export function describeFailure(run: ChildRunResult, timeoutSeconds: number): string | undefined {
  if (run.spawnError) return `could not start: ${run.spawnError}`;
  if (run.timedOut) return `timed out after ${timeoutSeconds} s`;
  if (run.exitCode !== 0) {
    const how = run.signal ? `killed by ${run.signal}` : `exit code ${run.exitCode}`;
    // Node ends a crash with its version; the error line above it says more
    const lines = run.stderrTail.map((l) => l.trim()).filter((l) => l !== '' && !/^Node\.js v\d/.test(l));
    const reason = [...lines].reverse().find((l) => /error/i.test(l)) ?? lines.at(-1);
    return reason ? `${how}: ${reason}` : how;
  }
  return undefined;
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** Progress goes to stderr so that stdout carries only the table. */
export function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}

function forEachLine(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    pending += chunk;
    let newline: number;
    while ((newline = pending.indexOf('\n')) >= 0) {
      onLine(pending.slice(0, newline).replace(/\r$/, ''));
      pending = pending.slice(newline + 1);
    }
  });
  stream.on('end', () => {
    if (pending !== '') onLine(pending);
  });
}
