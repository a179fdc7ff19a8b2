// POST /write (the 1.x compatibility API, exactly as InfluxDB OSS 2.x answers it, with our
// deliberate improvements) and POST /api/v2/write.
import { isAscii } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LineProtocolParser, type EngineOptions } from '../../lineprotocol/parse.js';
import { ShapeBatch } from '../../lineprotocol/shape-batch.js';
import { nowNs, parsePrecision, PRECISION_SPELLINGS, truncateTime } from '../../lineprotocol/precision.js';
import type { RecordShape } from '../../lineprotocol/record.js';
import type { Point, Precision, RecordError } from '../../lineprotocol/types.js';
import { checkBucketName, newId, type MetaStore } from '../meta.js';
import { StoreUnavailableError, type BucketInfo, type BucketStore, type WriteOutcome } from '../store/api.js';
import { authenticate, canRead, canWrite, v1Credentials, v2Credentials, type Caller, type Principal } from './auth.js';
import { readBody } from './body.js';
import type { PasswordAttempts } from './password-attempts.js';
import { findMapping } from './dbrp.js';
import { HttpError, sendNoContent } from './respond.js';

export interface WriteContext {
  meta: MetaStore;
  store: BucketStore;
  maxBody: number;
  bodyIdleMs: number;
  autoCreateBuckets: boolean;
  /**
   * Makes sure the store has a bucket's data directory: the bucket may have been created a moment ago,
   * on the fly (auto-create) or by the CLI in another process, before the periodic sync saw it.
   */
  ensureBucketData: (bucketId: string) => Promise<void>;
  /** Failed password checks per client address (answered 429 after too many). */
  passwordAttempts: PasswordAttempts;
}

/** What the request log records about a write (never a secret). */
export interface WriteInfo {
  /** Which API generation the request used: `v1`, `v2`, `v3`, or `v1 (3.x compat)` / `v2 (3.x compat)`. */
  api?: string;
  auth?: string;
  db?: string;
  rp?: string;
  bucket?: string;
  precision?: string;
  lines?: number;
  points?: number;
  error?: string;
  body?: Buffer;
}

/** The request's client, for limiting its failed password checks. */
export function callerOf(req: IncomingMessage, ctx: WriteContext): Caller {
  return { client: req.socket.remoteAddress ?? '', attempts: ctx.passwordAttempts };
}

/** At most this many line errors in one response (InfluxDB lists them all). */
export const MAX_LINE_ERRORS = 100;

export async function handleV1Write(req: IncomingMessage, res: ServerResponse, query: URLSearchParams, ctx: WriteContext, info: WriteInfo): Promise<void> {
  const db = query.get('db') ?? '';
  const rp = query.get('rp') ?? '';
  // Recorded before authentication: a refused request's log entry still names its target.
  info.db = db;
  info.rp = rp;
  const principal = await authenticate(ctx.meta.get(), v1Credentials(req, query), 'v1', callerOf(req, ctx));
  info.auth = `${principal.method} (${principal.name})`;
  if (db === '') throw new HttpError('invalid', 'missing db');
  const precision = precisionParam(query.get('precision'), 'v1');
  info.precision = precision;
  const bucketId = await resolveBucket(ctx, principal, db, rp);
  info.bucket = bucketId;
  await ingest(req, res, ctx, bucketId, precision, info);
}

export async function handleV2Write(req: IncomingMessage, res: ServerResponse, query: URLSearchParams, ctx: WriteContext, info: WriteInfo): Promise<void> {
  const principal = await authenticate(ctx.meta.get(), v2Credentials(req), 'v2', callerOf(req, ctx));
  info.auth = `${principal.method} (${principal.name})`;
  const precision = precisionParam(query.get('precision'), 'v2');
  info.precision = precision;
  const bucketParam = query.get('bucket') ?? '';
  if (bucketParam === '') throw new HttpError('not found', 'bucket not found');
  const meta = ctx.meta.get();
  const orgIdParam = query.get('orgID') ?? '';
  const orgParam = query.get('org') ?? '';
  let orgId: string;
  if (orgIdParam !== '') {
    // As platform.ID decoding: the length first, then the hex digits.
    if (orgIdParam.length !== 16) throw new HttpError('invalid', 'id must have a length of 16 bytes');
    if (!/^[0-9a-f]{16}$/.test(orgIdParam)) throw new HttpError('invalid', 'invalid ID');
    if (!meta.orgs.some((o) => o.id === orgIdParam)) throw new HttpError('not found', 'organization not found');
    orgId = orgIdParam;
  } else if (orgParam !== '') {
    const org = meta.orgs.find((o) => o.id === orgParam) ?? meta.orgs.find((o) => o.name === orgParam);
    if (org === undefined) throw new HttpError('not found', `organization name "${orgParam}" not found`);
    orgId = org.id;
  } else throw new HttpError('invalid', 'Please provide either orgID or org');
  const bucket =
    meta.buckets.find((b) => b.orgId === orgId && b.id === bucketParam) ?? meta.buckets.find((b) => b.orgId === orgId && b.name === bucketParam);
  if (bucket === undefined) throw new HttpError('not found', `bucket "${bucketParam}" not found`);
  info.bucket = bucket.id;
  if (!canWrite(principal, bucket.id)) throw new HttpError('forbidden', 'insufficient permissions for write');
  await ingest(req, res, ctx, bucket.id, precision, info);
}

/**
 * Precision: every spelling InfluxDB's docs promise, honoured (2.x treats u, m, h as ns, #21625);
 * anything else is refused rather than silently read as nanoseconds.
 */
function precisionParam(raw: string | null, api: 'v1' | 'v2'): Precision {
  if (raw === null || raw === '') return 'ns';
  if (api === 'v2') {
    // /api/v2/write is exactly 2.x: clients of the v2 API only ever send these four.
    const p = V2_PRECISIONS[raw];
    if (p === undefined) throw new HttpError('invalid', 'invalid precision; valid precision units are ns, us, ms, and s');
    return p;
  }
  const p = parsePrecision(raw);
  if (p === undefined) throw new HttpError('invalid', `invalid precision "${raw}"; valid precision units are ${PRECISION_SPELLINGS.join(', ')}`);
  return p;
}

const V2_PRECISIONS: Record<string, Precision> = { ns: 'ns', us: 'us', ms: 'ms', s: 's' };

async function resolveBucket(ctx: WriteContext, principal: Principal, db: string, rp: string): Promise<string> {
  let mapping = findMapping(ctx.meta.get(), principal.orgId, db, rp);
  if (mapping !== undefined && !canRead(principal, mapping.bucketId)) mapping = undefined;
  if (mapping === undefined && ctx.autoCreateBuckets && principal.write === '*') {
    const name = rp === '' || rp === 'autogen' ? db : `${db}/${rp}`;
    checkBucketName(name);
    const info = ctx.meta.update((s) => {
      const existing = s.buckets.find((b) => b.orgId === principal.orgId && b.name === name);
      if (existing !== undefined) return existing;
      const b = { id: newId(), name, orgId: principal.orgId, retentionSeconds: 0, createdAt: new Date().toISOString() };
      s.buckets.push(b);
      return b;
    });
    return info.id;
  }
  if (mapping === undefined) {
    throw new HttpError(
      'not found',
      'no dbrp mapping found',
      {},
      { 'X-Lpstudio-Hint': `no bucket "${rp === '' ? db : `${db}/${rp}`}" and no DBRP mapping for db "${db}"${rp === '' ? '' : ` rp "${rp}"`}: create one with "lpstudio bucket create" or "lpstudio v1 dbrp create"` },
    );
  }
  if (!ctx.meta.get().buckets.some((b) => b.id === mapping!.bucketId)) throw new HttpError('not found', `bucket "${mapping.bucketId}" not found`);
  if (!canWrite(principal, mapping.bucketId)) throw new HttpError('forbidden', 'insufficient permissions for write');
  return mapping.bucketId;
}

/** Points per chunk handed to the store (it applies a chunk at a time). */
const APPLY_CHUNK = 256;

async function ingest(req: IncomingMessage, res: ServerResponse, ctx: WriteContext, bucketId: string, precision: Precision, info: WriteInfo): Promise<void> {
  // Server time is taken once per request, before parsing, as InfluxDB does.
  const defaultTime = truncateTime(nowNs(), precision).toString();
  try {
    ctx.store.assertWritable(); // read-only: refused at once, the body unread
  } catch (e) {
    req.resume();
    throw unavailable(e);
  }
  const body = await readBody(req, { maxBytes: ctx.maxBody, idleMs: ctx.bodyIdleMs });
  info.body = body;
  const parsed = parseBody(body, precision, defaultTime);
  info.lines = parsed.lines;
  if (parsed.errorCount > 0) {
    const { errors, errorCount } = parsed;
    let message = errors.map((e) => e.message).join('\n');
    if (errorCount > errors.length) message += `\n(${errorCount - errors.length} more lines with errors not shown)`;
    info.points = 0;
    throw new HttpError('invalid', message, { line: errors[0].line });
  }
  info.points = parsed.points;
  if (parsed.points === 0) {
    sendNoContent(res);
    return;
  }
  await ctx.ensureBucketData(bucketId);
  // The body was parsed once, before its WAL record is written; the store applies the batch
  // once the record is durable (while this request waits for its fsync, the next one parses).
  const batch = parsed.batch;
  const feed = (apply: (points: readonly Point[]) => void) => {
    for (let i = 0; i < batch.n; i += APPLY_CHUNK) apply(batch.points(i, Math.min(batch.n, i + APPLY_CHUNK)));
  };
  let outcome: WriteOutcome;
  try {
    outcome = await ctx.store.writeStream({ bucketId, body, precision, defaultTime }, feed);
  } catch (e) {
    throw unavailable(e);
  }
  if (outcome.dropped > 0) {
    throw new HttpError(
      'unprocessable entity',
      `failure writing points to database: partial write: ${outcome.reason ?? 'points dropped'} dropped=${outcome.dropped}`,
    );
  }
  sendNoContent(res);
}

interface ParsedBody {
  lines: number;
  points: number;
  /** The accepted records, to build points from; emptied once a line failed. */
  batch: ShapeBatch;
  errors: RecordError[];
  errorCount: number;
}

/**
 * One pass over the body: every line parsed exactly once, its shape (offsets into the text) kept
 * instead of a point; the points are built from the shapes when the store applies them. As
 * InfluxDB 2.x, one bad line and nothing is written: the caller applies the batch only when
 * errorCount is 0, i.e. once the whole body parsed. After the first error nothing more is kept
 * (the rest is still parsed, to name every bad line).
 */
function parseBody(body: Buffer, precision: Precision, defaultTime: string): ParsedBody {
  // An ASCII body (the usual) decodes three times faster as latin1, to the same string.
  const ascii = isAscii(body);
  const text = body.toString(ascii ? 'latin1' : 'utf8');
  const bytes = ascii ? body : undefined;
  const opts: EngineOptions = { dialect: 'influxdb2', precision, now: BigInt(defaultTime), truncateTo: 'ns', crlf: 'strip', warnings: false, shapes: true };
  const out: ParsedBody = { lines: 0, points: 0, batch: new ShapeBatch(text), errors: [], errorCount: 0 };
  const lineError = (e: RecordError) => {
    if (out.errorCount++ === 0) out.batch = new ShapeBatch('');
    if (out.errors.length < MAX_LINE_ERRORS) out.errors.push(e);
  };
  // The accepted record waiting for its line number (reported by `unit` right after it).
  let pending: RecordShape | null = null;
  const parser = new LineProtocolParser(
    opts,
    {
      accepted: (_text, _point, shape) => {
        if (out.errorCount === 0) pending = shape;
      },
      error: lineError,
      unit: (start, end, line) => {
        if (pending === null) return;
        const failed = out.batch.add(pending, line);
        pending = null;
        if (failed !== null) {
          const quoted = text.slice(start, end).trim();
          lineError({ line, column: 1, reason: failed.reason, text: quoted, message: `unable to parse '${quoted}': ${failed.reason}` });
        }
      },
    },
    false,
  );
  parser.run(text, true, 0, 1, bytes);
  const stats = parser.end();
  out.lines = stats.lines;
  out.points = stats.points - (out.errorCount > stats.errors ? out.errorCount - stats.errors : 0);
  return out;
}

/** A write the store could not make durable: 503 with the reason and when to retry (nothing was stored). */
function unavailable(e: unknown): unknown {
  if (!(e instanceof StoreUnavailableError)) return e;
  return new HttpError('unavailable', e.message, {}, { 'Retry-After': String(e.retryAfterSeconds) });
}
