// The HTTP API of `lpstudio serve` request by request, against InfluxDB OSS 2.x's behaviour
// (../shared/spec/influxdb-write-compat.md §2–§5, §9) plus our deliberate choices: status, exact
// JSON body and headers of every answer, then what was stored, read back through the store.
import { connect } from 'node:net';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bool,
  cleanup,
  float,
  int,
  listTree,
  lpstudio,
  prepareDataDir,
  pt,
  readAll,
  readBack,
  readMeta,
  sorted,
  startServer,
  str,
  type Pt,
  type RunningServer,
} from '../support/serve.js';

const SERVE_ARGS = ['--body-timeout', '1'];
const MAX_BODY = 50 * 1024 * 1024; // the default --max-body
const TOO_LARGE = (limit: number) =>
  `unable to read data: points batch is too large (the limit is ${limit} bytes after decompression; split the write or raise --max-body)`;
const BAD_GZIP = (what: string) => `unable to read data: ${what} (the body is sent with Content-Encoding: gzip but is not valid gzip)`;
const VALID_PRECISIONS = 'ns, n, us, u, µ, μ, µs, μs, ms, s, m, h';

let srv: RunningServer;
let dataDir: string;
let token: string;
let orgId: string;
const bucketIds: Record<string, string> = {};

const SENTINEL = pt('sentinel', { kind: 'keep' }, { v: int(1), s: str('unchanged') }, '1000000000');
const expected: Record<string, Pt[]> = {};
const BUCKETS = ['default', 'telegraf', 'db1/weekly', 'legacy-target', 'shadow', 'shadow-archive', 'readonly', 'other'];
/** Measurements whose points got the server's time (checked separately). */
const SERVER_TIMED = new Set(['nowtrunc']);
const nowWindows: { p: string; unit: bigint; from: bigint; to: bigint }[] = [];

function expectStored(bucket: string, ...points: Pt[]): void {
  (expected[bucket] ??= []).push(...points);
}

beforeAll(async () => {
  ({ dataDir, token } = await prepareDataDir([
    ...BUCKETS.filter((b) => b !== 'default').map((b) => ['bucket', 'create', '--name', b]),
    ['v1', 'auth', 'create', '--username', 'v1user', '--password', 'v1pass', '--write-bucket', 'default'],
    ['v1', 'auth', 'create', '--username', 'reader', '--password', 'readerpass', '--read-bucket', 'readonly'],
    ['v1', 'auth', 'create', '--username', 'otheruser', '--password', 'otherpass', '--write-bucket', 'other'],
    ['v1', 'dbrp', 'create', '--db', 'legacy', '--rp', 'old', '--bucket', 'legacy-target'],
    ['v1', 'dbrp', 'create', '--db', 'shadow', '--rp', 'archive', '--bucket', 'shadow-archive'],
  ]));
  const meta = await readMeta(dataDir);
  orgId = meta.orgs[0].id;
  for (const b of meta.buckets) bucketIds[b.name] = b.id;
  for (const b of BUCKETS) expected[b] = [];
  srv = await startServer({ dataDir, token, args: SERVE_ARGS });
});

afterAll(cleanup);

// ---- requests and assertions ----

interface Res {
  status: number;
  headers: Headers;
  text: string;
}

interface ReqOpts {
  method?: string;
  /** Authorization header; default `Token <operator token>`; null for none. */
  auth?: string | null;
  body?: string | Buffer;
  headers?: Record<string, string>;
}

async function send(target: string, o: ReqOpts = {}): Promise<Res> {
  const headers: Record<string, string> = { ...o.headers };
  const auth = o.auth === undefined ? `Token ${token}` : o.auth;
  if (auth !== null) headers.Authorization = auth;
  const r = await fetch(`${srv.url}${target}`, {
    method: o.method ?? 'POST',
    headers,
    body: asBody(o.body),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: r.status, headers: r.headers, text: await r.text() };
}

const asBody = (b: string | Buffer | undefined) => (b === undefined || typeof b === 'string' ? b : Uint8Array.from(b));

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** JSON as Go's encoding/json writes it. */
function goJson(v: unknown): string {
  return JSON.stringify(v).replace(/[<>&]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

function expectInfluxHeaders(r: { headers: Headers }): void {
  expect(r.headers.get('x-influxdb-build')).toBe('OSS');
  expect(r.headers.get('x-influxdb-version')).toMatch(/^v2\.\d+\.\d+$/);
}

function expect204(r: Res, what = ''): void {
  expect({ status: r.status, body: r.text }, what).toEqual({ status: 204, body: '' });
  expect(r.headers.get('content-type')).toBeNull();
  expectInfluxHeaders(r);
}

function expectError(r: Res, status: number, code: string, message: string, extra: Record<string, unknown> = {}): void {
  expect({ status: r.status, body: r.text }).toEqual({ status, body: goJson({ code, message, ...extra }) });
  expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
  expect(r.headers.get('x-platform-error-code')).toBe(code);
  expect(r.headers.get('www-authenticate')).toBeNull();
  expect(r.headers.get('x-influxdb-error')).toBeNull();
  expectInfluxHeaders(r);
}

/** Stops the server, checks the sentinel and that `measurement` has nothing, starts it again. */
async function expectIntact(measurement = 'rejected'): Promise<void> {
  expect(await srv.stop()).toBe(0);
  expect(await readBack(dataDir, 'default', 'sentinel')).toEqual([SENTINEL]);
  expect(await readBack(dataDir, 'default', measurement)).toEqual([]);
  srv = await startServer({ dataDir, token, args: SERVE_ARGS });
  expect204(await send('/ping', { method: 'GET', auth: null }));
}

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  elapsedMs: number;
}

/**
 * One request over a raw socket: `start` writes what it wants (and may keep writing while
 * `answered()` is false); resolves with the first complete response.
 */
function rawRequest(start: (sock: import('node:net').Socket, answered: () => boolean) => void | Promise<void>, timeoutMs: number): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const sock = connect(srv.port, srv.host);
    let buf = Buffer.alloc(0);
    let done = false;
    const finish = (err: Error | null, res?: RawResponse) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      if (err !== null) reject(err);
      else resolve(res!);
    };
    const timer = setTimeout(() => finish(new Error(`no complete response within ${timeoutMs} ms; got ${JSON.stringify(buf.toString('latin1'))}`)), timeoutMs);
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const lines = buf.subarray(0, end).toString('latin1').split('\r\n');
      const headers: Record<string, string> = {};
      for (const l of lines.slice(1)) headers[l.slice(0, l.indexOf(':')).toLowerCase()] = l.slice(l.indexOf(':') + 1).trim();
      const len = Number(headers['content-length'] ?? 0);
      if (buf.length < end + 4 + len) return;
      finish(null, {
        status: Number(lines[0].split(' ')[1]),
        headers,
        body: buf.subarray(end + 4, end + 4 + len).toString('utf8'),
        elapsedMs: performance.now() - t0,
      });
    });
    sock.on('error', (e) => finish(done ? null : e));
    sock.on('close', () => finish(new Error(`connection closed before a complete response: ${JSON.stringify(buf.toString('latin1'))}`)));
    sock.on('connect', () => {
      Promise.resolve(start(sock, () => done)).catch((e: Error) => finish(e));
    });
  });
}

function expectRawError(r: RawResponse, status: number, code: string, message: string): void {
  expect({ status: r.status, body: r.body }).toEqual({ status, body: goJson({ code, message }) });
  expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(r.headers['x-platform-error-code']).toBe(code);
  expect(r.headers['x-influxdb-build']).toBe('OSS');
  expect(r.headers['x-influxdb-version']).toMatch(/^v2\.\d+\.\d+$/);
}

// ---- tests ----

describe('setup', () => {
  it('writes the sentinel point every later check reads back', async () => {
    expect204(await send('/write?db=default', { body: 'sentinel,kind=keep v=1i,s="unchanged" 1000000000\n' }));
    expectStored('default', SENTINEL);
  });
});

describe('/write status matrix (spec table 2.11, InfluxDB 2.x column, with our choices)', () => {
  it('success → 204, no body, no Content-Type, X-Influxdb-Build/Version', async () => {
    expect204(await send('/write?db=default', { body: 'matrix,case=success v=1 1' }));
    expectStored('default', pt('matrix', { case: 'success' }, { v: float(1) }, 1));
  });

  it('empty body (or only blank and comment lines) → 204', async () => {
    expect204(await send('/write?db=default', { body: '' }));
    expect204(await send('/write?db=default', { body: '\n\n# a comment\n   \n\t\n' }));
  });

  it('no credentials → 401 unauthorized access', async () => {
    expectError(await send('/write?db=default', { auth: null, body: 'rejected v=1 1' }), 401, 'unauthorized', 'unauthorized access');
  });

  it('bad credentials → 401 Unauthorized (unknown token, wrong v1 password)', async () => {
    expectError(await send('/write?db=default', { auth: 'Token not-a-token-0123456789', body: 'rejected v=1 1' }), 401, 'unauthorized', 'Unauthorized');
    expectError(await send('/write?db=default', { auth: basic('v1user', 'wrong'), body: 'rejected v=1 1' }), 401, 'unauthorized', 'Unauthorized');
    expectError(await send('/write?db=default&u=v1user&p=wrong', { auth: null, body: 'rejected v=1 1' }), 401, 'unauthorized', 'Unauthorized');
  });

  it('missing db → 400 missing db (after authentication)', async () => {
    expectError(await send('/write', { body: 'rejected v=1 1' }), 400, 'invalid', 'missing db');
    expectError(await send('/write?db=', { body: 'rejected v=1 1' }), 400, 'invalid', 'missing db');
    expectError(await send('/write?rp=autogen', { auth: null, body: 'rejected v=1 1' }), 401, 'unauthorized', 'unauthorized access');
  });

  it('invalid precision → 400 naming the valid values (ours; 2.x silently uses ns)', async () => {
    expectError(await send('/write?db=default&precision=x', { body: 'rejected v=1 1' }), 400, 'invalid', `invalid precision "x"; valid precision units are ${VALID_PRECISIONS}`);
    expectError(await send('/write?db=default&precision=MS', { body: 'rejected v=1 1' }), 400, 'invalid', `invalid precision "MS"; valid precision units are ${VALID_PRECISIONS}`);
  });

  it('unknown db → 404 no dbrp mapping found', async () => {
    expectError(await send('/write?db=nosuchdb', { body: 'rejected v=1 1' }), 404, 'not found', 'no dbrp mapping found');
  });

  it('unknown rp → 404 no dbrp mapping found', async () => {
    expectError(await send('/write?db=default&rp=nosuchrp', { body: 'rejected v=1 1' }), 404, 'not found', 'no dbrp mapping found');
  });

  it('no write permission → 403 insufficient permissions for write; a bucket the credentials cannot see → 404', async () => {
    expectError(await send('/write?db=readonly', { auth: basic('reader', 'readerpass'), body: 'rejected v=1 1' }), 403, 'forbidden', 'insufficient permissions for write');
    expectError(await send('/write?db=readonly', { auth: basic('otheruser', 'otherpass'), body: 'rejected v=1 1' }), 404, 'not found', 'no dbrp mapping found');
    expectError(await send('/write?db=other&u=v1user&p=v1pass', { auth: null, body: 'rejected v=1 1' }), 404, 'not found', 'no dbrp mapping found');
  });

  it('all lines invalid → 400 with the joined messages and the first bad line number', async () => {
    expectError(
      await send('/write?db=default', { body: 'rejected\nrejected v=\nrejected v=1 1 x\n' }),
      400,
      'invalid',
      "unable to parse 'rejected': missing fields\nunable to parse 'rejected v=': missing field value\nunable to parse 'rejected v=1 1 x': point is invalid",
      { line: 1 },
    );
  });

  it('some lines invalid → 400, line = first bad line, nothing written', async () => {
    expectError(
      await send('/write?db=default', { body: 'rejected v=1 1\nrejected v=2 2\nbad line\nrejected v=3 3\nrejected v= 4\n' }),
      400,
      'invalid',
      "unable to parse 'bad line': invalid field format\nunable to parse 'rejected v= 4': missing field value",
      { line: 3 },
    );
  });

  it('more than 100 bad lines → the first 100 messages', async () => {
    const lines = Array.from({ length: 150 }, (_, i) => `rejected x${i}`);
    const r = await send('/write?db=default', { body: 'rejected v=1 1\n' + lines.join('\n') });
    const shown = lines.slice(0, 100).map((l) => `unable to parse '${l}': invalid field format`);
    expectError(r, 400, 'invalid', `${shown.join('\n')}\n(50 more lines with errors not shown)`, { line: 2 });
  });

  it('field type conflict → 422 with InfluxDB 2.x text, the other points written', async () => {
    expect204(await send('/write?db=default', { body: 'conflict v=1 1' }));
    expectError(
      await send('/write?db=default', { body: 'conflict v=2i 2' }),
      422,
      'unprocessable entity',
      'failure writing points to database: partial write: field type conflict: input field "v" on measurement "conflict" is type integer, already exists as type float dropped=1',
    );
    expectError(
      await send('/write?db=default', { body: 'conflict v=3i 3\nconflict v=4 4\nconflict w="s" 5\n' }),
      422,
      'unprocessable entity',
      'failure writing points to database: partial write: field type conflict: input field "v" on measurement "conflict" is type integer, already exists as type float dropped=1',
    );
    expectStored('default', pt('conflict', {}, { v: float(1) }, 1), pt('conflict', {}, { v: float(4) }, 4), pt('conflict', {}, { w: str('s') }, 5));
  });

  it('string over 1 MiB → 422 partial write, the other points written; exactly 1 MiB is fine', async () => {
    const long = 'a'.repeat(1048577);
    expectError(
      await send('/write?db=default', { body: `big s="${long}" 1\nbig n=1i 2\n` }),
      422,
      'unprocessable entity',
      'failure writing points to database: partial write: input field "s" on measurement "big" is too long, 1048577 > 1048576 dropped=1',
    );
    expect204(await send('/write?db=default', { body: `big s="${long.slice(1)}" 3\n` }));
    expectStored('default', pt('big', {}, { n: int(1) }, 2), pt('big', {}, { s: str(long.slice(1)) }, 3));
  });

  it('wrong method without credentials → 401 unauthorized access (authentication comes first)', async () => {
    expectError(await send('/write?db=default', { method: 'GET', auth: null }), 401, 'unauthorized', 'unauthorized access');
  });

  it('wrong method after authentication → 405 allow: OPTIONS, POST', async () => {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const r = await send('/write?db=default', { method });
      expectError(r, 405, 'method not allowed', 'allow: OPTIONS, POST');
      expect(r.headers.get('allow')).toBe('OPTIONS, POST');
    }
  });
});

describe('/write credentials (spec §2.4.2)', () => {
  let n = 0;
  const ok = async (form: string, target: string, auth: string | null) => {
    n++;
    expect204(await send(target, { auth, body: `authform,form=${form} v=${n}i ${n}` }), form);
    expectStored('default', pt('authform', { form }, { v: int(n) }, n));
  };

  it('Token T', () => ok('token', '/write?db=default', `Token ${token}`));
  it('Token user:T (the username is ignored)', () => ok('token-user', '/write?db=default', `Token someone:${token}`));
  it('Basic with a v1 username and password', () => ok('basic-v1', '/write?db=default', basic('v1user', 'v1pass')));
  it('Basic with any username and a token as password', () => ok('basic-token', '/write?db=default', basic('anyone', token)));
  it('Basic with an empty username and a token as password', () => ok('basic-empty-user', '/write?db=default', basic('', token)));
  it('u/p query with a v1 username and password', () => ok('query-v1', '/write?db=default&u=v1user&p=v1pass', null));
  it('u/p query with a token as p', () => ok('query-token', `/write?db=default&u=anyone&p=${encodeURIComponent(token)}`, null));

  it('refused forms', async () => {
    const refused: [string, string | null, string][] = [
      ['/write?db=default', `Bearer ${token}`, 'unauthorized access'],
      ['/write?db=default', `token ${token}`, 'unauthorized access'],
      ['/write?db=default', `Token  ${token}`, 'unauthorized access'],
      ['/write?db=default', 'Token ', 'unauthorized access'],
      [`/write?db=default&p=${encodeURIComponent(token)}`, null, 'unauthorized access'],
      ['/write?db=default&u=v1user', null, 'unauthorized access'],
      // A v1 authorization with that username exists, so the secret must be its password.
      ['/write?db=default', basic('v1user', token), 'Unauthorized'],
      // The u/p query comes first, even with a valid Authorization header.
      ['/write?db=default&u=v1user&p=wrong', `Token ${token}`, 'Unauthorized'],
      // `Token` takes API tokens only: a v1 password is not one.
      ['/write?db=default', 'Token v1user:v1pass', 'Unauthorized'],
    ];
    for (const [target, auth, message] of refused) {
      const r = await send(target, { auth, body: 'rejected v=1 1' });
      expect({ target, auth, status: r.status, body: r.text }).toEqual({ target, auth, status: 401, body: goJson({ code: 'unauthorized', message }) });
      expect(r.headers.get('x-platform-error-code')).toBe('unauthorized');
    }
  });
});

describe('DBRP mappings (spec §2.5.2)', () => {
  let n = 0;
  const ok = async (target: string, bucket: string) => {
    n++;
    expect204(await send(target, { body: `dbrp,target=${n} v=1 ${n}` }), target);
    expectStored(bucket, pt('dbrp', { target: String(n) }, { v: float(1) }, n));
  };
  const missing = async (target: string) => expectError(await send(target, { body: 'rejected v=1 1' }), 404, 'not found', 'no dbrp mapping found');

  it('bucket "telegraf" answers db=telegraf (default) and rp=autogen, nothing else', async () => {
    await ok('/write?db=telegraf', 'telegraf');
    await ok('/write?db=telegraf&rp=autogen', 'telegraf');
    await missing('/write?db=telegraf&rp=weekly');
  });

  it('bucket "db1/weekly" answers only db=db1&rp=weekly', async () => {
    await ok('/write?db=db1&rp=weekly', 'db1/weekly');
    await missing('/write?db=db1');
    await missing('/write?db=db1&rp=autogen');
    await missing(`/write?db=${encodeURIComponent('db1/weekly')}`);
  });

  it('a physical mapping (the first for its db is the default)', async () => {
    await ok('/write?db=legacy', 'legacy-target');
    await ok('/write?db=legacy&rp=old', 'legacy-target');
    await missing('/write?db=legacy&rp=autogen');
  });

  it('a physical default takes the default from the virtual mapping of bucket "shadow"', async () => {
    await ok('/write?db=shadow', 'shadow-archive');
    await ok('/write?db=shadow&rp=archive', 'shadow-archive');
    await ok('/write?db=shadow&rp=autogen', 'shadow');
  });
});

describe('management while the server runs', () => {
  it('a bucket created with "lpstudio bucket create" becomes writable within ~1 s, never a 500 meanwhile', async () => {
    expected.late = [];
    await lpstudio('bucket', 'create', '--name', 'late', '--data', dataDir);
    const t0 = performance.now();
    const answers: string[] = [];
    let last: Res | undefined;
    // Until the first 204 (bounded): 404 before the server knows the bucket, then 204.
    while (performance.now() - t0 < 5000) {
      last = await send('/write?db=late', { body: 'late v=1 1' });
      answers.push(`${last.status} ${last.text}`);
      if (last.status === 204) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    if (last?.status === 204) expectStored('late', pt('late', {}, { v: float(1) }, 1));
    expect(last!.status, answers.join('\n')).toBe(204);
    expect(performance.now() - t0).toBeLessThan(2500);
    expect(answers.filter((a) => !a.startsWith('404 ') && !a.startsWith('204 ')), `server stderr: ${srv.stderr()}`).toEqual([]);
  });

  it('a v1 authorization created while running works at once', async () => {
    await lpstudio('v1', 'auth', 'create', '--username', 'lateuser', '--password', 'latepass', '--write-bucket', 'late', '--data', dataDir);
    expect204(await send('/write?db=late', { auth: basic('lateuser', 'latepass'), body: 'late v=2 2' }));
    expectStored('late', pt('late', {}, { v: float(2) }, 2));
  });
});

describe('/api/v2/write (spec §3.1)', () => {
  let n = 0;
  const ok = async (target: string, bucket: string, auth?: string) => {
    n++;
    expect204(await send(target, { auth, body: `v2,n=${n} v=${n}i ${n}` }), target);
    expectStored(bucket, pt('v2', { n: String(n) }, { v: int(n) }, n));
  };
  const err = async (target: string, status: number, code: string, message: string, auth?: string | null) =>
    expectError(await send(target, { auth, body: 'rejected v=1 1' }), status, code, message);

  it('Token and Bearer, scheme case-insensitive', async () => {
    await ok('/api/v2/write?org=lpstudio&bucket=telegraf', 'telegraf', `Token ${token}`);
    await ok('/api/v2/write?org=lpstudio&bucket=telegraf', 'telegraf', `Bearer ${token}`);
    await ok('/api/v2/write?org=lpstudio&bucket=telegraf', 'telegraf', `token ${token}`);
    await ok('/api/v2/write?org=lpstudio&bucket=telegraf', 'telegraf', `BEARER ${token}`);
  });

  const v2Refused: [string, string, () => string | null][] = [
    ['no credentials', '/api/v2/write?org=lpstudio&bucket=telegraf', () => null],
    ['Basic with a v1 password', '/api/v2/write?org=lpstudio&bucket=telegraf', () => basic('v1user', 'v1pass')],
    ['Basic with a token', '/api/v2/write?org=lpstudio&bucket=telegraf', () => basic('anyone', token)],
    ['u/p query with a token', '/api/v2/write?org=lpstudio&bucket=telegraf&u=anyone&p=TOKEN', () => null],
    ['an unknown token', '/api/v2/write?org=lpstudio&bucket=telegraf', () => 'Token not-a-token-0123456789'],
  ];
  for (const [name, target, auth] of v2Refused) {
    it(`${name} → 401 unauthorized access`, async () => {
      await err(target.replace('TOKEN', encodeURIComponent(token)), 401, 'unauthorized', 'unauthorized access', auth());
    });
  }

  const v2Errors: [string, number, string, string][] = [
    ['/api/v2/write?org=lpstudio', 404, 'not found', 'bucket not found'],
    ['/api/v2/write?org=lpstudio&bucket=', 404, 'not found', 'bucket not found'],
    ['/api/v2/write?bucket=telegraf', 400, 'invalid', 'Please provide either orgID or org'],
    ['/api/v2/write?orgID=abc&bucket=telegraf', 400, 'invalid', 'id must have a length of 16 bytes'],
    ['/api/v2/write?orgID=zzzzzzzzzzzzzzzz&bucket=telegraf', 400, 'invalid', 'invalid ID'],
    ['/api/v2/write?org=nope&bucket=telegraf', 404, 'not found', 'organization name "nope" not found'],
    ['/api/v2/write?orgID=UNKNOWN_ORG_ID&bucket=telegraf', 404, 'not found', 'organization not found'],
    ['/api/v2/write?org=lpstudio&bucket=nope', 404, 'not found', 'bucket "nope" not found'],
  ];
  for (const [target, status, code, message] of v2Errors) {
    it(`${target} → ${status} ${message}`, async () => {
      const unknownId = orgId === '0123456789abcdef' ? '0123456789abcdee' : '0123456789abcdef';
      await err(target.replace('UNKNOWN_ORG_ID', unknownId), status, code, message);
    });
  }

  it('org by ID, orgID over org, bucket by ID, a bucket name with a slash', async () => {
    await ok(`/api/v2/write?org=${orgId}&bucket=telegraf`, 'telegraf');
    await ok(`/api/v2/write?org=nope&orgID=${orgId}&bucket=telegraf`, 'telegraf');
    await ok(`/api/v2/write?org=lpstudio&bucket=${bucketIds.shadow}`, 'shadow');
    await ok(`/api/v2/write?org=lpstudio&bucket=${encodeURIComponent('db1/weekly')}`, 'db1/weekly');
  });

  it('precision ns, us, ms, s honoured', async () => {
    const units: [string, string][] = [
      ['ns', '7'],
      ['us', '7000'],
      ['ms', '7000000'],
      ['s', '7000000000'],
    ];
    for (const [p, t] of units) {
      expect204(await send(`/api/v2/write?org=lpstudio&bucket=telegraf&precision=${p}`, { body: `v2prec,p=${p} v=1 7` }));
      expectStored('telegraf', pt('v2prec', { p }, { v: float(1) }, t));
    }
  });

  it('precision=x → 400 with InfluxDB 2.x text', async () => {
    await err('/api/v2/write?org=lpstudio&bucket=telegraf&precision=x', 400, 'invalid', 'invalid precision; valid precision units are ns, us, ms, and s');
  });

  it('a bad line → 400 with its line number, nothing written; a type conflict → 422', async () => {
    expectError(
      await send('/api/v2/write?org=lpstudio&bucket=telegraf', { body: 'rejected v=1 1\r\nrejected v=1 1 2\n' }),
      400,
      'invalid',
      "unable to parse 'rejected v=1 1 2': point is invalid",
      { line: 2 },
    );
    expectError(
      await send('/api/v2/write?org=lpstudio&bucket=telegraf', { body: 'v2,n=1 v=1.5 100' }),
      422,
      'unprocessable entity',
      'failure writing points to database: partial write: field type conflict: input field "v" on measurement "v2" is type float, already exists as type integer dropped=1',
    );
  });
});

describe('/ping and /health (spec §4.2)', () => {
  it('GET and HEAD /ping → 204 without credentials', async () => {
    expect204(await send('/ping', { method: 'GET', auth: null }));
    expect204(await send('/ping', { method: 'HEAD', auth: null }));
    expect204(await send('/ping?verbose=true', { method: 'GET', auth: 'Token nonsense' }));
  });

  it('GET /health → 200 with InfluxDB 2.x body', async () => {
    const r = await send('/health', { method: 'GET', auth: null });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expectInfluxHeaders(r);
    const version = r.headers.get('x-influxdb-version');
    expect(r.text).toMatch(
      new RegExp(
        `^\\{"name":"influxdb", "message":"ready for queries and writes", "status":"pass", "checks":\\[\\], "version": "${version!.replace(/\./g, '\\.')}", "commit": "[^"]+"\\}\\n$`,
      ),
    );
  });
});

describe('CRLF, precision, default time (our choices)', () => {
  it('CRLF line endings are accepted, values keep no \\r', async () => {
    expect204(await send('/write?db=default', { body: 'crlf,t=a v=1 1\r\ncrlf,t=b s="x" 2\r\ncrlf,t=c b=true 3\r\ncrlf,t=d i=4i 4\r\ncrlf,t=e v=2.5\r\n' }));
    // t=e has no timestamp: it is checked with the other server-timed points.
    expectStored(
      'default',
      pt('crlf', { t: 'a' }, { v: float(1) }, 1),
      pt('crlf', { t: 'b' }, { s: str('x') }, 2),
      pt('crlf', { t: 'c' }, { b: bool(true) }, 3),
      pt('crlf', { t: 'd' }, { i: int(4) }, 4),
    );
  });

  it('precision n/ns, u/µ/us, ms, s, m, h are real units on /write', async () => {
    const units: [string, string, string][] = [
      ['ns', 'ns', '5'],
      ['n', 'n', '5'],
      ['u', 'u', '5000'],
      ['%C2%B5', 'micro', '5000'],
      ['us', 'us', '5000'],
      ['ms', 'ms', '5000000'],
      ['s', 's', '5000000000'],
      ['m', 'm', '300000000000'],
      ['h', 'h', '18000000000000'],
    ];
    for (const [q, tag, t] of units) {
      expect204(await send(`/write?db=default&precision=${q}`, { body: `prec,p=${tag} v=1 5` }), q);
      expectStored('default', pt('prec', { p: tag }, { v: float(1) }, t));
    }
  });

  it('lines without a timestamp get the server time truncated to the precision', async () => {
    const units: [string, bigint][] = [
      ['u', 1_000n],
      ['ms', 1_000_000n],
      ['s', 1_000_000_000n],
      ['m', 60_000_000_000n],
      ['h', 3_600_000_000_000n],
    ];
    for (const [p, ns] of units) {
      const before = BigInt(Date.now()) * 1_000_000n;
      expect204(await send(`/write?db=telegraf&precision=${p}`, { body: `nowtrunc,p=${p} v=1` }));
      nowWindows.push({ p, unit: ns, from: (before / ns) * ns, to: BigInt(Date.now() + 1) * 1_000_000n });
    }
  });
});

describe('bad input leaves stored data intact', () => {
  const body = 'rejected,src=gzip v=1 1\n'.repeat(200);

  it('gzip and x-gzip bodies are read (control)', async () => {
    expect204(await send('/write?db=default', { body: gzipSync('gz,enc=gzip v=1 1\n'), headers: { 'Content-Encoding': 'gzip' } }));
    expect204(await send('/write?db=default', { body: gzipSync('gz,enc=x-gzip v=1 1\n'), headers: { 'Content-Encoding': 'x-gzip' } }));
    expectStored('default', pt('gz', { enc: 'gzip' }, { v: float(1) }, 1), pt('gz', { enc: 'x-gzip' }, { v: float(1) }, 1));
  });

  it('truncated gzip → 400', async () => {
    const gz = gzipSync(body);
    expectError(await send('/write?db=default', { body: gz.subarray(0, gz.length - 12), headers: { 'Content-Encoding': 'gzip' } }), 400, 'invalid', BAD_GZIP('unexpected EOF'));
    await expectIntact();
  });

  it('a body that is not gzip at all → 400', async () => {
    expectError(await send('/write?db=default', { body, headers: { 'Content-Encoding': 'gzip' } }), 400, 'invalid', BAD_GZIP('gzip: invalid header'));
    await expectIntact();
  });

  it('gzip with a bad checksum → 400', async () => {
    const gz = Buffer.from(gzipSync(body));
    gz[gz.length - 8] ^= 0xff; // CRC-32 in the trailer
    expectError(await send('/write?db=default', { body: gz, headers: { 'Content-Encoding': 'gzip' } }), 400, 'invalid', BAD_GZIP('gzip: invalid checksum'));
    await expectIntact();
  });

  it('a 2 GB Content-Length → 413 at once, without reading the body', async () => {
    const r = await rawRequest((sock) => {
      sock.write(`POST /write?db=default HTTP/1.1\r\nHost: x\r\nAuthorization: Token ${token}\r\nContent-Length: 2147483648\r\n\r\nrejected v=1 1\n`);
    }, 5000);
    expectRawError(r, 413, 'request too large', TOO_LARGE(MAX_BODY));
    expect(r.elapsedMs).toBeLessThan(2000);
    await expectIntact();
  });

  it('a chunked body over the limit → 413 once the limit is passed', async () => {
    const chunk = Buffer.from('rejected v=1 1\n'.repeat(69906)); // ~1 MiB
    let sent = 0;
    const r = await rawRequest(async (sock, answered) => {
      sock.write(`POST /write?db=default HTTP/1.1\r\nHost: x\r\nAuthorization: Token ${token}\r\nTransfer-Encoding: chunked\r\n\r\n`);
      while (!answered() && sent < MAX_BODY * 2) {
        sock.write(`${chunk.length.toString(16)}\r\n`);
        sock.write(chunk);
        const more = sock.write('\r\n');
        sent += chunk.length;
        if (!more) await new Promise((res) => sock.once('drain', res));
      }
    }, 20_000);
    expectRawError(r, 413, 'request too large', TOO_LARGE(MAX_BODY));
    expect(sent).toBeGreaterThan(MAX_BODY - 2 * chunk.length);
    await expectIntact();
  });

  it('gzip that decompresses past the limit → 413', async () => {
    const bomb = gzipSync(Buffer.alloc(MAX_BODY + 1, 'rejected v=1 1\n'));
    expect(bomb.length).toBeLessThan(1024 * 1024);
    expectError(await send('/write?db=default', { body: bomb, headers: { 'Content-Encoding': 'gzip' } }), 413, 'request too large', TOO_LARGE(MAX_BODY));
    await expectIntact();
  });

  it('a body that stalls → 408 after --body-timeout', async () => {
    const r = await rawRequest((sock) => {
      sock.write(`POST /write?db=default HTTP/1.1\r\nHost: x\r\nAuthorization: Token ${token}\r\nContent-Length: 100\r\n\r\nrejected v=1 1`);
    }, 8000);
    expectRawError(r, 408, 'request timeout', 'request body stalled: no data for 1 s');
    expect(r.elapsedMs).toBeGreaterThan(900);
    expect(r.elapsedMs).toBeLessThan(4000);
    await expectIntact();
  });

  it('bucket names like ../../x → 404, nothing created outside the data dir', async () => {
    const root = path.dirname(dataDir);
    const outside = () => listTree(root).filter((p) => !p.startsWith(`${path.basename(dataDir)}/`));
    const bucketDirs = () => listTree(dataDir).filter((p) => /^buckets\/[^/]+\/$/.test(p));
    const before = { outside: outside(), buckets: bucketDirs() };
    const names = ['../../x', '../x', '..', '/x', '../../../../../../../../tmp/x', 'x/../../..'];
    for (const name of names) {
      const e = encodeURIComponent(name);
      expectError(await send(`/write?db=${e}`, { body: 'rejected v=1 1' }), 404, 'not found', 'no dbrp mapping found');
      expectError(await send(`/write?db=${e}&rp=${e}`, { body: 'rejected v=1 1' }), 404, 'not found', 'no dbrp mapping found');
      expectError(await send(`/write?db=db1&rp=${e}`, { body: 'rejected v=1 1' }), 404, 'not found', 'no dbrp mapping found');
      expectError(await send(`/api/v2/write?org=lpstudio&bucket=${e}`, { body: 'rejected v=1 1' }), 404, 'not found', `bucket ${JSON.stringify(name)} not found`);
      expectError(await send(`/api/v2/write?org=${e}&bucket=default`, { body: 'rejected v=1 1' }), 404, 'not found', `organization name ${JSON.stringify(name)} not found`);
    }
    expectError(await send('/write?db=../../x', { body: 'rejected v=1 1' }), 404, 'not found', 'no dbrp mapping found');
    expect({ outside: outside(), buckets: bucketDirs() }).toEqual(before);
    expect(listTree(root).filter((p) => /(^|\/)x\/?$/.test(p))).toEqual([]);
    await expectIntact();
  });
});

describe('--max-body', () => {
  it('applies to the decompressed size', async () => {
    const small = await startServer({ args: ['--max-body', '64'] });
    const post = (body: string | Buffer, gzip = false) =>
      fetch(`${small.url}/write?db=default`, {
        method: 'POST',
        headers: { Authorization: `Token ${small.token}`, ...(gzip ? { 'Content-Encoding': 'gzip' } : {}) },
        body: asBody(body),
        signal: AbortSignal.timeout(10_000),
      }).then(async (r) => ({ status: r.status, headers: r.headers, text: await r.text() }));
    const exact = `small,t=${'a'.repeat(64 - 'small,t= v=1 1\n'.length)} v=1 1\n`;
    expect(Buffer.byteLength(exact)).toBe(64);
    expect204(await post(exact));
    expectError(await post(exact.replace('v=1', 'v=12')), 413, 'request too large', TOO_LARGE(64));
    const bigGz = gzipSync('rejected v=1 1\n'.repeat(20));
    expect(bigGz.length).toBeLessThan(64);
    expectError(await post(bigGz, true), 413, 'request too large', TOO_LARGE(64));
    expect204(await post(gzipSync('small,t=gz v=2 2\n'), true));
    expect(await small.stop()).toBe(0);
    expect(sorted(await readBack(small.dataDir, 'default', 'small'))).toEqual(
      sorted([pt('small', { t: 'a'.repeat(64 - 'small,t= v=1 1\n'.length) }, { v: float(1) }, 1), pt('small', { t: 'gz' }, { v: float(2) }, 2)]),
    );
    expect(await readBack(small.dataDir, 'default', 'rejected')).toEqual([]);
  });
});

describe('what was stored', () => {
  let stored: Record<string, Pt[]>;

  it('every bucket holds exactly the acknowledged points, nothing from refused requests', async () => {
    expect(await srv.stop()).toBe(0);
    stored = await readAll(dataDir);
    const got: Record<string, Pt[]> = {};
    for (const [b, pts] of Object.entries(stored)) {
      got[b] = sorted(pts.filter((p) => !SERVER_TIMED.has(p.measurement) && !(p.measurement === 'crlf' && p.tags.t === 'e')));
    }
    const want: Record<string, Pt[]> = {};
    for (const [b, pts] of Object.entries(expected)) want[b] = sorted(pts);
    expect(got).toEqual(want);
  });

  it('points without a timestamp got the server time, truncated to the precision', () => {
    const crlfE = stored.default.filter((p) => p.measurement === 'crlf' && p.tags.t === 'e');
    expect(crlfE.map((p) => p.fields)).toEqual([{ v: float(2.5) }]);
    const got = stored.telegraf.filter((p) => p.measurement === 'nowtrunc');
    expect(got.map((p) => p.tags.p).sort()).toEqual(nowWindows.map((w) => w.p).sort());
    for (const w of nowWindows) {
      const t = BigInt(got.find((p) => p.tags.p === w.p)!.time);
      expect(t % w.unit, `precision ${w.p}: ${t}`).toBe(0n);
      expect(t >= w.from && t <= w.to, `precision ${w.p}: ${t} not in [${w.from}, ${w.to}]`).toBe(true);
    }
  });
});
