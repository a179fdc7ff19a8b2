// Uploads line protocol of any size: streamed through the Batcher, each batch gzipped and sent
// with the target's auth and precision, retried with backoff on 429/503/network errors, never
// re-sent once acknowledged. Progress as it goes; a final report of exactly what was written.
// Memory stays bounded: the source is read only as fast as batches are acknowledged.
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { gzip as gzipCb } from 'node:zlib';
import { droppedLinesOf, lineReasonsOf } from '../write-outcome.js';
import { v3WriteOutcome } from '../write-outcome-v3.js';
import { Batcher, fileLineOf, type Batch, type BatchOptions, type SkippedRecord } from './batcher.js';
import { ByteBatcher } from './byte-batcher.js';

export interface UploadTarget {
  /** Base URL, e.g. http://127.0.0.1:8086 */
  url: string;
  api: 'v1' | 'v2' | 'v3';
  db?: string;
  rp?: string;
  org?: string;
  bucket?: string;
  /** ns, us, ms, s (v2) or also m, h (v1). */
  precision?: 'ns' | 'us' | 'ms' | 's' | 'm' | 'h';
  /** InfluxDB 3 (/api/v3/write_lp): precision auto (precision then unused), accept_partial, no_sync. */
  v3?: { autoPrecision?: boolean; acceptPartial?: boolean; noSync?: boolean };
  auth: { kind: 'none' } | { kind: 'token'; token: string } | { kind: 'basic'; username: string; password: string } | { kind: 'query'; username: string; password: string };
}

export interface UploadOptions extends BatchOptions {
  gzip?: boolean;
  /** Requests in flight at once, 1 to 4 (default 1). */
  concurrency?: 1 | 2 | 3 | 4;
  /** Attempts per batch (default 5). */
  maxAttempts?: number;
  /** First retry delay, ms (doubles, with jitter; default 500). */
  backoffMs?: number;
  signal?: AbortSignal;
  onProgress?: (p: UploadProgress) => void;
  totalBytes?: number;
  /** Sends with this instead of node:http (keep-alive). */
  fetch?: typeof fetch;
}

export interface UploadProgress {
  bytesRead: number;
  totalBytes?: number;
  /** Physical lines read. */
  lines: number;
  /** Records read (lines that are not blank or comments). */
  records: number;
  /** Points acknowledged by the server (same as pointsWritten). */
  points: number;
  pointsWritten: number;
  pointsPerSec: number;
  etaSeconds?: number;
  batchesSent: number;
  retries: number;
}

export interface RejectedLine {
  line: number;
  reason: string;
}

/** A run of consecutive batches the server acknowledged (204, or 422 with the rest stored). */
export interface AcknowledgedRun {
  /** First and last batch, 1-based. */
  fromBatch: number;
  toBatch: number;
  /** First and last file line in them. */
  fromLine: number;
  toLine: number;
}

export interface UploadReport {
  pointsWritten: number;
  batchesSent: number;
  batchesRetried: number;
  batchesFailed: number;
  /** Lines the server refused (first 100), with its reasons; or skipped before sending. */
  linesRejected: RejectedLine[];
  linesRejectedCount: number;
  skipped: SkippedRecord[];
  skippedCount: number;
  cancelled: boolean;
  /** Exactly what was acknowledged, as runs of consecutive batches (a batch is never re-sent once in here). */
  acknowledged: AcknowledgedRun[];
  durationMs: number;
  /** Why batches failed, one sentence each (first 20). */
  failures: string[];
  /** Set when an answer meant no later batch could succeed (401, 403, 404, 413). */
  stopped?: string;
}

const V1_PRECISION: Record<string, string> = { ns: 'ns', us: 'u', ms: 'ms', s: 's', m: 'm', h: 'h' };
const V3_PRECISION: Record<string, string> = { ns: 'nanosecond', us: 'microsecond', ms: 'millisecond', s: 'second' };

export function uploadUrl(t: UploadTarget): string {
  const q = new URLSearchParams();
  let path: string;
  if (t.api === 'v3') {
    path = '/api/v3/write_lp';
    q.set('db', t.db ?? '');
    q.set('precision', t.v3?.autoPrecision === true ? 'auto' : V3_PRECISION[t.precision ?? 'ns'] ?? 'nanosecond');
    q.set('accept_partial', t.v3?.acceptPartial === true ? 'true' : 'false');
    if (t.v3?.noSync === true) q.set('no_sync', 'true');
  } else if (t.api === 'v2') {
    path = '/api/v2/write';
    q.set('org', t.org ?? '');
    q.set('bucket', t.bucket ?? '');
    if (t.precision && t.precision !== 'ns') q.set('precision', t.precision);
  } else {
    path = '/write';
    q.set('db', t.db ?? '');
    if (t.rp) q.set('rp', t.rp);
    if (t.precision && t.precision !== 'ns') q.set('precision', V1_PRECISION[t.precision]);
  }
  if (t.auth.kind === 'query') {
    q.set('u', t.auth.username);
    q.set('p', t.auth.password);
  }
  return `${t.url.replace(/\/+$/, '')}${path}?${q}`;
}

interface Answer {
  status: number;
  retryAfter: string | null;
  text: string;
}

const ANSWER_LIMIT = 1 << 20;

/** One POST over node:http(s) with a keep-alive agent; the answer's text is capped at 1 MiB. */
function post(url: URL, agent: HttpAgent, headers: Record<string, string>, body: Buffer, timeoutMs: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(
      url,
      { method: 'POST', agent, headers: { ...headers, 'Content-Length': String(body.length) }, timeout: timeoutMs },
      (res) => {
        const parts: Buffer[] = [];
        let n = 0;
        res.on('data', (d: Buffer) => {
          if (n < ANSWER_LIMIT) parts.push(d);
          n += d.length;
        });
        res.on('end', () => {
          const ra = res.headers['retry-after'];
          resolve({ status: res.statusCode ?? 0, retryAfter: typeof ra === 'string' ? ra : null, text: Buffer.concat(parts).subarray(0, ANSWER_LIMIT).toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    req.on('error', reject);
    req.end(body);
  });
}

const gzipAsync = (data: string | Uint8Array): Promise<Buffer> =>
  new Promise((resolve, reject) => gzipCb(data, { level: 1 }, (e, out) => (e ? reject(e) : resolve(out))));

/** A batch's bytes: as read (byte batcher) or encoded from its text. */
const bytesOf = (b: Batch): Buffer => {
  const raw = (b as Batch & { bytes?: Uint8Array }).bytes;
  return raw !== undefined ? Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength) : Buffer.from(b.text);
};

function headers(t: UploadTarget, gzip: boolean): Record<string, string> {
  const h: Record<string, string> = { 'Content-Type': 'text/plain; charset=utf-8' };
  if (gzip) h['Content-Encoding'] = 'gzip';
  if (t.auth.kind === 'token') h.Authorization = `${t.api === 'v3' ? 'Bearer' : 'Token'} ${t.auth.token}`;
  if (t.auth.kind === 'basic') h.Authorization = `Basic ${Buffer.from(`${t.auth.username}:${t.auth.password}`).toString('base64')}`;
  return h;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

/** Uploads everything `source` yields. Never throws for server or network trouble: see the report. */
export async function upload(source: AsyncIterable<Buffer | string>, target: UploadTarget, o: UploadOptions = {}): Promise<UploadReport> {
  const started = Date.now();
  const fetchFn = o.fetch;
  const target_ = new URL(uploadUrl(target));
  const agent = target_.protocol === 'https:' ? new HttpsAgent({ keepAlive: true, maxSockets: 2 }) : new HttpAgent({ keepAlive: true, maxSockets: 2 });
  const gzip = o.gzip ?? true;
  const dialect = o.dialect === 'influxdb1' ? 'influxdb1' : 'influxdb2';
  const url = uploadUrl(target);
  const report: UploadReport = { pointsWritten: 0, batchesSent: 0, batchesRetried: 0, batchesFailed: 0, linesRejected: [], linesRejectedCount: 0, skipped: [], skippedCount: 0, cancelled: false, acknowledged: [], durationMs: 0, failures: [] };
  let bytesRead = 0;
  let records = 0;
  let linesRead = 0;
  let fatal: string | undefined;
  let retries = 0;
  const progress = () => {
    const secs = (Date.now() - started) / 1000;
    const rate = secs > 0 ? report.pointsWritten / secs : 0;
    const p: UploadProgress = { bytesRead, totalBytes: o.totalBytes, lines: linesRead, records, points: report.pointsWritten, pointsWritten: report.pointsWritten, pointsPerSec: rate, batchesSent: report.batchesSent, retries };
    if (o.totalBytes && bytesRead > 0 && secs > 0) p.etaSeconds = Math.max(0, ((o.totalBytes - bytesRead) / bytesRead) * secs);
    o.onProgress?.(p);
  };
  const reject = (line: number, reason: string) => {
    report.linesRejectedCount++;
    if (report.linesRejected.length < 100) report.linesRejected.push({ line, reason });
  };

  const acknowledge = (b: Batch) => {
    const run: AcknowledgedRun = { fromBatch: b.index + 1, toBatch: b.index + 1, fromLine: fileLineOf(b, 1), toLine: fileLineOf(b, b.lines) };
    const runs = report.acknowledged;
    // Kept sorted; with two requests in flight a batch may be acknowledged before the one ahead of it.
    let i = runs.length;
    while (i > 0 && runs[i - 1].fromBatch > run.fromBatch) i--;
    runs.splice(i, 0, run);
    const merge = (k: number) => {
      if (k < 0 || k + 1 >= runs.length || runs[k].toBatch + 1 !== runs[k + 1].fromBatch) return;
      runs[k] = { fromBatch: runs[k].fromBatch, toBatch: runs[k + 1].toBatch, fromLine: runs[k].fromLine, toLine: runs[k + 1].toLine };
      runs.splice(k + 1, 1);
    };
    merge(i);
    merge(i - 1);
  };

  const sendBatch = async (b: Batch, bodyP: Promise<Buffer>): Promise<void> => {
    const body = await bodyP;
    const attempts = o.maxAttempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      if (o.signal?.aborted) return;
      let status = 0;
      let text = '';
      let retryAfter: string | null = null;
      try {
        // Not aborted mid-request: a cancel lets the batch in flight finish, so the report says
        // exactly what the server stored.
        if (fetchFn !== undefined) {
          const res = await fetchFn(url, { method: 'POST', headers: headers(target, gzip), body: body as Uint8Array<ArrayBuffer>, signal: AbortSignal.timeout(120_000) });
          status = res.status;
          retryAfter = res.headers.get('retry-after');
          text = await res.text();
        } else ({ status, retryAfter, text } = await post(target_, agent, headers(target, gzip), body, 120_000));
      } catch (e) {
        text = `network error: ${(e as Error & { cause?: Error }).cause?.message ?? (e as Error).message}`;
      }
      if (status === 204) {
        report.batchesSent++;
        report.pointsWritten += b.records;
        if (attempt > 1) report.batchesRetried++;
        acknowledge(b);
        return;
      }
      const retryable = status === 0 || status === 429 || status === 503;
      if (retryable && attempt < attempts) {
        retries++;
        const wait = retryDelayMs(retryAfter, attempt, o.backoffMs ?? 500);
        await sleep(wait, o.signal);
        continue;
      }
      report.batchesSent++;
      if (attempt > 1) report.batchesRetried++;
      if (target.api === 'v3' && (status === 400 || status === 422)) {
        // 3.x names each refused line by its record number in the batch; a partial write stored the others.
        const o3 = v3WriteOutcome(status, text, b.text);
        for (const v of o3.lines) reject(fileLineOf(b, v.line), v.reason);
        if (/"partial write of line protocol occurred"/.test(text)) {
          report.pointsWritten += o3.written ?? 0;
          acknowledge(b);
          return;
        }
        report.batchesFailed++;
        if (report.failures.length < 20) report.failures.push(`batch ${b.index + 1} (lines ${fileLineOf(b, 1)}-${fileLineOf(b, b.lines)}): ${status} ${text.split('\n')[0].slice(0, 300)}`);
        return;
      }
      if (status === 422) {
        // Partial write: the others were stored. InfluxDB says how many were dropped.
        // The batch is acknowledged (never re-sent): the rest of it was stored.
        const dropped = Number(/dropped=(\d+)/.exec(text)?.[1] ?? 0);
        report.pointsWritten += Math.max(0, b.records - dropped);
        acknowledge(b);
        // Which points went, from the reason (InfluxDB names none): batch lines mapped back to file lines.
        const named = droppedLinesOf(messageOf(text), b.text, dialect);
        for (const v of named) reject(fileLineOf(b, v.line), v.reason);
        const unnamed = Math.max(0, dropped - named.length);
        if (unnamed > 0) {
          // The server does not say which: the batch's line range, counted as the points dropped.
          reject(fileLineOf(b, 1), `batch ${b.index + 1} (lines ${fileLineOf(b, 1)}-${fileLineOf(b, b.lines)}): ${unnamed} ${unnamed === 1 ? 'point' : 'points'} dropped, lines not named by the server: ${messageOf(text).split('\n')[0]}`);
          report.linesRejectedCount += unnamed - 1;
        }
        return;
      }
      report.batchesFailed++;
      // Wrong credentials, permissions or target: every later batch would fail the same way.
      if (status === 401 || status === 403 || status === 404 || status === 413) fatal = `${status} ${messageOf(text)}`;
      // Each bad line with its own reason (a 400 lists one `unable to parse` per line).
      if (status === 400) for (const v of lineReasonsOf(text, b.text)) reject(fileLineOf(b, v.line), v.message ?? v.reason);
      if (report.failures.length < 20)
        report.failures.push(`batch ${b.index + 1} (lines ${fileLineOf(b, 1)}-${fileLineOf(b, b.lines)}): ${status === 0 ? text : `${status} ${messageOf(text).split('\n')[0]}`}`);
      return;
    }
  };

  // Up to `concurrency` batches in flight while the next is cut and compressed (zlib's thread
  // pool): memory is bounded by (concurrency + 2) batches, and the reader waits for the network.
  const concurrency = Math.min(4, Math.max(1, Math.floor(o.concurrency ?? 1)));
  const inFlight = new Set<Promise<void>>();
  const queue: { b: Batch; body: Promise<Buffer> }[] = [];
  const onBatch = (b: Batch) => {
    const body = gzip ? gzipAsync(bytesOf(b)) : Promise.resolve(bytesOf(b));
    body.catch(() => {}); // awaited in sendBatch
    queue.push({ b, body });
  };
  // Nothing to leave out: cut batches from the bytes without parsing (the server validates).
  // Leaving invalid lines out needs the engine's verdict on each record.
  const fast = !o.skipInvalid && o.dialect !== 'reference';
  const batcher = fast ? new ByteBatcher(o, onBatch) : new Batcher(o, onBatch);
  const encoder = new TextEncoder();
  const stopped = () => o.signal?.aborted === true || fatal !== undefined;
  const drain = async () => {
    while (queue.length > 0 && !stopped()) {
      while (inFlight.size >= concurrency) await Promise.race(inFlight);
      if (stopped()) break;
      const { b, body } = queue.shift()!;
      const p: Promise<void> = sendBatch(b, body)
        .then(progress)
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
  };
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of source) {
    if (o.signal?.aborted || fatal !== undefined) break;
    bytesRead += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    if (batcher instanceof ByteBatcher) batcher.push(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
    // A multi-byte character split across chunks is decoded whole.
    else batcher.push(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    records = batcher.recordsSeen;
    linesRead = batcher.linesSeen;
    await drain();
  }
  if (!o.signal?.aborted && fatal === undefined) {
    const tail = decoder.decode();
    if (tail !== '' && batcher instanceof Batcher) batcher.push(tail);
    const totals = batcher.end();
    records = totals.records;
    linesRead = totals.lines;
    await drain();
  }
  while (inFlight.size > 0) await Promise.race(inFlight);
  queue.length = 0;
  agent.destroy();
  report.skipped = batcher.skipped;
  report.skippedCount = batcher.skippedCount;
  report.cancelled = o.signal?.aborted ?? false;
  if (fatal !== undefined) report.stopped = `stopped after the server answered ${fatal}: nothing more was sent`;
  report.durationMs = Date.now() - started;
  progress();
  return report;
}

/** Retry-After (seconds or an HTTP date) when the server gives one, else exponential backoff with ±25% jitter. */
export function retryDelayMs(retryAfter: string | null, attempt: number, baseMs: number): number {
  if (retryAfter !== null) {
    const v = retryAfter.trim();
    if (/^\d+$/.test(v)) return Math.min(Number(v), 3600) * 1000;
    const at = Date.parse(v);
    if (!Number.isNaN(at)) return Math.min(Math.max(0, at - Date.now()), 3_600_000);
  }
  return baseMs * 2 ** (attempt - 1) * (0.75 + Math.random() * 0.5);
}

function messageOf(text: string): string {
  try {
    const j = JSON.parse(text) as { message?: string; error?: string };
    return j.message ?? j.error ?? text;
  } catch {
    return text.slice(0, 500);
  }
}
