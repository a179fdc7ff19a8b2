// The app service with browser mode's real profile file and history in a temp dir, talking
// over loopback HTTP to a small server that answers with InfluxDB 1.x's /query and 2.x's
// /api/v2/buckets shapes (no InfluxDB runs here; the endpoint's own answers are tested in
// browser-mode.test.ts): the built-in profile, secrets refused unless allowed, database
// suggestions with each auth form, their errors in words, history of sends, curl.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, parseCall, type AppHandlers, type AppMethod } from '../../app/contract.js';
import { FileProfileStore } from '../../app/file-profiles.js';
import type { AppHostDeps } from '../../app/host-deps.js';
import { createAppService } from '../../app/service.js';
import { CredentialVault } from '../../electron/vault.js';

let dir: string;
let server: Server;
let base = '';
let svc: AppHandlers;
const requests: { url: string; auth?: string }[] = [];
/** Every answer and error message any call of this file got, serialized: none may hold a secret. */
const answers: string[] = [];
/** Runs a curl command in bash (asynchronously: the servers it reaches run in this process), answering the HTTP status. */
async function runCurl(command: string, env: Record<string, string> = {}): Promise<string> {
  const { stdout } = await promisify(execFile)('bash', ['-c', `${command} --silent --max-time 10 --output /dev/null --write-out '%{http_code}'`], { encoding: 'utf8', env: { ...process.env, ...env } });
  return stdout;
}
/** Secrets this file stores; the last test checks that no answer ever held one. */
const SECRETS = ['pw1', 'tok2', 'wrong-token', 'qsecret', 'local-app-token', 'bound-token', 'vault-token'];

/** Calls the service the way a host does: input through parseCall. */
async function call<M extends AppMethod>(method: M, input: unknown, on: AppHandlers = svc): Promise<any> {
  const c = parseCall<M>(method, input);
  try {
    const out = await (on[c.method] as (i: unknown) => Promise<unknown>)(c.input);
    answers.push(JSON.stringify(out));
    return out;
  } catch (e) {
    answers.push((e as Error).message);
    throw e;
  }
}
async function failure(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected an AppError');
}

/** A desktop host on the same profiles and endpoint as `svc`. */
const deskDeps = (): AppHostDeps => ({
  mode: 'desktop',
  version: '9.9.9',
  dataDir: path.join(dir, 'desk'),
  profiles: new FileProfileStore(path.join(dir, 'app')),
  endpoint: { status: () => ({ state: 'running', url: base }), token: () => 'local-app-token', databases: async () => [] },
});

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'lpstudio-service-'));
  server = createServer((req, res) => {
    requests.push({ url: req.url!, auth: req.headers.authorization });
    const url = new URL(req.url!, 'http://x');
    res.setHeader('Content-Type', 'application/json');
    if (url.pathname === '/slow/query') return; // never answers
    if (url.pathname === '/query') {
      const q = url.searchParams.get('q');
      if (q === 'SHOW DATABASES') return res.end(JSON.stringify({ results: [{ statement_id: 0, series: [{ name: 'databases', columns: ['name'], values: [['_internal'], ['telegraf'], ['my "db"']] }] }] }));
      const values = q === 'SHOW RETENTION POLICIES ON "telegraf"' ? [['autogen', '0s', '168h0m0s', 1, true], ['weekly', '168h0m0s', '24h0m0s', 1, false]] : [['autogen', '0s', '168h0m0s', 1, true]];
      return res.end(JSON.stringify({ results: [{ statement_id: 0, series: [{ columns: ['name', 'duration', 'shardGroupDuration', 'replicaN', 'default'], values }] }] }));
    }
    if (url.pathname === '/api/v2/buckets') {
      if (req.headers.authorization !== 'Token tok2') {
        res.statusCode = 401;
        return res.end(JSON.stringify({ code: 'unauthorized', message: 'unauthorized access' }));
      }
      return res.end(JSON.stringify({ buckets: [{ name: '_monitoring' }, { name: '_tasks' }, { name: 'metrics' }] }));
    }
    res.statusCode = 204;
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  svc = createAppService({
    mode: 'browser',
    version: '9.9.9',
    dataDir: path.join(dir, 'app'),
    profiles: new FileProfileStore(path.join(dir, 'app')),
    endpoint: { status: () => ({ state: 'running', url: base }), token: () => 'local-app-token', databases: async () => [{ db: 'default', rps: ['autogen'] }] },
  });
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

describe('profiles', () => {
  it("lists this app's endpoint first, built in, not editable or deletable", async () => {
    expect(await call('listProfiles', {})).toEqual([
      { id: 'local', name: "This app's endpoint", kind: 'endpoint', url: base, auth: 'token', hasSecret: true, builtin: true, db: 'default', precision: 'ns' },
    ]);
    expect(await failure(call('saveProfile', { id: 'local', name: 'x', url: base, kind: 'endpoint', auth: 'none' }))).toMatchObject({ code: 'invalid' });
    expect(await failure(call('deleteProfile', { id: 'local' }))).toMatchObject({ code: 'invalid' });
    expect(await call('info', {})).toEqual({
      mode: 'browser',
      version: '9.9.9',
      endpoint: { state: 'running', url: base },
      secrets: { protected: false, backend: 'data-dir-file', reason: `browser mode keeps secrets in ${path.join(dir, 'app', 'profiles.json')} (mode 0600): anyone with your user account or root can read them` },
    });
  });

  it('stores a secret only when told it is unprotected, in a 0600 file, and never returns it', async () => {
    const v1 = { id: 'v1', name: 'One', url: base, kind: 'influxdb1', db: 'telegraf', auth: 'basic', username: 'me', secret: 'pw1' };
    expect(await failure(call('saveProfile', v1))).toMatchObject({ code: 'unprotected' });
    expect(await call('saveProfile', { ...v1, allowUnprotected: true })).toEqual({ id: 'v1', name: 'One', url: base, kind: 'influxdb1', db: 'telegraf', auth: 'basic', username: 'me', precision: 'ns', hasSecret: true });
    await call('saveProfile', { id: 'v2', name: 'Two', url: base, kind: 'influxdb2', org: 'o', bucket: 'metrics', auth: 'token', secret: 'tok2', allowUnprotected: true });
    // Saving without a secret keeps the stored one; an empty one removes it.
    expect((await call('saveProfile', { ...v1, name: 'One!', secret: undefined })).hasSecret).toBe(true);
    const file = path.join(dir, 'app', 'profiles.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8')).map((p: { id: string; secret?: string }) => [p.id, p.secret])).toEqual([
      ['v2', 'tok2'],
      ['v1', 'pw1'],
    ]);
    expect(JSON.stringify(await call('listProfiles', {}))).not.toMatch(/pw1|tok2|local-app-token/);
    expect(await failure(call('deleteProfile', { id: 'nope' }))).toMatchObject({ code: 'not-found' });
  });
});

describe('suggestDatabases', () => {
  it('1.x: SHOW DATABASES and each one\'s retention policies, with the profile\'s auth', async () => {
    requests.length = 0;
    expect(await call('suggestDatabases', { profileId: 'v1' })).toEqual({
      databases: [
        { db: 'telegraf', rps: ['autogen', 'weekly'] },
        { db: 'my "db"', rps: ['autogen'] },
      ],
    });
    const basic = `Basic ${Buffer.from('me:pw1').toString('base64')}`;
    expect(requests.map((r) => [new URL(r.url, 'http://x').searchParams.get('q'), r.auth])).toEqual([
      ['SHOW DATABASES', basic],
      ['SHOW RETENTION POLICIES ON "telegraf"', basic],
      ['SHOW RETENTION POLICIES ON "my \\"db\\""', basic],
    ]);
  });

  it('2.x: the buckets of the org, without the system ones', async () => {
    requests.length = 0;
    expect(await call('suggestDatabases', { profileId: 'v2' })).toEqual({ databases: [{ db: 'metrics', rps: [] }] });
    expect(requests).toEqual([{ url: '/api/v2/buckets?limit=100&org=o', auth: 'Token tok2' }]);
  });

  it('the local endpoint: its own list', async () => {
    expect(await call('suggestDatabases', { profileId: 'local' })).toEqual({ databases: [{ db: 'default', rps: ['autogen'] }] });
  });

  it('failures come back as words, never with the secret', async () => {
    await call('saveProfile', { id: 'v2bad', name: 'Bad', url: base, kind: 'influxdb2', org: 'o', bucket: 'b', auth: 'token', secret: 'wrong-token', allowUnprotected: true });
    expect(await call('suggestDatabases', { profileId: 'v2bad' })).toEqual({ databases: [], error: `could not list the databases of ${base}: 401 Unauthorized` });
    await call('saveProfile', { id: 'q', name: 'Q', url: `http://a:b@127.0.0.1:${new URL(base).port}`, kind: 'influxdb1', db: 'x', auth: 'query', username: 'me', secret: 'qsecret', allowUnprotected: true });
    const r = await call('suggestDatabases', { profileId: 'q' });
    expect(r.databases).toEqual([]);
    expect(r.error).toMatch(/^could not list the databases of http:\/\/a:b@127\.0\.0\.1:\d+: Request cannot be constructed from a URL that includes credentials/);
    expect(r.error).not.toContain('qsecret');
  });

  it('gives up after 5 s', async () => {
    await call('saveProfile', { id: 'slow', name: 'Slow', url: `${base}/slow`, kind: 'influxdb1', db: 'x', auth: 'none' });
    const started = Date.now();
    expect(await call('suggestDatabases', { profileId: 'slow' })).toEqual({ databases: [], error: `could not list the databases of ${base}/slow: no answer within 5 s` });
    expect(Date.now() - started).toBeGreaterThanOrEqual(4900);
  }, 15_000);
});

describe('send, history, curl', () => {
  it('records each send, newest first, and copies it as curl', async () => {
    const r = await call('send', { profileId: 'v1', auth: 'query', precision: 'us', body: 'm v=1 1\nm v=2 2\n' });
    expect(r).toMatchObject({ status: 204, url: `${base}/write?db=telegraf&precision=u&u=me&p=***`, errorLines: [] });
    await call('send', { profileId: 'v2', precision: 'ns', body: 'n v=1' });
    const h = await call('listHistory', {});
    expect(h.map((e: { profileId: string; lines: number; url: string }) => [e.profileId, e.lines, e.url])).toEqual([
      ['v2', 1, `${base}/api/v2/write?org=o&bucket=metrics`],
      ['v1', 2, `${base}/write?db=telegraf&precision=u&u=me&p=***`],
    ]);
    expect(JSON.stringify(h)).not.toContain('pw1');
    expect((await call('copyAsCurl', { profileId: 'v1', auth: 'query', precision: 's', body: 'm v=1' })).command).toBe(
      `curl --request POST "${base}/write?db=telegraf&precision=s&u=me&p=INFLUX_PASSWORD_OR_TOKEN" \\\n  --data-binary "m v=1"`,
    );
    expect(await failure(call('send', { profileId: 'gone', precision: 'ns', body: 'x' }))).toMatchObject({ code: 'not-found' });
  });
});

describe('Basic or u/p typed in the composer', () => {
  it("is refused without a username on a token target (never the app's token as a password), and sent as typed with one", async () => {
    const before = requests.length;
    expect(await failure(call('send', { profileId: 'local', auth: 'basic', precision: 'ns', body: 'm v=1' }))).toEqual({
      code: 'invalid',
      message: "Basic authentication needs a username and password: type a v1 user's (Data, v1 users) in the Username and Password fields next to Authentication",
    });
    expect(requests.length).toBe(before);
    const r = await call('send', { profileId: 'local', auth: 'basic', username: 'telegraf', password: 'typed-pw', precision: 'ns', body: 'm v=1' });
    expect(r.status).toBe(204);
    expect(requests.at(-1)!.auth).toBe(`Basic ${Buffer.from('telegraf:typed-pw').toString('base64')}`);
    const q = await call('send', { profileId: 'local', auth: 'query', username: 'telegraf', password: 'typed-pw', precision: 'ns', body: 'm v=1' });
    expect(q.url).toBe(`${base}/write?db=default&u=telegraf&p=***`);
    expect(new URL(requests.at(-1)!.url, base).searchParams.get('p')).toBe('typed-pw');
    expect(JSON.stringify(await call('listHistory', {}))).not.toContain('typed-pw');
  });
});

describe("a saved connection's secret is bound to its URL's origin", () => {
  /** A second server, somewhere else (another port): what reaches it. */
  let elsewhere: Server;
  let other = '';
  const reached: { url: string; auth?: string }[] = [];
  beforeAll(async () => {
    elsewhere = createServer((req, res) => {
      reached.push({ url: req.url!, auth: req.headers.authorization });
      res.statusCode = 204;
      res.end();
    });
    await new Promise<void>((r) => elsewhere.listen(0, '127.0.0.1', () => r()));
    other = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    elsewhere.closeAllConnections();
    await new Promise((r) => elsewhere.close(r));
  });

  const bound = { id: 'bound', name: 'Bound', kind: 'influxdb2', org: 'o', bucket: 'b', auth: 'token' };
  const stored = () => JSON.parse(readFileSync(path.join(dir, 'app', 'profiles.json'), 'utf8')).find((p: { id: string }) => p.id === 'bound');

  it('keeps the secret while the origin stays (another path, a trailing slash)', async () => {
    await call('saveProfile', { ...bound, url: base, secret: 'bound-token', allowUnprotected: true });
    expect((await call('saveProfile', { ...bound, url: `${base}/`, name: 'Bound!' })).hasSecret).toBe(true);
    requests.length = 0;
    expect(await call('send', { profileId: 'bound', precision: 'ns', body: 'm v=1' })).toMatchObject({ status: 204 });
    expect(requests).toEqual([{ url: '/api/v2/write?org=o&bucket=b', auth: 'Token bound-token' }]);
  });

  it('drops it when the URL moves to another port, and never sends it there', async () => {
    const saved = await call('saveProfile', { ...bound, url: other });
    expect(saved).toMatchObject({ id: 'bound', url: other, hasSecret: false });
    expect(stored().secret).toBeUndefined();
    expect((await call('listProfiles', {})).find((p: { id: string }) => p.id === 'bound').hasSecret).toBe(false);
    expect(await call('send', { profileId: 'bound', precision: 'ns', body: 'm v=1' })).toMatchObject({
      status: 0,
      error: expect.stringContaining('this target uses a token but none is stored: edit the connection and set one'),
    });
    expect(reached).toEqual([]);
    // Moving back does not bring it back: it is gone.
    expect((await call('saveProfile', { ...bound, url: base })).hasSecret).toBe(false);
    // Given again with the new URL, it is stored for that origin, and used there.
    expect((await call('saveProfile', { ...bound, url: other, secret: 'bound-token', allowUnprotected: true })).hasSecret).toBe(true);
    expect(await call('send', { profileId: 'bound', precision: 'ns', body: 'm v=1' })).toMatchObject({ status: 204 });
    expect(reached).toEqual([{ url: '/api/v2/write?org=o&bucket=b', auth: 'Token bound-token' }]);
  });

  it('drops it for another scheme or host too (the origin is scheme, host and port)', async () => {
    for (const url of [other.replace('http:', 'https:'), other.replace('127.0.0.1', 'localhost')]) {
      await call('saveProfile', { ...bound, url: other, secret: 'bound-token', allowUnprotected: true });
      expect((await call('saveProfile', { ...bound, url })).hasSecret, url).toBe(false);
    }
  });

  it('the desktop vault drops it the same way', async () => {
    const key = randomBytes(32);
    const kv = new Map<string, unknown>();
    const vault = new CredentialVault(
      {
        isAsyncEncryptionAvailable: async () => true,
        getSelectedStorageBackend: () => 'gnome_libsecret',
        encryptStringAsync: async (plain) => {
          const iv = randomBytes(12);
          const c = createCipheriv('aes-256-gcm', key, iv);
          const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
          return Buffer.concat([iv, c.getAuthTag(), body]);
        },
        decryptStringAsync: async (buf) => {
          const d = createDecipheriv('aes-256-gcm', key, buf.subarray(0, 12));
          d.setAuthTag(buf.subarray(12, 28));
          return { result: Buffer.concat([d.update(buf.subarray(28)), d.final()]).toString('utf8'), shouldReEncrypt: false };
        },
      },
      { get: (k) => kv.get(k), set: (k, v) => void kv.set(k, v) },
    );
    const desk = createAppService({ ...deskDeps(), profiles: vault });
    await call('saveProfile', { ...bound, url: base, secret: 'vault-token' }, desk);
    expect((await call('saveProfile', { ...bound, url: `${base}/x` }, desk)).hasSecret).toBe(true);
    expect(await vault.secret('bound')).toBe('vault-token');
    expect((await call('saveProfile', { ...bound, url: other }, desk)).hasSecret).toBe(false);
    expect(await vault.secret('bound')).toBeUndefined();
  });
});

describe('"Copy as curl": the secret never comes back', () => {
  it('reads the secret from a shell variable, or shows the docs\' placeholder', async () => {
    expect(await call('copyAsCurl', { profileId: 'v2', precision: 'ns', body: 'n v=1', secretAs: 'variable' })).toEqual({
      command: `curl --request POST "${base}/api/v2/write?org=o&bucket=metrics" \\\n  --header "Authorization: Token $INFLUX_TOKEN" \\\n  --header "Content-Type: text/plain; charset=utf-8" \\\n  --header "Accept: application/json" \\\n  --data-binary "n v=1"`,
      variable: 'INFLUX_TOKEN',
    });
    expect((await call('copyAsCurl', { profileId: 'v2', precision: 'ns', body: 'n v=1' })).command).toContain('--header "Authorization: Token INFLUX_API_TOKEN"');
    expect(await call('copyAsCurl', { profileId: 'v1', precision: 's', body: 'm v=1', secretAs: 'variable' })).toEqual({
      command: `curl --request POST "${base}/write?db=telegraf&precision=s" \\\n  --user "me:$INFLUX_PASSWORD" \\\n  --data-binary "m v=1"`,
      variable: 'INFLUX_PASSWORD',
    });
    expect((await call('copyAsCurl', { profileId: 'v1', auth: 'query', precision: 's', body: 'm v=1', secretAs: 'variable' })).command).toBe(
      `curl --request POST "${base}/write?db=telegraf&precision=s&u=me&p=$INFLUX_PASSWORD" \\\n  --data-binary "m v=1"`,
    );
    expect(await call('copyAsCurl', { profileId: 'slow', precision: 'ns', body: 'm v=1', secretAs: 'variable' })).toEqual({
      command: `curl --request POST ${base}/slow/write?db=x \\\n  --data-binary "m v=1"`,
    });
  });

  it('the variable forms run in bash and send the secret set in the shell', async () => {
    requests.length = 0;
    for (const [profileId, auth, env] of [
      ['v2', undefined, { INFLUX_TOKEN: 'tok2' }],
      ['v1', undefined, { INFLUX_PASSWORD: 'pw1' }],
      ['v1', 'query', { INFLUX_PASSWORD: 'pw1' }],
    ] as const) {
      const { command } = await call('copyAsCurl', { profileId, auth, precision: 's', body: 'm v=1', secretAs: 'variable' });
      expect(await runCurl(command, env)).toBe('204');
    }
    expect(requests.map((r) => [new URL(r.url, 'http://x').searchParams.get('p'), r.auth])).toEqual([
      [null, 'Token tok2'],
      [null, `Basic ${Buffer.from('me:pw1').toString('base64')}`],
      ['pw1', undefined],
    ]);
  });

  it('browser mode: the host cannot reach the clipboard, so it never copies the secret, and says so', async () => {
    expect(await failure(call('copyAsCurlWithSecret', { profileId: 'v2', precision: 'ns', body: 'n v=1' }))).toEqual({
      code: 'unavailable',
      message: 'this host cannot reach your clipboard (browser mode), so it never copies a secret: copy the command that reads $INFLUX_TOKEN or $INFLUX_PASSWORD, and set that variable in your shell',
    });
  });

  it('the desktop: the host writes the command with the secret to the clipboard; the answer holds no secret', async () => {
    const clipboard: string[] = [];
    const desk = createAppService({ ...deskDeps(), clipboard: { writeText: (t) => void clipboard.push(t) } });
    expect(await call('copyAsCurlWithSecret', { profileId: 'v2', precision: 'ns', body: 'n v=1' }, desk)).toEqual({ copied: true, withSecret: true });
    expect(await call('copyAsCurlWithSecret', { profileId: 'v1', auth: 'query', precision: 's', body: 'm v=1' }, desk)).toEqual({ copied: true, withSecret: true });
    expect(await call('copyAsCurlWithSecret', { profileId: 'slow', precision: 's', body: 'm v=1' }, desk)).toEqual({ copied: true, withSecret: false });
    expect(await call('copyAsCurlWithSecret', { profileId: 'local', db: 'default', precision: 's', body: 'm v=1' }, desk)).toEqual({ copied: true, withSecret: true });
    expect(clipboard[0]).toContain('--header "Authorization: Token tok2"');
    expect(clipboard[1]).toContain('&u=me&p=pw1"');
    expect(clipboard[3]).toContain('--header "Authorization: Token local-app-token"');
    // What the clipboard holds runs as is.
    requests.length = 0;
    expect(await runCurl(clipboard[0])).toBe('204');
    expect(requests).toEqual([{ url: '/api/v2/write?org=o&bucket=metrics', auth: 'Token tok2' }]);
  });

  it('no answer of any call in this file held a secret', () => {
    expect(answers.length).toBeGreaterThan(40);
    for (const secret of SECRETS) expect(answers.filter((a) => a.includes(secret)), secret).toEqual([]);
  });
});
