// GET/POST /query: InfluxQL over the 1.x compatibility API, as InfluxDB answers it (1.x's JSON
// shapes, per-statement errors, chunked newline-delimited JSON), with InfluxDB 2.x's auth and
// db/rp → bucket resolution through the DBRP mappings.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { InfluxQLParseError, parseQuery, type Query } from '../../influxql/index.js';
import { runStatement, type OutputSeries, type QueryScope, type StatementResult } from '../query/engine.js';
import { epochDivisor } from '../query/time.js';
import { toMsgpack } from '../query/msgpack.js';
import { toJson } from '../query/values.js';
import { authenticate, v1Credentials, type Principal } from './auth.js';
import { readBody } from './body.js';
import { mappings } from './dbrp.js';
import type { WriteContext, WriteInfo } from './write.js';
import { callerOf } from './write.js';

/** Largest form body a query may come in (a query is text, not data). */
const MAX_QUERY_BODY = 16 * 1024 * 1024;
const DEFAULT_CHUNK_SIZE = 10_000;

export async function handleQuery(req: IncomingMessage, res: ServerResponse, url: URL, ctx: WriteContext, info: WriteInfo): Promise<void> {
  const params = new URLSearchParams(url.searchParams);
  if (req.method === 'POST' && (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
    const body = await readBody(req, { maxBytes: MAX_QUERY_BODY, idleMs: ctx.bodyIdleMs });
    info.body = body;
    // Form values win over the query string's, as Go's Request.FormValue reads them.
    for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params.set(k, v);
  } else req.resume();
  const db = params.get('db') ?? '';
  const rp = params.get('rp') ?? '';
  info.db = db;
  info.rp = rp;
  const principal = await authenticate(ctx.meta.get(), v1Credentials(req, params), 'v1', callerOf(req, ctx));
  info.auth = `${principal.method} (${principal.name})`;
  const pretty = params.get('pretty') === 'true';
  // MessagePack for clients that ask for it (the Python client does), JSON otherwise.
  const msgpack = (req.headers.accept ?? '').includes('application/x-msgpack');
  const q = (params.get('q') ?? '').trim();
  if (q === '') return sendQueryError(res, 400, 'missing required parameter "q"', pretty, msgpack);
  let query: Query;
  try {
    query = parseQuery(q);
  } catch (e) {
    if (e instanceof InfluxQLParseError) return sendQueryError(res, 400, `error parsing query: ${e.message}`, pretty, msgpack);
    throw e;
  }
  const scope = queryScope(ctx, principal, db, rp);
  for (const id of readableBuckets(ctx, principal)) await ctx.ensureBucketData(id);
  const epoch = params.get('epoch');
  // An empty epoch (npm influx sends one) means RFC 3339, as in InfluxDB.
  const format = { epochDivisor: epoch === null || epoch === '' ? undefined : epochDivisor(epoch), packedTimes: msgpack };
  const encodeAnswer = (v: { results: StatementResult[] }): string | Buffer => (msgpack ? toMsgpack(packedResults(v.results)) : encode(v, pretty) + '\n');
  const chunked = params.get('chunked') === 'true';
  const chunkSize = Math.max(1, Number.parseInt(params.get('chunk_size') ?? '', 10) || DEFAULT_CHUNK_SIZE);
  res.statusCode = 200;
  res.setHeader('Content-Type', msgpack ? 'application/x-msgpack' : 'application/json');
  if (!chunked) {
    const results: StatementResult[] = [];
    for (const [i, s] of query.statements.entries()) results.push(await runStatement(s, i, scope, format));
    res.end(encodeAnswer({ results }));
    return;
  }
  // Chunked: one JSON object per line, a series split every chunk_size rows; `partial` marks
  // a series (and a statement) that continues in the next line.
  for (const [i, s] of query.statements.entries()) {
    const r = await runStatement(s, i, scope, format);
    // Only SELECT answers are split (InfluxDB sends a SHOW's answer whole).
    if (r.series === undefined || r.series.length === 0 || s.kind !== 'select') {
      res.write(encodeAnswer({ results: [r] }));
      continue;
    }
    const pieces: { series: object; last: boolean }[] = [];
    for (const ser of r.series) {
      for (let off = 0; off < Math.max(ser.values.length, 1); off += chunkSize) {
        const last = off + chunkSize >= ser.values.length;
        pieces.push({ series: { ...ser, values: ser.values.slice(off, off + chunkSize), ...(last ? {} : { partial: true }) }, last });
      }
    }
    pieces.forEach((p, k) => {
      const more = k < pieces.length - 1;
      res.write(encodeAnswer({ results: [{ statement_id: i, series: [p.series as OutputSeries], ...(more ? { partial: true } : {}) }] }));
    });
  }
  res.end();
}

function encode(v: unknown, pretty: boolean): string {
  const text = toJson(v);
  // Pretty output re-indents the exact text (integers beyond 2^53 stay exact: they are never parsed).
  return pretty ? indent(text) : text;
}

function indent(json: string): string {
  let out = '';
  let depth = 0;
  let inString = false;
  const nl = () => '\n' + '    '.repeat(depth);
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (inString) {
      out += c;
      if (c === '\\') out += json[++i];
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      if (json[i + 1] === close) {
        out += c + close;
        i++;
        continue;
      }
      depth++;
      out += c + nl();
    } else if (c === '}' || c === ']') {
      depth--;
      out += nl() + c;
    } else if (c === ',') out += ',' + nl();
    else if (c === ':') out += ': ';
    else out += c;
  }
  return out;
}

function sendQueryError(res: ServerResponse, status: number, message: string, pretty: boolean, msgpack: boolean): void {
  res.statusCode = status;
  res.setHeader('Content-Type', msgpack ? 'application/x-msgpack' : 'application/json');
  res.setHeader('X-Influxdb-Error', message);
  res.end(msgpack ? toMsgpack({ error: message }) : encode({ error: message }, pretty) + '\n');
}

/** Results as InfluxDB packs them: integer statement ids, and `series` always there unless an error. */
function packedResults(results: StatementResult[]): { results: object[] } {
  return { results: results.map((r) => ({ statement_id: BigInt(r.statement_id), ...(r.error === undefined ? { series: r.series ?? [] } : {}), ...(r.error !== undefined ? { error: r.error } : {}), ...((r as { partial?: boolean }).partial ? { partial: true } : {}) })) };
}

function canQuery(p: Principal, bucketId: string): boolean {
  return p.read === '*' || p.read.includes(bucketId);
}

export function readableBuckets(ctx: WriteContext, principal: Principal): string[] {
  return [...new Set(mappings(ctx.meta.get(), principal.orgId).filter((m) => canQuery(principal, m.bucketId)).map((m) => m.bucketId))];
}

/** The databases of the caller's org that map to buckets it may read, as InfluxDB 2.x sees them. */
export function queryScope(ctx: WriteContext, principal: Principal, db: string, rp: string): QueryScope {
  const meta = ctx.meta.get();
  const readable = mappings(meta, principal.orgId).filter((m) => canQuery(principal, m.bucketId));
  const retention = new Map(meta.buckets.map((b) => [b.id, b.retentionSeconds]));
  return {
    store: ctx.store,
    now: BigInt(Date.now()) * 1_000_000n,
    db,
    rp,
    databases: () => [...new Set(readable.map((m) => m.db))],
    retentionPolicies: (name) => {
      const rps = readable.filter((m) => m.db === name);
      return rps.length === 0 ? undefined : rps.map((m) => ({ name: m.rp, retentionSeconds: retention.get(m.bucketId) ?? 0, isDefault: m.default }));
    },
    bucket: (name, policy) => {
      const all = readable.filter((m) => m.db === name);
      return (policy === '' ? all.find((m) => m.default) : all.find((m) => m.rp === policy))?.bucketId;
    },
  };
}
