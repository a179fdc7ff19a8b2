// InfluxDB 3's write API on this endpoint's store: POST /api/v3/write_lp, and, with
// `lpstudio serve --compat influxdb3`, /write and /api/v2/write as 3.x's compatibility endpoints.
// Behaviour, error texts and statuses follow influxdata/influxdb (influxdb3_server/src/http.rs,
// influxdb3_types, influxdb3_write/src/write_buffer/validator.rs, influxdb3_catalog, iox_http):
// the crate's parser (lineprotocol/influxdb3.ts), precision `auto` by magnitude, partial writes
// with per-line JSON errors, the schema rules of its catalog (server/http/v3-schema.ts), and a
// database created by its first write.
//
// Durability is the store's, as for /api/v2/write: the accepted lines are written as canonical
// line protocol (nanosecond timestamps) to the write-ahead log and fsynced before they are
// visible. `no_sync=true` answers as soon as the points are parsed and validated, before that
// fsync (as 3.x answers before its WAL flush); a disk failure then is only logged.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseV3Lines, rustLines, truncateOriginalLine, type V3Line, type V3Value } from '../../lineprotocol/influxdb3.js';
import { LineProtocolParser } from '../../lineprotocol/parse.js';
import { nowNs } from '../../lineprotocol/precision.js';
import { serializePoint, SerializeError } from '../../lineprotocol/serialize.js';
import type { Field, Point } from '../../lineprotocol/types.js';
import { newId } from '../meta.js';
import { StoreUnavailableError } from '../store/api.js';
import { authenticate, canWrite, v1Credentials, v2Credentials, type Principal } from './auth.js';
import { readBody } from './body.js';
import { HttpError, sendNoContent } from './respond.js';
import { parseV3Precision, v3DefaultTime, V3Catalog, V3_LIMITS, V3_PRECISION_SPELLINGS, v3TimestampNs, type V3Precision } from '../../lineprotocol/influxdb3-schema.js';
import { storeSchema } from './v3-schema.js';
import { callerOf, type WriteContext, type WriteInfo } from './write.js';


interface V3Write {
  db: string;
  precision: V3Precision;
  acceptPartial: boolean;
  noSync: boolean;
}

/** The error body of one refused line (WriteLineError's serialisation). */
export interface V3LineError {
  error_message: string;
  line_number: number;
  original_line: string;
}

/** An answer in 3.x's shape: a status and a body (JSON or plain text, as 3.x sends it). */
export class V3Answer extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly json = true,
  ) {
    super(body);
  }
}

const jsonError = (status: number, error: string, data?: unknown) => new V3Answer(status, JSON.stringify(data === undefined ? { error } : { error, data }));
const textError = (status: number, text: string) => new V3Answer(status, text, false);

function send(res: ServerResponse, a: V3Answer): void {
  res.statusCode = a.status;
  res.setHeader('Content-Type', a.json ? 'application/json' : 'text/plain; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(a.body));
  res.end(a.body);
}

const COMPAT_PRECISION_SPELLINGS: Record<string, V3Precision> = Object.fromEntries(Object.entries(V3_PRECISION_SPELLINGS).filter(([k]) => k !== 'auto'));
const expectedOneOf = (m: Record<string, unknown>) => Object.keys(m).map((k) => `\`${k}\``).join(', ');

function unknownVariant(raw: string, spellings: Readonly<Record<string, V3Precision>>): string {
  return `unknown variant \`${raw}\`, expected one of ${expectedOneOf(spellings)}`;
}

/** serde's bool: exactly `true` or `false`. */
function boolParam(q: URLSearchParams, name: string): boolean | undefined {
  const v = q.get(name);
  if (v === null) return undefined;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw textError(400, 'serde error: provided string was not `true` or `false`');
}

/** validate_db_name (influxdb3_server/src/http.rs): 3.x's rules for a database name. */
export function v3DatabaseNameError(name: string): string | undefined {
  if (name === '') return 'db name cannot be empty';
  if (Buffer.byteLength(name) > 511) return 'db name too long: max 511';
  const invalidChar = 'invalid character in database or rp name: must be ASCII, containing only letters, numbers, underscores, or hyphens';
  const badRp = "db name with invalid retention policy, if providing a retention policy name, must be of form '<db_name>/<rp_name>'";
  let slash = false;
  for (let i = 0; i < name.length; i++) {
    const c = name[i];
    if (name.charCodeAt(i) > 0x7f) return invalidChar;
    if (i === 0) {
      if (!/[A-Za-z0-9]/.test(c)) return 'db name did not start with a number or letter';
      continue;
    }
    if (c === '/') {
      if (slash) return badRp;
      slash = true;
    } else if (!/[A-Za-z0-9_-]/.test(c)) return invalidChar;
  }
  if (name.endsWith('/')) return badRp;
  return undefined;
}

/** POST /api/v3/write_lp. */
export async function handleV3Write(req: IncomingMessage, res: ServerResponse, query: URLSearchParams, ctx: WriteContext, info: WriteInfo): Promise<void> {
  info.api = 'v3';
  await answering(res, async () => {
    const principal = await v3Principal(req, ctx, info, () => v2Credentials(req));
    if ([...query.keys()].length === 0) throw textError(400, "missing query parameter 'db'");
    const db = query.get('db');
    if (db === null) throw textError(400, 'serde error: missing field `db`');
    info.db = db;
    const rawPrecision = query.get('precision');
    let precision: V3Precision = 'auto';
    if (rawPrecision !== null) {
      const p = parseV3Precision(rawPrecision);
      if (p === undefined) throw textError(400, `serde error: ${unknownVariant(rawPrecision, V3_PRECISION_SPELLINGS)}`);
      precision = p;
    }
    info.precision = precision;
    const w: V3Write = { db, precision, acceptPartial: boolParam(query, 'accept_partial') ?? true, noSync: boolParam(query, 'no_sync') ?? false };
    await writeV3(req, res, ctx, info, principal, w);
  });
}

/** /write under --compat influxdb3: iox_http's parse_v1, then 3.x's write without partial writes. */
export async function handleV3CompatV1Write(req: IncomingMessage, res: ServerResponse, query: URLSearchParams, ctx: WriteContext, info: WriteInfo): Promise<void> {
  info.api = 'v1 (3.x compat)';
  await answering(res, async () => {
    const principal = await v3Principal(req, ctx, info, () => v1Credentials(req, query));
    if ([...query.keys()].length === 0) throw jsonError(400, 'no db destination provided');
    const decodeFail = (m: string) => jsonError(400, `failed to deserialize db/rp/precision in request: ${m}`);
    const db = query.get('db');
    if (db === null) throw decodeFail('missing field `db`');
    const precision = compatPrecision(query.get('precision'), decodeFail);
    // RetentionPolicy: lower-cased; '', "''", autogen and default mean the database itself.
    const rp = (query.get('rp') ?? '').toLowerCase();
    info.rp = rp;
    const name = rp === '' || rp === "''" || rp === 'autogen' || rp === 'default' ? db : `${db}/${rp}`;
    info.db = name;
    info.precision = precision;
    await writeV3(req, res, ctx, info, principal, { db: name, precision, acceptPartial: false, noSync: false });
  });
}

/** /api/v2/write under --compat influxdb3: parse_v2 (the bucket is the database), errors as `{"code","message"}`, no line number. */
export async function handleV3CompatV2Write(req: IncomingMessage, res: ServerResponse, query: URLSearchParams, ctx: WriteContext, info: WriteInfo): Promise<void> {
  info.api = 'v2 (3.x compat)';
  try {
    const principal = await v3Principal(req, ctx, info, () => v2Credentials(req));
    const invalid = (m: string) => new HttpError('invalid', m);
    if ([...query.keys()].length === 0) throw invalid('no org/bucket destination provided');
    const precision = compatPrecision(query.get('precision'), (m) => invalid(`failed to deserialize org/bucket/precision in request: ${m}`));
    const bucket = query.get('bucket') ?? '';
    if (bucket === '') throw invalid('missing bucket value');
    info.db = bucket;
    info.precision = precision;
    await writeV3(req, res, ctx, info, principal, { db: bucket, precision, acceptPartial: false, noSync: false });
  } catch (e) {
    if (!(e instanceof V3Answer)) throw e;
    // V2WriteApiError: 3.x's error text as the message of an `invalid` (or by status) code.
    if (e.status === 401) throw new HttpError('unauthorized', 'unauthorized access');
    throw new HttpError(e.status === 422 || e.status === 400 ? 'invalid' : e.status === 404 ? 'not found' : e.status === 403 ? 'forbidden' : 'internal error', v2Message(e));
  }
}

/** The text 3.x's V2WriteApiError puts in `message` for an error of the v3 write path. */
function v2Message(a: V3Answer): string {
  if (!a.json) return a.body;
  const parsed = JSON.parse(a.body) as { error: string; data?: V3LineError | V3LineError[] };
  // WriteBuffer(ParseError(line)): "write buffer error: line protocol parse failed: <message>", the line number lost.
  if (parsed.error === 'line protocol parsing error' && parsed.data !== undefined && !Array.isArray(parsed.data)) {
    return `write buffer error: line protocol parse failed: ${parsed.data.error_message}`;
  }
  return parsed.error;
}

function compatPrecision(raw: string | null, fail: (m: string) => Error): V3Precision {
  if (raw === null) return 'ns';
  const p = Object.hasOwn(COMPAT_PRECISION_SPELLINGS, raw) ? COMPAT_PRECISION_SPELLINGS[raw] : undefined;
  if (p === undefined) throw fail(unknownVariant(raw, COMPAT_PRECISION_SPELLINGS));
  return p;
}

/** Runs a v3 handler: its 3.x-shaped answers are sent here; anything else goes to the app's error path. */
async function answering(res: ServerResponse, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof V3Answer) {
      send(res, e);
      return;
    }
    throw e;
  }
}

async function v3Principal(req: IncomingMessage, ctx: WriteContext, info: WriteInfo, credentials: () => Parameters<typeof authenticate>[1]): Promise<Principal> {
  try {
    const p = await authenticate(ctx.meta.get(), credentials(), 'v1', callerOf(req, ctx));
    info.auth = `${p.method} (${p.name})`;
    return p;
  } catch (e) {
    if (e instanceof HttpError && e.code === 'unauthorized') {
      req.resume();
      throw jsonError(401, 'the request was not authenticated');
    }
    throw e;
  }
}

function toField(key: string, v: V3Value): Field {
  switch (v.type) {
    case 'int':
      return { key, type: 'int', value: v.value.toString() };
    case 'uint':
      return { key, type: 'uint', value: v.value.toString() };
    case 'float':
      return { key, type: 'float', value: v.value };
    case 'string':
      return { key, type: 'string', value: v.value };
    case 'bool':
      return { key, type: 'bool', value: v.value };
  }
}

/** A line as one line of canonical line protocol (ns), or why this store cannot hold it. */
function canonical(l: V3Line, ns: bigint): string | { error: string } {
  // A repeated tag: 3.x keeps one column; the last value stands.
  const tags = new Map<string, string>();
  for (const t of l.tags) tags.set(t.key, t.value);
  try {
    return serializePoint({
      measurement: l.measurement,
      tags: [...tags].map(([key, value]) => ({ key, value })),
      fields: l.fields.map((f) => toField(f.key, f.value)),
      time: ns,
    });
  } catch (e) {
    if (!(e instanceof SerializeError)) throw e;
    return { error: `this endpoint cannot store this line (InfluxDB 3 would): ${e.message}` };
  }
}

async function writeV3(req: IncomingMessage, res: ServerResponse, ctx: WriteContext, info: WriteInfo, principal: Principal, w: V3Write): Promise<void> {
  const nameError = v3DatabaseNameError(w.db);
  if (nameError !== undefined) {
    req.resume();
    throw jsonError(400, nameError);
  }
  try {
    ctx.store.assertWritable();
  } catch (e) {
    req.resume();
    throw unavailable(e);
  }
  const meta = ctx.meta.get();
  const existing = meta.buckets.find((b) => b.orgId === principal.orgId && b.name === w.db);
  if (existing !== undefined && !canWrite(principal, existing.id)) {
    req.resume();
    throw jsonError(403, 'requestor is forbidden from requested resource');
  }
  if (existing === undefined) {
    if (principal.write !== '*') {
      req.resume();
      throw jsonError(403, 'requestor is forbidden from requested resource');
    }
    // Catalog::begin refuses a new database past the instance's limit, before the body is read.
    const dbs = meta.buckets.filter((b) => b.orgId === principal.orgId).length;
    if (dbs >= V3_LIMITS.databases) {
      req.resume();
      throw jsonError(422, `Adding a new database would exceed limit of ${V3_LIMITS.databases} databases`);
    }
  }
  info.bucket = existing?.id;
  const body = await readBody(req, { maxBytes: ctx.maxBody, idleMs: ctx.bodyIdleMs });
  info.body = body;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw textError(400, 'body content is not valid utf8: invalid utf-8 sequence');
  }
  // Server time once per request, truncated to a fixed precision (auto: as is).
  const now = nowNs();
  const defaultNs = v3DefaultTime(now, w.precision);
  const records = parseV3Lines(text);
  info.lines = records.length;
  const physical = rustLines(text);
  const catalog = new V3Catalog(storeSchema(ctx.store, ctx.meta.get(), existing?.id));
  const errors: V3LineError[] = [];
  const lines: string[] = [];
  for (const r of records) {
    let error: string | undefined;
    let original: string;
    let accepted: string | undefined;
    if (!r.result.ok) {
      error = r.result.error;
      original = physical[r.index - 1] ?? '';
    } else {
      const l = r.result.line;
      original = catalog.display(l);
      error = catalog.qualify(l);
      if (error === undefined) {
        const ns = l.timestamp === undefined ? defaultNs : v3TimestampNs(l.timestamp, w.precision);
        if (typeof ns === 'string') error = ns;
        else {
          const c = canonical(l, ns);
          if (typeof c === 'string') accepted = c;
          else error = c.error;
        }
      }
    }
    if (error !== undefined) {
      const e = { error_message: error, line_number: r.index, original_line: truncateOriginalLine(original) };
      if (!w.acceptPartial) {
        info.points = 0;
        throw jsonError(400, 'line protocol parsing error', e);
      }
      errors.push(e);
    } else if (accepted !== undefined) lines.push(accepted);
  }
  info.points = lines.length;
  if (records.length === 0) throw textError(400, 'incoming write was empty');
  if (lines.length > 0) {
    const bucketId = existing?.id ?? createDatabase(ctx, principal, w.db);
    info.bucket = bucketId;
    await ctx.ensureBucketData(bucketId);
    const durable = store(ctx, bucketId, lines, now);
    if (w.noSync) {
      // Answered before the fsync: a failure now is only logged (3.x: write_ops_unconfirmed).
      durable.catch((e: unknown) => process.stderr.write(`lpstudio serve: a no_sync write to "${w.db}" was not stored: ${(e as Error).message}\n`));
    } else {
      const dropped = await durable;
      if (dropped !== undefined) errors.push({ error_message: dropped, line_number: 0, original_line: '' });
    }
  }
  if (errors.length > 0) {
    const limitHit = errors.some((e) => e.error_message.startsWith('Update to schema would exceed number of') || e.error_message.startsWith('Adding a new database would exceed limit of'));
    throw jsonError(limitHit ? 422 : 400, 'partial write of line protocol occurred', errors);
  }
  sendNoContent(res);
}

/** A database made by its first write: a bucket of that name (infinite retention), marked as 3.x's. */
function createDatabase(ctx: WriteContext, principal: Principal, name: string): string {
  return ctx.meta.update((s) => {
    let b = s.buckets.find((x) => x.orgId === principal.orgId && x.name === name);
    if (b === undefined) {
      b = { id: newId(), name, orgId: principal.orgId, retentionSeconds: 0, createdAt: new Date().toISOString() };
      s.buckets.push(b);
      s.v3Databases = [...(s.v3Databases ?? []), b.id];
    }
    return b.id;
  });
}

/** Points applied at a time while the canonical body is parsed. */
const APPLY_CHUNK = 256;

/**
 * Writes the canonical lines through the store (WAL, fsync, then visible). Resolves with the
 * store's reason when it dropped points (e.g. outside a bucket's retention), else undefined.
 */
async function store(ctx: WriteContext, bucketId: string, lines: string[], now: bigint): Promise<string | undefined> {
  const text = lines.join('\n') + '\n';
  const body = Buffer.from(text, 'utf8');
  const opts = { dialect: 'influxdb2' as const, precision: 'ns' as const, now, truncateTo: 'ns' as const, crlf: 'strip' as const, warnings: false };
  const feed = (apply: (points: readonly Point[]) => void) => {
    let chunk: Point[] = [];
    const parser = new LineProtocolParser(opts, {
      point: (p) => {
        chunk.push(p);
        if (chunk.length === APPLY_CHUNK) {
          apply(chunk);
          chunk = [];
        }
      },
    });
    parser.run(text, true, 0, 1, text.length === body.length ? body : undefined);
    parser.end();
    if (chunk.length > 0) apply(chunk);
  };
  try {
    const outcome = await ctx.store.writeStream({ bucketId, body, precision: 'ns', defaultTime: now.toString() }, feed);
    return outcome.dropped > 0 ? `${outcome.reason ?? 'points dropped'} (dropped=${outcome.dropped})` : undefined;
  } catch (e) {
    throw unavailable(e);
  }
}

/** The disk cannot take the write: 503 with when to retry (nothing was stored). */
function unavailable(e: unknown): unknown {
  if (!(e instanceof StoreUnavailableError)) return e;
  return new HttpError('unavailable', e.message, {}, { 'Retry-After': String(e.retryAfterSeconds) });
}
