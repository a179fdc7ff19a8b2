// WAL replay reads a log file in chunks and hands records over one at a time: memory follows
// the chunk and the largest record, not the file, and records across chunk boundaries, records
// bigger than a chunk and a torn tail all come out as from an in-memory scan.
import { appendFileSync, cpSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from '../../lineprotocol/parse.js';
import type { BucketInfo } from '../../server/store/api.js';
import { openBucketStore } from '../../server/store/index.js';
import { encodeRecord, scanWalFile, WAL_READ_CHUNK, type WalRecord } from '../../server/store/wal.js';

const root = mkdtempSync(path.join(tmpdir(), 'lps-walstream-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const B = 'c000000000000001';
const T = 1_700_000_000_000_000_000n;

function writeRecord(i: number, bodyBytes: number): WalRecord {
  const line = `m,i=${i} v=${i}i ${i}\n`;
  const body = Buffer.from(line.padEnd(Math.max(bodyBytes, line.length), '#'));
  return { kind: 'write', bucketId: B, precision: 's', defaultTime: T.toString(), now: T, retentionSeconds: 0, body };
}

describe('scanWalFile', () => {
  const CHUNK = 16 * 1024; // above Buffer's pool threshold: every chunk is a buffer of its own
  // Sizes around the chunk: small ones that straddle boundaries, some bigger than a chunk.
  const sizes = Array.from({ length: 400 }, (_, i) => (i % 37 === 0 ? 3 * CHUNK + i : i % 5 === 0 ? CHUNK - 20 : 50 + ((i * 7919) % 3000)));
  const records: WalRecord[] = sizes.map((n, i) => (i % 53 === 52 ? { kind: 'delete', bucketId: B } : writeRecord(i, n)));
  const file = path.join(root, 'big.wal');
  writeFileSync(file, Buffer.concat(records.flatMap((r) => encodeRecord(r))));
  const fileSize = statSync(file).size;

  it('replays every record of a file many chunks long, in order, with buffers no bigger than a chunk or the record', () => {
    expect(fileSize).toBeGreaterThan(50 * CHUNK);
    const got: { r: WalRecord; off: number }[] = [];
    let biggestBuffer = 0;
    const scan = scanWalFile(
      file,
      (r, off) => {
        if (r.kind === 'write') {
          const framed = encodeRecord(r).reduce((n, b) => n + b.length, 0);
          // The buffer behind the record: one chunk, or exactly the record when it is bigger.
          expect(r.body.buffer.byteLength).toBeLessThanOrEqual(Math.max(CHUNK, framed));
          biggestBuffer = Math.max(biggestBuffer, r.body.buffer.byteLength);
          got.push({ r: { ...r, body: Buffer.from(r.body) }, off });
        } else got.push({ r, off });
      },
      CHUNK,
    );
    expect(scan).toEqual({ validEnd: fileSize, size: fileSize });
    expect(got.map((g) => g.r)).toEqual(records.map((r) => (r.kind === 'write' ? { ...r, body: Buffer.from(r.body) } : r)));
    expect(biggestBuffer).toBeLessThan(fileSize / 10);
    // Offsets are where each framed record starts.
    let off = 0;
    got.forEach((g, i) => {
      expect(g.off).toBe(off);
      off += encodeRecord(records[i]).reduce((n, b) => n + b.length, 0);
    });
  });

  it('stops at a torn tail (a record cut inside a later chunk) and reports where the intact part ends', () => {
    const torn = path.join(root, 'torn.wal');
    cpSync(file, torn);
    const extra = Buffer.concat(encodeRecord(writeRecord(9999, 2 * CHUNK)));
    appendFileSync(torn, extra.subarray(0, CHUNK + 100));
    let n = 0;
    const scan = scanWalFile(torn, () => n++, CHUNK);
    expect(n).toBe(records.length);
    expect(scan.validEnd).toBe(fileSize);
    expect(scan.size).toBe(fileSize + CHUNK + 100);
    expect(scan.problem).toMatch(new RegExp(`^torn record at offset ${fileSize} `));
  });

  it('the store replays a log bigger than its read chunk, records across chunk boundaries included', async () => {
    const buckets: BucketInfo[] = [{ id: B, name: 'b', orgId: '0000000000000001', retentionSeconds: 0, createdAt: '2024-01-01T00:00:00Z' }];
    const live = path.join(root, 'live');
    const s = await openBucketStore(live, buckets, { now: () => T, compactAfterPoints: 1e12, compactAfterWalBytes: 1e12 });
    // ~1.5 chunks of WAL in batches of odd sizes, so records straddle the chunk boundary.
    let written = 0;
    let walBytes = 0;
    for (let batch = 0; walBytes < 1.5 * WAL_READ_CHUNK; batch++) {
      const lines: string[] = [];
      for (let k = 0; k < 997; k++, written++) lines.push(`m,host=h${written % 13} v=${written}i,pad="${'x'.repeat(60)}" ${written}`);
      const text = lines.join('\n') + '\n';
      const r = parse(text, { dialect: 'influxdb2', precision: 's', now: T, truncateTo: 'ns', crlf: 'strip', warnings: false });
      await s.write({ bucketId: B, body: Buffer.from(text), precision: 's', defaultTime: T.toString() }, r.points);
      walBytes += text.length;
    }
    // A crash: the data directory as it is while the store runs (nothing compacted).
    const crashed = path.join(root, 'crashed');
    cpSync(live, crashed, { recursive: true });
    await s.close();
    const wal = readdirSync(path.join(crashed, 'wal')).filter((f) => f.endsWith('.wal'));
    expect(wal).toHaveLength(1);
    expect(statSync(path.join(crashed, 'wal', wal[0])).size).toBeGreaterThan(WAL_READ_CHUNK);

    const logs: string[] = [];
    const again = await openBucketStore(crashed, buckets, { now: () => T, log: (m) => logs.push(m), compactAfterPoints: 1e12, compactAfterWalBytes: 1e12 });
    const points = again.read({ bucketId: B, measurement: 'm' });
    expect(points).toHaveLength(written);
    const values = points.map((p) => Number(p.fields.find((f) => f.key === 'v')!.value)).sort((a, b) => a - b);
    expect(values).toEqual(Array.from({ length: written }, (_, i) => i));
    expect(logs).toEqual([]);
    await again.close();
  });
});
