// Makes a write request for a profile, in the host (never in the renderer), and describes the
// answer for the response panel: status, timing, headers, body, and the lines the server named.
import type { AuthMethod, Precision, ProfileKind, SendResult } from './contract.js';
import { AppError } from './contract.js';
import type { UploadTarget } from './upload/uploader.js';
import { lineReasonsOf, writeOutcome } from './write-outcome.js';
import { v3WriteOutcome } from './write-outcome-v3.js';

export interface WriteTarget {
  kind: ProfileKind;
  baseUrl: string;
  db?: string;
  rp?: string;
  org?: string;
  bucket?: string;
  precision: Precision;
  auth: AuthMethod;
  username?: string;
  secret?: string;
  /** InfluxDB 3 (/api/v3/write_lp): precision auto, accept_partial (3.x's default true), no_sync. */
  autoPrecision?: boolean;
  acceptPartial?: boolean;
  noSync?: boolean;
}

const BODY_LIMIT = 1024 * 1024;
/** Read at most this much of an answer (a server may send without end); errorLines reads it all. */
const READ_LIMIT = 64 * 1024 * 1024;
const TIMEOUT_MS = 30_000;

/**
 * /write takes 1.x's names (n, u, ms, s, m, h): 1.x >= 1.8 refuses `us` with a 400, and this
 * app's endpoint takes both. ns is left out (absent means ns everywhere). No µs spelling works
 * on both 1.x and 2.x's /write (2.x multiplies only us, ms, s: `u`, `m`, `h` silently mean ns
 * there, spec §2.3), so a 2.x server is reached as kind influxdb2 (/api/v2/write), not influxdb1.
 * /api/v2/write takes ns, us, ms, s only.
 */
const V1_PRECISION: Record<Precision, string> = { ns: 'ns', us: 'u', ms: 'ms', s: 's', m: 'm', h: 'h' };
const V2_PRECISION: Partial<Record<Precision, string>> = { ns: 'ns', us: 'us', ms: 'ms', s: 's' };

export function usesV2(kind: ProfileKind): boolean {
  return kind === 'influxdb2' || kind === 'cloud';
}

/** The write API a target kind takes. */
export function apiOf(kind: ProfileKind): 'v1' | 'v2' | 'v3' {
  return kind === 'influxdb3' ? 'v3' : usesV2(kind) ? 'v2' : 'v1';
}

/** 3.x's precision names, as its docs write them. */
const V3_PRECISION: Partial<Record<Precision, string>> = { ns: 'nanosecond', us: 'microsecond', ms: 'millisecond', s: 'second' };

/** The request URL; `mask` replaces a query-string password by `***`. */
export function writeUrl(t: WriteTarget, mask: boolean): string {
  const base = t.baseUrl.replace(/\/+$/, '');
  const q = new URLSearchParams();
  let path: string;
  if (t.kind === 'influxdb3') {
    path = '/api/v3/write_lp';
    if (!t.db) throw new AppError('invalid', 'pick a database to write to (InfluxDB 3 creates it on the first write)');
    q.set('db', t.db);
    if (t.autoPrecision === true) q.set('precision', 'auto');
    else {
      const p = V3_PRECISION[t.precision];
      if (p === undefined) throw new AppError('invalid', `InfluxDB 3 takes precision auto, s, ms, us or ns, not ${t.precision}`);
      q.set('precision', p);
    }
    if (t.acceptPartial === false) q.set('accept_partial', 'false');
    if (t.noSync === true) q.set('no_sync', 'true');
  } else if (usesV2(t.kind)) {
    path = '/api/v2/write';
    const p = V2_PRECISION[t.precision];
    if (p === undefined) throw new AppError('invalid', `/api/v2/write takes precision ns, us, ms or s, not ${t.precision}: pick one of those (or use a 1.x /write target)`);
    if (!t.org) throw new AppError('invalid', 'an InfluxDB 2.x or Cloud target needs an organization');
    if (!t.bucket) throw new AppError('invalid', 'an InfluxDB 2.x or Cloud target needs a bucket');
    q.set('org', t.org);
    q.set('bucket', t.bucket);
    if (p !== 'ns') q.set('precision', p);
  } else {
    path = '/write';
    if (!t.db) throw new AppError('invalid', 'pick a database to write to');
    q.set('db', t.db);
    if (t.rp) q.set('rp', t.rp);
    if (t.precision !== 'ns') q.set('precision', V1_PRECISION[t.precision]);
  }
  if (t.auth === 'query') {
    q.set('u', t.username ?? '');
    q.set('p', mask ? '***' : (t.secret ?? ''));
  }
  return `${base}${path}?${q.toString()}`;
}

/** The token of a token target; refused with a sentence when the connection has none stored. */
function tokenOf(t: WriteTarget): string {
  if (t.secret === undefined) throw new AppError('invalid', 'this target uses a token but none is stored: edit the connection and set one');
  return t.secret;
}

export function authHeaders(t: WriteTarget): Record<string, string> {
  // 3.x's docs and clients send `Bearer`; 1.x/2.x `Token`.
  if (t.auth === 'token') return { Authorization: `${t.kind === 'influxdb3' ? 'Bearer' : 'Token'} ${tokenOf(t)}` };
  if (t.auth === 'basic') return { Authorization: `Basic ${Buffer.from(`${t.username ?? ''}:${t.secret ?? ''}`).toString('base64')}` };
  return {};
}

/** The same target as the uploader (app/upload) takes it, for a file upload instead of a send. */
export function uploadTargetOf(t: WriteTarget): UploadTarget {
  const auth: UploadTarget['auth'] =
    t.auth === 'token'
      ? { kind: 'token', token: tokenOf(t) }
      : t.auth === 'basic' || t.auth === 'query'
        ? { kind: t.auth, username: t.username ?? '', password: t.secret ?? '' }
        : { kind: 'none' };
  // An upload to InfluxDB 3 goes through its /write compatibility endpoint (batches, never partial).
  return { url: t.baseUrl, api: usesV2(t.kind) ? 'v2' : 'v1', db: t.db, rp: t.rp, org: t.org, bucket: t.bucket, precision: t.precision, auth };
}

export async function sendWrite(t: WriteTarget, body: string, fetchFn: typeof fetch = fetch): Promise<SendResult> {
  const url = writeUrl(t, false);
  const shown = writeUrl(t, true);
  const started = performance.now();
  const base = { method: 'POST', url: shown, errorLines: [] as number[] };
  try {
    const res = await fetchFn(url, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain; charset=utf-8', Accept: 'application/json', ...authHeaders(t) },
      body,
      signal: AbortSignal.timeout(TIMEOUT_MS),
      redirect: 'manual',
    });
    const raw = await readCapped(res, READ_LIMIT);
    const durationMs = Math.round((performance.now() - started) * 10) / 10;
    const text = raw.length > BODY_LIMIT ? `${raw.slice(0, BODY_LIMIT)}\n… (${raw.length - BODY_LIMIT} more characters)` : raw;
    const outcome = t.kind === 'influxdb3' ? v3WriteOutcome(res.status, raw, body) : writeOutcome(res.status, raw, body, t.kind === 'influxdb1' ? 'influxdb1' : 'influxdb2');
    return {
      ...base,
      status: res.status,
      statusText: res.statusText || STATUS_TEXT[res.status] || '',
      durationMs,
      headers: [...res.headers.entries()],
      body: text,
      errorLines: outcome.lines.map((v) => v.line),
      lineErrors: outcome.lines,
      stored: { sentence: outcome.sentence, written: outcome.written, points: outcome.points },
    };
  } catch (e) {
    const durationMs = Math.round((performance.now() - started) * 10) / 10;
    const stored = { sentence: writeOutcome(0, '', '', 'influxdb2').sentence };
    return { ...base, status: 0, statusText: '', durationMs, headers: [], body: '', error: redact(networkError(e, t.baseUrl), t.secret), stored };
  }
}

/** The answer's text, at most `limit` bytes of it (the rest is left unread). */
async function readCapped(res: Response, limit: number): Promise<string> {
  if (res.body === null) return '';
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const room = limit - bytes;
    bytes += value.byteLength;
    text += decoder.decode(value.byteLength > room ? value.subarray(0, room) : value, { stream: true });
    if (bytes >= limit) {
      await reader.cancel().catch(() => {});
      return text + decoder.decode();
    }
  }
  return text + decoder.decode();
}

/** Removes a secret from a message (fetch's errors may quote the whole URL, `p=` included). */
export function redact(message: string, secret: string | undefined): string {
  if (secret === undefined || secret === '') return message;
  let out = message;
  for (const form of new Set([secret, encodeURIComponent(secret), new URLSearchParams({ p: secret }).toString().slice(2)])) out = out.split(form).join('***');
  return out;
}

const STATUS_TEXT: Record<number, string> = {
  204: 'No Content',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  413: 'Request Entity Too Large',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

function networkError(e: unknown, baseUrl: string): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  const code = err.cause?.code ?? '';
  if (err.name === 'TimeoutError') return `no answer from ${baseUrl} within ${TIMEOUT_MS / 1000} s: is the server overloaded or the address wrong?`;
  if (code === 'ECONNREFUSED') return `connection refused at ${baseUrl}: is InfluxDB running there?`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `the host of ${baseUrl} is not known: check the URL`;
  if (code === 'ECONNRESET') return `the connection to ${baseUrl} was reset`;
  if (err.cause?.message === 'bad port') return `${baseUrl} uses a port HTTP clients refuse (it belongs to another well-known service): check the port`;
  return `the request to ${baseUrl} failed: ${err.cause?.message ?? err.message}`;
}

/**
 * The lines of the sent body a server named as bad: the JSON `line` field (this app's endpoint;
 * the 2.x OpenAPI schema has it), and every `unable to parse '<line>': <reason>` text (1.x and
 * 2.x list every bad line that way, also inside 1.x's `partial write: …`), matched back to the
 * body (see lineReasonsOf, which also gives each line its own reason).
 */
export function errorLinesOf(responseBody: string, sent: string): number[] {
  return lineReasonsOf(responseBody, sent).map((v) => v.line);
}
