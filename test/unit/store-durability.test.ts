// Durability before visibility, in the bucket store itself: a write is applied (readable,
// compacted) only once its WAL record is fsynced; a compaction racing with writes freezes exactly
// the generations it covers; a failed WAL write stores nothing, is cut off the log, and the store
// is read-only until the disk works again. Faults come from the test-only LPSTUDIO_FAULTS file
// (server/store/faults.ts), read when the store's modules load: hence the dynamic imports.
import { cpSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from '../../lineprotocol/parse.js';
import type { BucketInfo, BucketStore } from '../../server/store/api.js';

const B = 'c000000000000001';
const T = 1_700_000_000_000_000_000n;
const buckets: BucketInfo[] = [{ id: B, name: 'b', orgId: '0000000000000001', retentionSeconds: 0, createdAt: '2024-01-01T00:00:00Z' }];
const root = mkdtempSync(path.join(tmpdir(), 'lps-durability-'));
const faults = path.join(root, 'faults');
let n = 0;
let store: typeof import('../../server/store/index.js');
let api: typeof import('../../server/store/api.js');

beforeAll(async () => {
  process.env.LPSTUDIO_FAULTS = faults;
  store = await import('../../server/store/index.js');
  api = await import('../../server/store/api.js');
});

afterAll(() => {
  delete process.env.LPSTUDIO_FAULTS;
  rmSync(root, { recursive: true, force: true });
});

const dirOf = () => path.join(root, `d${n++}`);

async function open(dir: string, logs: string[] = []): Promise<BucketStore> {
  return store.openBucketStore(dir, buckets, { now: () => T, log: (m) => logs.push(m), compactAfterPoints: 1e9 });
}

function write(s: BucketStore, text: string) {
  const r = parse(text, { dialect: 'influxdb2', precision: 's', now: T, truncateTo: 'ns', crlf: 'strip', warnings: false });
  expect(r.errors).toEqual([]);
  return s.write({ bucketId: B, body: Buffer.from(text), precision: 's', defaultTime: T.toString() }, r.points);
}

function rows(s: BucketStore): string[] {
  return s.read({ bucketId: B, measurement: 'm' }).map((p) => `${p.series} ${p.time} ${p.fields.map((f) => `${f.key}=${f.value}`).join(',')}`);
}

/** A copy of a running store's directory: what a crash at this moment leaves. */
function crashCopy(dir: string): string {
  const d = dirOf();
  cpSync(dir, d, { recursive: true });
  return d;
}

function walBytes(dir: string): number {
  return readdirSync(path.join(dir, 'wal'))
    .filter((f) => f.endsWith('.wal'))
    .reduce((sum, f) => sum + statSync(path.join(dir, 'wal', f)).size, 0);
}

describe('durability before visibility', () => {
  it('a write is readable only once its record is durable', async () => {
    const s = await open(dirOf());
    const pending = write(s, 'm,host=a v=1i 1\n');
    expect(rows(s)).toEqual([]); // queued for the log, not applied yet
    expect(await pending).toEqual({ written: 1, dropped: 0 });
    expect(rows(s)).toEqual(['m,host=a 1000000000 v=1']);
    await s.close();
  });

  it('a compaction racing with writes loses none of them after a crash', async () => {
    const dir = dirOf();
    const s = await open(dir);
    const writes: Promise<unknown>[] = [];
    let compaction: Promise<void> | undefined;
    for (let i = 0; i < 300; i++) {
      writes.push(write(s, `m,host=h${i} v=${i}i ${i + 1}\n`));
      if (i === 150) compaction = s.compact(); // records of both generations are queued around it
      if (i % 10 === 0) await new Promise((r) => setImmediate(r));
    }
    await Promise.all([...writes, compaction]);
    const live = rows(s);
    expect(live).toHaveLength(300);
    const copy = crashCopy(dir);
    const again = await open(copy);
    expect(rows(again)).toEqual(live);
    await again.close();
    await s.close();
  });
});

describe('a failed WAL write', () => {
  it('stores nothing, is cut off the log, makes the store read-only, and it recovers by itself', async () => {
    const dir = dirOf();
    const logs: string[] = [];
    const s = await open(dir, logs);
    await write(s, 'm,host=a v=1i 1\n');
    const durable = walBytes(dir);
    const changes: boolean[] = [];
    s.onHealth((h) => changes.push(h.writable));

    writeFileSync(faults, 'wal-write ENOSPC\n'); // half of the batch reaches the file, then ENOSPC
    const failed = await write(s, `m,host=b v=2i,pad="${'x'.repeat(4000)}" 2\n`).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(api.StoreUnavailableError);
    expect((failed as Error).message).toBe('no space left on device (writing the write-ahead log): nothing of this request was stored; retry when the disk has room');
    expect(rows(s)).toEqual(['m,host=a 1000000000 v=1']);
    expect(walBytes(dir)).toBe(durable); // the partial record is cut off
    expect(s.health()).toMatchObject({ writable: false, code: 'ENOSPC' });
    expect(() => s.assertWritable()).toThrow(/read-only since .*no space left on device/);
    await expect(write(s, 'm,host=c v=3i 3\n')).rejects.toThrow(/read-only/);
    expect(changes).toEqual([false]);

    rmSync(faults);
    for (let i = 0; i < 100 && !s.health().writable; i++) await new Promise((r) => setTimeout(r, 100));
    expect(s.health()).toEqual({ writable: true });
    expect(changes).toEqual([false, true]);
    await write(s, 'm,host=d v=4i 4\n');
    const copy = crashCopy(dir);
    const replayLogs: string[] = [];
    const again = await open(copy, replayLogs);
    expect(rows(again)).toEqual(['m,host=a 1000000000 v=1', 'm,host=d 4000000000 v=4']);
    expect(replayLogs).toEqual([]); // no torn record to cut: nothing was appended after garbage
    await again.close();
    await s.close();
    expect(logs.some((m) => m.includes('writable again'))).toBe(true);
  });
});
