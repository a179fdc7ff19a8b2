// Makes a write request for a profile, in the host (never in the renderer), and describes the
// answer for the response panel: status, timing, headers, body, and the lines the server named.
import type { AuthMethod, Precision, ProfileKind, SendResult } from './contract.js';
import { AppError } from './contract.js';

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
}

const BODY_LIMIT = 1024 * 1024;
const TIMEOUT_MS = 30_000;

/** /write (this app's endpoint, InfluxDB 1.x) speaks every unit; /api/v2/write only four. */
const V1_PRECISION: Record<Precision, string> = { ns: 'ns', us: 'u', ms: 'ms', s: 's', m: 'm', h: 'h' };
const V2_PRECISION: Partial<Record<Precision, string>> = { ns: 'ns', us: 'us', ms: 'ms', s: 's' };

export function usesV2(kind: ProfileKind): boolean {
  return kind === 'influxdb2' || kind === 'cloud';
}

/** The request URL; `mask` replaces a query-string password by `***`. */
export function writeUrl(t: WriteTarget, mask: boolean): string {
  const base = t.baseUrl.replace(/\/+$/, '');
  const q = new URLSearchParams();
  let path: string;
  if (usesV2(t.kind)) {
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

export function authHeaders(t: WriteTarget): Record<string, string> {
  if (t.auth === 'token') {
    if (t.secret === undefined) throw new AppError('invalid', 'this target uses a token but none is stored: edit the connection and set one');
    return { Authorization: `Token ${t.secret}` };
  }
  if (t.auth === 'basic') return { Authorization: `Basic ${Buffer.from(`${t.username ?? ''}:${t.secret ?? ''}`).toString('base64')}` };
  return {};
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
    const raw = await res.text();
    const durationMs = Math.round((performance.now() - started) * 10) / 10;
    const text = raw.length > BODY_LIMIT ? `${raw.slice(0, BODY_LIMIT)}\n… (${raw.length - BODY_LIMIT} more characters)` : raw;
    return {
      ...base,
      status: res.status,
      statusText: res.statusText || STATUS_TEXT[res.status] || '',
      durationMs,
      headers: [...res.headers.entries()],
      body: text,
      errorLines: errorLinesOf(raw, body),
    };
  } catch (e) {
    const durationMs = Math.round((performance.now() - started) * 10) / 10;
    return { ...base, status: 0, statusText: '', durationMs, headers: [], body: '', error: networkError(e, t.baseUrl) };
  }
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
 * The lines of the sent body a server named as bad: 2.x's JSON `line` field, and every
 * `unable to parse '<line>'` text matched back to the body's lines (1.x names no numbers).
 */
export function errorLinesOf(responseBody: string, sent: string): number[] {
  const lines = new Set<number>();
  let message = responseBody;
  try {
    const j = JSON.parse(responseBody) as { line?: unknown; message?: unknown; error?: unknown };
    if (typeof j.line === 'number' && Number.isInteger(j.line) && j.line > 0) lines.add(j.line);
    message = typeof j.message === 'string' ? j.message : typeof j.error === 'string' ? j.error : '';
  } catch {
    // not JSON: scan the text as it is
  }
  const quoted = [...message.matchAll(/unable to parse '((?:[^']|'(?!: ))*)': /g)].map((m) => m[1]);
  if (quoted.length > 0) {
    const wanted = new Set(quoted);
    const bodyLines = sent.split('\n');
    for (let i = 0; i < bodyLines.length; i++) {
      const l = bodyLines[i].endsWith('\r') ? bodyLines[i].slice(0, -1) : bodyLines[i];
      if (wanted.has(l) || wanted.has(bodyLines[i])) lines.add(i + 1);
    }
  }
  return [...lines].sort((a, b) => a - b);
}
