// Dropped-file uploads through the app API of a real `lpstudio serve` (browser mode) over HTTP:
// the file streamed to the host, its summary pass (gzip told by its bytes), uploads with and
// without skipping invalid lines, cancel with exactly the acknowledged points stored, and the
// host's copy removed when the file is discarded. Also what is refused, and why.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, startServer, type RunningServer } from '../support/serve.js';

let app: RunningServer;
let cookie = '';

async function call(method: string, input: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${app.url}/app-api/${method}`, { method: 'POST', headers: { Origin: app.url, 'Content-Type': 'application/json', Cookie: cookie }, body: JSON.stringify(input) });
  return { status: res.status, body: await res.json() };
}

async function sendFile(name: string, body: Uint8Array | string, headers: Record<string, string> = { 'X-Lpstudio-File': '1' }, query = ''): Promise<{ status: number; body: any }> {
  const res = await fetch(`${app.url}/app-api/files?name=${encodeURIComponent(name)}${query}`, { method: 'POST', headers: { Origin: app.url, 'Content-Type': 'application/octet-stream', Cookie: cookie, ...headers }, body: body as BodyInit });
  return { status: res.status, body: await res.json() };
}

async function until<T>(f: () => Promise<T>, done: (v: T) => boolean, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (done(v)) return v;
    if (Date.now() > end) throw new Error(`still not done: ${JSON.stringify(v).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const summarized = async (fileId: string) => (await until(() => call('fileStatus', { fileId }), (r) => r.body.stage !== 'summarizing')).body;
const finished = async (uploadId: string) => (await until(() => call('uploadStatus', { uploadId }), (r) => r.body.state !== 'running' && r.body.state !== 'cancelling')).body;

async function bucketId(): Promise<string> {
  return (await call('listBuckets', {})).body.find((b: { name: string }) => b.name === 'default').id;
}

/** Exactly how many points of `measurement` are stored (the last page that still has one). */
async function stored(measurement: string): Promise<number> {
  const id = await bucketId();
  const at = async (offset: number) => (await call('readPoints', { bucketId: id, measurement, limit: 1, offset })).body.points.length === 1;
  let lo = 0;
  let hi = 1;
  while (await at(hi - 1)) hi *= 2;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (await at(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

beforeAll(async () => {
  app = await startServer();
  const res = await fetch(`${app.url}/app-api/sign-in`, { method: 'POST', headers: { Origin: app.url, 'Content-Type': 'application/json' }, body: JSON.stringify({ token: app.token }) });
  cookie = res.headers.get('set-cookie')!.split(';')[0];
});

afterAll(cleanup);

const lines = (n: number, m = 'm', from = 1) => Array.from({ length: n }, (_, i) => `${m},k=v${(from + i) % 7} x=${from + i}i ${1_700_000_000 + from + i}`);

describe('dropped files over the app API', () => {
  it('refuses files without a session, without the header, with another type, and paths in browser mode', async () => {
    const saved = cookie;
    cookie = '';
    expect(await sendFile('a.lp', 'm x=1')).toEqual({ status: 401, body: { code: 'unauthorized', message: 'sign in first' } });
    cookie = saved;
    expect(await sendFile('a.lp', 'm x=1', {})).toEqual({ status: 400, body: { code: 'invalid', message: 'send a file with the header X-Lpstudio-File: 1' } });
    expect(await sendFile('photo.png', 'm x=1')).toEqual({ status: 400, body: { code: 'invalid', message: '"photo.png" is not a line-protocol file: drop a .lp, .txt or .gz file' } });
    expect((await call('openFile', { path: '/etc/passwd' })).body).toEqual({ code: 'unavailable', message: 'this host takes files as uploads (POST /app-api/files), not by path' });
    expect((await call('fileStatus', { fileId: '00000000-0000-4000-8000-000000000000' })).status).toBe(404);
  });

  it('summarizes a gzip file by its bytes, uploads it skipping the invalid lines, and removes its copy when discarded', async () => {
    const text = [...lines(5, 'gz'), 'gz,k=v x=oops 1700000100', '# a comment', ...lines(5, 'gz', 6), 'gz x=1i 1700000200 extra'].join('\n') + '\n';
    const sent = await sendFile('data.lp.gz', gzipSync(text), { 'X-Lpstudio-File': '1' }, '&precision=s');
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ name: 'data.lp.gz', stage: 'summarizing' });
    const f = await summarized(sent.body.fileId);
    expect(f.stage).toBe('ready');
    expect(f.summary).toMatchObject({ lines: 13, records: 12, points: 10, errors: 2, warnings: 0, measurements: ['gz'], measurementCount: 1, minTime: '1700000001000000000', maxTime: '1700000010000000000', headLines: 13, head: text });
    expect(f.summary.diagnostics.map((d: { line: number; column: number; severity: string }) => `${d.line}:${d.column} ${d.severity}`)).toEqual(['6:10 error', '13:20 error']);
    // The host's copy: a name of its own, not the client's.
    const uploads = path.join(app.dataDir, 'app', 'uploads');
    expect(readdirSync(uploads)).toEqual([f.fileId]);

    const started = await call('startUpload', { profileId: 'local', db: 'default', precision: 's', fileId: f.fileId, skipInvalid: true, batchLines: 3 });
    expect(started.status).toBe(200);
    expect(started.body.target).toMatch(/\/write\?db=default&precision=s$/);
    const done = await finished(started.body.uploadId);
    expect(done.state).toBe('done');
    expect(done.report).toMatchObject({ pointsWritten: 10, batchesSent: 4, batchesFailed: 0, skippedCount: 2, cancelled: false, linesRejectedCount: 0 });
    expect(done.report.skipped.map((s: { line: number }) => s.line)).toEqual([6, 13]);
    expect(done.progress).toMatchObject({ bytesRead: f.size, totalBytes: f.size, pointsWritten: 10 });
    expect(await stored('gz')).toBe(10);

    // Without skipping, the server refuses the batch with the bad line whole, and says which line.
    const again = await finished((await call('startUpload', { profileId: 'local', db: 'default', precision: 's', fileId: f.fileId, batchLines: 100 })).body.uploadId);
    expect(again.state).toBe('failed');
    expect(again.report).toMatchObject({ pointsWritten: 0, batchesFailed: 1 });
    expect(again.report.linesRejected[0]).toMatchObject({ line: 6 });
    expect(again.report.failures[0]).toContain('batch 1 (lines 1-13): 400');

    expect((await call('discardFile', { fileId: f.fileId })).status).toBe(200);
    expect(readdirSync(uploads)).toEqual([]);
    expect((await call('fileStatus', { fileId: f.fileId })).body.code).toBe('not-found');
  });

  it('says what is wrong with a damaged gzip file, and with a target it cannot write to', async () => {
    const broken = gzipSync(lines(1000).join('\n')).subarray(0, 300);
    const f = await summarized((await sendFile('broken.gz', broken)).body.fileId);
    expect(f.stage).toBe('failed');
    expect(f.error).toMatch(/^could not read the file: the file is not valid gzip/);
    const ok = await summarized((await sendFile('ok.lp', lines(3).join('\n'))).body.fileId);
    const noDb = await call('startUpload', { profileId: 'local', db: '', precision: 's', fileId: ok.fileId });
    expect(noDb.body).toEqual({ code: 'invalid', message: 'pick a database to write to' });
    const missing = await finished((await call('startUpload', { profileId: 'local', db: 'nosuchdb', precision: 's', fileId: ok.fileId })).body.uploadId);
    expect(missing.state).toBe('failed');
    expect(missing.report.stopped).toMatch(/^stopped after the server answered 404 no dbrp mapping found/);
  });

  it('cancels: the batch in flight finishes, and exactly the acknowledged points are stored', async () => {
    const n = 400_000;
    const f = await summarized((await sendFile('big.lp', lines(n, 'big').join('\n') + '\n')).body.fileId);
    expect(f.summary.points).toBe(n);
    const started = await call('startUpload', { profileId: 'local', db: 'default', precision: 's', fileId: f.fileId, batchLines: 1000 });
    await until(() => call('uploadStatus', { uploadId: started.body.uploadId }), (r) => r.body.progress.pointsWritten >= 20_000);
    const cancelling = await call('cancelUpload', { uploadId: started.body.uploadId });
    expect(['cancelling', 'cancelled']).toContain(cancelling.body.state);
    const r = await finished(started.body.uploadId);
    expect(r.state).toBe('cancelled');
    expect(r.report.cancelled).toBe(true);
    expect(r.report.pointsWritten).toBeGreaterThanOrEqual(20_000);
    expect(r.report.pointsWritten).toBeLessThan(n);
    expect(r.report.acknowledged).toEqual([{ fromBatch: 1, toBatch: r.report.pointsWritten / 1000, fromLine: 1, toLine: r.report.pointsWritten }]);
    expect(await stored('big')).toBe(r.report.pointsWritten);
  });
});
