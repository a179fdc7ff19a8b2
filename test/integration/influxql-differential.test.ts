// The differential test of InfluxQL /query: InfluxDB 1.6.7 (Debian's influxd, the oracle) and
// `lpstudio serve` get the same points, then every query of test/conformance/influxql-queries.ts
// runs on both; the HTTP status and the JSON answers must be equal (floats to 1e-9 relative;
// rows of one series at the same time in any order: InfluxDB's own order among them depends on
// its merge). Deliberate differences are listed in test/conformance/influxql-differences.md.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INFLUXQL_QUERIES, influxqlData, type DiffQuery } from '../conformance/influxql-queries.js';
import { INFLUXD, startInfluxd, type RunningInfluxd } from '../support/influxd.js';
import { cleanup, prepareDataDir, startServer, type RunningServer } from '../support/serve.js';

let oracle: RunningInfluxd;
let srv: RunningServer;

beforeAll(async () => {
  if (!existsSync(INFLUXD)) throw new Error(`${INFLUXD} is missing: install Debian's influxdb package (apt-get install influxdb)`);
  oracle = await startInfluxd();
  const created = await fetch(`${oracle.url}/query`, { method: 'POST', body: new URLSearchParams({ q: 'CREATE DATABASE db' }) });
  expect(created.status).toBe(200);
  const { dataDir, token } = await prepareDataDir([['bucket', 'create', '--name', 'db']]);
  srv = await startServer({ dataDir, token });
  const body = influxqlData();
  const a = await fetch(`${oracle.url}/write?db=db`, { method: 'POST', body });
  const b = await fetch(`${srv.url}/write?db=db`, { method: 'POST', body, headers: { Authorization: `Token ${srv.token}` } });
  expect([a.status, b.status]).toEqual([204, 204]);
}, 60_000);

afterAll(async () => {
  await oracle?.stop();
  await cleanup();
});

interface Answer {
  status: number;
  text: string;
}

async function ask(base: string, d: DiffQuery, token?: string): Promise<Answer> {
  const params = new URLSearchParams({ db: 'db', q: d.q, ...d.params });
  const res = await fetch(`${base}/query?${params}`, token ? { headers: { Authorization: `Token ${token}` } } : {});
  return { status: res.status, text: await res.text() };
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Rows of a series that share a time, sorted among themselves (their order in InfluxDB is its merge's). */
function normalize(v: Json): Json {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || !Array.isArray(v.results)) return v;
  for (const r of v.results as { series?: { values: Json[][] }[] }[]) {
    for (const s of r.series ?? []) {
      const groups = new Map<string, Json[][]>();
      for (const row of s.values) {
        const k = String(row[0]);
        const g = groups.get(k);
        if (g === undefined) groups.set(k, [row]);
        else g.push(row);
      }
      s.values = [...groups.values()].flatMap((g) => g.sort((x, y) => (JSON.stringify(x) < JSON.stringify(y) ? -1 : 1)));
    }
  }
  return v;
}

/** Equal, with floats to 1e-9 relative. */
function same(a: Json, b: Json): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    return same(ka, kb) && ka.every((k) => same(a[k], b[k]));
  }
  return a === b;
}

/** Integers beyond 2^53 as strings, so that they compare exactly. */
function exactIntegers(line: string): string {
  return line.replace(/(?<=[[,:])(-?\d{16,})(?=[,\]}])/g, '"#$1"');
}

/** The answer's JSON objects (chunked answers have one per line). */
function lines(text: string): Json[] {
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => normalize(JSON.parse(exactIntegers(l)) as Json));
}

describe('InfluxQL /query: lpstudio serve answers as InfluxDB 1.6.7', () => {
  it('runs at least 150 queries', () => {
    expect(INFLUXQL_QUERIES.length).toBeGreaterThanOrEqual(150);
  });

  it.each(INFLUXQL_QUERIES.map((d, i) => [i, d.q + (d.params ? ` ${new URLSearchParams(d.params)}` : ''), d] as const))('#%i %s', async (_i, _label, d) => {
    const [want, got] = await Promise.all([ask(oracle.url, d), ask(srv.url, d, srv.token)]);
    expect(got.status, got.text).toBe(want.status);
    // pretty=true: the same text, indentation included.
    if (d.params?.pretty === 'true') return expect(got.text).toBe(want.text);
    const w = lines(want.text);
    const g = lines(got.text);
    if (!same(w, g)) expect(g).toEqual(w);
  });
});
