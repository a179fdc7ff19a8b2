// What the store keeps per bucket and per shard group. A shard group's index (series, field
// types, segment list) stays in memory; its points live in segment files plus the memtables
// written since the last compaction.
import path from 'node:path';
import type { FieldType, Tag } from '../../lineprotocol/types.js';
import type { BucketInfo } from './api.js';
import type { MemTable } from './memtable.js';
import type { SeriesInfo } from './rows.js';
import type { SegmentMeta } from './segment.js';

export class ShardGroup {
  /** Series with points in this group, and the same grouped by measurement. */
  readonly series = new Map<string, SeriesInfo>();
  readonly byMeasurement = new Map<string, Map<string, SeriesInfo>>();
  /** Field types per measurement: fixed once set, for the life of the group. */
  readonly types = new Map<string, Map<string, FieldType>>();
  /** Oldest first (by WAL generation): later segments win merges. */
  segments: SegmentMeta[] = [];
  /** Being written to segments by a compaction; still served to reads. */
  frozen: MemTable[] = [];
  active: MemTable | null = null;

  constructor(
    readonly index: number,
    /** Start of the group's time range, in seconds since the epoch. */
    readonly startSeconds: number,
    readonly dir: string,
  ) {}

  addSeries(info: SeriesInfo): void {
    if (this.series.has(info.key)) return;
    this.series.set(info.key, info);
    let m = this.byMeasurement.get(info.measurement);
    if (m === undefined) this.byMeasurement.set(info.measurement, (m = new Map()));
    m.set(info.key, info);
  }

  /**
   * Adds a segment and its series. `intern` gives the bucket's SeriesInfo for a key, made with
   * `stored` (the segment's description) only when the bucket has none yet. The segment's keys
   * then share the interned strings, and its descriptions are released.
   */
  addSegment(seg: SegmentMeta, intern: (key: string, stored: () => SeriesInfo) => SeriesInfo): void {
    this.segments.push(seg);
    this.segments.sort((a, b) => a.minGen - b.minGen);
    const t = seg.series;
    // Keys come sorted, so a measurement's series come together: one lookup of its map per run.
    let m: Map<string, SeriesInfo> | undefined;
    let mName: string | undefined;
    for (let i = 0; i < t.size; i++) {
      const key = t.keyAt(i);
      let info = this.series.get(key);
      if (info === undefined) {
        info = intern(key, () => t.info(i));
        this.series.set(info.key, info);
        if (info.measurement !== mName) {
          mName = info.measurement;
          m = this.byMeasurement.get(mName);
          if (m === undefined) this.byMeasurement.set(mName, (m = new Map()));
        }
        m!.set(info.key, info);
      }
      t.shareKey(i, info.key);
    }
    t.release();
    for (const [m, fs] of seg.fields) {
      let t = this.types.get(m);
      if (t === undefined) this.types.set(m, (t = new Map()));
      for (const [k, v] of fs) if (!t.has(k)) t.set(k, v);
    }
  }

  get values(): number {
    let n = 0;
    for (const s of this.segments) n += s.values;
    for (const m of this.frozen) n += m.values;
    if (this.active) n += this.active.values;
    return n;
  }
}

export class Bucket {
  /** Shard groups by index (time / group duration). */
  readonly groups = new Map<number, ShardGroup>();
  /** One SeriesInfo per series key across groups, so groups share tag arrays. */
  private readonly infos = new Map<string, SeriesInfo>();

  constructor(
    public info: BucketInfo,
    readonly dir: string,
    private readonly groupSeconds: number,
  ) {}

  group(index: number): ShardGroup {
    let g = this.groups.get(index);
    if (g === undefined) {
      const start = index * this.groupSeconds;
      g = new ShardGroup(index, start, path.join(this.dir, `sg${start}`));
      this.groups.set(index, g);
    }
    return g;
  }

  intern = (key: string, stored: () => SeriesInfo): SeriesInfo => {
    const have = this.infos.get(key);
    if (have !== undefined) return have;
    const info = stored();
    this.infos.set(info.key, info);
    return info;
  };

  internPoint(key: string, measurement: string, tags: Tag[]): SeriesInfo {
    const have = this.infos.get(key);
    if (have !== undefined) return have;
    // Own copies: the parser's strings are slices that would keep the whole request text alive.
    const info = { key: copy(key), measurement: copy(measurement), tags: tags.map((t) => ({ key: copy(t.key), value: copy(t.value) })) };
    // Keyed by the copy: a map key that is a slice of the request text keeps the whole text alive.
    this.infos.set(info.key, info);
    return info;
  }

  dropGroup(index: number): void {
    const g = this.groups.get(index);
    if (g === undefined) return;
    this.groups.delete(index);
    // Forget series that only lived there.
    for (const key of g.series.keys()) {
      let used = false;
      for (const other of this.groups.values()) {
        if (other.series.has(key)) {
          used = true;
          break;
        }
      }
      if (!used) this.infos.delete(key);
    }
  }

  /** Groups in time order. */
  sortedGroups(): ShardGroup[] {
    return [...this.groups.values()].sort((a, b) => a.index - b.index);
  }
}

/** A string of its own, not a slice of (and so not keeping alive) the text it was parsed from. */
export function copy(s: string): string {
  return s.length < 13 ? s : Buffer.from(s, 'utf8').toString('utf8');
}
