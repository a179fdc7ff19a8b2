// Uploads line protocol of any size: streamed through the Batcher, each batch gzipped and sent
// with the target's auth and precision, retried with backoff on 429/503/network errors, never
// re-sent once acknowledged. Progress as it goes; a final report of exactly what was written.
// Memory stays bounded: the source is read only as fast as batches are acknowledged.
import { gzipSync } from 'node:zlib';
import { errorLinesOf } from '../send.js';
import { Batcher, fileLineOf, type Batch, type BatchOptions, type SkippedRecord } from './batcher.js';

export interface UploadTarget {
  /** Base URL, e.g. http://127.0.0.1:8086 */
  url: string;
  api: 'v1' | 'v2';
  db?: string;
  rp?: string;
  org?: string;
  bucket?: string;
  /** ns, us, ms, s (v2) or also m, h (v1). */
  precision?: 'ns' | 'us' | 'ms' | 's' | 'm' | 'h';
  auth: { kind: 'none' } | { kind: 'token'; token: string } | { kind: 'basic'; username: string; password: string } | { kind: 'query'; username: string; password: string };
}

export interface UploadOptions extends BatchOptions {
  gzip?: boolean;
  /** Attempts per batch (default 5). */
  maxAttempts?: number;
  /** First retry delay, ms (doubles, with jitter; default 500). */
  backoffMs?: number;
  signal?: AbortSignal;
  onProgress?: (p: UploadProgress) => void;
  totalBytes?: number;
  fetch?: typeof fetch;
}

export interface UploadProgress {
  bytesRead: number;
  totalBytes?: number;
  records: number;
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
  durationMs: number;
  /** Why batches failed, one sentence each (first 20). */
  failures: string[];
  /** Set when an answer meant no later batch could succeed (401, 403, 404, 413). */
  stopped?: string;
}

const V1_PRECISION: Record<string, string> = { ns: 'ns', us: 'u', ms: 'ms', s: 's', m: 'm', h: 'h' };

export function uploadUrl(t: UploadTarget): string {
  const q = new URLSearchParams();
  let path: string;
  if (t.api === 'v2') {
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

function headers(t: UploadTarget, gzip: boolean): Record<string, string> {
  const h: Record<string, string> = { 'Content-Type': 'text/plain; charset=utf-8' };
  if (gzip) h['Content-Encoding'] = 'gzip';
  if (t.auth.kind === 'token') h.Authorization = `Token ${t.auth.token}`;
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
  const fetchFn = o.fetch ?? fetch;
  const gzip = o.gzip ?? true;
  const url = uploadUrl(target);
  const report: UploadReport = { pointsWritten: 0, batchesSent: 0, batchesRetried: 0, batchesFailed: 0, linesRejected: [], linesRejectedCount: 0, skipped: [], skippedCount: 0, cancelled: false, durationMs: 0, failures: [] };
  let bytesRead = 0;
  let records = 0;
  let fatal: string | undefined;
  let retries = 0;
  const progress = () => {
    const secs = (Date.now() - started) / 1000;
    const rate = secs > 0 ? report.pointsWritten / secs : 0;
    const p: UploadProgress = { bytesRead, totalBytes: o.totalBytes, records, pointsWritten: report.pointsWritten, pointsPerSec: rate, batchesSent: report.batchesSent, retries };
    if (o.totalBytes && bytesRead > 0 && secs > 0) p.etaSeconds = Math.max(0, ((o.totalBytes - bytesRead) / bytesRead) * secs);
    o.onProgress?.(p);
  };
  const reject = (line: number, reason: string) => {
    report.linesRejectedCount++;
    if (report.linesRejected.length < 100) report.linesRejected.push({ line, reason });
  };

  const sendBatch = async (b: Batch): Promise<void> => {
    const body = gzip ? gzipSync(b.text) : Buffer.from(b.text);
    const attempts = o.maxAttempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      if (o.signal?.aborted) return;
      let status = 0;
      let text = '';
      let retryAfter: string | null = null;
      try {
        // Not aborted mid-request: a cancel lets the batch in flight finish, so the report says
        // exactly what the server stored.
        const res = await fetchFn(url, { method: 'POST', headers: headers(target, gzip), body, signal: AbortSignal.timeout(120_000) });
        status = res.status;
        retryAfter = res.headers.get('retry-after');
        text = await res.text();
      } catch (e) {
        text = `network error: ${(e as Error & { cause?: Error }).cause?.message ?? (e as Error).message}`;
      }
      if (status === 204) {
        report.batchesSent++;
        report.pointsWritten += b.records;
        if (attempt > 1) report.batchesRetried++;
        return;
      }
      const retryable = status === 0 || status === 429 || status === 503;
      if (retryable && attempt < attempts) {
        retries++;
        const wait = retryAfter !== null && /^\d+$/.test(retryAfter) ? Number(retryAfter) * 1000 : (o.backoffMs ?? 500) * 2 ** (attempt - 1) * (0.75 + Math.random() * 0.5);
        await sleep(wait, o.signal);
        continue;
      }
      report.batchesSent++;
      if (attempt > 1) report.batchesRetried++;
      if (status === 422) {
        // Partial write: the others were stored. InfluxDB says how many were dropped.
        const dropped = Number(/dropped=(\d+)/.exec(text)?.[1] ?? 0);
        report.pointsWritten += Math.max(0, b.records - dropped);
        reject(fileLineOf(b, 1), `batch ${b.index + 1}: ${messageOf(text)}`);
        return;
      }
      report.batchesFailed++;
      // Wrong credentials, permissions or target: every later batch would fail the same way.
      if (status === 401 || status === 403 || status === 404 || status === 413) fatal = `${status} ${messageOf(text)}`;
      const lines = status === 400 ? errorLinesOf(text, b.text) : [];
      if (lines.length > 0) for (const l of lines) reject(fileLineOf(b, l), messageOf(text).split('\n')[0]);
      if (report.failures.length < 20) report.failures.push(`batch ${b.index + 1} (lines ${fileLineOf(b, 1)}-): ${status === 0 ? text : `${status} ${messageOf(text)}`}`);
      return;
    }
  };

  // One batch in flight while the next is cut: bounded memory, the network kept busy.
  let inFlight: Promise<void> = Promise.resolve();
  const queue: Batch[] = [];
  const batcher = new Batcher(o, (b) => queue.push(b));
  const drain = async () => {
    while (queue.length > 0 && !o.signal?.aborted && fatal === undefined) {
      const b = queue.shift()!;
      await inFlight;
      inFlight = sendBatch(b).then(progress);
      if (queue.length > 0) await inFlight;
    }
  };
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of source) {
    if (o.signal?.aborted || fatal !== undefined) break;
    bytesRead += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    // A multi-byte character split across chunks is decoded whole.
    batcher.push(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    records = batcher.recordsSeen;
    await drain();
  }
  if (!o.signal?.aborted && fatal === undefined) {
    const tail = decoder.decode();
    if (tail !== '') batcher.push(tail);
    const totals = batcher.end();
    records = totals.records;
    await drain();
  }
  await inFlight;
  report.skipped = batcher.skipped;
  report.skippedCount = batcher.skippedCount;
  report.cancelled = o.signal?.aborted ?? false;
  if (fatal !== undefined) report.stopped = `stopped after the server answered ${fatal}: nothing more was sent`;
  report.durationMs = Date.now() - started;
  progress();
  return report;
}

function messageOf(text: string): string {
  try {
    const j = JSON.parse(text) as { message?: string; error?: string };
    return j.message ?? j.error ?? text;
  } catch {
    return text.slice(0, 500);
  }
}
