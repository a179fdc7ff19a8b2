// What the request log keeps of a request beyond the write's own facts: the query string and
// headers with their secrets masked, the body as received (also when the request is refused
// before the handler reads it), and the response's headers and body. All bounded.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { constants, gunzipSync } from 'node:zlib';

/** The body kept for the inspector (decompressed). */
export const BODY_PREVIEW = 64 * 1024;
/** The response body kept (InfluxDB's answers are short JSON; a long 400 lists line errors). */
export const RESPONSE_PREVIEW = 16 * 1024;

/** Query parameters whose values are secrets (1.x `p`, a token some clients pass as `token`). */
const SECRET_PARAMS = new Set(['p', 'password', 'token']);
/** Headers that carry credentials besides Authorization. */
const SECRET_HEADERS = new Set(['cookie', 'set-cookie', 'proxy-authorization', 'x-api-key']);

const fingerprint = (secret: string) => `sha256:${createHash('sha256').update(secret, 'utf8').digest('hex').slice(0, 8)}`;

/** A secret shown so its owner recognises it and nobody else learns it: its last 4 characters (long secrets only) and a hash prefix. */
export function maskSecret(secret: string): string {
  if (secret === '') return '(empty)';
  return secret.length >= 16 ? `…${secret.slice(-4)} (${fingerprint(secret)})` : `•••• (${fingerprint(secret)})`;
}

/** `?db=x&u=bob&p=…` with p, password and token masked; '' when there is no query. */
export function maskedQuery(search: string): string {
  if (search === '' || search === '?') return '';
  const q = new URLSearchParams(search);
  const parts: string[] = [];
  for (const [k, v] of q) parts.push(`${encodeURIComponent(k)}=${SECRET_PARAMS.has(k.toLowerCase()) ? maskSecret(v) : encodeURIComponent(v).replace(/%2F/g, '/')}`);
  return `?${parts.join('&')}`;
}

/** `Token …a1b2 (sha256:…)`, `Basic bob:•••• (sha256:…)`: the scheme and who, never the secret. */
export function maskedAuthorization(value: string): string {
  const space = value.indexOf(' ');
  if (space < 0) return maskSecret(value);
  const scheme = value.slice(0, space);
  const rest = value.slice(space + 1);
  if (scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(rest, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon >= 0) return `Basic ${decoded.slice(0, colon)}:${maskSecret(decoded.slice(colon + 1))}`;
    return `Basic ${maskSecret(rest)}`;
  }
  // `Token user:secret` (a 1.x client's form): the user shown, the secret masked.
  const colon = rest.indexOf(':');
  if (colon > 0 && scheme.toLowerCase() === 'token') return `${scheme} ${rest.slice(0, colon)}:${maskSecret(rest.slice(colon + 1))}`;
  return `${scheme} ${maskSecret(rest)}`;
}

/** The request's headers as sent (raw order and case), secrets masked. */
export function maskedRequestHeaders(req: IncomingMessage): [string, string][] {
  const out: [string, string][] = [];
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length && out.length < 100; i += 2) {
    const name = raw[i];
    const lower = name.toLowerCase();
    const value = lower === 'authorization' ? maskedAuthorization(raw[i + 1]) : SECRET_HEADERS.has(lower) ? maskSecret(raw[i + 1]) : raw[i + 1].slice(0, 1024);
    out.push([name, value]);
  }
  return out;
}

/** Keeps the first RESPONSE_PREVIEW bytes of what the handler writes; read after 'finish'. */
export function captureResponse(res: ServerResponse): () => { headers: [string, string][]; body: string } {
  const chunks: Buffer[] = [];
  let kept = 0;
  const keep = (chunk: unknown, encoding: unknown) => {
    if (kept >= RESPONSE_PREVIEW || chunk === undefined || chunk === null || typeof chunk === 'function') return;
    // A string is cut before it is encoded: a 32 MiB export is never copied whole for its preview.
    const b =
      typeof chunk === 'string'
        ? Buffer.from(chunk.slice(0, RESPONSE_PREVIEW), typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8')
        : chunk instanceof Uint8Array
          ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
          : undefined;
    if (b === undefined) return;
    const part = b.subarray(0, RESPONSE_PREVIEW - kept);
    chunks.push(part);
    kept += part.length;
  };
  const write = res.write.bind(res) as (...a: unknown[]) => boolean;
  const end = res.end.bind(res) as (...a: unknown[]) => ServerResponse;
  res.write = ((...a: unknown[]) => {
    keep(a[0], a[1]);
    return write(...a);
  }) as ServerResponse['write'];
  res.end = ((...a: unknown[]) => {
    keep(a[0], a[1]);
    return end(...a);
  }) as ServerResponse['end'];
  return () => ({
    headers: Object.entries(res.getHeaders()).map(([k, v]) => [k, SECRET_HEADERS.has(k) ? '••••' : Array.isArray(v) ? v.join(', ') : String(v)]),
    body: Buffer.concat(chunks, kept).toString('utf8'),
  });
}

/**
 * Reads (and discards) the rest of a body the handler did not read, keeping its first
 * BODY_PREVIEW bytes: a refused request's body is what the user needs to see. Resolves when the
 * body has ended, the connection closed, or after `idleMs` without data.
 */
export function drainWithPreview(req: IncomingMessage, idleMs: number): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    let timer: NodeJS.Timeout | undefined;
    let finished = false;
    const done = () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      req.off('data', onData);
      req.resume();
      resolve(previewOf(Buffer.concat(chunks, kept), req.headers['content-encoding']));
    };
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(done, idleMs);
      timer.unref();
    };
    const onData = (c: Buffer) => {
      arm();
      if (kept >= BODY_PREVIEW) return;
      const part = c.subarray(0, BODY_PREVIEW - kept);
      chunks.push(part);
      kept += part.length;
    };
    if (req.complete) {
      resolve(Buffer.alloc(0));
      return;
    }
    arm();
    req.on('data', onData);
    req.once('end', done);
    req.once('close', done);
    req.resume();
  });
}

/** A gzip body's preview decompressed as far as its kept bytes go. */
function previewOf(raw: Buffer, encoding: string | undefined): Buffer {
  if (encoding !== 'gzip' && encoding !== 'x-gzip') return raw;
  try {
    return gunzipSync(raw, { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: BODY_PREVIEW * 16 }).subarray(0, BODY_PREVIEW);
  } catch {
    return Buffer.from(`(${raw.length} bytes of gzip that do not decompress)`);
  }
}
