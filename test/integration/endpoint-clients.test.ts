// Real InfluxDB client libraries write to `lpstudio serve` and the data is stored exactly:
// node-influx (1.x API, /write), @influxdata/influxdb-client (/api/v2/write, gzipped) and the
// Debian python3-influxdb client (1.x API).
import { execFile } from 'node:child_process';
import { createServer, connect, type Server, type Socket } from 'node:net';
import path from 'node:path';
import { HttpError, InfluxDB, Point, setLogger } from '@influxdata/influxdb-client';
import { FieldType, InfluxDB as InfluxV1 } from 'influx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/shared.js';
import { bool, cleanup, float, int, prepareDataDir, pt, readAll, sorted, startServer, str, uint, type Pt, type RunningServer } from '../support/serve.js';

const PYTHON = '/usr/bin/python3';
const PY_SCRIPT = path.join(repoRoot, 'test/integration/fixtures/python_influxdb_write.py');

let srv: RunningServer;
const expected: Record<string, Pt[]> = { default: [], nodedb: [], v2bucket: [], pydb: [] };
/** Points written without a timestamp: checked against the time window of the write. */
const serverTimed: { bucket: string; measurement: string; from: bigint; to: bigint }[] = [];
let stored: Record<string, Pt[]> | undefined;

beforeAll(async () => {
  const { dataDir, token } = await prepareDataDir([
    ['bucket', 'create', '--name', 'nodedb'],
    ['bucket', 'create', '--name', 'v2bucket'],
    ['bucket', 'create', '--name', 'pydb'],
    ['v1', 'auth', 'create', '--username', 'node-user', '--password', 'node-pass', '--write-bucket', 'nodedb'],
    ['v1', 'auth', 'create', '--username', 'py-user', '--password', 'py-pass', '--write-bucket', 'pydb'],
  ]);
  srv = await startServer({ dataDir, token });
});

afterAll(async () => {
  proxy?.close();
  await cleanup();
});

// The v2 client logs every failed write; the failures below are expected and asserted.
const clientErrors: string[] = [];
setLogger({ error: (m) => clientErrors.push(m), warn: (m) => clientErrors.push(m) });

const nowNs = () => BigInt(Date.now()) * 1_000_000n;

describe('node-influx (InfluxDB 1.x client) → /write', () => {
  const client = () =>
    new InfluxV1({
      host: srv.host,
      port: srv.port,
      database: 'nodedb',
      username: 'node-user',
      password: 'node-pass',
      schema: [{ measurement: 'typed', tags: ['host'], fields: { i: FieldType.INTEGER, f: FieldType.FLOAT, s: FieldType.STRING, b: FieldType.BOOLEAN } }],
    });

  it('writePoints with precision ms', async () => {
    await client().writePoints(
      [
        { measurement: 'typed', tags: { host: 'box 1' }, fields: { i: 42, f: 1.5, s: 'x "y" \\ z', b: true }, timestamp: new Date(1577836800123) },
        { measurement: 'typed', tags: { host: 'box,2' }, fields: { i: -7, b: false }, timestamp: 1577836800124 },
      ],
      { precision: 'ms' },
    );
    expected.nodedb.push(
      pt('typed', { host: 'box 1' }, { i: int(42), f: float(1.5), s: str('x "y" \\ z'), b: bool(true) }, '1577836800123000000'),
      pt('typed', { host: 'box,2' }, { i: int(-7), b: bool(false) }, '1577836800124000000'),
    );
  });

  it('writePoints with the default precision (n), with and without a timestamp', async () => {
    const from = nowNs();
    await client().writePoints([
      { measurement: 'untyped', tags: { host: 'a' }, fields: { f: 2, t: 'text', ok: true }, timestamp: '1577836800123456789' },
      { measurement: 'untyped', tags: { host: 'b' }, fields: { f: 0.25 }, timestamp: new Date(1577836800001) },
      { measurement: 'servertime', tags: { host: 'c' }, fields: { f: 3 } },
    ]);
    serverTimed.push({ bucket: 'nodedb', measurement: 'servertime', from, to: nowNs() });
    expected.nodedb.push(
      pt('untyped', { host: 'a' }, { f: float(2), t: str('text'), ok: bool(true) }, '1577836800123456789'),
      pt('untyped', { host: 'b' }, { f: float(0.25) }, '1577836800001000000'),
    );
  });

  it('a wrong password is refused with 401 Unauthorized', async () => {
    const bad = new InfluxV1({ host: srv.host, port: srv.port, database: 'nodedb', username: 'node-user', password: 'wrong' });
    await expect(bad.writePoints([{ measurement: 'nope', fields: { f: 1 }, timestamp: 1 }])).rejects.toThrow(
      'A 401 Unauthorized error occurred: {"code":"unauthorized","message":"Unauthorized"}',
    );
  });
});

// A transparent TCP relay in front of the server that keeps the request bytes, to see what the
// v2 client really sent (it gzips bodies above gzipThreshold).
let proxy: Server | undefined;
let captured = '';
function startRelay(target: RunningServer): Promise<string> {
  proxy = createServer((client: Socket) => {
    const upstream = connect(target.port, target.host);
    client.on('data', (d: Buffer) => {
      captured += d.toString('latin1');
      upstream.write(d);
    });
    upstream.pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('end', () => upstream.end());
  });
  return new Promise((resolve) => proxy!.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(proxy!.address() as { port: number }).port}`)));
}

describe('@influxdata/influxdb-client (v2 client) → /api/v2/write, gzipped', () => {
  it('writePoint + flush with precision ns (gzipThreshold 1)', async () => {
    const url = await startRelay(srv);
    const writeApi = new InfluxDB({ url, token: srv.token }).getWriteApi('lpstudio', 'v2bucket', 'ns', { gzipThreshold: 1, maxRetries: 0 });
    writeApi.writePoint(
      new Point('v2m')
        .tag('host', 'h 1')
        .tag('dc', 'eu=1')
        .floatField('f', 1.25)
        .intField('i', -9007199254740991)
        .uintField('u', '18446744073709551615')
        .stringField('s', 'quote " and \\ backslash')
        .booleanField('b', false)
        .timestamp('1577836800000000007'),
    );
    writeApi.writePoint(new Point('v2m').tag('host', 'h2').floatField('f', -0.5).timestamp(1577836800000000008n.toString()));
    const from = nowNs();
    writeApi.writePoint(new Point('v2servertime').floatField('f', 1).timestamp(''));
    await writeApi.flush();
    serverTimed.push({ bucket: 'v2bucket', measurement: 'v2servertime', from, to: nowNs() });
    await writeApi.close();
    const head = captured.slice(0, captured.indexOf('\r\n\r\n'));
    expect(head).toMatch(/^POST \/api\/v2\/write\?org=lpstudio&bucket=v2bucket&precision=ns HTTP\/1\.1\r\n/);
    expect(head).toMatch(/\r\ncontent-encoding: gzip\r\n/i);
    expected.v2bucket.push(
      pt(
        'v2m',
        { dc: 'eu=1', host: 'h 1' },
        { f: float(1.25), i: int('-9007199254740991'), u: uint('18446744073709551615'), s: str('quote " and \\ backslash'), b: bool(false) },
        '1577836800000000007',
      ),
      pt('v2m', { host: 'h2' }, { f: float(-0.5) }, '1577836800000000008'),
    );
  });

  it('precision ms with Date timestamps', async () => {
    const writeApi = new InfluxDB({ url: srv.url, token: srv.token }).getWriteApi('lpstudio', 'v2bucket', 'ms', { gzipThreshold: 1, maxRetries: 0 });
    writeApi.writePoint(new Point('v2ms').tag('host', 'h3').intField('i', 5).timestamp(new Date(1577836800456)));
    await writeApi.close();
    expected.v2bucket.push(pt('v2ms', { host: 'h3' }, { i: int(5) }, '1577836800456000000'));
  });

  it('a field type conflict surfaces as HttpError 422 with InfluxDB 2.x code and message; the other point is stored', async () => {
    const writeApi = new InfluxDB({ url: srv.url, token: srv.token }).getWriteApi('lpstudio', 'v2bucket', 'ns', {
      gzipThreshold: 1,
      maxRetries: 0,
      writeFailed: () => {},
    });
    writeApi.writePoint(new Point('v2m').tag('host', 'h2').intField('f', 3).timestamp('1577836800000000009'));
    writeApi.writePoint(new Point('v2m').tag('host', 'h2').floatField('f', 3).timestamp('1577836800000000010'));
    const err = await writeApi.flush().then(
      () => undefined,
      (e: unknown) => e,
    );
    await writeApi.close().catch(() => {});
    expect(err).toBeInstanceOf(HttpError);
    const h = err as HttpError;
    expect(h.statusCode).toBe(422);
    expect(h.code).toBe('unprocessable entity');
    expect(h.body).toBe(
      '{"code":"unprocessable entity","message":"failure writing points to database: partial write: field type conflict: input field \\"f\\" on measurement \\"v2m\\" is type integer, already exists as type float dropped=1"}',
    );
    expected.v2bucket.push(pt('v2m', { host: 'h2' }, { f: float(3) }, '1577836800000000010'));
  });

  it('an unknown bucket is 404 bucket "<name>" not found', async () => {
    const writeApi = new InfluxDB({ url: srv.url, token: srv.token }).getWriteApi('lpstudio', 'no-such-bucket', 'ns', { maxRetries: 0, writeFailed: () => {} });
    writeApi.writePoint(new Point('x').floatField('f', 1).timestamp('1'));
    const err = (await writeApi.flush().then(
      () => undefined,
      (e: unknown) => e,
    )) as HttpError;
    await writeApi.close().catch(() => {});
    expect(err.statusCode).toBe(404);
    expect(err.body).toBe('{"code":"not found","message":"bucket \\"no-such-bucket\\" not found"}');
  });
});

describe('python3-influxdb (Debian, InfluxDB 1.x Python client) → /write', () => {
  it('write_points(time_precision="s"), write(protocol="line"), errors as InfluxDBClientError', async () => {
    const out = await new Promise<string>((resolve, reject) =>
      execFile(PYTHON, [PY_SCRIPT, srv.host, String(srv.port), 'py-user', 'py-pass', 'pydb'], { timeout: 20_000, encoding: 'utf8' }, (err, stdout, stderr) =>
        err === null ? resolve(stdout) : reject(new Error(`${err.message}\n${stderr}`)),
      ),
    );
    const steps = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(steps).toEqual([
      { step: 'write_points precision s', ok: true },
      { step: 'write protocol=line precision ms', ok: true },
      { step: 'write protocol=line default precision', ok: true },
      {
        step: 'type conflict',
        code: 422,
        content:
          '{"code":"unprocessable entity","message":"failure writing points to database: partial write: field type conflict: input field \\"v\\" on measurement \\"py_line\\" is type float, already exists as type integer dropped=1"}',
      },
      { step: 'wrong password', code: 401, content: '{"code":"unauthorized","message":"Unauthorized"}' },
    ]);
    expected.pydb.push(
      pt('py_json', { host: 'server 1', region: 'eu,west' }, { f: float(0.5), i: int(3), s: str('say "hi" \\ ok'), b: bool(true) }, '1577836800000000000'),
      pt('py_json', { host: 'server 2' }, { f: float(2), neg: int(-12) }, '1577836801000000000'),
      pt('py_line', { host: 'a' }, { v: int(1) }, '1577836800123000000'),
      pt('py_line', { host: 'b' }, { v: int(2), f: float(2.5) }, '1577836800124000000'),
      pt('py_line', { host: 'c' }, { ok: bool(true), s: str('x=1,y=2') }, '1577836800125000001'),
      pt('py_line', { host: 'd' }, { v: int(4) }, '1577836800127000000'),
    );
  });
});

describe('what the clients wrote is stored exactly', () => {
  it('every bucket holds exactly the acknowledged points', async () => {
    expect(await srv.stop()).toBe(0);
    stored = await readAll(srv.dataDir);
    const got: Record<string, Pt[]> = {};
    for (const [b, pts] of Object.entries(stored)) {
      got[b] = sorted(pts.filter((p) => !serverTimed.some((s) => s.bucket === b && s.measurement === p.measurement)));
    }
    const want: Record<string, Pt[]> = {};
    for (const [b, pts] of Object.entries(expected)) want[b] = sorted(pts);
    expect(got).toEqual(want);
  });

  it('points without a timestamp got the server time of their write', () => {
    for (const s of serverTimed) {
      const pts = stored![s.bucket].filter((p) => p.measurement === s.measurement);
      expect(pts, s.measurement).toHaveLength(1);
      const t = BigInt(pts[0].time);
      expect(t >= s.from - 1_000_000n && t <= s.to + 1_000_000n, `${s.measurement} time ${t} not within [${s.from}, ${s.to}]`).toBe(true);
    }
    expect(stored!.nodedb.find((p) => p.measurement === 'servertime')).toMatchObject({ tags: { host: 'c' }, fields: { f: float(3) } });
    expect(stored!.v2bucket.find((p) => p.measurement === 'v2servertime')).toMatchObject({ tags: {}, fields: { f: float(1) } });
  });
});
