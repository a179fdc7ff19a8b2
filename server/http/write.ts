// POST /write (the 1.x compatibility API, exactly as InfluxDB OSS 2.x answers it, with our
// deliberate improvements) and POST /api/v2/write.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LineProtocolParser } from '../../lineprotocol/parse.js';
import { nowNs, parsePrecision, PRECISION_SPELLINGS, truncateTime } from '../../lineprotocol/precision.js';
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

/** Points applied at a time while a body is parsed. */
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
  const text = body.toString('utf8');
  const bytes = text.length === body.length ? body : undefined;
  const opts = { dialect: 'influxdb2' as const, precision, now: BigInt(defaultTime), truncateTo: 'ns' as const, crlf: 'strip' as const, warnings: false };
  // First a validation pass that builds nothing: as InfluxDB 2.x, one bad line and nothing is
  // written. Only then are points built, and applied in small chunks as they come, so a
  // 5000-line batch is never held whole (its objects die young, not copied by the GC).
  const errors: RecordError[] = [];
  let errorCount = 0;
  const check = new LineProtocolParser(opts, {
    error: (e) => {
      errorCount++;
      if (errors.length < MAX_LINE_ERRORS) errors.push(e);
    },
  }, false);
  check.run(text, true, 0, 1, bytes);
  info.lines = check.end().lines;
  if (errorCount > 0) {
    let message = errors.map((e) => e.message).join('\n');
    if (errorCount > errors.length) message += `\n(${errorCount - errors.length} more lines with errors not shown)`;
    info.points = 0;
    throw new HttpError('invalid', message, { line: errors[0].line });
  }
  const points = check.stats.records;
  info.points = points;
  if (points === 0) {
    sendNoContent(res);
    return;
  }
  await ctx.ensureBucketData(bucketId);
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
    parser.run(text, true, 0, 1, bytes);
    parser.end();
    if (chunk.length > 0) apply(chunk);
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

/** A write the store could not make durable: 503 with the reason and when to retry (nothing was stored). */
function unavailable(e: unknown): unknown {
  if (!(e instanceof StoreUnavailableError)) return e;
  return new HttpError('unavailable', e.message, {}, { 'Retry-After': String(e.retryAfterSeconds) });
}
