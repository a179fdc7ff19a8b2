// The endpoint's request log over real HTTP: a refused request keeps its body (bounded, gzip
// decompressed), its query and headers with secrets masked, and the answer; the connection
// stays usable after a refused request whose body the log read.
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEndpoint, type Endpoint } from '../../server/endpoint.js';

let endpoint: Endpoint;
let dir: string;
const TOKEN = 'request-log-operator-token-0123456789';

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'lpstudio-reqlog-'));
  endpoint = await startEndpoint({ dataDir: dir, port: 0, token: TOKEN, requestLogSize: 500, log: () => {} });
});

afterAll(async () => {
  await endpoint?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The log entry of the request made by `send` (the log is written once the body is read). */
async function logged(send: () => Promise<number>): Promise<ReturnType<Endpoint['requests']>[number]> {
  const before = endpoint.requests().at(-1)?.id ?? 0;
  await send();
  await expect.poll(() => endpoint.requests().find((e) => e.id > before)).toBeDefined();
  return endpoint.requests().find((e) => e.id > before)!;
}

const post = (query: string, body: string | Uint8Array<ArrayBuffer>, headers: Record<string, string>) => async () =>
  (await fetch(`${endpoint.url}/write${query}`, { method: 'POST', headers, body })).status;

describe('the request log', () => {
  it('keeps the body, masked query and headers, and the answer of a 401', async () => {
    const e = await logged(post('?db=default&precision=s&u=bob&p=hunter2', 'cpu v=1 1\ncpu v=2 2', { Authorization: 'Token not-the-right-token-abcd' }));
    expect(e).toMatchObject({ status: 401, method: 'POST', path: '/write', db: 'default', body: 'cpu v=1 1\ncpu v=2 2', responseBody: '{"code":"unauthorized","message":"Unauthorized"}' });
    expect(e.query).toMatch(/^\?db=default&precision=s&u=bob&p=•••• \(sha256:[0-9a-f]{8}\)$/);
    expect(e.requestHeaders?.find(([k]) => k.toLowerCase() === 'authorization')?.[1]).toMatch(/^Token …abcd \(sha256:[0-9a-f]{8}\)$/);
    expect(JSON.stringify(e)).not.toContain('hunter2');
    expect(JSON.stringify(e)).not.toContain('not-the-right-token');
    expect(e.responseHeaders).toContainEqual(['x-platform-error-code', 'unauthorized']);
  });

  it('keeps the body of a 404 (no such database) and of a gzip body refused unread', async () => {
    const e = await logged(post('?db=nosuch', 'lost v=1', { Authorization: `Token ${TOKEN}` }));
    expect(e).toMatchObject({ status: 404, db: 'nosuch', body: 'lost v=1' });
    expect(e.responseBody).toContain('no dbrp mapping found');
    const g = await logged(post('?db=default', new Uint8Array(gzipSync('zipped v=1 1')), { Authorization: 'Token nope', 'Content-Encoding': 'gzip' }));
    expect(g).toMatchObject({ status: 401, body: 'zipped v=1 1' });
  });

  it('bounds a refused body to 64 KiB, and the connection answers the next request', async () => {
    const big = 'x'.repeat(200 * 1024);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const request = (headers: Record<string, string>, body: string) =>
      new Promise<number>((resolve, reject) => {
        const req = http.request(`${endpoint.url}/write?db=default`, { method: 'POST', agent, headers }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.end(body);
      });
    const e = await logged(() => request({ Authorization: 'Token nope' }, big));
    expect(e.status).toBe(401);
    expect(e.body).toBe(big.slice(0, 64 * 1024));
    const ok = await logged(() => request({ Authorization: `Token ${TOKEN}` }, 'after v=1'));
    expect(ok).toMatchObject({ status: 204, body: 'after v=1', responseBody: '' });
    agent.destroy();
  });
});

describe('the API generation of each request', () => {
  it('v1, v2 and v3 writes are logged as such; a second endpoint with --compat influxdb3 logs its compat endpoints', async () => {
    const auth = { Authorization: `Token ${TOKEN}` };
    const v1 = await logged(post('?db=default', 'g v=1 1', auth));
    const v2 = await logged(async () => (await fetch(`${endpoint.url}/api/v2/write?org=lpstudio&bucket=default`, { method: 'POST', headers: auth, body: 'g v=1 1' })).status);
    const v3 = await logged(async () => (await fetch(`${endpoint.url}/api/v3/write_lp?db=gen3`, { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}` }, body: 'g v=1 1' })).status);
    expect([v1.api, v1.status, v2.api, v2.status, v3.api, v3.status]).toEqual(['v1', 204, 'v2', 204, 'v3', 204]);
    const { requestFacts } = await import('../../renderer/components/request-entry.js');
    expect(requestFacts(v3, '12:00:00')).toContain('API v3');

    const dir3 = mkdtempSync(path.join(tmpdir(), 'lpstudio-reqlog3-'));
    const compat = await startEndpoint({ dataDir: dir3, port: 0, token: TOKEN, requestLogSize: 10, compat: 'influxdb3', log: () => {} });
    try {
      expect((await fetch(`${compat.url}/write?db=c`, { method: 'POST', headers: auth, body: 'g v=1 1' })).status).toBe(204);
      expect((await fetch(`${compat.url}/api/v2/write?bucket=c`, { method: 'POST', headers: auth, body: 'g v=1 1' })).status).toBe(204);
      await expect.poll(() => compat.requests().map((e) => e.api)).toEqual(['v1 (3.x compat)', 'v2 (3.x compat)']);
    } finally {
      await compat.close();
      rmSync(dir3, { recursive: true, force: true });
    }
  });
});
