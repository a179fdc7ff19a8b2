// Real InfluxQL clients against `lpstudio serve`, each also run against Debian's InfluxDB 1.6.7
// with the same data: what the client gives its user must be the same on both. Debian's `influx`
// shell (`-execute`, chunked by default, three output formats), Debian's python3-influxdb
// query() (it asks for MessagePack), npm `influx` query(), and Grafana's InfluxQL requests
// replayed as its data source sends them.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { InfluxDB } from 'influx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { influxqlData } from '../conformance/influxql-queries.js';
import { INFLUXD, startInfluxd, type RunningInfluxd } from '../support/influxd.js';
import { cleanup, prepareDataDir, startServer, type RunningServer } from '../support/serve.js';
import { repoRoot } from '../support/shared.js';

const INFLUX_SHELL = '/usr/bin/influx';
const PYTHON = '/usr/bin/python3';
const PY_SCRIPT = path.join(repoRoot, 'test/integration/fixtures/python_influxdb_query.py');
const W = `time >= '2024-01-01T00:00:00Z' AND time < '2024-01-01T00:05:00Z'`;

let oracle: RunningInfluxd;
let srv: RunningServer;

beforeAll(async () => {
  for (const bin of [INFLUXD, INFLUX_SHELL, PYTHON]) if (!existsSync(bin)) throw new Error(`${bin} is missing (Debian packages influxdb, influxdb-client, python3-influxdb)`);
  oracle = await startInfluxd();
  await fetch(`${oracle.url}/query`, { method: 'POST', body: new URLSearchParams({ q: 'CREATE DATABASE db' }) });
  const { dataDir, token } = await prepareDataDir([['bucket', 'create', '--name', 'db']]);
  srv = await startServer({ dataDir, token });
  const body = influxqlData();
  expect((await fetch(`${oracle.url}/write?db=db`, { method: 'POST', body })).status).toBe(204);
  expect((await fetch(`${srv.url}/write?db=db`, { method: 'POST', body, headers: { Authorization: `Token ${srv.token}` } })).status).toBe(204);
}, 60_000);

afterAll(async () => {
  await oracle?.stop();
  await cleanup();
});

const portOf = (url: string) => new URL(url).port;

function run(cmd: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 30_000, encoding: 'utf8' }, (error, out, err) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, out, err }));
  });
}

/** Both servers: the oracle (no auth) and ours (the operator token as the password; the oracle ignores it). */
function targets(): { name: string; url: string }[] {
  return [
    { name: 'influxdb 1.6.7', url: oracle.url },
    { name: 'lpstudio', url: srv.url },
  ];
}

describe("Debian's influx shell (-execute)", () => {
  const cases: [string, string[]][] = [
    ['column output, chunked', ['-execute', `SELECT mean(usage) FROM cpu WHERE ${W} GROUP BY time(1m), host`]],
    ['json output', ['-format', 'json', '-execute', 'SHOW MEASUREMENTS; SHOW TAG KEYS FROM cpu']],
    ['csv output, precision ms (epoch=ms)', ['-format', 'csv', '-precision', 'ms', '-execute', `SELECT usage, host FROM cpu WHERE time < '2024-01-01T00:00:30Z'`]],
    ['precision rfc3339', ['-precision', 'rfc3339', '-execute', 'SELECT * FROM temp']],
    ['pretty json', ['-format', 'json', '-pretty', '-execute', 'SELECT max(free) FROM mem GROUP BY host']],
    ['many rows, chunks of the default size', ['-execute', 'SELECT * FROM cpu']],
    ['a statement error', ['-execute', 'SELECT x FROM nodb..cpu']],
    ['a parse error', ['-execute', 'SELECT FROM cpu']],
  ];
  it.each(cases)('%s: the same output from both', async (_name, args) => {
    const [want, got] = await Promise.all(
      targets().map((t) => run(INFLUX_SHELL, ['-host', '127.0.0.1', '-port', portOf(t.url), '-username', 'lpstudio', '-password', srv.token, '-database', 'db', ...args])),
    );
    expect(want.out.length + want.err.length).toBeGreaterThan(0);
    expect(got).toEqual(want);
  });
});

describe('python3-influxdb query() (MessagePack answers)', () => {
  it('every call gives the same points, raw results and errors on both', async () => {
    const [want, got] = await Promise.all(targets().map((t) => run(PYTHON, [PY_SCRIPT, '127.0.0.1', portOf(t.url), 'lpstudio', srv.token, 'db'])));
    expect(want.code, want.err).toBe(0);
    const lines = (s: string) => s.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as unknown);
    expect(lines(want.out).length).toBeGreaterThanOrEqual(12);
    expect(lines(got.out)).toEqual(lines(want.out));
    expect(got.code).toBe(0);
  });
});

describe('npm influx query()', () => {
  const queries = [
    'SHOW MEASUREMENTS',
    `SELECT mean(usage) AS m FROM cpu WHERE ${W} GROUP BY time(1m), host fill(none)`,
    'SELECT * FROM temp',
    `SELECT usage, host FROM cpu WHERE time < '2024-01-01T00:00:20Z'`,
    'SELECT count(usage) FROM cpu; SELECT max(free) FROM mem GROUP BY host',
  ];
  it.each(queries)('%s', async (q) => {
    const answers = await Promise.all(
      targets().map(async (t) => {
        const client = new InfluxDB({ host: '127.0.0.1', port: Number(portOf(t.url)), database: 'db', username: 'lpstudio', password: srv.token });
        const results = (await client.query(q)) as unknown as Record<string, unknown>[] | Record<string, unknown>[][];
        // INanoDate: compare the nanosecond string, which is what the client exposes.
        const plain = (rows: Record<string, unknown>[]) => rows.map((r) => ({ ...r, time: (r.time as { getNanoTime?: () => string } | undefined)?.getNanoTime?.() }));
        return Array.isArray(results[0]) ? (results as Record<string, unknown>[][]).map(plain) : plain(results as Record<string, unknown>[]);
      }),
    );
    expect(answers[0].length).toBeGreaterThan(0);
    expect(answers[1]).toEqual(answers[0]);
  });

  it('getMeasurements, getSeries and getFieldKeys-style helpers', async () => {
    const answers = await Promise.all(
      targets().map(async (t) => {
        const client = new InfluxDB({ host: '127.0.0.1', port: Number(portOf(t.url)), database: 'db', username: 'lpstudio', password: srv.token });
        return [await client.getMeasurements(), await client.getSeries({ measurement: 'cpu' })];
      }),
    );
    expect(answers[1]).toEqual(answers[0]);
  });
});

describe("Grafana's InfluxQL data source, requests replayed as it sends them", () => {
  const requests: [string, 'GET' | 'POST', Record<string, string>][] = [
    ['health check', 'GET', { q: 'SHOW measurements', db: 'db', epoch: 'ms' }],
    ['retention policies', 'GET', { q: 'SHOW RETENTION POLICIES on "db"', db: 'db', epoch: 'ms' }],
    ['measurements with a filter', 'GET', { q: 'SHOW MEASUREMENTS WITH MEASUREMENT =~ /(?i)c/ LIMIT 100', db: 'db', epoch: 'ms' }],
    ['measurements with a tag filter', 'GET', { q: `SHOW MEASUREMENTS WHERE "host" = 'b' LIMIT 100`, db: 'db', epoch: 'ms' }],
    ['tag keys', 'GET', { q: 'SHOW TAG KEYS FROM "cpu"', db: 'db', epoch: 'ms' }],
    ['tag keys with rp', 'GET', { q: 'SHOW TAG KEYS FROM "autogen"."cpu"', db: 'db', epoch: 'ms' }],
    ['tag values', 'GET', { q: 'SHOW TAG VALUES FROM "cpu" WITH KEY = "host"', db: 'db', epoch: 'ms' }],
    ['tag values with a filter', 'GET', { q: `SHOW TAG VALUES FROM "cpu" WITH KEY = "host" WHERE "region" = 'eu'`, db: 'db', epoch: 'ms' }],
    ['field keys', 'GET', { q: 'SHOW FIELD KEYS FROM "cpu"', db: 'db', epoch: 'ms' }],
    [
      'panel: GROUP BY time(10s), host, form POST',
      'POST',
      { q: `SELECT mean("usage") FROM "cpu" WHERE ("host"::tag =~ /^(a|b)$/) AND time >= 1704067200000ms and time <= 1704067499999ms GROUP BY time(10s), "host"::tag fill(null)`, db: 'db', epoch: 'ms' },
    ],
    [
      'panel: ORDER BY time DESC, LIMIT, SLIMIT, tz',
      'POST',
      { q: `SELECT max("usage") FROM "autogen"."cpu" WHERE time >= 1704067200000ms and time <= 1704067499999ms GROUP BY time(1m), "host" fill(none) ORDER BY time DESC LIMIT 3 SLIMIT 2 tz('Europe/Paris')`, db: 'db', rp: 'autogen', epoch: 'ms' },
    ],
    ['two panel queries in one request', 'POST', { q: `SELECT mean("usage") FROM "cpu" WHERE ${W} GROUP BY time(1m);SELECT count("free") FROM "mem" WHERE ${W} GROUP BY time(1m)`, db: 'db', epoch: 'ms' }],
  ];
  it.each(requests)('%s', async (_name, method, params) => {
    const answers = await Promise.all(
      targets().map(async (t) => {
        const headers = { Authorization: `Basic ${Buffer.from(`lpstudio:${srv.token}`).toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' };
        const r =
          method === 'GET'
            ? await fetch(`${t.url}/query?${new URLSearchParams(params)}`, { headers })
            : await fetch(`${t.url}/query`, { method: 'POST', headers, body: new URLSearchParams(params).toString() });
        return { status: r.status, body: JSON.parse(await r.text()) as unknown };
      }),
    );
    expect(answers[0].status).toBe(200);
    expect(answers[1]).toEqual(answers[0]);
  });
});
