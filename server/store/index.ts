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
import type { BucketInfo, BucketStore, PointBatch, ReadQuery, ReadStreamOptions, StoredPoint, StoreHealth, StoreStats, WalWrite, WriteOutcome } from './api.js';
import type { Bucket, ShardGroup } from './groups.js';
import { Maintenance } from './maintenance.js';
import { readAll, readCollect, readStream, type ReadContext } from './reads.js';
import { findSegments, installBucket, quarantine, recover } from './recovery.js';
import { checkId, StoreState, type StoreOptions } from './state.js';
import type { GroupMath } from './time.js';
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
    return readAll(this.readContext, q);
  }

  readAsync(q: ReadQuery): Promise<StoredPoint[]> {
    return readCollect(this.readContext, q);
  }

  readStream(q: ReadQuery, opts?: ReadStreamOptions): AsyncIterable<PointBatch> {
    return readStream(this.readContext, q, opts);
  }

  private get readContext(): ReadContext {
    return { bucket: (id) => this.buckets.get(id), gm: this.gm };
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
