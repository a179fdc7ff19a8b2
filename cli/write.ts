// `lpstudio write`: the uploader from a terminal, for scripts and CI. Streams files of any size
// in batches of whole records, gzipped, with retries; a progress bar on a terminal; a report;
// exit status 1 if anything was not written.
import { statSync } from 'node:fs';
import { parsePrecision } from '../lineprotocol/precision.js';
import { upload, type UploadProgress, type UploadReport, type UploadTarget } from '../app/upload/uploader.js';
import { parseArgs, UsageError } from './args.js';
import { openBytes } from './input.js';

export const WRITE_USAGE = `usage: lpstudio write [FILE...|-] --url URL (--db DB [--rp RP] | --org ORG --bucket B | --api v3 --db DB)
                     [--precision ns|us|ms|s|m|h|auto] [--token T | --username U --password P [--query-auth]]
                     [--accept-partial] [--no-sync]
                     [--batch 5000] [--concurrency 1-4] [--skip-invalid] [--no-gzip]
Uploads line protocol (files, .gz files, or standard input) to InfluxDB 1.x (/write: --db) or
2.x/Cloud (/api/v2/write: --org and --bucket) or this app's endpoint, in batches of whole
records, gzipped, retrying 429/503/network errors with backoff; two requests in flight by
default (--concurrency 1 for one at a time, strictly in order). The token may also come from
LPSTUDIO_TOKEN. --api v3 writes to InfluxDB 3's /api/v3/write_lp (token as Bearer, precision
auto by default); --accept-partial stores a batch's good lines when some are bad (3.x's
accept_partial, off here unless given), --no-sync lets 3.x answer before its WAL is persisted.
Exit status 1 if anything was not written, 2 on usage errors.`;

export async function writeCommand(argv: readonly string[]): Promise<number> {
  const { flags, positional } = parseArgs(argv, {
    url: { value: true },
    db: { value: true },
    rp: { value: true },
    org: { value: true },
    bucket: { value: true },
    precision: { value: true },
    token: { value: true },
    username: { value: true },
    password: { value: true },
    'query-auth': { value: false },
    batch: { value: true },
    concurrency: { value: true },
    'skip-invalid': { value: false },
    'no-gzip': { value: false },
    api: { value: true, choices: ['v1', 'v2', 'v3'] },
    'accept-partial': { value: false },
    'no-sync': { value: false },
  });
  const url = flags.get('url');
  if (url === undefined) throw new UsageError('--url is required (e.g. --url http://127.0.0.1:8086)');
  if (!/^https?:\/\/[^/]+/.test(url)) throw new UsageError(`--url must be an http:// or https:// address, not "${url}"`);
  const v3 = flags.get('api') === 'v3';
  if (!v3 && (flags.has('accept-partial') || flags.has('no-sync'))) throw new UsageError('--accept-partial and --no-sync are for --api v3 (InfluxDB 3)');
  if (v3 && (flags.has('bucket') || flags.has('org') || flags.has('rp'))) throw new UsageError('--api v3 writes to a database: give --db DB (no --org, --bucket or --rp)');
  if (v3 && !flags.has('db')) throw new UsageError('--api v3 needs --db DB (InfluxDB 3 creates it on the first write)');
  const v2 = !v3 && (flags.has('bucket') || flags.has('org'));
  if (flags.get('api') === 'v2' && !v2) throw new UsageError('--api v2 needs --org ORG --bucket B');
  if (v2 && (!flags.has('bucket') || !flags.has('org'))) throw new UsageError('an InfluxDB 2.x target needs both --org and --bucket');
  if (!v2 && !flags.has('db')) throw new UsageError('name the target: --db DB (1.x /write) or --org ORG --bucket B (2.x)');
  if (v2 && flags.has('db')) throw new UsageError('--db is for /write targets; use --org and --bucket, or --db alone');
  const autoPrecision = v3 && (flags.get('precision') ?? 'auto') === 'auto';
  const rawPrecision = autoPrecision ? 'ns' : (flags.get('precision') ?? 'ns');
  const precision = parsePrecision(rawPrecision);
  if (v3 && (precision === 'm' || precision === 'h')) throw new UsageError('InfluxDB 3 takes precision auto, s, ms, us or ns');
  if (precision === undefined) throw new UsageError(`--precision must be one of ns, us, ms, s, m, h, not "${rawPrecision}"`);
  if (v2 && (precision === 'm' || precision === 'h')) throw new UsageError('/api/v2/write takes precision ns, us, ms or s');
  const batch = Number(flags.get('batch') ?? 5000);
  if (!Number.isInteger(batch) || batch < 1 || batch > 1_000_000) throw new UsageError('--batch must be a whole number of lines, 1 to 1000000');
  // Two in flight: the server parses one batch while the other is fsynced (~1.3x on our endpoint).
  const rawConcurrency = flags.get('concurrency') ?? '2';
  if (!/^[1-4]$/.test(rawConcurrency)) throw new UsageError(`--concurrency must be 1, 2, 3 or 4, not "${rawConcurrency}"`);
  if (flags.has('token') && flags.has('username')) throw new UsageError('give either --token or --username/--password, not both');
  const token = flags.get('token') ?? (flags.has('username') ? undefined : process.env.LPSTUDIO_TOKEN);
  let auth: UploadTarget['auth'] = { kind: 'none' };
  if (token !== undefined) auth = { kind: 'token', token };
  else if (flags.has('username')) {
    if (!flags.has('password')) throw new UsageError('--username needs --password');
    auth = { kind: flags.has('query-auth') ? 'query' : 'basic', username: flags.get('username')!, password: flags.get('password')! };
  }
  const files = positional.length === 0 ? ['-'] : positional;
  let totalBytes = 0;
  for (const f of files) {
    if (f === '-') continue;
    try {
      totalBytes += statSync(f).size;
    } catch {
      throw new UsageError(`cannot read "${f}": no such file`);
    }
  }
  const target: UploadTarget = { url, api: v3 ? 'v3' : v2 ? 'v2' : 'v1', db: flags.get('db'), rp: flags.get('rp'), org: flags.get('org'), bucket: flags.get('bucket'), precision, auth };
  if (v3) target.v3 = { autoPrecision, acceptPartial: flags.has('accept-partial'), noSync: flags.has('no-sync') };

  const ac = new AbortController();
  const onSignal = () => {
    if (ac.signal.aborted) process.exit(130);
    process.stderr.write('\ncancelling: the batches in flight finish, nothing more is sent (Ctrl+C again to quit at once)\n');
    ac.abort();
  };
  process.on('SIGINT', onSignal);
  const tty = process.stderr.isTTY === true;
  let lastPlain = 0;
  let lastBar = 0;
  const onProgress = (p: UploadProgress) => {
    if (tty) {
      if (Date.now() - lastBar < 200) return;
      lastBar = Date.now();
      process.stderr.write(`\r${bar(p)}`);
    }
    else if (Date.now() - lastPlain > 5000) {
      lastPlain = Date.now();
      process.stderr.write(`${line(p)}\n`);
    }
  };
  async function* source() {
    for (const f of files) yield* openBytes(f) as AsyncIterable<Buffer>;
  }
  const isGz = files.some((f) => f.endsWith('.gz'));
  const report = await upload(source(), target, {
    batchLines: batch,
    concurrency: Number(rawConcurrency) as 1 | 2 | 3 | 4,
    skipInvalid: flags.has('skip-invalid'),
    gzip: !flags.has('no-gzip'),
    precision,
    signal: ac.signal,
    onProgress,
    totalBytes: totalBytes > 0 && !isGz && !files.includes('-') ? totalBytes : undefined,
  });
  process.off('SIGINT', onSignal);
  if (tty) process.stderr.write('\n');
  process.stdout.write(formatReport(report));
  const incomplete = report.cancelled || report.stopped !== undefined || report.batchesFailed > 0 || report.linesRejectedCount > 0 || report.skippedCount > 0;
  return incomplete ? 1 : 0;
}

function mb(n: number): string {
  return `${(n / 1e6).toFixed(1)} MB`;
}

function line(p: UploadProgress): string {
  const of = p.totalBytes ? ` of ${mb(p.totalBytes)}` : '';
  const eta = p.etaSeconds !== undefined ? `, ${Math.ceil(p.etaSeconds)} s left` : '';
  return `${mb(p.bytesRead)}${of}, ${p.lines.toLocaleString('en')} lines, ${p.pointsWritten.toLocaleString('en')} points written, ${Math.round(p.pointsPerSec).toLocaleString('en')} points/s${eta}${p.retries ? `, ${p.retries} retries` : ''}`;
}

function bar(p: UploadProgress): string {
  const width = 24;
  const frac = p.totalBytes ? Math.min(1, p.bytesRead / p.totalBytes) : 0;
  const filled = Math.round(frac * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.totalBytes ? `${Math.floor(frac * 100)}% ` : ''}${line(p)}\x1b[K`;
}

export function formatReport(r: UploadReport): string {
  const out: string[] = [];
  out.push(`${r.cancelled ? 'cancelled' : 'done'}: ${r.pointsWritten.toLocaleString('en')} points written in ${r.batchesSent} batches (${(r.durationMs / 1000).toFixed(1)} s)`);
  if (r.cancelled) {
    if (r.acknowledged.length === 0) out.push('nothing was acknowledged by the server');
    else {
      out.push('acknowledged by the server (stored; not to be sent again):');
      for (const a of r.acknowledged) out.push(`  batches ${a.fromBatch}-${a.toBatch}: file lines ${a.fromLine}-${a.toLine}`);
    }
  }
  if (r.batchesRetried > 0) out.push(`${r.batchesRetried} batches needed retries`);
  if (r.skippedCount > 0) {
    out.push(`${r.skippedCount} invalid lines skipped (--skip-invalid):`);
    for (const s of r.skipped) out.push(`  line ${s.line}:${s.column}: ${s.message}`);
    if (r.skippedCount > r.skipped.length) out.push(`  … ${r.skippedCount - r.skipped.length} more`);
  }
  if (r.linesRejectedCount > 0) {
    out.push(`${r.linesRejectedCount} lines rejected by the server:`);
    for (const l of r.linesRejected) out.push(`  line ${l.line}: ${l.reason}`);
    if (r.linesRejectedCount > r.linesRejected.length) out.push(`  … ${r.linesRejectedCount - r.linesRejected.length} more`);
  }
  if (r.stopped !== undefined) {
    out.push(r.stopped);
    if (/answered 413/.test(r.stopped)) out.push('  (a batch was larger than the server accepts: rerun with a smaller --batch)');
    if (/answered 40[13]/.test(r.stopped)) out.push('  (check --token, LPSTUDIO_TOKEN or --username/--password, and that they may write to this target)');
  }
  if (r.batchesFailed > 0) {
    out.push(`${r.batchesFailed} batches not written:`);
    for (const f of r.failures) out.push(`  ${f}`);
    if (r.failures.some((f) => f.includes(' 400 '))) out.push('  (a batch with a bad line is refused whole: fix the lines, or rerun with --skip-invalid)');
  }
  return out.join('\n') + '\n';
}
