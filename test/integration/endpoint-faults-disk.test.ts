// Disk faults against a real `lpstudio serve`: a disk that fills up (a small tmpfs as the data
// directory) and a failed fsync (injected through the test-only LPSTUDIO_FAULTS file, see
// server/store/faults.ts). Either way the write is refused with 503, Retry-After and the reason;
// nothing of it is stored, not even after a restart; every acknowledged point is kept; /health
// and the app's endpoint status report the read-only state; reads keep working; and writes are
// taken again without a restart once the disk works.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, makeTempDir, readBucket, startServer, type RunningServer } from '../support/serve.js';

const T0 = 1_700_000_000_000_000_000n;
const RECOVERY_WAIT_MS = 20_000;
/** Mount points (each in a directory of its own, removed after the unmount). */
const mounts: string[] = [];

afterAll(async () => {
  await cleanup(); // the servers first: they hold files on the mounts
  for (const m of mounts) {
    execFileSync('umount', [m]);
    rmSync(path.dirname(m), { recursive: true, force: true });
  }
  mounts.length = 0;
});

/** Mounts a tmpfs of `size` at a fresh directory; null when this user may not mount. */
function smallDisk(size: string): string | null {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'lpstudio-disk-')), 'disk');
  mkdirSync(dir);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    rmSync(path.dirname(dir), { recursive: true, force: true });
    return null;
  }
  mounts.push(dir);
  return dir;
}

/** Batch b: `lines` points of its own series. */
function batch(b: number, lines: number): string {
  let s = '';
  for (let i = 0; i < lines; i++) s += `disk,batch=b${b} v=${i}i,pad="${'x'.repeat(20)}" ${T0 + BigInt(i)}\n`;
  return s;
}

async function write(s: RunningServer, body: string): Promise<{ status: number; retryAfter: string | null; body: any }> {
  const r = await fetch(`${s.url}/api/v2/write?org=lpstudio&bucket=default`, { method: 'POST', headers: { Authorization: `Token ${s.token}` }, body });
  const text = await r.text();
  return { status: r.status, retryAfter: r.headers.get('retry-after'), body: text === '' ? undefined : JSON.parse(text) };
}

async function health(s: RunningServer): Promise<{ status: number; body: any }> {
  const r = await fetch(`${s.url}/health`);
  return { status: r.status, body: await r.json() };
}

/** Signs in to the app API (browser mode) with the operator token. */
async function appApi(s: RunningServer): Promise<(method: string, input: unknown) => Promise<any>> {
  const r = await fetch(`${s.url}/app-api/sign-in`, { method: 'POST', headers: { Origin: s.url, 'Content-Type': 'application/json' }, body: JSON.stringify({ token: s.token }) });
  expect(r.status).toBe(200);
  const cookie = r.headers.get('set-cookie')!.split(';')[0];
  return async (method, input) => {
    const res = await fetch(`${s.url}/app-api/${method}`, { method: 'POST', headers: { Origin: s.url, 'Content-Type': 'application/json', Cookie: cookie }, body: JSON.stringify(input) });
    expect(res.status, `${method}: ${res.status}`).toBe(200);
    return res.json();
  };
}

/** Polls /health until it passes again (the background check runs every second). */
async function healthy(s: RunningServer): Promise<void> {
  const deadline = Date.now() + RECOVERY_WAIT_MS;
  for (;;) {
    const h = await health(s);
    if (h.status === 200) return;
    if (Date.now() > deadline) throw new Error(`/health still answers ${h.status} ${JSON.stringify(h.body)} ${RECOVERY_WAIT_MS} ms after the fault cleared\nstderr: ${s.stderr()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Batch numbers stored in the bucket, each with its point count (the server must be stopped: this is replay). */
async function storedBatches(dataDir: string): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  for (const p of await readBucket(dataDir, 'default')) {
    const b = Number(p.tags.batch.slice(1));
    out.set(b, (out.get(b) ?? 0) + 1);
  }
  return out;
}

describe('a disk that fills up', () => {
  it('refuses with 503 and the reason, stores nothing of the refused writes, keeps every acknowledged one, and takes writes again once there is room', async () => {
    const disk = smallDisk('8m');
    // Without a tmpfs (not root): the WAL writer's injected ENOSPC stands in for the full disk.
    const faults = path.join(makeTempDir('lpstudio-faults-'), 'faults');
    const dataDir = disk !== null ? path.join(disk, 'data') : path.join(makeTempDir(), 'data');
    const server = await startServer({ dataDir, env: disk === null ? { LPSTUDIO_FAULTS: faults } : {} });
    const filler = disk !== null ? path.join(disk, 'filler') : '';
    if (disk !== null) writeFileSync(filler, Buffer.alloc(4 * 1024 * 1024));

    const LINES = 500;
    const acked: number[] = [];
    let refused = -1;
    let first: Awaited<ReturnType<typeof write>> | undefined;
    for (let b = 0; b < 1000; b++) {
      if (disk === null && b === 5) writeFileSync(faults, 'wal-write ENOSPC\n');
      const r = await write(server, batch(b, LINES));
      if (r.status === 204) {
        acked.push(b);
        continue;
      }
      refused = b;
      first = r;
      break;
    }
    expect(first, 'the disk never filled up').toBeDefined();
    expect(acked.length).toBeGreaterThan(0);
    expect(first!.status).toBe(503);
    expect(Number(first!.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(first!.body.code).toBe('unavailable');
    expect(first!.body.message).toMatch(/^no space left on device \(writing the write-ahead log\): nothing of this request was stored; retry when the disk has room$/);

    // Read-only now: the next write is refused at once, and says so.
    const next = await write(server, batch(refused + 1, 10));
    expect(next.status).toBe(503);
    expect(Number(next.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(next.body).toMatchObject({ code: 'unavailable' });
    expect(next.body.message).toContain('read-only');
    expect(next.body.message).toContain('no space left on device');
    expect(next.body.message).toContain('nothing of this request was stored');

    // /health fails, as InfluxDB's unhealthy health does; the app's status says read-only; reads work.
    const h = await health(server);
    expect(h.status).toBe(503);
    expect(h.body).toMatchObject({ name: 'influxdb', status: 'fail' });
    expect(h.body.message).toContain('no space left on device');
    const call = await appApi(server);
    const info = await call('info', {});
    expect(info.endpoint).toMatchObject({ state: 'running', writable: false });
    expect(info.endpoint.readOnlyReason).toContain('no space left on device');
    const buckets = await call('listBuckets', {});
    const bucketId = buckets.find((x: { name: string }) => x.name === 'default').id;
    // Visible: what was acknowledged; not even for a moment: what was refused.
    const series = async (b: number) => (await call('readPoints', { bucketId, measurement: 'disk', series: `disk,batch=b${b}`, limit: 1000 })).points.length;
    expect(await series(acked[acked.length - 1])).toBe(LINES);
    expect(await series(refused)).toBe(0);

    // Room again: writes are taken without a restart.
    if (disk !== null) rmSync(filler);
    else rmSync(faults);
    await healthy(server);
    expect((await call('info', {})).endpoint).toMatchObject({ writable: true });
    const after = 10_000;
    expect((await write(server, batch(after, LINES))).status).toBe(204);
    expect(server.stderr()).toContain('writable again');

    // After a shutdown (SIGTERM: what is in memory goes to segments) and a restart (segments
    // and log replay): every acknowledged batch whole, nothing of the refused ones.
    await server.stop();
    const stored = await storedBatches(dataDir);
    for (const b of [...acked, after]) expect(stored.get(b), `acknowledged batch ${b}`).toBe(LINES);
    expect(stored.has(refused), `refused batch ${refused}`).toBe(false);
    expect(stored.has(refused + 1), `batch ${refused + 1}, refused while read-only`).toBe(false);
    expect(stored.size).toBe(acked.length + 1);
  }, 120_000);
});

describe('a failed fsync', () => {
  it('stops writes and reports it, stores nothing of the failed write, and recovers when the fault clears', async () => {
    const faults = path.join(makeTempDir('lpstudio-faults-'), 'faults');
    const dataDir = path.join(makeTempDir(), 'data');
    const server = await startServer({ dataDir, env: { LPSTUDIO_FAULTS: faults } });
    expect((await write(server, batch(1, 50))).status).toBe(204);

    writeFileSync(faults, 'wal-fsync EIO\n');
    // Bigger than what comes after, so that a record written before the failed fsync would still
    // be whole behind later ones unless the file was cut back.
    const failed = await write(server, batch(2, 400));
    expect(failed.status).toBe(503);
    expect(Number(failed.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(failed.body).toEqual({ code: 'unavailable', message: 'input/output error (syncing the write-ahead log): nothing of this request was stored; retry once the disk works again' });
    const refused = await write(server, batch(3, 10));
    expect(refused.status).toBe(503);
    expect(refused.body.message).toContain('read-only');
    const h = await health(server);
    expect(h.status).toBe(503);
    expect(h.body.status).toBe('fail');
    expect(h.body.message).toContain('input/output error (syncing the write-ahead log)');
    // It stays read-only while the fault holds (the background check keeps failing).
    await new Promise((r) => setTimeout(r, 1500));
    expect((await health(server)).status).toBe(503);
    expect((await write(server, batch(4, 10))).status).toBe(503);

    rmSync(faults);
    await healthy(server);
    expect((await write(server, batch(5, 50))).status).toBe(204);
    await server.kill();
    expect(Object.fromEntries(await storedBatches(dataDir))).toEqual({ 1: 50, 5: 50 });

    // A crash while read-only: the failed record was cut off the log before the 503 went out,
    // so replay does not bring it back.
    writeFileSync(faults, 'wal-fsync EIO\n');
    const again = await startServer({ dataDir, token: server.token, env: { LPSTUDIO_FAULTS: faults } });
    expect((await write(again, batch(6, 400))).status).toBe(503);
    await again.kill();
    expect(Object.fromEntries(await storedBatches(dataDir))).toEqual({ 1: 50, 5: 50 });
  }, 60_000);
});
