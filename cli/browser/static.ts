// Serves the built renderer (dist/renderer, next to this module's dist/server) for the browser
// mode. Paths are resolved inside that root only; anything else is a 404.
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONTENT_SECURITY_POLICY } from '../../app/csp.js';

// Defined when the command is bundled for the desktop package (vite.cli.config.ts): the UI's copy
// beside the asar, relative to that bundle.
declare const LPSTUDIO_RENDERER_DIR: string | undefined;

export const RENDERER_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), typeof LPSTUDIO_RENDERER_DIR === 'string' ? LPSTUDIO_RENDERER_DIR : '../../renderer');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
};

/** The UI's paths: `/`, `/index.html` and `/assets/…`. */
export function isStaticPath(pathname: string): boolean {
  return pathname === '/' || pathname === '/index.html' || pathname.startsWith('/assets/');
}

/** Answers GET/HEAD for the UI's paths; false when the path is not the UI's, or for another method. */
export function serveStatic(req: IncomingMessage, res: ServerResponse, pathname: string, root = RENDERER_DIR): boolean {
  const isIndex = pathname === '/' || pathname === '/index.html';
  if (!isStaticPath(pathname)) return false;
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  req.resume();
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  if (!existsSync(path.join(root, 'index.html'))) {
    res.statusCode = 503;
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.end('the UI is not built: run npm run build:renderer\n');
    return true;
  }
  let rel: string;
  try {
    rel = isIndex ? 'index.html' : decodeURIComponent(pathname.slice(1));
  } catch {
    return notFound(res);
  }
  const file = path.resolve(root, rel);
  if (!file.startsWith(root + path.sep) || rel.includes('\0')) return notFound(res);
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) return notFound(res);
    size = st.size;
  } catch {
    return notFound(res);
  }
  res.statusCode = 200;
  res.setHeader('Content-Type', TYPES[path.extname(file)] ?? 'application/octet-stream');
  res.setHeader('Content-Length', size);
  if (isIndex) {
    res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Cache-Control', 'no-store');
  } else res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
  if (req.method === 'HEAD') {
    res.end();
    return true;
  }
  createReadStream(file).pipe(res);
  return true;
}

function notFound(res: ServerResponse): true {
  res.statusCode = 404;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.end('not found\n');
  return true;
}
