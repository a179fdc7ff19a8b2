// The durable bucket store behind server/store/api.ts: a thin store over modules that each hold
// one concern, sharing one StoreState (state.ts):
//   recovery.ts     start-up: segments, checkpoint, quarantine, WAL replay
//   writes.ts       durable-then-applied writes, bucket deletion records
//   compaction.ts   compaction, merges, retention
//   maintenance.ts  the one queue those run in, and when they are queued
//   (reads)         below, over the in-memory index, memtables and segment blocks
//
// On disk (<dataDir> is the endpoint's data directory):
//   wal/<gen>.wal                 write-ahead log, one file per generation (wal.ts)
//   wal/checkpoint                highest generation whose points are all in segments
//   wal/compaction                the plan of a compaction under way (generations, outputs)
//   quarantine/…                  files recovery could not use, moved aside (never deleted)
//   buckets/<id>/sg<start>/<minGen>-<maxGen>.seg
//                                 immutable segments of one shard group (segment.ts); <start> is
//                                 the group's start in seconds since the epoch
import path from 'node:path';
import type { FieldType, Point } from '../../lineprotocol/types.js';
import type { BucketInfo, BucketStore, ReadQuery, StoredPoint, StoreHealth, StoreStats, WalWrite, WriteOutcome } from './api.js';
import type { Bucket, ShardGroup } from './groups.js';
import { Maintenance } from './maintenance.js';
import type { MemSeries, MemTable } from './memtable.js';
import { findSegments, installBucket, quarantine, recover } from './recovery.js';
import { lowerBound, mergeSources, RowReader, SPLIT, splitTime, type Columns, type Raw, type SeriesInfo } from './rows.js';
import { BlockReader, type SegmentEntry, type SegmentMeta } from './segment.js';
import { checkId, StoreState, type StoreOptions } from './state.js';
import { canonicalTime, cmpTime, type GroupMath } from './time.js';
import { enforceRetention } from './compaction.js';
import { WalWriter } from './wal.js';
import { writeStream } from './writes.js';

export type { StoreOptions } from './state.js';

export async function openBucketStore(dataDir: string, buckets: BucketInfo[], opts: StoreOptions = {}): Promise<BucketStore> {
  const s = new FileBucketStore(new StoreState(dataDir, opts));
  await s.open(buckets);
  return s;
}

class FileBucketStore implements BucketStore {
  // The reads below use these two directly.
  private readonly buckets: Map<string, Bucket>;
  private readonly gm: GroupMath;
  private readonly maintenance: Maintenance;
  private closed: Promise<void> | undefined;

  constructor(private readonly st: StoreState) {
    this.buckets = st.buckets;
    this.gm = st.gm;
    this.maintenance = new Maintenance(st);
  }

  async open(infos: BucketInfo[]): Promise<void> {
    const st = this.st;
    const maxGen = recover(st, infos);
    st.wal = new WalWriter(st.walDir, maxGen + 1, st.counter, {
      log: st.log,
      rechecked: 'by-caller', // a job of the maintenance queue
      onHealth: (h) => {
        for (const fn of st.healthListeners) fn(h);
      },
    });
    await enforceRetention(st);
    this.maintenance.start();
  }

  // ---- writes ----

  async write(w: WalWrite, points: readonly Point[]): Promise<WriteOutcome> {
    return this.writeStream(w, (apply) => apply(points));
  }

  async writeStream(w: WalWrite, feed: (apply: (points: readonly Point[]) => void) => void): Promise<WriteOutcome> {
    const out = await writeStream(this.st, w, feed);
    this.maintenance.afterWrite();
    return out;
  }

  health(): StoreHealth {
    return this.st.wal.health();
  }

  assertWritable(): void {
    this.st.wal.assertWritable();
  }

  onHealth(fn: (h: StoreHealth) => void): () => void {
    this.st.healthListeners.add(fn);
    return () => this.st.healthListeners.delete(fn);
  }

  // ---- buckets ----

  async createBucketData(info: BucketInfo): Promise<void> {
    checkId(info.id);
    const st = this.st;
    const have = st.buckets.get(info.id);
    if (have !== undefined) {
      have.info = info;
      return;
    }
    // Normally a new, empty directory; should it exist already, what it holds is the bucket's.
    const found = findSegments(st, path.join(st.bucketsDir, info.id)).filter((f) => {
      if (f.meta.maxGen <= st.checkpoint) return true;
      quarantine(st, f.meta.file, `holds WAL generations up to ${f.meta.maxGen}, beyond the checkpoint ${st.checkpoint}`);
      return false;
    });
    installBucket(st, info, found);
  }

  async deleteBucketData(id: string): Promise<void> {
    checkId(id);
    await this.maintenance.deleteBucket(id);
  }

  // ---- reads ----

  measurements(bucketId: string): string[] {
    const out = new Set<string>();
    for (const g of this.bucketGroups(bucketId)) for (const m of g.byMeasurement.keys()) out.add(m);
    return [...out].sort();
  }

  tagKeys(bucketId: string, measurement: string): string[] {
    const out = new Set<string>();
    for (const g of this.bucketGroups(bucketId)) {
      for (const s of g.byMeasurement.get(measurement)?.values() ?? []) for (const t of s.tags) out.add(t.key);
    }
    return [...out].sort();
  }

  tagValues(bucketId: string, measurement: string, tagKey: string): string[] {
    const out = new Set<string>();
    for (const g of this.bucketGroups(bucketId)) {
      for (const s of g.byMeasurement.get(measurement)?.values() ?? []) {
        for (const t of s.tags) if (t.key === tagKey) out.add(t.value);
      }
    }
    return [...out].sort();
  }

  fieldKeys(bucketId: string, measurement: string): { key: string; type: FieldType }[] {
    // Oldest group first, so the newest group's type is the one left.
    const types = new Map<string, FieldType>();
    for (const g of this.bucketGroups(bucketId)) for (const [k, t] of g.types.get(measurement) ?? []) types.set(k, t);
    return [...types.keys()].sort().map((key) => ({ key, type: types.get(key)! }));
  }

  series(bucketId: string, measurement: string): string[] {
    const out = new Set<string>();
    for (const g of this.bucketGroups(bucketId)) for (const k of g.byMeasurement.get(measurement)?.keys() ?? []) out.add(k);
    return [...out].sort();
  }

  read(q: ReadQuery): StoredPoint[] {
    const steps = this.reading(q, false);
    for (;;) {
      const r = steps.next();
      if (r.done === true) return r.value;
    }
  }

  /**
   * The same points as read(), computed in slices of bounded work with a turn of the event loop
   * between them, so that a deep page of a big measurement never holds up other requests.
   */
  async readAsync(q: ReadQuery): Promise<StoredPoint[]> {
    const steps = this.reading(q, true);
    for (;;) {
      const r = steps.next();
      if (r.done === true) return r.value;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /**
   * A read as steps: it yields whenever about READ_SLICE rows of work were done. With `pause`,
   * everything it looks at is taken before the first pause (memtable rows copied, segment files
   * opened: an open file outlives a merge or retention deleting it), so it reads one snapshot
   * whatever writes, compactions and merges run in between.
   */
  private *reading(q: ReadQuery, pause: boolean): Generator<void, StoredPoint[], void> {
    const b = this.buckets.get(q.bucketId);
    if (b === undefined) return [];
    const start = q.start !== undefined ? canonicalTime(q.start) : undefined;
    const stop = q.stop !== undefined ? canonicalTime(q.stop) : undefined;
    const startB = start !== undefined ? BigInt(start) : undefined;
    const stopB = stop !== undefined ? BigInt(stop) : undefined;
    const tags = Object.entries(q.tags ?? {});
    const limit = q.limit !== undefined && q.limit > 0 ? q.limit : Infinity;
    let skip = Math.max(0, q.offset ?? 0);
    const desc = q.descending === true;
    const groups = b.sortedGroups();
    if (desc) groups.reverse();
    const out: StoredPoint[] = [];
    const reader = new BlockReader();
    const run: ReadRun = { work: 0 };
    try {
      // Shard groups do not overlap in time: page through them in order.
      const taken: GroupSources[] = [];
      for (const g of groups) {
        if (stopB !== undefined && stopB <= this.gm.startNs(g.index)) continue;
        if (startB !== undefined && startB >= this.gm.endNs(g.index)) continue;
        // Without pauses nothing changes in between: take each group only when it is reached.
        if (!pause) {
          if (out.length >= limit) break;
          const n = yield* this.groupPoints(this.groupSources(g, q.measurement, tags, q.series, start, stop), reader, desc, skip, limit - out.length, out, run);
          skip = Math.max(0, skip - n);
          continue;
        }
        const src = this.groupSources(g, q.measurement, tags, q.series, start, stop);
        for (const r of src.entries) reader.open(r.seg);
        taken.push(src);
      }
      for (const src of taken) {
        if (out.length >= limit) break;
        const n = yield* this.groupPoints(src, reader, desc, skip, limit - out.length, out, run);
        skip = Math.max(0, skip - n);
      }
    } finally {
      reader.close();
    }
    return out;
  }

  /**
   * What a read of one measurement in a group looks at: the series asked (in key order: ties
   * in time go by series key), their rows still in memtables (copied) and their segment blocks
   * in the time range.
   */
  private groupSources(
    g: ShardGroup,
    measurement: string,
    tags: [string, string][],
    only: string | undefined,
    start: string | undefined,
    stop: string | undefined,
  ): GroupSources {
    const series = g.byMeasurement.get(measurement);
    const infos: SeriesInfo[] = [];
    const range = { start: start === undefined ? undefined : split(start), stop: stop === undefined ? undefined : split(stop) };
    if (series === undefined) return { infos, mem: [], memRows: 0, entries: [], segRows: 0, range };
    const candidates = only === undefined ? series.values() : [series.get(only)].filter((x): x is SeriesInfo => x !== undefined);
    for (const info of candidates) if (tags.every(([k, v]) => info.tags.some((t) => t.key === k && t.value === v))) infos.push(info);
    infos.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    // Rows now in memtables, gathered later (gatherMem), once per memtable for all series asked.
    const mem: MemRead[] = [];
    let memRows = 0;
    for (const mt of this.memtables(g)) {
      const wanted: (MemSeries | undefined)[] = infos.map((info) => mt.bySeries.get(info.key));
      const some = wanted.filter((ms): ms is MemSeries => ms !== undefined);
      if (some.length === 0) continue;
      for (const ms of some) memRows += ms.rows;
      mem.push({ wanted, steps: mt.rawsInSteps(some, READ_SLICE) });
    }
    // Segment blocks in the time range.
    const entries: BlockRef[] = [];
    let segRows = 0;
    g.segments.forEach((seg, segNo) => {
      infos.forEach((info, i) => {
        const e = seg.series.get(info.key);
        if (e === undefined) return;
        if (start !== undefined && cmpTime(e.maxTime, start) < 0) return;
        if (stop !== undefined && cmpTime(e.minTime, stop) >= 0) return;
        entries.push({ series: i, segNo, seg, e });
        segRows += e.rows;
      });
    });
    return { infos, mem, memRows, entries, segRows, range };
  }

  /** The memtable rows of the read's series, per series, oldest memtable first. */
  private *gatherMem(src: GroupSources): Generator<void, Raw[][], void> {
    const memSources: Raw[][] = src.infos.map(() => []);
    for (const m of src.mem) {
      const raws = yield* m.steps;
      m.wanted.forEach((ms, i) => {
        const r = ms !== undefined ? raws.get(ms) : undefined;
        if (r !== undefined) memSources[i].push(r);
      });
    }
    return memSources;
  }

  /**
   * Appends to `out` the points of one measurement in a group, merged and in (time, series)
   * order (reversed when desc), skipping `skip` and taking at most `take`. Fields and time
   * strings are built only for the points returned. Returns how many points it passed over or
   * returned (at least skip + take when the group could fill the page).
   */
  private *groupPoints(src: GroupSources, reader: BlockReader, desc: boolean, skip: number, take: number, out: StoredPoint[], run: ReadRun): Generator<void, number, void> {
    const { infos, memRows, segRows, range } = src;
    if (infos.length === 0) return 0;
    const memSources = yield* this.gatherMem(src);
    const entries = [...src.entries];
    const need = skip + take;
    if (!(need < Infinity) || segRows + memRows <= 4 * need || entries.length < 2) {
      return yield* this.page(infos, memSources, entries, range, null, reader, desc, skip, take, out, run);
    }
    // A page of a big group: decode the blocks nearest its end (newest first when descending)
    // and widen until the points beyond the nearest block left out fill the page.
    entries.sort(desc ? (a, b) => cmpTime(b.e.maxTime, a.e.maxTime) : (a, b) => cmpTime(a.e.minTime, b.e.minTime));
    let k = 0;
    for (let rows = 0; k < entries.length && rows < need; k++) rows += entries[k].e.rows;
    // Blocks ending where the edge block ends add nothing beyond the edge: take them too, or a
    // measurement whose series all cover the same times would be decoded again and again.
    const end = (r: BlockRef) => (desc ? r.e.maxTime : r.e.minTime);
    const untied = (k: number) => {
      while (k > 0 && k < entries.length && cmpTime(end(entries[k]), end(entries[k - 1])) === 0) k++;
      return k;
    };
    k = untied(k);
    for (;;) {
      const edge = k < entries.length ? split(desc ? entries[k].e.maxTime : entries[k].e.minTime) : null;
      const bound = edge === null ? null : { at: edge, after: desc };
      const n = yield* this.page(infos, memSources, entries.slice(0, k), range, bound, reader, desc, skip, take, out, run, edge === null ? 0 : need);
      if (n >= need || edge === null) return n;
      k = untied(Math.min(entries.length, 2 * k));
    }
  }

  /**
   * Merges the given sources per series and appends the page (see groupPoints). With `edge`,
   * only points beyond it count (after it when edge.after, else before it); when fewer than
   * `atLeast` do, nothing is appended and the count is returned, for the caller to widen.
   */
  private *page(
    infos: SeriesInfo[],
    memSources: Raw[][],
    entries: BlockRef[],
    range: { start?: [number, number]; stop?: [number, number] },
    edge: { at: [number, number]; after: boolean } | null,
    reader: BlockReader,
    desc: boolean,
    skip: number,
    take: number,
    out: StoredPoint[],
    run: ReadRun,
    atLeast = 0,
  ): Generator<void, number, void> {
    // Sources per series, oldest first (segment order, then memtables): later ones win.
    const bySeries: BlockRef[][] = infos.map(() => []);
    for (const r of entries) bySeries[r.series].push(r);
    const parts: { info: SeriesInfo; data: Columns; lo: number; hi: number }[] = [];
    let total = 0;
    for (let i = 0; i < infos.length; i++) {
      const info = infos[i];
      const refs = bySeries[i].sort((a, b) => a.segNo - b.segNo);
      const sources: (Columns | Raw)[] = refs.map((r) => reader.read(r.seg, r.e));
      for (const r of memSources[i]) sources.push(r);
      if (sources.length === 0) continue;
      const data = mergeSources(sources);
      run.work += data.n + 16;
      let lo = range.start === undefined ? 0 : lowerBound(data, range.start[0], range.start[1]);
      let hi = range.stop === undefined ? data.n : lowerBound(data, range.stop[0], range.stop[1]);
      if (edge !== null && edge.after) lo = Math.max(lo, lowerBound(data, edge.at[0], edge.at[1] + 1));
      if (edge !== null && !edge.after) hi = Math.min(hi, lowerBound(data, edge.at[0], edge.at[1]));
      if (hi > lo) {
        parts.push({ info, data, lo, hi });
        total += hi - lo;
      }
      if (run.work >= READ_SLICE) {
        run.work = 0;
        yield;
      }
    }
    if (total < atLeast || skip >= total || take <= 0) return total;
    // All points in (time, series key = part) order, reversed when desc: a k-way merge of the
    // parts from the page's end, passing over `skip` points, then taking the page.
    const readers = new Map<number, RowReader>();
    const emit = (p: number, r: number) => {
      const part = parts[p];
      let rr = readers.get(p);
      if (rr === undefined) readers.set(p, (rr = new RowReader(part.data)));
      out.push({ measurement: part.info.measurement, series: part.info.key, tags: part.info.tags, fields: rr.fields(r), time: rr.time(r) });
    };
    const end = Math.min(total, skip + take);
    const P = parts.length;
    const cur = new Int32Array(P);
    for (let p = 0; p < P; p++) cur[p] = desc ? parts[p].hi - 1 : parts[p].lo;
    // Whether part a's current point comes before part b's.
    const before = (a: number, b: number): boolean => {
      const da = parts[a].data;
      const db = parts[b].data;
      const ra = cur[a];
      const rb = cur[b];
      const c = da.sec[ra] - db.sec[rb] || da.ns[ra] - db.ns[rb] || a - b;
      return desc ? c > 0 : c < 0;
    };
    const heap = new Int32Array(P);
    let size = 0;
    const down = (i: number) => {
      for (;;) {
        const l = 2 * i + 1;
        if (l >= size) return;
        const m = l + 1 < size && before(heap[l + 1], heap[l]) ? l + 1 : l;
        if (!before(heap[m], heap[i])) return;
        const t = heap[m];
        heap[m] = heap[i];
        heap[i] = t;
        i = m;
      }
    };
    // A point taken off the heap costs about its depth in comparisons.
    const cost = 1 + 2 * Math.ceil(Math.log2(P + 1));
    for (let p = 0; p < P; p++) heap[size++] = p;
    for (let i = (size >>> 1) - 1; i >= 0; i--) down(i);
    for (let w = 0; w < end; w++) {
      const p = heap[0];
      if (w >= skip) emit(p, cur[p]);
      cur[p] += desc ? -1 : 1;
      if (desc ? cur[p] < parts[p].lo : cur[p] >= parts[p].hi) heap[0] = heap[--size];
      down(0);
      if ((run.work += cost) >= READ_SLICE) {
        run.work = 0;
        yield;
      }
    }
    return total;
  }

  private memtables(g: ShardGroup): MemTable[] {
    return g.active === null ? g.frozen : [...g.frozen, g.active];
  }

  private bucketGroups(bucketId: string): ShardGroup[] {
    return this.buckets.get(bucketId)?.sortedGroups() ?? [];
  }


  // ---- compaction, stats, close ----

  compact(): Promise<void> {
    return this.maintenance.compact();
  }

  stats(): StoreStats {
    let points = 0;
    let segBytes = 0;
    for (const b of this.st.buckets.values()) {
      for (const g of b.groups.values()) {
        points += g.values;
        for (const s of g.segments) segBytes += s.bytes;
      }
    }
    const walBytes = this.st.wal.bytes;
    return { buckets: this.st.buckets.size, points, walBytes, diskBytes: walBytes + segBytes, fsyncs: this.st.counter.fsyncs, commits: this.st.commits };
  }

  close(): Promise<void> {
    this.closed ??= (async () => {
      this.st.closing = true;
      try {
        await this.maintenance.close();
      } finally {
        await this.st.wal.close();
        await this.st.writer.close();
      }
    })();
    return this.closed;
  }
}

/** Rows of work a read does between two turns of the event loop (readAsync). */
const READ_SLICE = 20_000;

interface ReadRun {
  /** Rows of work since the last pause. */
  work: number;
}

/** A memtable's rows of a read's series (by the read's series number), to be gathered. */
interface MemRead {
  wanted: (MemSeries | undefined)[];
  steps: Generator<void, Map<MemSeries, Raw>, void>;
}

/** What a read looks at in one shard group (see groupSources). */
interface GroupSources {
  infos: SeriesInfo[];
  mem: MemRead[];
  memRows: number;
  entries: BlockRef[];
  segRows: number;
  range: { start?: [number, number]; stop?: [number, number] };
}

/** A series' block in a segment. */
interface BlockRef {
  series: number;
  segNo: number;
  seg: SegmentMeta;
  e: SegmentEntry;
}

function split(t: string): [number, number] {
  splitTime(t);
  return [SPLIT.sec, SPLIT.ns];
}
