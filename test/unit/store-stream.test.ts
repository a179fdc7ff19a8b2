// Streamed reads (BucketStore.readStream): the same points as InfluxDB's read semantics give
// (checked against a plain model on random data: memtables, several segments, merges, overwrites
// of one series+time where the later write wins per field), holding only the blocks near where
// the read is, computing only what the consumer pulls, from the snapshot taken when it started.
// Real files in a temporary directory.
import { readdirSync, rmSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BucketStore, ReadObserver, ReadQuery, StoredPoint } from '../../server/store/api.js';
import { BLOCK_ROWS } from '../../server/store/segment.js';
import { B, T, storeFixtures, writeLines as write } from '../support/store.js';

const { tempDir, open, forget } = storeFixtures('lps-stream-', { compactAfterPoints: 1e9 });

function show(points: StoredPoint[]): string[] {
  return points.map((p) => `${p.series} ${p.time} ${p.fields.map((f) => `${f.key}=${JSON.stringify(f.value)}(${f.type})`).join(',')}`);
}

async function streamed(s: BucketStore, q: ReadQuery, batchSize?: number, observer?: ReadObserver, heldRows?: number): Promise<StoredPoint[]> {
  const out: StoredPoint[] = [];
  for await (const batch of s.readStream(q, { batchSize, observer, heldRows })) {
    if (batchSize !== undefined) expect(batch.length).toBeLessThanOrEqual(batchSize);
    expect(batch.length).toBeGreaterThan(0);
    out.push(...batch.points());
  }
  return out;
}

// ---- the model: InfluxDB's read semantics, plainly ----

const FIELDS = { f: 'float', i: 'int', s: 'string', b: 'bool' } as const;
type FieldKey = keyof typeof FIELDS;
const SERIES = ['m,h=a', 'm,h=b', 'm,h=b,r=x', 'm,h=c', 'n,h=a'];
/** Times are multiples of 1 ms; shard groups are 1 s: several groups. */
const MS = 1_000_000;

interface Wrote {
  series: number;
  t: number;
  fields: [FieldKey, number][];
}

function valueText(k: FieldKey, v: number): string {
  switch (k) {
    case 'f':
      return String(v / 4);
    case 'i':
      return `${v}i`;
    case 's':
      return JSON.stringify(`s${v}`);
    case 'b':
      return v % 2 === 0 ? 'true' : 'false';
  }
}

function apiValue(k: FieldKey, v: number): unknown {
  switch (k) {
    case 'f':
      return v / 4;
    case 'i':
      return String(v);
    case 's':
      return `s${v}`;
    case 'b':
      return v % 2 === 0;
  }
}

function lineOf(w: Wrote): string {
  return `${SERIES[w.series]} ${w.fields.map(([k, v]) => `${k}=${valueText(k, v)}`).join(',')} ${w.t * MS}`;
}

/** What a read returns per the rules: per series+time the union of fields, the last write winning per field. */
function model(writes: Wrote[], q: Omit<ReadQuery, 'bucketId'>): string[] {
  const points = new Map<string, { series: string; t: number; fields: Map<FieldKey, number> }>();
  for (const w of writes) {
    const key = `${w.series}/${w.t}`;
    let p = points.get(key);
    if (p === undefined) points.set(key, (p = { series: SERIES[w.series], t: w.t, fields: new Map() }));
    for (const [k, v] of w.fields) p.fields.set(k, v);
  }
  let all = [...points.values()].filter((p) => p.series.split(',')[0] === q.measurement);
  if (q.series !== undefined) all = all.filter((p) => p.series === q.series);
  for (const [k, v] of Object.entries(q.tags ?? {})) all = all.filter((p) => p.series.split(',').includes(`${k}=${v}`));
  if (q.start !== undefined) all = all.filter((p) => BigInt(p.t * MS) >= BigInt(q.start!));
  if (q.stop !== undefined) all = all.filter((p) => BigInt(p.t * MS) < BigInt(q.stop!));
  all.sort((a, b) => a.t - b.t || (a.series < b.series ? -1 : a.series > b.series ? 1 : 0));
  if (q.descending) all.reverse();
  const offset = q.offset ?? 0;
  const limit = q.limit !== undefined && q.limit > 0 ? q.limit : Infinity;
  return all.slice(offset, offset + limit).map(
    (p) =>
      `${p.series} ${p.t * MS} ${[...p.fields.keys()]
        .sort()
        .map((k) => `${k}=${JSON.stringify(apiValue(k, p.fields.get(k)!))}(${FIELDS[k]})`)
        .join(',')}`,
  );
}

const fieldsArb = fc.uniqueArray(fc.constantFrom<FieldKey>('f', 'i', 's', 'b'), { minLength: 1, maxLength: 4 }).chain((keys) => fc.tuple(...keys.map((k) => fc.tuple(fc.constant(k), fc.integer({ min: 0, max: 99 })))));

/** One batch: scattered points, or a dense run of one series (longer than a block sometimes). */
const batchArb = fc.oneof(
  fc.array(fc.record({ series: fc.integer({ min: 0, max: SERIES.length - 1 }), t: fc.integer({ min: 0, max: 2999 }), fields: fieldsArb }), { minLength: 1, maxLength: 40 }),
  fc
    .record({ series: fc.integer({ min: 0, max: SERIES.length - 1 }), t0: fc.integer({ min: 0, max: 2999 }), n: fc.integer({ min: 1, max: 2 * BLOCK_ROWS + 50 }), step: fc.integer({ min: 1, max: 3 }), v: fc.integer({ min: 0, max: 99 }) })
    .map(({ series, t0, n, step, v }) => Array.from({ length: n }, (_, k): Wrote => ({ series, t: t0 + k * step, fields: [['i', (v + k) % 100] as [FieldKey, number]] }))),
);

/** What happens after a batch: nothing (it stays in the memtable), a compaction (segments, merges), or a reopen. */
const afterArb = fc.constantFrom('none', 'none', 'compact', 'compact', 'reopen');

const timeArb = fc.integer({ min: -10, max: 3010 }).map((t) => String(t * MS + (t % 3 === 0 ? 1 : 0)));

const queryArb: fc.Arbitrary<Omit<ReadQuery, 'bucketId'>> = fc.record(
  {
    measurement: fc.constantFrom('m', 'm', 'n', 'nope'),
    start: timeArb,
    stop: timeArb,
    tags: fc.constantFrom<Record<string, string>>({ h: 'b' }, { r: 'x' }, { h: 'zz' }),
    series: fc.constantFrom('m,h=a', 'm,h=b,r=x'),
    descending: fc.boolean(),
    limit: fc.integer({ min: 0, max: 300 }),
    offset: fc.integer({ min: 0, max: 400 }),
  },
  { requiredKeys: ['measurement'] },
);

describe('readStream', () => {
  it('returns exactly what the read rules give, as read() and readAsync() do, on random data in memtables and segments', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(batchArb, afterArb), { minLength: 1, maxLength: 8 }),
        fc.array(queryArb, { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 700 }),
        async (script, queries, batchSize) => {
          const dir = tempDir();
          let s = await open(dir, { shardGroupSeconds: 1 });
          const writes: Wrote[] = [];
          for (const [batch, after] of script) {
            await write(s, batch.map(lineOf).join('\n') + '\n');
            writes.push(...batch);
            if (after === 'compact') await s.compact();
            if (after === 'reopen') {
              await s.close();
              forget(s);
              s = await open(dir, { shardGroupSeconds: 1 });
            }
          }
          for (const q of [{ measurement: 'm' }, { measurement: 'm', descending: true }, ...queries]) {
            const want = model(writes, q);
            const query = { bucketId: B, ...q };
            expect(show(await streamed(s, query, batchSize)), JSON.stringify(q)).toEqual(want);
            expect(show(s.read(query)), JSON.stringify(q)).toEqual(want);
            expect(show(await s.readAsync(query)), JSON.stringify(q)).toEqual(want);
          }
          await s.close();
          forget(s);
          rmSync(dir, { recursive: true, force: true });
        },
      ),
      { numRuns: 25 },
    );
  }, 600_000);

  /** 8 series × 6,000 rows over the same times, in 3 segments (merged or not) and a memtable. */
  async function bigStore(): Promise<{ s: BucketStore; total: number; series: number; sources: number }> {
    const s = await open(tempDir());
    const series = 8;
    const perRound = 2000;
    let total = 0;
    for (let round = 0; round < 3; round++) {
      const lines: string[] = [];
      for (let i = 0; i < perRound; i++) for (let h = 0; h < series; h++) lines.push(`m,h=${h} v=${round * perRound + i}i,w=${h}i ${(round * perRound + i) * 1000}`);
      total += lines.length;
      await write(s, lines.join('\n') + '\n');
      await s.compact();
    }
    // The memtable overwrites some of the oldest times and adds newer ones.
    const lines: string[] = [];
    for (let i = 0; i < 300; i++) for (let h = 0; h < series; h++) lines.push(`m,h=${h} v=-${i}i ${i * 20 * 1000}`, `m,h=${h} v=${i}i ${(3 * perRound + i) * 1000}`);
    await write(s, lines.join('\n') + '\n');
    total += 300 * series;
    return { s, total, series, sources: 4 };
  }

  it('holds only the blocks near where it is, however much the read covers', async () => {
    const { s, total, series } = await bigStore();
    for (const descending of [false, true]) {
      const obs: ReadObserver = { held: 0, maxHeld: 0, decoded: 0 };
      const got = await streamed(s, { bucketId: B, measurement: 'm', descending }, 500, obs);
      expect(got.length).toBe(total);
      expect(show(got)).toEqual(show(s.read({ bucketId: B, measurement: 'm', descending })));
      // Per series: a block per segment it overlaps plus the memtable's rows, and a merged stretch.
      const memRows = 600 * series;
      expect(obs.maxHeld, `rows held at most (of ${total})`).toBeLessThanOrEqual(series * 3 * BLOCK_ROWS + memRows);
      expect(obs.maxHeld).toBeLessThan(total / 4);
      expect(obs.held, 'everything let go at the end').toBe(0);
    }
  });

  it('stays within its memory budget when many series overlap in time, decoding their blocks in windows', async () => {
    // The soak's shape: every series has the same times, so a read in time order walks all of
    // them side by side. 300 series x 1,200 rows (blocks of BLOCK_ROWS) in two segments plus
    // overwrites in the memtable; a budget of 20,000 rows forces windows of the blocks.
    const s = await open(tempDir());
    const series = 300;
    const rows = 1200;
    for (const half of [0, 1]) {
      const lines: string[] = [];
      for (let h = 0; h < series; h++) for (let i = half * (rows / 2); i < (half + 1) * (rows / 2); i++) lines.push(`m,h=${h} v=${i}i,w=${h}.5 ${i * 1000}`);
      await write(s, lines.join('\n') + '\n');
      await s.compact();
    }
    const over: string[] = [];
    for (let h = 0; h < series; h += 7) over.push(`m,h=${h} v=-1i ${(h % rows) * 1000}`, `m,h=${h} s="late" ${(rows + h) * 1000}`);
    await write(s, over.join('\n') + '\n');
    const heldRows = 20_000;
    const queries: ReadQuery[] = [
      { bucketId: B, measurement: 'm' },
      { bucketId: B, measurement: 'm', descending: true },
      { bucketId: B, measurement: 'm', start: String(333 * 1000), stop: String(901 * 1000), offset: 5000, limit: 30_000 },
      { bucketId: B, measurement: 'm', descending: true, start: String(100 * 1000), stop: String(1100 * 1000), offset: 77_000, limit: 2000 },
    ];
    for (const q of queries) {
      const obs: ReadObserver = { held: 0, maxHeld: 0, decoded: 0 };
      const got = await streamed(s, q, 1000, obs, heldRows);
      // read() holds everything it needs (its default budget is far above these 360,000 rows).
      const want = s.read(q);
      expect(got.length).toBe(want.length);
      expect(show(got)).toEqual(show(want));
      expect(obs.maxHeld, `rows held at most, ${JSON.stringify(q)}`).toBeLessThanOrEqual(2 * heldRows + over.length);
      expect(obs.held, 'everything let go at the end').toBe(0);
    }
    // Without the budget the same read holds a block of every series at once.
    const obs: ReadObserver = { held: 0, maxHeld: 0, decoded: 0 };
    await streamed(s, queries[0], 1000, obs);
    expect(obs.maxHeld).toBeGreaterThan(series * BLOCK_ROWS);
  });

  it('decodes a few blocks, not the group, for the newest page or a page deep in a time range', async () => {
    const { s, series } = await bigStore();
    const obs: ReadObserver = { held: 0, maxHeld: 0, decoded: 0 };
    const newest = await streamed(s, { bucketId: B, measurement: 'm', descending: true, limit: 100 }, undefined, obs);
    expect(show(newest)).toEqual(show(s.read({ bucketId: B, measurement: 'm', descending: true }).slice(0, 100)));
    const memRows = 600 * series;
    expect(obs.decoded, 'rows decoded for the newest 100').toBeLessThanOrEqual(memRows + series * BLOCK_ROWS);
    const obs2: ReadObserver = { held: 0, maxHeld: 0, decoded: 0 };
    const q: ReadQuery = { bucketId: B, measurement: 'm', start: String(3000 * 1000), stop: String(3500 * 1000), offset: 1000, limit: 100 };
    const page = await streamed(s, q, undefined, obs2);
    expect(show(page)).toEqual(show(s.read({ ...q, offset: 0, limit: undefined }).slice(1000, 1100)));
    expect(obs2.decoded, 'rows decoded for a page in the middle').toBeLessThanOrEqual(memRows + series * 3 * BLOCK_ROWS);
  });

  it('computes only what the consumer pulls (a slow consumer does not make it buffer the rest)', async () => {
    const { s, total } = await bigStore();
    const obs: ReadObserver = { held: 0, maxHeld: 0, decoded: 0 };
    const it = s.readStream({ bucketId: B, measurement: 'm' }, { batchSize: 100, observer: obs })[Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.done).toBe(false);
    expect(first.value!.length).toBe(100);
    const decoded = obs.decoded;
    // The consumer stalls for many turns of the event loop; nothing runs ahead.
    for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
    await new Promise((r) => setTimeout(r, 50));
    expect(obs.decoded).toBe(decoded);
    expect(decoded).toBeLessThan(total / 4);
    let n = 100;
    for (;;) {
      const r = await it.next();
      if (r.done === true) break;
      n += r.value.length;
    }
    expect(n).toBe(total);
  });

  it('reads the snapshot it started with while writes, compactions and merges run between pulls', async () => {
    const dir = tempDir();
    const s = await open(dir);
    for (let round = 0; round < 4; round++) {
      const lines: string[] = [];
      for (let i = 0; i < 1500; i++) for (let h = 0; h < 4; h++) lines.push(`m,h=${h} v=${round}i ${i * 1000}`);
      await write(s, lines.join('\n') + '\n');
      if (round < 3) await s.compact();
    }
    const q: ReadQuery = { bucketId: B, measurement: 'm', descending: true };
    const expected = show(s.read(q));
    const segments = () => readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.seg'));
    const before = segments();
    const it = s.readStream(q, { batchSize: 1000 })[Symbol.asyncIterator]();
    const got: StoredPoint[] = [];
    const first = await it.next();
    got.push(...first.value!.points());
    await write(s, 'm,h=0 v=99i 0\nm,h=9 v=99i 5\n');
    await s.compact(); // merges the segments the read has open away
    expect(segments().filter((f) => before.includes(f))).toEqual([]);
    for (;;) {
      const r = await it.next();
      if (r.done === true) break;
      got.push(...r.value.points());
    }
    expect(show(got)).toEqual(expected);
    expect(s.read({ bucketId: B, measurement: 'm', tags: { h: '9' } })).toHaveLength(1);
  });
});
