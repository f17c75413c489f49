import { spawn } from 'node:child_process';
import { createReadStream, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Command } from 'commander';
import { InputError } from '../input-error.js';
import { integerOption } from './options.js';

/** The page and the browser kit, built by `npm run build` (scripts/build-web.mjs). */
export const WEB_ROOT = fileURLToPath(new URL('../../web/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.csv': 'text/csv; charset=utf-8',
  '.npy': 'application/octet-stream',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/**
 * Headers that make the page cross-origin isolated, so its Web Workers can share memory
 * (SharedArrayBuffer) as Node's threads do; every file is same-origin, so nothing is lost.
 */
const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
} as const;

/**
 * A static server for one folder, with the isolation headers (or without, to see the page's
 * one-worker fallback); GET and HEAD only, nothing outside the folder.
 */
export function startWebServer(root: string, options: { port?: number; host?: string; isolated?: boolean } = {}): Promise<{ server: Server; url: string }> {
  const base = resolve(root);
  const server = createServer((req, res) => {
    const headers: Record<string, string> = { 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff', ...(options.isolated === false ? {} : ISOLATION_HEADERS) };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...headers, Allow: 'GET, HEAD' }).end();
      return;
    }
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      res.writeHead(400, headers).end();
      return;
    }
    let file = resolve(base, `.${path}`);
    if (file !== base && !file.startsWith(base + sep)) {
      res.writeHead(404, headers).end();
      return;
    }
    try {
      if (statSync(file).isDirectory()) file = join(file, 'index.html');
      const size = statSync(file).size;
      res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Length': String(size) });
      if (req.method === 'HEAD') res.end();
      else createReadStream(file).pipe(res);
    } catch {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
    }
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8080, options.host ?? '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : options.port;
      const host = options.host ?? '127.0.0.1';
      resolvePromise({ server, url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/` });
    });
  });
}

/** Opens `url` in the desktop's browser; says so when it cannot. */
function openBrowser(url: string): void {
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(command, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => process.stderr.write(`lstm-ae: could not open a browser (${command}); open ${url} yourself\n`));
  child.unref();
}

/** `lstm-ae serve`: the page that trains, detects and classifies in the browser. */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve the web page (train, detect, classify a dropped file in the browser) with the headers that let its workers share memory')
    .option('--port <n>', 'port to listen on (0: any free one)', integerOption(0, 65535), 8080)
    .option('--host <address>', 'address to listen on (0.0.0.0: every interface)', '127.0.0.1')
    .option('--open', 'open the page in the default browser')
    .action(async (o: { port: number; host: string; open?: boolean }) => {
      try {
        statSync(join(WEB_ROOT, 'index.html'));
      } catch {
        throw new InputError(`the web page is not built (${WEB_ROOT}); run \`npm run build\``);
      }
      let url: string;
      try {
        ({ url } = await startWebServer(WEB_ROOT, { port: o.port, host: o.host }));
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        throw new InputError(`cannot listen on ${o.host}:${o.port} (${code ?? (err as Error).message})${code === 'EADDRINUSE' ? '; give another --port' : ''}`);
      }
      process.stdout.write(`lstm-ae: serving the page at ${url} (Ctrl-C to stop)\n`);
      if (o.open) openBrowser(url);
    });
}
