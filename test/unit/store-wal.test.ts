// Recovery from the write-ahead log: a torn or corrupt tail (what a crash or bad media leaves) is
// cut off and logged, every earlier record comes back, and nothing else changes.
import { appendFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from '../../lineprotocol/parse.js';
import type { BucketInfo, BucketStore } from '../../server/store/api.js';
import { openBucketStore } from '../../server/store/index.js';

const B = 'c000000000000001';
const T = 1_700_000_000_000_000_000n;
const buckets: BucketInfo[] = [{ id: B, name: 'b', orgId: '0000000000000001', retentionSeconds: 0, createdAt: '2024-01-01T00:00:00Z' }];
const root = mkdtempSync(path.join(tmpdir(), 'lps-wal-'));
let n = 0;

afterAll(() => rmSync(root, { recursive: true, force: true }));

async function write(s: BucketStore, text: string) {
  const r = parse(text, { dialect: 'influxdb2', precision: 's', now: T, truncateTo: 'ns', crlf: 'strip', warnings: false });
  expect(r.errors).toEqual([]);
  return s.write({ bucketId: B, body: Buffer.from(text), precision: 's', defaultTime: T.toString() }, r.points);
}

async function reopen(dir: string): Promise<{ s: BucketStore; logs: string[] }> {
  const logs: string[] = [];
  const s = await openBucketStore(dir, buckets, { now: () => T, log: (m) => logs.push(m), compactAfterPoints: 1e9 });
  return { s, logs };
}

function rows(s: BucketStore): string[] {
  return s.read({ bucketId: B, measurement: 'm' }).map((p) => `${p.series} ${p.time} ${p.fields.map((f) => `${f.key}=${f.value}`).join(',')}`);
}

/** Offsets of the records in a WAL file (frames: u32 length, u32 CRC, payload). */
function recordOffsets(file: string): number[] {
  const buf = readFileSync(file);
  const out: number[] = [];
  for (let off = 0; off < buf.length; off += 8 + buf.readUInt32LE(off)) out.push(off);
  return out;
}

function walFile(dir: string): string {
  const files = readdirSync(path.join(dir, 'wal')).filter((f) => f.endsWith('.wal'));
  expect(files).toHaveLength(1);
  return path.join(dir, 'wal', files[0]);
}

function copyOf(base: string): string {
  const d = path.join(root, `copy-${n++}`);
  cpSync(base, d, { recursive: true });
  return d;
}

const FIRST = ['m,host=a v=1i,s="x" 1', 'm,host=b v=2i 2\nm,host=a w=1.5 1'];
const LAST = 'm,host=c v=3i 3\nm,host=a v=4i 1';
let base: string;
let expectedBefore: string[];
let expectedAll: string[];
let lastStart: number;
let size: number;

beforeAll(async () => {
  // A store that "crashes" after three acknowledged writes: the data dir is copied while it runs.
  const live = path.join(root, 'live');
  const { s } = await reopen(live);
  for (const t of FIRST) await write(s, t + '\n');
  expectedBefore = rows(s);
  await write(s, LAST + '\n');
  expectedAll = rows(s);
  base = path.join(root, 'base');
  cpSync(live, base, { recursive: true });
  await s.close();
  const offsets = recordOffsets(walFile(base));
  expect(offsets).toHaveLength(3);
  lastStart = offsets[2];
  size = statSync(walFile(base)).size;
});

describe('WAL recovery', () => {
  it('replays every acknowledged record', async () => {
    const { s, logs } = await reopen(copyOf(base));
    expect(rows(s)).toEqual(expectedAll);
    expect(expectedAll).toContain('m,host=a 1000000000 s=x,v=4,w=1.5');
    expect(logs).toEqual([]);
    await s.close();
  });

  it('cuts a torn last record at any byte and keeps all earlier records', async () => {
    expect(size - lastStart).toBeGreaterThan(60);
    for (let cut = lastStart; cut < size; cut++) {
      const dir = copyOf(base);
      const file = walFile(dir);
      truncateSync(file, cut);
      const { s, logs } = await reopen(dir);
      expect(rows(s), `cut at ${cut}`).toEqual(expectedBefore);
      if (cut > lastStart) {
        expect(logs, `cut at ${cut}`).toHaveLength(1);
        expect(logs[0]).toMatch(new RegExp(`WAL 0+1\\.wal: .*; truncated ${cut - lastStart} bytes at offset ${lastStart}$`));
        expect(statSync(file).size).toBe(lastStart); // cut off on disk, not just skipped
      } else expect(logs).toEqual([]);
      if ((cut - lastStart) % 16 !== 1) {
        await s.close();
        rmSync(dir, { recursive: true, force: true });
        continue;
      }
      // Writing on after recovery leaves a log that replays cleanly.
      await write(s, 'm,host=d v=9i 9\n');
      const after = rows(s);
      const copy = copyOf(dir);
      await s.close();
      rmSync(dir, { recursive: true, force: true });
      const again = await reopen(copy);
      expect(rows(again.s)).toEqual(after);
      expect(again.logs).toEqual([]);
      await again.s.close();
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('cuts off a last record whose CRC does not match', async () => {
    for (const at of [lastStart + 4, lastStart + 8, lastStart + 30, size - 1]) {
      const dir = copyOf(base);
      const file = walFile(dir);
      const buf = readFileSync(file);
      buf[at] ^= 0x01;
      writeFileSync(file, buf);
      const { s, logs } = await reopen(dir);
      expect(rows(s)).toEqual(expectedBefore);
      expect(logs).toHaveLength(1);
      expect(logs[0]).toMatch(/CRC mismatch in record at offset \d+; truncated \d+ bytes/);
      await s.close();
    }
  });

  it('cuts off a garbage length and a zero-filled tail', async () => {
    let dir = copyOf(base);
    let file = walFile(dir);
    const buf = readFileSync(file);
    buf.writeUInt32LE(0xfffffff0, lastStart);
    writeFileSync(file, buf);
    let r = await reopen(dir);
    expect(rows(r.s)).toEqual(expectedBefore);
    expect(r.logs[0]).toMatch(/invalid record length|torn record/);
    await r.s.close();

    dir = copyOf(base);
    file = walFile(dir);
    appendFileSync(file, Buffer.alloc(4096));
    r = await reopen(dir);
    expect(rows(r.s)).toEqual(expectedAll);
    expect(r.logs[0]).toMatch(/invalid record length 0 at offset \d+; truncated 4096 bytes/);
    await r.s.close();
  });
});
