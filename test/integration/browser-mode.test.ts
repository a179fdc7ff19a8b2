// The browser mode of `lpstudio serve` over real HTTP: sign-in (token, one-time link), the app
// API behind it (one contract with the desktop's IPC), sends to this endpoint and to another
// server as a remote InfluxDB with each auth method, secrets kept out of every answer, the
// profiles file's mode, cross-site calls refused, the UI served with its CSP and nothing else.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../app/csp.js';
import { cleanup, float, lpstudio, prepareDataDir, pt, readBucket, readMeta, startServer, type RunningServer } from '../support/serve.js';

let app: RunningServer;
let remote: RunningServer;
let cookie = '';
/** Every answer of the app API, as text: none may hold a secret. */
const seen: string[] = [];
/** Whether any token-like word in `text` hashes to one of the endpoint's stored token hashes (the app's own token is never told to the tests). */
async function holdsAnEndpointToken(text: string): Promise<boolean> {
  const hashes = new Set((await readMeta(app.dataDir)).tokens.map((t) => t.hash));
  return [...text.matchAll(/[A-Za-z0-9_-]{20,}/g)].some((m) => hashes.has(createHash('sha256').update(m[0], 'utf8').digest('hex')));
}

async function call(method: string, input: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(`${app.url}/app-api/${method}`, {
    method: 'POST',
    headers: { Origin: app.url, 'Content-Type': 'application/json', Cookie: cookie, ...headers },
    body: JSON.stringify(input),
  });
  const text = await res.text();
  seen.push(text);
  return { status: res.status, body: text === '' ? undefined : JSON.parse(text) };
}

beforeAll(async () => {
  const r = await prepareDataDir([
    ['bucket', 'create', '--name', 'telegraf'],
    ['v1', 'auth', 'create', '--username', 'writer', '--password', 'writer-password', '--write-bucket', 'telegraf'],
  ]);
  remote = await startServer({ dataDir: r.dataDir, token: r.token, args: ['--no-ui'] });
  app = await startServer();
});

afterAll(cleanup);

describe('sign-in', () => {
  it('refuses the app API without a session', async () => {
    expect(await call('info', {})).toEqual({ status: 401, body: { code: 'unauthorized', message: 'sign in first' } });
    const s = await (await fetch(`${app.url}/app-api/session`)).json();
    expect(s).toEqual({ signedIn: false });
    const get = await fetch(`${app.url}/app-api/info`);
    expect([get.status, get.headers.get('allow'), get.headers.get('x-content-type-options'), await get.json()]).toEqual([405, 'POST', 'nosniff', { code: 'invalid', message: 'use POST for /app-api/info' }]);
  });

  it('refuses a wrong token and a token of another server', async () => {
    expect((await call('sign-in', { token: 'wrong-token-0123456789' })).status).toBe(401);
    expect((await call('sign-in', { token: remote.token })).status).toBe(401);
  });

  it('accepts the one-time link once', async () => {
    const line = new RegExp(`^browser mode: ${app.url.replace(/\./g, '\\.')}/#code=([A-Za-z0-9_-]{24}) \\(one-time sign-in link, 10 minutes`, 'm');
    const code = line.exec(app.stdout())![1];
    expect((await call('sign-in', { code }, { Origin: 'https://evil.example' })).status).toBe(403);
    const first = await fetch(`${app.url}/app-api/sign-in`, { method: 'POST', headers: { Origin: app.url, 'Content-Type': 'application/json' }, body: JSON.stringify({ code }) });
    expect(first.status).toBe(200);
    expect(first.headers.get('set-cookie')).toMatch(/^lpstudio_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/; Max-Age=\d+$/);
    expect((await call('sign-in', { code })).body.message).toMatch(/already used or has expired/);
  });

  it('reads at most 16 KiB of a sign-in', async () => {
    const r = await call('sign-in', { token: 'x'.repeat(20_000) });
    expect(r).toEqual({ status: 413, body: { code: 'invalid', message: 'sign in with {"token": "..."} or {"code": "..."}: that body is too large' } });
  });

  it('signs in with the operator token', async () => {
    const res = await fetch(`${app.url}/app-api/sign-in`, { method: 'POST', headers: { Origin: app.url, 'Content-Type': 'application/json' }, body: JSON.stringify({ token: app.token }) });
    expect(res.status).toBe(200);
    cookie = res.headers.get('set-cookie')!.split(';')[0];
    expect((await call('info', {})).body).toMatchObject({ mode: 'browser', endpoint: { state: 'running', url: app.url }, secrets: { protected: false, backend: 'data-dir-file' } });
  });

  it('refuses cross-site calls and non-JSON bodies', async () => {
    expect((await call('info', {}, { Origin: 'https://evil.example' })).status).toBe(403);
    const res = await fetch(`${app.url}/app-api/info`, { method: 'POST', headers: { Origin: app.url, Cookie: cookie, 'Content-Type': 'text/plain' }, body: '{}' });
    expect(res.status).toBe(400);
  });
});

describe('sending', () => {
  it('to this endpoint: 204, and the points are stored', async () => {
    const r = await call('send', { profileId: 'local', db: 'default', precision: 's', body: 'temp,room=k v=21.5 1700000000\n' });
    expect(r.body).toMatchObject({ status: 204, statusText: 'No Content', method: 'POST', url: `${app.url}/write?db=default&precision=s`, errorLines: [] });
  });

  it('copy as curl reads the token from $INFLUX_TOKEN: it writes once the shell has one; the host never copies the secret here', async () => {
    const { command, variable } = (await call('copyAsCurl', { profileId: 'local', db: 'default', precision: 'ms', body: `curl,q=it's s="a \\"b\\" $HOME" 1700000000001`, secretAs: 'variable' })).body;
    expect(variable).toBe('INFLUX_TOKEN');
    expect(command).toMatch(/^curl --request POST "http:\/\/127\.0\.0\.1:\d+\/write\?db=default&precision=ms" \\\n {2}--header "Authorization: Token \$INFLUX_TOKEN" \\\n {2}--data-binary '/);
    // The app's own token is never told; the operator's token (the test's) writes as well.
    const run = (env: Record<string, string>) =>
      execFileSync('bash', ['-c', `${command} --silent --output /dev/null --write-out '%{http_code}'`], { encoding: 'utf8', env: { ...process.env, ...env } });
    expect(run({ INFLUX_TOKEN: app.token })).toBe('204');
    expect(run({ INFLUX_TOKEN: 'not-a-token' })).toBe('401');
    const hidden = (await call('copyAsCurl', { profileId: 'local', db: 'default', precision: 'ms', body: 'x v=1' })).body.command;
    expect(hidden).toContain('--header "Authorization: Token INFLUX_API_TOKEN"');
    const withSecret = await call('copyAsCurlWithSecret', { profileId: 'local', db: 'default', precision: 'ms', body: 'x v=1' });
    expect(withSecret.status).toBe(503);
    expect(withSecret.body).toEqual({
      code: 'unavailable',
      message: 'this host cannot reach your clipboard (browser mode), so it never copies a secret: copy the command that reads $INFLUX_TOKEN or $INFLUX_PASSWORD, and set that variable in your shell',
    });
  });

  it('a 400 names the bad line', async () => {
    const r = await call('send', { profileId: 'local', db: 'default', precision: 'ns', body: 'a v=1 1\nb v=\nc v=3 3' });
    expect(r.body).toMatchObject({ status: 400, errorLines: [2] });
    expect(JSON.parse(r.body.body)).toEqual({ code: 'invalid', message: "unable to parse 'b v=': missing field value", line: 2 });
  });

  it('a server that is not there is a status 0 with the reason in words', async () => {
    // A port nobody listens on: taken, then freed.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    await call('saveProfile', { id: 'gone', name: 'Gone', url: `http://127.0.0.1:${port}`, kind: 'influxdb1', db: 'x', auth: 'none' });
    const r = await call('send', { profileId: 'gone', precision: 'ns', body: 'a v=1 1' });
    expect(r.body).toMatchObject({ status: 0, error: `connection refused at http://127.0.0.1:${port}: is InfluxDB running there?` });
  });

  it('to a remote InfluxDB 2.x with a token, 1.x with basic and with u/p: the secret never comes back', async () => {
    const noSecret = await call('saveProfile', { id: 'remote2', name: 'Remote 2.x', url: remote.url, kind: 'influxdb2', org: 'lpstudio', bucket: 'telegraf', auth: 'token', secret: remote.token });
    expect(noSecret.status).toBe(409);
    expect(noSecret.body.code).toBe('unprotected');
    const saved = await call('saveProfile', { id: 'remote2', name: 'Remote 2.x', url: remote.url, kind: 'influxdb2', org: 'lpstudio', bucket: 'telegraf', auth: 'token', secret: remote.token, allowUnprotected: true });
    expect(saved.body).toMatchObject({ id: 'remote2', hasSecret: true });
    await call('saveProfile', { id: 'remote1', name: 'Remote 1.x', url: remote.url, kind: 'influxdb1', db: 'telegraf', auth: 'basic', username: 'writer', secret: 'writer-password', allowUnprotected: true });
    const v2 = await call('send', { profileId: 'remote2', precision: 'ms', body: 'r,via=token v=1 1700000000000' });
    expect(v2.body).toMatchObject({ status: 204, url: `${remote.url}/api/v2/write?org=lpstudio&bucket=telegraf&precision=ms` });
    const basic = await call('send', { profileId: 'remote1', precision: 's', body: 'r,via=basic v=2 1700000001' });
    expect(basic.body).toMatchObject({ status: 204 });
    const query = await call('send', { profileId: 'remote1', auth: 'query', precision: 's', body: 'r,via=query v=3 1700000002' });
    expect(query.body).toMatchObject({ status: 204, url: `${remote.url}/write?db=telegraf&precision=s&u=writer&p=***` });
    const m = await call('send', { profileId: 'remote2', precision: 'm', body: 'r v=1 1' });
    expect(m.body).toEqual({ code: 'invalid', message: '/api/v2/write takes precision ns, us, ms or s, not m: pick one of those (or use a 1.x /write target)' });
    const curl = await call('copyAsCurl', { profileId: 'remote1', precision: 's', body: 'r v=1 1' });
    expect(curl.body.command).toBe(`curl --request POST "${remote.url}/write?db=telegraf&precision=s" \\\n  --user "writer:INFLUX_PASSWORD_OR_TOKEN" \\\n  --data-binary "r v=1 1"`);
    const shown = await call('copyAsCurl', { profileId: 'remote2', precision: 'ns', body: 's v="x" 1', secretAs: 'variable' });
    expect(shown.body.command).toBe(
      `curl --request POST "${remote.url}/api/v2/write?org=lpstudio&bucket=telegraf" \\\n  --header "Authorization: Token $INFLUX_TOKEN" \\\n  --header "Content-Type: text/plain; charset=utf-8" \\\n  --header "Accept: application/json" \\\n  --data-binary 's v="x" 1'`,
    );
    // No answer ever held a secret: the remote's token and password, nor any token of this endpoint (the app's own included).
    expect(seen.join('\n')).not.toContain(remote.token);
    expect(seen.join('\n')).not.toContain('writer-password');
    expect(seen.length).toBeGreaterThan(15);
    expect(await holdsAnEndpointToken(`x ${app.token} y`)).toBe(true); // the check finds a token when there is one
    expect(await holdsAnEndpointToken(seen.join('\n'))).toBe(false);
    expect((await call('listProfiles', {})).body.map((p: { id: string; hasSecret: boolean }) => [p.id, p.hasSecret])).toEqual([
      ['local', true],
      ['gone', false],
      ['remote2', true],
      ['remote1', true],
    ]);
    expect(statSync(path.join(app.dataDir, 'app', 'profiles.json')).mode & 0o777).toBe(0o600);
    await remote.stop();
    const stored = await readBucket(remote.dataDir, 'telegraf');
    expect(stored.map((p) => p.tags.via).sort()).toEqual(['basic', 'query', 'token']);
    expect(stored.find((p) => p.tags.via === 'token')).toEqual(pt('r', { via: 'token' }, { v: float(1) }, '1700000000000000000'));
  });

  it('suggests the endpoint\'s databases', async () => {
    await lpstudio('bucket', 'create', '--name', 'db1/weekly', '--data', app.dataDir);
    const r = await call('suggestDatabases', { profileId: 'local' });
    expect(r.body.databases).toEqual([
      { db: 'db1', rps: ['weekly'] },
      { db: 'default', rps: ['autogen'] },
    ]);
  });
});

describe('history', () => {
  it('lists every send newest first, searchable, and survives a restart; clear empties it', async () => {
    const before = (await call('listHistory', {})).body;
    expect(before.map((e: { status: number }) => e.status)).toEqual([204, 204, 204, 0, 400, 204]);
    const appTokens = async () => (await readMeta(app.dataDir)).tokens.filter((t) => t.description === 'Line Protocol Studio app');
    const tokenBefore = await appTokens();
    expect(tokenBefore).toHaveLength(1);
    await app.stop();
    // What the sends to this endpoint stored: the send, and the copied curl command's.
    expect(await readBucket(app.dataDir, 'default')).toEqual([
      pt('curl', { q: "it's" }, { s: { type: 'string', value: 'a "b" $HOME' } }, '1700000000001000000'),
      pt('temp', { room: 'k' }, { v: float(21.5) }, '1700000000000000000'),
    ]);
    app = await startServer({ dataDir: app.dataDir, token: app.token });
    // A fresh app token at every start, replacing the last one.
    const tokenAfter = await appTokens();
    expect(tokenAfter).toHaveLength(1);
    expect(tokenAfter[0].hash).not.toBe(tokenBefore[0].hash);
    cookie = '';
    expect((await call('listHistory', {})).status).toBe(401);
    const res = await fetch(`${app.url}/app-api/sign-in`, { method: 'POST', headers: { Origin: app.url, 'Content-Type': 'application/json' }, body: JSON.stringify({ token: app.token }) });
    cookie = res.headers.get('set-cookie')!.split(';')[0];
    expect((await call('listHistory', {})).body).toEqual(before);
    expect((await call('listHistory', { query: 'via=basic' })).body).toHaveLength(1);
    await call('clearHistory', {});
    expect((await call('listHistory', {})).body).toEqual([]);
  });
});

describe('the UI files', () => {
  it('serves index.html with the CSP, assets, and nothing outside', async () => {
    const index = await fetch(`${app.url}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(index.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await index.text();
    const asset = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)![1];
    const js = await fetch(`${app.url}/${asset}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    // Sent as raw request targets (fetch would normalise the dot segments away); each aims at a
    // file that exists outside dist/renderer: the package's package.json, the server's code.
    for (const p of [
      '/assets/../../package.json',
      '/assets/../../server/meta.js',
      '/assets/%2e%2e/%2e%2e/package.json',
      '/assets/..%2f..%2fpackage.json',
      '/assets/%2e%2e%2f%2e%2e%2fserver%2fmeta.js',
      '/assets/..%2F..%2Fserver%2Fmeta.js',
      '/assets/%2E%2E%2F%2E%2E%2Fpackage.json',
      '/assets/%252e%252e%252f%252e%252e%252fpackage.json',
      '/assets/..\\..\\package.json',
      '/assets/x%00.js',
      '/assets/',
    ]) {
      const r = await rawGet(p);
      expect([400, 404], p).toContain(r.status);
      expect(r.body, p).not.toMatch(/tokens|"name": "lpstudio"/);
    }
    const nosniff = await rawGet('/assets/nope.js');
    expect(nosniff.headers['x-content-type-options']).toBe('nosniff');
  });
});

/** GET with the request target exactly as given (no client-side normalisation). */
function rawGet(target: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: app.host, port: app.port, path: target, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
