// GET/POST /api/v3/query_influxql: InfluxQL over the same engine as /query, answered in
// InfluxDB 3's row format (influxdb3_server/src/http.rs): one row per point with the
// `iox::measurement` column first, then time, the GROUP BY tags and the selected columns, as
// json (an array of objects, nulls left out), jsonl (one object a line), csv (with a header) or
// pretty (an ASCII table). One statement per request; errors are 400 with 3.x's text.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { InfluxQLParseError, parseQuery, type Query } from '../../influxql/index.js';
import { runStatement, type OutputSeries, type QueryScope } from '../query/engine.js';
import type { Value } from '../query/values.js';
import { authenticate, v2Credentials, type Principal } from './auth.js';
import { readBody } from './body.js';
import { queryScope, readableBuckets } from './query.js';
import { HttpError } from './respond.js';
import type { WriteContext, WriteInfo } from './write.js';
import { callerOf } from './write.js';

const MAX_QUERY_BODY = 16 * 1024 * 1024;

const FORMATS = { json: 'json', jsonl: 'jsonl', json_lines: 'jsonl', csv: 'csv', pretty: 'pretty' } as const;
type Format = (typeof FORMATS)[keyof typeof FORMATS];
const CONTENT_TYPE: Record<Format, string> = { json: 'application/json', jsonl: 'application/jsonl', csv: 'text/csv', pretty: 'text/plain; charset=utf-8' };

/** A POST body, as 3.x's QueryRequest deserialises it. */
const PostBody = z.object({ db: z.string().nullish(), q: z.string(), format: z.string().nullish(), params: z.unknown().optional() });

/** An answer that is not rows: a status and 3.x's plain-text body. */
class V3QueryError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function handleV3Query(req: IncomingMessage, res: ServerResponse, url: URL, ctx: WriteContext, info: WriteInfo): Promise<void> {
  info.api = 'v3';
  try {
    const principal = await v3QueryPrincipal(req, ctx, info);
    const { db, q, format } = await requestOf(req, url, ctx, info);
    info.db = db ?? '';
    const rows = await run(ctx, principal, db, q);
    res.statusCode = 200;
    res.setHeader('Content-Type', CONTENT_TYPE[format]);
    res.end(render(rows, format));
  } catch (e) {
    if (!(e instanceof V3QueryError)) throw e;
    res.statusCode = e.status;
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.end(e.message);
  }
}

async function v3QueryPrincipal(req: IncomingMessage, ctx: WriteContext, info: WriteInfo): Promise<Principal> {
  try {
    const p = await authenticate(ctx.meta.get(), v2Credentials(req), 'v1', callerOf(req, ctx));
    info.auth = `${p.method} (${p.name})`;
    return p;
  } catch (e) {
    if (e instanceof HttpError && e.code === 'unauthorized') {
      req.resume();
      // 3.x answers an unauthenticated request 401 with an empty body.
      throw new V3QueryError(401, '');
    }
    throw e;
  }
}

async function requestOf(req: IncomingMessage, url: URL, ctx: WriteContext, info: WriteInfo): Promise<{ db: string | undefined; q: string; format: Format }> {
  let db: string | undefined;
  let q: string | undefined;
  let format: string | undefined;
  if (req.method === 'POST') {
    const body = await readBody(req, { maxBytes: MAX_QUERY_BODY, idleMs: ctx.bodyIdleMs });
    info.body = body;
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch (e) {
      throw new V3QueryError(400, `serde error: ${(e as Error).message}`);
    }
    const r = PostBody.safeParse(parsed);
    if (!r.success) throw new V3QueryError(400, `serde error: the body must be JSON {"db": "...", "q": "...", "format": "json|jsonl|csv|pretty"} (${r.error.issues[0]?.path.join('.') || 'body'}: ${r.error.issues[0]?.message})`);
    ({ q } = r.data);
    db = r.data.db ?? undefined;
    format = r.data.format ?? undefined;
  } else {
    req.resume();
    if (url.search === '' || url.search === '?') throw new V3QueryError(400, 'missing query parameters');
    db = url.searchParams.get('db') ?? undefined;
    q = url.searchParams.get('q') ?? undefined;
    format = url.searchParams.get('format') ?? undefined;
    if (q === undefined) throw new V3QueryError(400, 'serde error: missing field `q`');
  }
  return { db, q, format: formatOf(format, req.headers.accept) };
}

function formatOf(param: string | undefined, accept: string | undefined): Format {
  if (param !== undefined) {
    const f = FORMATS[param as keyof typeof FORMATS];
    if (f !== undefined) return f;
    if (param === 'parquet') throw new V3QueryError(400, 'format parquet is not supported by Line Protocol Studio: use json, jsonl, csv or pretty');
    throw new V3QueryError(400, `serde error: unknown variant \`${param}\`, expected one of \`parquet\`, \`csv\`, \`pretty\`, \`json\`, \`json_lines\`, \`jsonl\``);
  }
  // As 3.x: the Accept header decides when format is absent.
  if (accept === undefined || accept === 'application/json' || accept === '*/*' || accept.includes('text/html') || accept.includes('*/*')) return 'json';
  if (accept === 'text/csv') return 'csv';
  if (accept === 'text/plain') return 'pretty';
  throw new V3QueryError(400, `invalid mime type (${accept})`);
}

interface Table {
  columns: string[];
  rows: Value[][];
}

async function run(ctx: WriteContext, principal: Principal, db: string | undefined, q: string): Promise<Table> {
  let query: Query;
  try {
    query = parseQuery(q);
  } catch (e) {
    if (e instanceof InfluxQLParseError) throw new V3QueryError(400, `error in InfluxQL statement: parsing error: ${e.message}`);
    throw e;
  }
  if (query.statements.length !== 1) throw new V3QueryError(400, 'must provide only one InfluxQl statement per query');
  const stmt = query.statements[0];
  const named = stmt.kind === 'select' ? stmt.sources.find((s) => s.kind === 'measurement' && s.database !== '') : undefined;
  const queryDb = named?.kind === 'measurement' ? named.database : undefined;
  if (db !== undefined && queryDb !== undefined && db !== queryDb) {
    throw new V3QueryError(400, `provided a database in both the parameters (${db}) and query string (${queryDb}) that do not match, if providing a query with a database name, you do not need to provide the db parameter`);
  }
  const database = db ?? queryDb;
  if (database === undefined && stmt.kind !== 'show databases' && stmt.kind !== 'show retention policies') {
    throw new V3QueryError(400, "must specify a 'db' parameter, or provide the database in the InfluxQL query");
  }
  for (const id of readableBuckets(ctx, principal)) await ctx.ensureBucketData(id);
  const result = await runStatement(stmt, 0, v3Scope(ctx, principal, database ?? ''), { epochDivisor: 1n });
  if (result.error !== undefined) throw new V3QueryError(400, result.error);
  return table(result.series ?? [], stmt.kind);
}

/** The /query scope, where a 3.x database is also its bucket's name (what /api/v3/write_lp creates). */
function v3Scope(ctx: WriteContext, principal: Principal, db: string): QueryScope {
  const base = queryScope(ctx, principal, db, '');
  const meta = ctx.meta.get();
  const readable = (id: string) => principal.read === '*' || principal.read.includes(id);
  const byName = (name: string) => meta.buckets.find((b) => b.orgId === principal.orgId && b.name === name && readable(b.id));
  return {
    ...base,
    databases: () => [...new Set([...base.databases(), ...meta.buckets.filter((b) => b.orgId === principal.orgId && readable(b.id)).map((b) => b.name)])].sort(),
    retentionPolicies: (name) => base.retentionPolicies(name) ?? (byName(name) !== undefined ? [{ name: 'autogen', retentionSeconds: byName(name)!.retentionSeconds, isDefault: true }] : undefined),
    bucket: (name, rp) => base.bucket(name, rp) ?? (rp === '' || rp === 'autogen' ? byName(name)?.id : undefined),
  };
}

/** 1.x series as 3.x rows: iox::measurement (or iox::database), time, the series' tags, its columns. */
function table(series: OutputSeries[], kind: string): Table {
  if (kind === 'show databases') {
    return { columns: ['iox::database', 'deleted'], rows: (series[0]?.values ?? []).map((r) => [r[0], false]) };
  }
  const columns = ['iox::measurement'];
  const at = new Map<string, number>();
  const col = (name: string) => {
    let i = at.get(name);
    if (i === undefined) {
      at.set(name, (i = columns.length));
      columns.push(name);
    }
    return i;
  };
  const hasTime = series.some((s) => s.columns[0] === 'time');
  if (hasTime) col('time');
  for (const s of series) for (const k of Object.keys(s.tags ?? {}).sort()) col(k);
  for (const s of series) for (const c of s.columns) col(c);
  const rows: Value[][] = [];
  for (const s of series) {
    const tagIdx = Object.entries(s.tags ?? {}).map(([k, v]) => [at.get(k)!, v] as const);
    const idx = s.columns.map((c) => at.get(c)!);
    for (const v of s.values) {
      const row: Value[] = new Array(columns.length).fill(null);
      row[0] = s.name ?? '';
      for (const [i, t] of tagIdx) row[i] = t;
      v.forEach((x, j) => {
        row[idx[j]] = s.columns[j] === 'time' && typeof x === 'bigint' ? arrowTime(x) : x;
      });
      rows.push(row);
    }
  }
  return { columns, rows };
}

/** A timestamp as Arrow prints one without a zone: seconds, then 3, 6 or 9 digits when needed. */
function arrowTime(ns: bigint): string {
  const s = ns / 1_000_000_000n - (ns % 1_000_000_000n < 0n ? 1n : 0n);
  const frac = ns - s * 1_000_000_000n;
  const iso = new Date(Number(s) * 1000).toISOString().slice(0, 19);
  if (frac === 0n) return iso;
  const digits = frac % 1_000_000n === 0n ? 3 : frac % 1000n === 0n ? 6 : 9;
  return `${iso}.${frac.toString().padStart(9, '0').slice(0, digits)}`;
}

/** A value as Arrow writes it: floats keep a decimal point (1.0), integers exact. */
function text(v: Value): string {
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) < 1e16 ? v.toFixed(1) : String(v);
  return String(v);
}

function jsonValue(v: Value): string {
  return typeof v === 'string' ? JSON.stringify(v) : text(v);
}

function render(t: Table, format: Format): string {
  const objects = () =>
    t.rows.map((r) => {
      const parts: string[] = [];
      r.forEach((v, i) => {
        if (v !== null) parts.push(`${JSON.stringify(t.columns[i])}:${jsonValue(v)}`);
      });
      return `{${parts.join(',')}}`;
    });
  switch (format) {
    case 'json':
      return `[${objects().join(',')}]`;
    case 'jsonl':
      return objects()
        .map((o) => o + '\n')
        .join('');
    case 'csv':
      if (t.rows.length === 0) return '';
      return [t.columns, ...t.rows.map((r) => r.map((v) => (v === null ? '' : text(v))))].map((cells) => cells.map(csvCell).join(',') + '\n').join('');
    case 'pretty':
      return pretty(t);
  }
}

function csvCell(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function pretty(t: Table): string {
  if (t.rows.length === 0) return '++\n++';
  const cells = t.rows.map((r) => r.map((v) => (v === null ? '' : text(v))));
  const width = t.columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i].length)));
  const rule = '+' + width.map((w) => '-'.repeat(w + 2)).join('+') + '+';
  const line = (r: string[]) => '|' + r.map((c, i) => ` ${c.padEnd(width[i])} `).join('|') + '|';
  return [rule, line(t.columns), rule, ...cells.map(line), rule].join('\n');
}
