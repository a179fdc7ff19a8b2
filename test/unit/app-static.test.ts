// Browser mode's static files (cli/browser/static.ts) over real HTTP on loopback, from a
// temporary root: the "not built" answer, content types, the CSP on the page, and no way out of
// the root (raw request targets, so nothing normalises them on the way).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../app/csp.js';
import { serveStatic } from '../../cli/browser/static.js';

let base: string;
let root: string;
let server: Server;

beforeAll(async () => {
  base = mkdtempSync(path.join(tmpdir(), 'lpstudio-static-'));
  root = path.join(base, 'ui');
  mkdirSync(path.join(root, 'assets'), { recursive: true });
  mkdirSync(path.join(base, 'ui-evil'));
  writeFileSync(path.join(base, 'ui-evil', 'secret.js'), 'SECRET');
  writeFileSync(path.join(base, 'secret.txt'), 'SECRET');
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const r = url.searchParams.get('root') === 'empty' ? path.join(base, 'nothing') : root;
    if (!serveStatic(req, res, url.pathname, r)) {
      res.statusCode = 418;
      res.end('not mine');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(base, { recursive: true, force: true });
});

function get(target: string, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, path: target, method }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('serveStatic', () => {
  it('says how to build the UI when it is not built', async () => {
    const r = await get('/?root=empty');
    expect(r.status).toBe(503);
    expect(r.body).toBe('the UI is not built: run npm run build:renderer\n');
    expect(r.headers['content-type']).toBe('text/plain; charset=utf-8');
  });

  it('serves the page with the CSP and assets with their types, nosniff on all', async () => {
    writeFileSync(path.join(root, 'index.html'), '<!doctype html><script type="module" src="./assets/a.js"></script>');
    writeFileSync(path.join(root, 'assets', 'a.js'), 'export {}');
    writeFileSync(path.join(root, 'assets', 'a.css'), 'body{}');
    for (const p of ['/', '/index.html']) {
      const r = await get(p);
      expect(r.status).toBe(200);
      expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(r.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
      expect(r.headers['x-content-type-options']).toBe('nosniff');
    }
    const js = await get('/assets/a.js');
    expect([js.status, js.headers['content-type'], js.headers['x-content-type-options'], js.body]).toEqual([200, 'text/javascript; charset=utf-8', 'nosniff', 'export {}']);
    expect((await get('/assets/a.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    const head = await get('/assets/a.js', 'HEAD');
    expect([head.status, head.body, head.headers['content-length']]).toEqual([200, '', '9']);
  });

  it('leaves other paths and methods to the API', async () => {
    expect((await get('/write')).status).toBe(418);
    expect((await get('/', 'POST')).status).toBe(418);
    expect((await get('/secret.txt')).status).toBe(418);
  });

  it('never leaves the root', async () => {
    for (const p of [
      '/assets/../secret.txt',
      '/assets/../../secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/assets/..%2f..%2fui-evil%2fsecret.js', // a sibling whose name starts with the root's
      '/assets/%2e%2e%2f%2e%2e%2fui-evil/secret.js',
      '/assets/%2fetc%2fpasswd',
      '/assets/a.js%00.html',
      '/assets/%E0%A4%A',
      '/assets/',
      '/assets',
    ]) {
      const r = await get(p);
      expect(r.body, p).not.toContain('SECRET');
      expect(r.body, p).not.toContain('root:');
      expect([404, 418], p).toContain(r.status);
    }
  });
});
