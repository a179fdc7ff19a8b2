// /query's own rules on `lpstudio serve` (what the differential test cannot compare, since
// InfluxDB 1.6.7 runs without auth): credentials as on /write, databases and retention policies
// through the DBRP mappings the caller may read, HTTP statuses and error bodies, statements we
// do not run, and /api/v2/query's 501.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, prepareDataDir, startServer, type RunningServer } from '../support/serve.js';

let srv: RunningServer;

beforeAll(async () => {
  const { dataDir, token } = await prepareDataDir([
    ['bucket', 'create', '--name', 'telegraf'],
    ['bucket', 'create', '--name', 'legacy-target'],
    ['v1', 'dbrp', 'create', '--db', 'legacy', '--rp', 'old', '--bucket', 'legacy-target'],
    ['v1', 'auth', 'create', '--username', 'reader', '--password', 'readerpass', '--write-bucket', 'default', '--read-bucket', 'telegraf'],
    ['v1', 'auth', 'create', '--username', 'writer', '--password', 'writerpass', '--write-bucket', 'default'],
  ]);
  srv = await startServer({ dataDir, token });
  for (const [target, body] of [
    ['/write?db=telegraf', 'cpu,host=a usage=1.5 1704067200000000000\ncpu,host=b usage=2.5 1704067210000000000\n'],
    ['/write?db=legacy&rp=old', 'old,k=v x=7i 1704067200000000000\n'],
    ['/write?db=default', 'mine v=1 1704067200000000000\n'],
  ]) {
    const r = await fetch(`${srv.url}${target}`, { method: 'POST', body, headers: { Authorization: `Token ${srv.token}` } });
    expect(r.status, await r.text()).toBe(204);
  }
}, 60_000);

afterAll(cleanup);

interface Res {
  status: number;
  headers: Headers;
  text: string;
}

async function query(params: Record<string, string>, o: { auth?: string | null; method?: string; body?: string; path?: string } = {}): Promise<Res> {
  const headers: Record<string, string> = {};
  const auth = o.auth === undefined ? `Token ${srv.token}` : o.auth;
  if (auth !== null) headers.Authorization = auth;
  if (o.body !== undefined) headers['Content-Type'] = 'application/x-www-form-urlencoded';
  const r = await fetch(`${srv.url}${o.path ?? '/query'}?${new URLSearchParams(params)}`, { method: o.method ?? 'GET', headers, body: o.body });
  return { status: r.status, headers: r.headers, text: await r.text() };
}

const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
const json = (r: Res) => JSON.parse(r.text) as unknown;

describe('/query: who may read what', () => {
  it('SHOW DATABASES lists the mapped databases whose bucket the token may read: explicit mappings, then each bucket', async () => {
    const r = await query({ q: 'SHOW DATABASES' });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/json');
    expect(json(r)).toEqual({ results: [{ statement_id: 0, series: [{ name: 'databases', columns: ['name'], values: [['legacy'], ['default'], ['telegraf'], ['legacy-target']] }] }] });
  });

  it('db and rp resolve through an explicit DBRP mapping, in the parameters and in FROM "db"."rp"."m"', async () => {
    const want = { results: [{ statement_id: 0, series: [{ name: 'old', columns: ['time', 'x'], values: [['2024-01-01T00:00:00Z', 7]] }] }] };
    expect(json(await query({ db: 'legacy', rp: 'old', q: 'SELECT x FROM old' }))).toEqual(want);
    expect(json(await query({ q: 'SELECT x FROM "legacy"."old"."old"' }))).toEqual(want);
    // The bucket's own virtual mapping reaches the same data; a database's only mapping is its default.
    expect(json(await query({ db: 'legacy-target', q: 'SELECT x FROM old' }))).toEqual(want);
    expect(json(await query({ q: 'SHOW RETENTION POLICIES ON "legacy"' }))).toEqual({
      results: [{ statement_id: 0, series: [{ columns: ['name', 'duration', 'shardGroupDuration', 'replicaN', 'default'], values: [['old', '0s', '168h0m0s', 1, true]] }] }],
    });
  });

  it('a v1 user reads the buckets it has read permission on (Basic and u/p), and only those', async () => {
    const want = { results: [{ statement_id: 0, series: [{ name: 'cpu', columns: ['time', 'usage'], values: [['2024-01-01T00:00:00Z', 1.5], ['2024-01-01T00:00:10Z', 2.5]] }] }] };
    expect(json(await query({ db: 'telegraf', q: 'SELECT usage FROM cpu' }, { auth: basic('reader', 'readerpass') }))).toEqual(want);
    expect(json(await query({ db: 'telegraf', q: 'SELECT usage FROM cpu', u: 'reader', p: 'readerpass' }, { auth: null }))).toEqual(want);
    expect(json(await query({ q: 'SHOW DATABASES' }, { auth: basic('reader', 'readerpass') }))).toEqual({
      results: [{ statement_id: 0, series: [{ name: 'databases', columns: ['name'], values: [['telegraf']] }] }],
    });
    // Write permission is not read permission.
    expect(json(await query({ db: 'default', q: 'SELECT v FROM mine' }, { auth: basic('reader', 'readerpass') }))).toEqual({ results: [{ statement_id: 0, error: 'database not found: default' }] });
    expect(json(await query({ q: 'SHOW DATABASES' }, { auth: basic('writer', 'writerpass') }))).toEqual({ results: [{ statement_id: 0, series: [{ name: 'databases', columns: ['name'], values: [] }] }] });
  });

  it('no credentials: 401 unauthorized access; a wrong password: 401 Unauthorized', async () => {
    const none = await query({ db: 'telegraf', q: 'SHOW MEASUREMENTS' }, { auth: null });
    expect({ status: none.status, body: none.text }).toEqual({ status: 401, body: '{"code":"unauthorized","message":"unauthorized access"}' });
    const wrong = await query({ db: 'telegraf', q: 'SHOW MEASUREMENTS' }, { auth: basic('reader', 'nope') });
    expect({ status: wrong.status, body: wrong.text }).toEqual({ status: 401, body: '{"code":"unauthorized","message":"Unauthorized"}' });
  });
});

describe('/query: requests and answers', () => {
  it('POST with the query in a form body, and POST with it in the URL (the influx shell)', async () => {
    const want = { results: [{ statement_id: 0, series: [{ name: 'measurements', columns: ['name'], values: [['cpu']] }] }] };
    expect(json(await query({ db: 'telegraf' }, { method: 'POST', body: new URLSearchParams({ q: 'SHOW MEASUREMENTS' }).toString() }))).toEqual(want);
    expect(json(await query({ db: 'telegraf', q: 'SHOW MEASUREMENTS' }, { method: 'POST' }))).toEqual(want);
  });

  it('a missing q and a parse error: 400 with InfluxDB\'s error body', async () => {
    const missing = await query({ db: 'telegraf' });
    expect({ status: missing.status, body: missing.text }).toEqual({ status: 400, body: '{"error":"missing required parameter \\"q\\""}\n' });
    const bad = await query({ db: 'telegraf', q: 'SELECT FROM cpu' });
    expect({ status: bad.status, body: bad.text }).toEqual({ status: 400, body: '{"error":"error parsing query: found FROM, expected identifier, string, number, bool at line 1, char 8"}\n' });
    expect(bad.headers.get('x-influxdb-error')).toBe('error parsing query: found FROM, expected identifier, string, number, bool at line 1, char 8');
  });

  it('statements it does not run answer a clear error of their own; the others still run', async () => {
    expect(json(await query({ db: 'telegraf', q: 'CREATE DATABASE x; SHOW MEASUREMENTS; SELECT * FROM (SELECT usage FROM cpu); SHOW USERS' }))).toEqual({
      results: [
        { statement_id: 0, error: 'CREATE DATABASE is not supported by Line Protocol Studio' },
        { statement_id: 1, series: [{ name: 'measurements', columns: ['name'], values: [['cpu']] }] },
        { statement_id: 2, error: 'a subquery is not supported by Line Protocol Studio' },
        { statement_id: 3, error: 'SHOW USERS is not supported by Line Protocol Studio' },
      ],
    });
  });

  it('a GROUP BY time() that would fill more than a million windows is refused, not built', async () => {
    expect(json(await query({ db: 'telegraf', q: `SELECT count(usage) FROM cpu WHERE time > '2020-01-01T00:00:00Z' AND time < '2024-01-02T00:00:00Z' GROUP BY time(1s)` }))).toEqual({
      results: [
        {
          statement_id: 0,
          error: 'GROUP BY time() would make 126316800 windows per series, more than 1000000: narrow the time range (an upper bound too, else it runs to now()) or use a larger interval or fill(none)',
        },
      ],
    });
  });

  it('MessagePack when the client asks for it: floats stay floats, times are extension 5', async () => {
    const r = await fetch(`${srv.url}/query?${new URLSearchParams({ db: 'telegraf', q: 'SELECT usage FROM cpu LIMIT 1' })}`, { headers: { Authorization: `Token ${srv.token}`, Accept: 'application/x-msgpack' } });
    expect(r.headers.get('content-type')).toBe('application/x-msgpack');
    const b = Buffer.from(await r.arrayBuffer());
    // float64 1.5 and the time 2024-01-01T00:00:00Z as ext 5 (seconds, nanoseconds).
    expect(b.includes(Buffer.from([0xcb, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0]))).toBe(true);
    expect(b.includes(Buffer.from([0xc7, 12, 5, 0, 0, 0, 0, 0x65, 0x92, 0x00, 0x80, 0, 0, 0, 0]))).toBe(true);
  });

  it('other methods: 405 with Allow', async () => {
    const r = await query({ q: 'SHOW DATABASES' }, { method: 'PUT' });
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe('GET, OPTIONS, POST');
  });

  it('/api/v2/query (Flux): 501 pointing to /query', async () => {
    const r = await query({ org: 'lpstudio' }, { path: '/api/v2/query', method: 'POST', body: 'from(bucket:"telegraf")' });
    expect(r.status).toBe(501);
    expect(JSON.parse(r.text)).toEqual({ code: 'not implemented', message: 'Flux queries are not supported by Line Protocol Studio; send InfluxQL to /query (GET or POST with q, db, rp) instead' });
  });
});
