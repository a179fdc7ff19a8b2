// The app API's runQuery (the data browser's Query tab): InfluxQL over the endpoint's data,
// answering what /query answers, in browser mode over HTTP and in the desktop through the
// endpoint's own process (the supervisor's fork of dist/cli/endpoint-host.js); untrusted input
// refused by the contract's schema.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppService } from '../../app/service.js';
import { EndpointSupervisor, type EndpointChild } from '../../electron/endpoint-supervisor.js';
import { cleanup, startServer, type RunningServer } from '../support/serve.js';
import { repoRoot } from '../support/shared.js';

let app: RunningServer;
let cookie = '';
const children: ChildProcess[] = [];

const LINES = Array.from({ length: 12 }, (_, i) => `cpu,host=${i % 2 ? 'b' : 'a'} usage=${i}.5,n=${i}i ${1_700_000_040 + i * 10}`).join('\n');
const QUERIES = [
  `SELECT mean("usage") FROM "cpu" WHERE time >= '2023-11-14T22:14:00Z' AND time < '2023-11-14T22:16:00Z' GROUP BY time(1m), "host"`,
  'SHOW MEASUREMENTS; SHOW TAG KEYS FROM cpu; SELECT * FROM nowhere..cpu; SELECT max(n) FROM cpu',
  'SELECT usage FROM cpu WHERE host =~ /b/ ORDER BY time DESC LIMIT 2',
  'SELECT mean(usage) FROM FROM cpu',
  'DROP DATABASE x',
];

async function call(method: string, input: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${app.url}/app-api/${method}`, { method: 'POST', headers: { Origin: app.url, 'Content-Type': 'application/json', Cookie: cookie }, body: JSON.stringify(input) });
  return { status: res.status, body: await res.json() };
}

async function viaQueryEndpoint(url: string, token: string, q: string, epoch?: string): Promise<unknown> {
  const res = await fetch(`${url}/query?${new URLSearchParams({ db: 'default', q, ...(epoch ? { epoch } : {}) })}`, { headers: { Authorization: `Token ${token}` } });
  return res.json();
}

beforeAll(async () => {
  app = await startServer();
  const res = await fetch(`${app.url}/app-api/sign-in`, { method: 'POST', headers: { Origin: app.url, 'Content-Type': 'application/json' }, body: JSON.stringify({ token: app.token }) });
  cookie = res.headers.get('set-cookie')!.split(';')[0];
  const w = await fetch(`${app.url}/write?db=default&precision=s`, { method: 'POST', headers: { Authorization: `Token ${app.token}` }, body: LINES });
  expect(w.status).toBe(204);
});

afterAll(async () => {
  children.forEach((c) => c.kill('SIGKILL'));
  await cleanup();
});

describe('runQuery in browser mode', () => {
  it('answers as /query does: series, per-statement errors, parse errors with their char', async () => {
    for (const q of QUERIES) {
      const r = await call('runQuery', { db: 'default', q });
      expect(r.status, q).toBe(200);
      expect(r.body, q).toEqual(await viaQueryEndpoint(app.url, app.token, q));
    }
    const grouped = (await call('runQuery', { db: 'default', q: QUERIES[0] })).body;
    expect(grouped.results[0].series).toEqual([
      { name: 'cpu', tags: { host: 'a' }, columns: ['time', 'mean'], values: [['2023-11-14T22:14:00Z', 2.5], ['2023-11-14T22:15:00Z', 8.5]] },
      { name: 'cpu', tags: { host: 'b' }, columns: ['time', 'mean'], values: [['2023-11-14T22:14:00Z', 3.5], ['2023-11-14T22:15:00Z', 9.5]] },
    ]);
    expect((await call('runQuery', { db: 'default', q: QUERIES[3] })).body).toEqual({ error: 'error parsing query: found FROM, expected identifier at line 1, char 25' });
    expect((await call('runQuery', { db: 'default', q: QUERIES[1] })).body.results[2]).toEqual({ statement_id: 2, error: 'database not found: nowhere' });
    expect((await call('runQuery', { db: '', q: 'SELECT * FROM cpu' })).body).toEqual({ results: [{ statement_id: 0, error: 'database name required' }] });
    expect((await call('runQuery', { db: 'default', q: '  ' })).body).toEqual({ error: 'missing required parameter "q"' });
  });

  it('gives epoch times exactly: integers beyond 2^53 as their decimal text', async () => {
    const r = await call('runQuery', { db: 'default', q: 'SELECT usage FROM cpu LIMIT 1', epoch: 'ns' });
    expect(r.body.results[0].series[0].values).toEqual([['1700000040000000000', 0.5]]);
    const ms = await call('runQuery', { db: 'default', q: 'SELECT usage FROM cpu LIMIT 1', epoch: 'ms' });
    expect(ms.body).toEqual(await viaQueryEndpoint(app.url, app.token, 'SELECT usage FROM cpu LIMIT 1', 'ms'));
    expect(ms.body.results[0].series[0].values).toEqual([[1_700_000_040_000, 0.5]]);
  });

  it('refuses bad input with what is wrong, and needs a session', async () => {
    expect(await call('runQuery', { db: 'default', q: 1 })).toMatchObject({ status: 400, body: { code: 'invalid', message: expect.stringMatching(/^invalid input for runQuery: q: /) } });
    expect(await call('runQuery', { db: 'default', q: 'SHOW DATABASES', epoch: 'x' })).toMatchObject({ status: 400, body: { code: 'invalid', message: expect.stringMatching(/^invalid input for runQuery: epoch: /) } });
    expect(await call('runQuery', { db: 'default', q: 'SHOW DATABASES', token: 'x' })).toMatchObject({ status: 400, body: { code: 'invalid' } });
    expect(await call('runQuery', { db: 'default', q: 'x'.repeat(1024 * 1024 + 1) })).toMatchObject({ status: 400, body: { message: expect.stringContaining('the query is longer than 1 MiB: shorten it') } });
    const saved = cookie;
    cookie = '';
    expect(await call('runQuery', { db: 'default', q: 'SHOW DATABASES' })).toEqual({ status: 401, body: { code: 'unauthorized', message: 'sign in first' } });
    cookie = saved;
  });
});

function spawnHost(): EndpointChild {
  const c = fork(path.join(repoRoot, 'dist/cli/endpoint-host.js'), [], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
  children.push(c);
  return { postMessage: (m) => c.send(m as object), onMessage: (fn) => c.on('message', fn), onExit: (fn) => c.on('exit', (code) => fn(code)), kill: () => c.kill() };
}

describe('runQuery in the desktop (the endpoint process)', () => {
  it('answers as browser mode does, and the endpoint process refuses bad arguments', async () => {
    const sup = new EndpointSupervisor({ spawn: spawnHost, dataDir: mkdtempSync(path.join(tmpdir(), 'lpstudio-query-sup-')), port: 0 });
    const url = (await sup.start()).url!;
    try {
      const { token } = await sup.data.createToken('query test', 'all');
      expect((await fetch(`${url}/write?db=default&precision=s`, { method: 'POST', headers: { Authorization: `Token ${token}` }, body: LINES })).status).toBe(204);
      const service = createAppService({
        mode: 'desktop',
        version: '0.0.0',
        dataDir: mkdtempSync(path.join(tmpdir(), 'lpstudio-query-app-')),
        profiles: { protection: async () => ({ protected: true, backend: 'test' }), list: () => [], save: async () => Promise.reject(new Error('unused')), remove: () => {}, secret: async () => undefined },
        endpoint: { status: () => sup.status(), token: () => token, databases: async () => [], data: sup.data },
      });
      for (const q of QUERIES) {
        const desktop = await service.runQuery({ db: 'default', q });
        expect(desktop, q).toEqual((await call('runQuery', { db: 'default', q })).body);
        expect(desktop, q).toEqual(await viaQueryEndpoint(url, token, q));
      }
      await expect(sup.data.query({ db: 'default', q: 'SHOW DATABASES', extra: 1 } as never)).rejects.toMatchObject({ code: 'invalid' });
      await expect(sup.data.query({ db: 7, q: 'SHOW DATABASES' } as never)).rejects.toMatchObject({ code: 'invalid' });
    } finally {
      await sup.stop();
    }
  });
});
