import { execFile, spawn } from 'node:child_process';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';

/** The built CLI, as a user runs it. */
export const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `lstm-ae ...args`; async so that independent runs can go side by side. */
export function runCli(...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** `lstm-ae ...args` with extra environment variables (the fault points of src/io/test-faults.ts) and stdin; a process ended by a signal has the code a shell reports (128 + its number: SIGKILL 137, SIGINT 130, SIGTERM 143). */
export function runCliWith(args: string[], o: { env?: Record<string, string>; stdin?: string } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 16 << 20, env: { ...process.env, ...o.env } }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : error.signal ? 128 + constants.signals[error.signal] : -1;
      resolve({ code, stdout, stderr });
    });
    child.stdin!.end(o.stdin ?? '');
  });
}

/** `lstm-ae detect --model MODEL --follow ...extra`, fed by `feed` (which may wait on stdout before writing more); resolves once it exits. */
export function followCli(model: string, feed: (stdin: NodeJS.WritableStream, stdout: NodeJS.ReadableStream) => void, ...extra: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, 'detect', '--model', model, '--follow', ...extra]);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    feed(child.stdin, child.stdout);
  });
}

/** A feed that writes `first`, waits until `lines` lines have come out (each row answered at once), then ends with `rest`. */
export function thenRest(first: string, lines: number, rest: string): (stdin: NodeJS.WritableStream, stdout: NodeJS.ReadableStream) => void {
  return (stdin, stdout) => {
    stdin.write(first);
    let seen = '';
    const onData = (d: Buffer | string) => {
      seen += String(d);
      if (seen.split('\n').length - 1 >= lines) {
        stdout.off('data', onData);
        stdin.end(rest);
      }
    };
    stdout.on('data', onData);
  };
}
