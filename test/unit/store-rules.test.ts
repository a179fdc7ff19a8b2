// The bucket store applies InfluxDB 2.x's storage rules (merges, field types per shard group,
// retention, the `time` field, string length) and serves reads; compaction and reopening never
// change what a read returns. Real files in a temporary directory.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from '../../lineprotocol/parse.js';
import type { Precision } from '../../lineprotocol/types.js';
import type { BucketInfo, BucketStore, ReadQuery, StoredPoint } from '../../server/store/api.js';
import { openBucketStore, type StoreOptions } from '../../server/store/index.js';

const B = 'b000000000000001';
const B2 = 'b000000000000002';
const T = 1_700_000_000_000_000_000n; // the fixed clock
const WEEK = 7n * 86400n * 1_000_000_000n;

const dirs: string[] = [];
const stores: BucketStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close().catch(() => {});
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function bucket(id: string, retentionSeconds = 0): BucketInfo {
  return { id, name: id, orgId: '0000000000000001', retentionSeconds, createdAt: '2024-01-01T00:00:00Z' };
}

function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'lps-store-'));
  dirs.push(d);
  return d;
}

async function open(dir: string, buckets: BucketInfo[], opts: StoreOptions = {}): Promise<BucketStore> {
  const s = await openBucketStore(dir, buckets, { now: () => T, ...opts });
  stores.push(s);
  return s;
}

/** Writes text the way the HTTP layer does: parse (no errors allowed), then store.write. */
async function write(s: BucketStore, id: string, text: string, precision: Precision = 'ns') {
  const defaultTime = T.toString();
  const r = parse(text, { dialect: 'influxdb2', precision, now: T, truncateTo: 'ns', crlf: 'strip', warnings: false });
  expect(r.errors).toEqual([]);
  return s.write({ bucketId: id, body: Buffer.from(text, 'utf8'), precision, defaultTime }, r.points);
}

/** A compact, exact text of points: `series time k=v(type),...`. */
function show(points: StoredPoint[]): string[] {
  return points.map((p) => `${p.series} ${p.time} ${p.fields.map((f) => `${f.key}=${JSON.stringify(f.value)}(${f.type})`).join(',')}`);
}

function read(s: BucketStore, q: Omit<ReadQuery, 'bucketId'>, id = B): string[] {
  return show(s.read({ bucketId: id, ...q }));
}

describe('merges', () => {
  it('merges the same series and time per field; the last write wins; the field set is the union', async () => {
    const s = await open(tempDir(), [bucket(B)]);
    await write(s, B, 'm,t=a x=1,y=2 10\n');
    await write(s, B, 'm,t=a y=3,z=4 10\nm,t=a x=5 11\n');
    await write(s, B, 'm,t=a z=6 10\nm,t=a w="a",w="b" 12\n');
    expect(read(s, { measurement: 'm' })).toEqual([
      'm,t=a 10 x=1(float),y=3(float),z=6(float)',
      'm,t=a 11 x=5(float)',
      'm,t=a 12 w="b"(string)',
    ]);
  });

  it('keeps series apart and orders ties by series key', async () => {
    const s = await open(tempDir(), [bucket(B)]);
    await write(s, B, 'm,t=b v=1 5\nm,t=a v=2 5\nm,t=a v=3 4\n');
    expect(read(s, { measurement: 'm' })).toEqual(['m,t=a 4 v=3(float)', 'm,t=a 5 v=2(float)', 'm,t=b 5 v=1(float)']);
    expect(s.series(B, 'm')).toEqual(['m,t=a', 'm,t=b']);
  });

  it('lines without a timestamp in one request share the server time: the last one wins', async () => {
    const s = await open(tempDir(), [bucket(B)]);
    await write(s, B, 'm v=1\nm v=2\n');
    expect(read(s, { measurement: 'm' })).toEqual([`m ${T} v=2(float)`]);
  });
});

describe('series identity', () => {
  it('tells series apart by their raw keys, escapes and all', async () => {
    const s = await open(tempDir(), [bucket(B)]);
    const text = 'm,t=a\\ b v=1 1\nm,t=a\\,b v=2 1\nm,t=a\\\\ b v=3 1\nm,t=a\\ b v=4 2\nm\\ x,t=a v=5 1\nm,u=a\\ b v=6 1\n';
    expect(await write(s, B, text)).toEqual({ written: 6, dropped: 0 });
    expect(read(s, { measurement: 'm' })).toEqual([
      'm,t=a\\ b 1 v=1(float)',
      'm,t=a\\,b 1 v=2(float)',
      'm,t=a\\\\ b 1 v=3(float)',
      'm,u=a\\ b 1 v=6(float)',
      'm,t=a\\ b 2 v=4(float)',
    ]);
    expect(read(s, { measurement: 'm x' })).toEqual(['m\\ x,t=a 1 v=5(float)']);
  });

  it('stays exact when many series look alike to the quick hash', async () => {
    const s = await open(tempDir(), [bucket(B)]);
    let text = '';
    // Values differ only where the quick hash does not look (ends and middle are all equal).
    for (let round = 0; round < 3; round++) for (let i = 0; i < 200; i++) text += `m,id=aa${String(i).padStart(3, '0')}bbbbbbbbbbbbbbb v=${round} ${round}\n`;
    expect(await write(s, B, text)).toEqual({ written: 600, dropped: 0 });
    expect(s.series(B, 'm')).toHaveLength(200);
    expect(read(s, { measurement: 'm', tags: { id: 'aa123bbbbbbbbbbbbbbb' } })).toEqual([0, 1, 2].map((r) => `m,id=aa123bbbbbbbbbbbbbbb ${r} v=${r}(float)`));
  });
});

describe('field types', () => {
  it('fixes a field type per measurement and shard group and drops conflicting points whole', async () => {
    const s = await open(tempDir(), [bucket(B)]);
    expect(await write(s, B, `m v=1 ${T}\n`)).toEqual({ written: 1, dropped: 0 });
    expect(await write(s, B, `m v=2i,u=1i ${T + 1n}\nm u=2 ${T + 2n}\n`)).toEqual({
      written: 1,
      dropped: 1,
      reason: 'field type conflict: input field "v" on measurement "m" is type integer, already exists as type float',
    });
    // u became an integer with the accepted point? No: that point was dropped whole, so the float wins.
    expect(read(s, { measurement: 'm' })).toEqual([`m ${T} v=1(float)`, `m ${T + 2n} u=2(float)`]);
    // Another measurement, or another shard group, is free to choose.
    expect(await write(s, B, `n v=1i ${T}\nm v=1i ${T + WEEK}\n`)).toEqual({ written: 2, dropped: 0 });
    expect(s.fieldKeys(B, 'm')).toEqual([
      { key: 'u', type: 'float' },
      { key: 'v', type: 'int' }, // the newest shard group's type
    ]);
  });

  it('within one batch the first type wins; every type name is InfluxDB’s', async () => {
    const s = await open(tempDir(), [bucket(B)]);
    const out = await write(s, B, `m a=1i ${T}\nm a=1 ${T + 1n}\nm a=1u ${T + 2n}\nm a="x" ${T + 3n}\nm a=true ${T + 4n}\n`);
    expect(out.written).toBe(1);
    expect(out.dropped).toBe(4);
    expect(out.reason).toBe('field type conflict: input field "a" on measurement "m" is type float, already exists as type integer');
    const conflict = async (line: string) => (await write(s, B, line)).reason;
    expect(await conflict(`m a=1u ${T + 5n}\n`)).toMatch(/is type unsigned, already exists as type integer$/);
    expect(await conflict(`m a="s" ${T + 5n}\n`)).toMatch(/is type string, already exists as type integer$/);
    expect(await conflict(`m a=t ${T + 5n}\n`)).toMatch(/is type boolean, already exists as type integer$/);
  });

  it('drops a point whose own fields disagree on a type', async () => {
    const s = await open(tempDir(), [bucket(B)]);
    const out = await write(s, B, `m a=1i,a=2 ${T}\nm b=1 ${T}\n`);
    expect(out).toMatchObject({ written: 1, dropped: 1 });
    expect(out.reason).toMatch(/^field type conflict: input field "a"/);
  });
});

describe('the time field and long strings', () => {
  it('strips a field named time, and drops a point that has no other field', async () => {
    const s = await open(tempDir(), [bucket(B)]);
    expect(await write(s, B, 'm time=1,v=2 10\n')).toEqual({ written: 1, dropped: 0 });
    expect(await write(s, B, 'm time=1 11\nm time="x" 12\n')).toEqual({
      written: 0,
      dropped: 2,
      reason: 'invalid field name: input field "time" on measurement "m" is invalid',
    });
    expect(read(s, { measurement: 'm' })).toEqual(['m 10 v=2(float)']);
    expect(s.fieldKeys(B, 'm')).toEqual([{ key: 'v', type: 'float' }]);
  });

  it('drops string values longer than 1 MiB in UTF-8', async () => {
    const s = await open(tempDir(), [bucket(B)]);
    const max = 'a'.repeat(1048576);
    expect(await write(s, B, `m s="${max}" 1\n`)).toEqual({ written: 1, dropped: 0 });
    expect(await write(s, B, `m s="${max}a",v=1 2\n`)).toEqual({
      written: 0,
      dropped: 1,
      reason: 'input field "s" on measurement "m" is too long, 1048577 > 1048576',
    });
    // Counted in bytes after unescaping: é is two bytes, \" is one.
    const wide = 'é'.repeat(524289);
    expect((await write(s, B, `m s="${wide}" 3\n`)).reason).toBe('input field "s" on measurement "m" is too long, 1048578 > 1048576');
    expect((await write(s, B, `m s="${'\\"'.repeat(1048576)}" 4\n`)).dropped).toBe(0);
    expect(s.read({ bucketId: B, measurement: 'm' }).map((p) => p.time)).toEqual(['1', '4']);
  });
});

describe('retention', () => {
  const HOUR = 3600n * 1_000_000_000n;

  it('drops points older than now - retention, unless the batch already maps a newer point to their shard group', async () => {
    const s = await open(tempDir(), [bucket(B, 3600)]);
    const cutoff = T - HOUR;
    const groupStart = (cutoff / HOUR) * HOUR; // InfluxDB's 1 h shard group holding the cut-off
    expect(cutoff - groupStart).toBeGreaterThan(1n);
    expect(await write(s, B, `m v=1 ${cutoff - 1n}\n`)).toEqual({ written: 0, dropped: 1, reason: 'points beyond retention policy' });
    expect(await write(s, B, `m v=2 ${cutoff}\nm v=3 ${T}\n`)).toEqual({ written: 2, dropped: 0 });
    // Covered: the batch has a point at or after the cut-off in the same (InfluxDB) shard group.
    expect(await write(s, B, `m v=4 ${groupStart}\nm v=5 ${cutoff + 1n}\nm v=6 ${groupStart - 1n}\n`)).toEqual({
      written: 2,
      dropped: 1,
      reason: 'points beyond retention policy',
    });
    expect(s.read({ bucketId: B, measurement: 'm' }).map((p) => p.time)).toEqual([groupStart, cutoff, cutoff + 1n, T].map(String));
  });

  it('reports a storage rejection before a retention drop; dropped counts both', async () => {
    const s = await open(tempDir(), [bucket(B, 3600)]);
    await write(s, B, `m v=1 ${T}\n`);
    expect(await write(s, B, `m v=1 ${T - 2n * HOUR}\nm v=1i ${T}\n`)).toEqual({
      written: 0,
      dropped: 2,
      reason: 'field type conflict: input field "v" on measurement "m" is type integer, already exists as type float',
    });
  });

  it('deletes expired shard groups (at compaction and at start-up)', async () => {
    let now = T;
    const dir = tempDir();
    const s = await open(dir, [bucket(B, 86400)], { now: () => now, shardGroupSeconds: 3600 });
    await write(s, B, `m v=1 ${T - 1n}\nm v=2 ${T + HOUR}\n`);
    await s.compact();
    const groupsDir = path.join(dir, 'buckets', B);
    const first = (T / 1_000_000_000n / 3600n) * 3600n;
    expect(readdirSync(groupsDir).sort()).toEqual([`sg${first}`, `sg${first + 3600n}`]);
    now = (first + 3600n) * 1_000_000_000n + 24n * HOUR + 1n; // the first group ended just before now - 1 d
    await s.compact();
    expect(s.read({ bucketId: B, measurement: 'm' }).map((p) => p.time)).toEqual([String(T + HOUR)]);
    expect(readdirSync(groupsDir)).toHaveLength(1);
    await s.close();
    now = T + 48n * HOUR;
    const s2 = await open(dir, [bucket(B, 86400)], { now: () => now, shardGroupSeconds: 3600 });
    expect(s2.measurements(B)).toEqual([]);
    expect(readdirSync(groupsDir)).toHaveLength(0);
  });
});

describe('reads', () => {
  async function sample(): Promise<BucketStore> {
    const s = await open(tempDir(), [bucket(B), bucket(B2)]);
    let text = '';
    for (let i = 0; i < 10; i++) {
      const t = T + BigInt(i) * WEEK + BigInt(i); // one point per shard group and host
      text += `cpu,host=h${i % 2},dc=x v=${i}i ${t}\n`;
    }
    text += `mem,host=h0 used=1,free=2 ${T}\n`;
    await write(s, B, text);
    await write(s, B2, `other x=1 ${T}\n`);
    return s;
  }

  it('lists measurements, tag keys and values, field keys and series', async () => {
    const s = await sample();
    expect(s.measurements(B)).toEqual(['cpu', 'mem']);
    expect(s.measurements(B2)).toEqual(['other']);
    expect(s.tagKeys(B, 'cpu')).toEqual(['dc', 'host']);
    expect(s.tagValues(B, 'cpu', 'host')).toEqual(['h0', 'h1']);
    expect(s.fieldKeys(B, 'mem')).toEqual([
      { key: 'free', type: 'float' },
      { key: 'used', type: 'float' },
    ]);
    expect(s.series(B, 'cpu')).toEqual(['cpu,dc=x,host=h0', 'cpu,dc=x,host=h1']);
    expect(s.measurements('ffffffffffffffff')).toEqual([]);
  });

  it('filters by time range (start inclusive, stop exclusive) and tags, in either order, with paging', async () => {
    const s = await sample();
    const t = (i: number) => String(T + BigInt(i) * WEEK + BigInt(i));
    const times = (q: Omit<ReadQuery, 'bucketId' | 'measurement'>) => s.read({ bucketId: B, measurement: 'cpu', ...q }).map((p) => p.time);
    expect(times({})).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map(t));
    expect(times({ start: t(2), stop: t(5) })).toEqual([t(2), t(3), t(4)]);
    expect(times({ start: String(BigInt(t(2)) + 1n) })).toEqual([3, 4, 5, 6, 7, 8, 9].map(t));
    expect(times({ tags: { host: 'h1' } })).toEqual([1, 3, 5, 7, 9].map(t));
    expect(times({ tags: { host: 'h1', dc: 'y' } })).toEqual([]);
    expect(times({ descending: true, limit: 3 })).toEqual([t(9), t(8), t(7)]);
    expect(times({ offset: 4, limit: 3 })).toEqual([t(4), t(5), t(6)]);
    expect(times({ descending: true, offset: 8 })).toEqual([t(1), t(0)]);
    expect(times({ offset: 20 })).toEqual([]);
    const one = s.read({ bucketId: B, measurement: 'cpu', limit: 1 })[0];
    expect(one).toEqual({
      measurement: 'cpu',
      series: 'cpu,dc=x,host=h0',
      tags: [
        { key: 'dc', value: 'x' },
        { key: 'host', value: 'h0' },
      ],
      fields: [{ key: 'v', type: 'int', value: '0' }],
      time: t(0),
    });
  });
});

describe('paging a big shard group', () => {
  it('returns exactly the slice of the full read, whatever the segments and overlaps', async () => {
    const s = await open(tempDir(), [bucket(B)], { compactAfterPoints: 1e9 });
    // Six segments plus a memtable; series overlap in time, some writes go back in time and
    // overwrite fields of points in older segments.
    for (let round = 0; round < 7; round++) {
      let text = '';
      for (let h = 0; h < 5; h++) for (let i = 0; i < 20; i++) text += `m,h=${h} v=${round * 100 + i}i ${round * 10 + i * 3 + h}\n`;
      text += `m,h=1 w=${round} ${round * 5}\n`;
      await write(s, B, text);
      if (round < 6) await s.compact();
    }
    const all = read(s, { measurement: 'm' });
    expect(all.length).toBeGreaterThan(300);
    for (const descending of [false, true]) {
      const full = descending ? [...all].reverse() : all;
      for (const [offset, limit] of [
        [0, 1],
        [0, 7],
        [3, 5],
        [40, 10],
        [all.length - 2, 5],
        [all.length + 1, 5],
      ]) {
        expect(read(s, { measurement: 'm', descending, offset, limit }), `desc=${descending} offset=${offset} limit=${limit}`).toEqual(full.slice(offset, offset + limit));
      }
      const ranged = read(s, { measurement: 'm', start: '25', stop: '70', descending });
      expect(read(s, { measurement: 'm', start: '25', stop: '70', descending, offset: 2, limit: 4 })).toEqual(ranged.slice(2, 6));
    }
  });
});

describe('reads in slices (readAsync)', () => {
  it('return what read() returns, let the event loop turn, and read the data as it was when called', async () => {
    const dir = tempDir();
    const s = await open(dir, [bucket(B)], { compactAfterPoints: 1e9 });
    // 200 series over the same times: every page merges all of them. Three segments and a memtable.
    for (let round = 0; round < 4; round++) {
      let text = '';
      for (let h = 0; h < 200; h++) for (let i = 0; i < 50; i++) text += `m,h=${String(h).padStart(3, '0')} v=${round * 1000 + i}i,r=${round}i ${round * 40 + i}\n`;
      await write(s, B, text);
      if (round < 3) await s.compact();
    }
    const queries: Omit<ReadQuery, 'bucketId'>[] = [
      { measurement: 'm' },
      { measurement: 'm', descending: true, offset: 25_000, limit: 1001 },
      { measurement: 'm', descending: true, limit: 10 },
      { measurement: 'm', start: '30', stop: '100', offset: 3000, limit: 500 },
      { measurement: 'm', tags: { h: '007' }, descending: true },
    ];
    const expected = queries.map((q) => read(s, q));
    const segments = () => readdirSync(path.join(dir, 'buckets', B), { recursive: true }).map(String).filter((f) => f.endsWith('.seg')).sort();
    const before = segments();

    let turns = 0;
    let spinning = true;
    const spin = () => {
      turns++;
      if (spinning) setImmediate(spin);
    };
    setImmediate(spin);
    const reads = queries.map((q) => s.readAsync({ bucketId: B, ...q }));
    // Meanwhile: new points, overwritten fields, a compaction and a merge that deletes the segments read.
    await write(s, B, 'm,h=000 v=-1i 0\nm,h=199 v=-2i 199\nm,h=500 v=-3i 10\n');
    await s.compact();
    const got = (await Promise.all(reads)).map(show);
    spinning = false;

    expect(got).toEqual(expected);
    expect(turns, 'turns of the event loop during the reads').toBeGreaterThan(4);
    expect(segments().filter((f) => before.includes(f))).toEqual([]); // merged away while read
    // And afterwards reads see the new state.
    expect(read(s, { measurement: 'm', tags: { h: '500' } })).toEqual(['m,h=500 10 v="-3"(int)']);
  });
});

describe('compaction', () => {
  /** Everything a client can see. */
  function snapshot(s: BucketStore): unknown {
    const out: Record<string, unknown> = {};
    for (const m of s.measurements(B)) {
      out[m] = {
        tagKeys: s.tagKeys(B, m),
        values: s.tagKeys(B, m).map((k) => s.tagValues(B, m, k)),
        fields: s.fieldKeys(B, m),
        series: s.series(B, m),
        points: read(s, { measurement: m }),
        desc: read(s, { measurement: m, descending: true, offset: 1, limit: 5 }),
      };
    }
    return out;
  }

  it('gives identical reads after compaction, merging segments, more writes and reopening', async () => {
    const dir = tempDir();
    let s = await open(dir, [bucket(B)], { compactAfterPoints: 1e9 });
    const big = '123456789012345678'; // more than 15 digits
    const batches = [
      `m,t=a f=1.5,i=-3i,u=${big}u,b=true,s="q\\"uo,te é" 30\nm,t=a f=2.5 10\nm,t=b i=7i -5\n`,
      `m,t=a f=9.25,f=10.5 30\nm,t=a i=${'9'.repeat(18)}i 20\nm,t=a b=F 10\nn v=0 ${T}\n`,
      `m,t=b i=8i -5\nm,t=b i=9i 1000000000000\nm,t=c s="" ${WEEK}\n`,
      `m,t=a s="late" 10\nm,t=a f=-0.5 5\nm,t=a i=1i 40\n`,
      `m,t=d f=1 ${-WEEK - 1n}\nm,t=a f=3 30\n`,
    ];
    const expected: unknown[] = [];
    for (const [k, b] of batches.entries()) {
      expect((await write(s, B, b)).dropped).toBe(0);
      const before = snapshot(s);
      await s.compact(); // five compactions: level-0 segments get merged into a level-1 one
      expect(snapshot(s)).toEqual(before);
      expected[k] = before;
    }
    const segs = readdirSync(path.join(dir, 'buckets', B, 'sg0')).filter((f) => f.endsWith('.seg'));
    expect(segs.length).toBeLessThan(batches.length);
    await s.close();
    s = await open(dir, [bucket(B)]);
    expect(snapshot(s)).toEqual(expected[batches.length - 1]);
    expect(read(s, { measurement: 'm', tags: { t: 'a' } })).toEqual([
      'm,t=a 5 f=-0.5(float)',
      'm,t=a 10 b=false(bool),f=2.5(float),s="late"(string)',
      `m,t=a 20 i="${'9'.repeat(18)}"(int)`,
      `m,t=a 30 b=true(bool),f=3(float),i="-3"(int),s="q\\"uo,te é"(string),u="${big}"(uint)`,
      'm,t=a 40 i="1"(int)',
    ]);
  });

  it('makes old WAL files go away and keeps memory for segments only', async () => {
    const dir = tempDir();
    const s = await open(dir, [bucket(B)], { compactAfterPoints: 1e9 });
    await write(s, B, 'm v=1 1\n');
    expect(s.stats()).toMatchObject({ buckets: 1, points: 1, commits: 1 });
    expect(s.stats().walBytes).toBeGreaterThan(0);
    await s.compact();
    expect(s.stats().walBytes).toBe(0);
    expect(s.stats().diskBytes).toBeGreaterThan(0);
    expect(readdirSync(path.join(dir, 'wal')).filter((f) => f.endsWith('.wal'))).toHaveLength(1); // the fresh one
  });

  it('compacts by itself after compactAfterPoints field values', async () => {
    const dir = tempDir();
    const s = await open(dir, [bucket(B)], { compactAfterPoints: 3 });
    await write(s, B, 'm a=1,b=2 1\n');
    await write(s, B, 'm a=1,b=2 2\n');
    for (let i = 0; i < 50 && s.stats().walBytes > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(s.stats().walBytes).toBe(0);
    expect(read(s, { measurement: 'm' })).toHaveLength(2);
  });
});

describe('buckets', () => {
  it('keeps data under the bucket ID, refuses IDs that are not 16 hex characters, and deletes durably', async () => {
    const dir = tempDir();
    const s = await open(dir, [bucket(B)]);
    await expect(s.createBucketData(bucket('../../etc'))).rejects.toThrow(/invalid bucket id/);
    await expect(s.deleteBucketData('B000000000000001')).rejects.toThrow(/invalid bucket id/);
    await s.createBucketData(bucket(B2));
    await write(s, B2, 'm v=1 1\n');
    await s.compact();
    expect(existsSync(path.join(dir, 'buckets', B2, 'sg0'))).toBe(true);
    await s.deleteBucketData(B2);
    expect(existsSync(path.join(dir, 'buckets', B2))).toBe(false);
    await expect(write(s, B2, 'm v=1 1\n')).rejects.toThrow();
  });

  it('does not bring back a deleted bucket’s points from the WAL', async () => {
    const dir = tempDir();
    const s = await open(dir, [bucket(B), bucket(B2)], { compactAfterPoints: 1e9 });
    await write(s, B2, 'm v=1 1\n');
    await s.deleteBucketData(B2);
    // Crash now (the WAL still holds the write), and restart with the bucket still listed.
    const copy = tempDir();
    const { cpSync } = await import('node:fs');
    cpSync(dir, copy, { recursive: true });
    const s2 = await open(copy, [bucket(B), bucket(B2)]);
    expect(s2.measurements(B2)).toEqual([]);
  });
});
