// The durable bucket store behind server/store/api.ts.
//
// On disk (<dataDir> is the endpoint's data directory):
//   wal/<gen>.wal                 write-ahead log, one file per generation (wal.ts)
//   wal/checkpoint                highest generation whose points are all in segments
//   wal/compaction                the plan of a compaction under way (generations, outputs)
//   quarantine/…                  files recovery could not use, moved aside (never deleted)
//   buckets/<id>/sg<start>/<minGen>-<maxGen>.seg
//                                 immutable segments of one shard group (segment.ts); <start> is
//                                 the group's start in seconds since the epoch
//
// A write's WAL record is made durable first (group commit, fsynced); only then is it applied in
// memory (apply.ts, in log order, so replay reaches the same result) and acknowledged. Should the
// disk fail, nothing of the write is applied and the store is read-only until it works (wal.ts).
// A compaction starts a new WAL generation, freezes the memtables once the old generation's
// records are all applied, records its plan, writes one segment per touched shard group, records
// the checkpoint, and only then deletes the old WAL files. Start-up loads segment indexes, settles
// the checkpoint (recoverCheckpoint: rebuilt when lost; an unfinished compaction's outputs dropped
// only when provably redundant), and replays the WAL after the checkpoint, streamed, cutting off a
// torn tail.
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { LineProtocolParser } from '../../lineprotocol/parse.js';
import { nowNs } from '../../lineprotocol/precision.js';
import type { FieldType, Point } from '../../lineprotocol/types.js';
import type { BucketInfo, BucketStore, PointBatch, ReadQuery, ReadStreamOptions, StoredPoint, StoreHealth, StoreStats, WalWrite, WriteOutcome } from './api.js';
import { applyPoints, type ApplyOutcome } from './apply.js';
import { writeFileAtomicSync } from '../fs/atomic-file.js';
import { ensureDirSync, fsyncDirSync, removeTreeDurably, sweepLeftovers, type SyncCounter } from './durable.js';
import { Bucket, type ShardGroup } from './groups.js';
import type { MemSeries, MemTable } from './memtable.js';
import { mergeSources, type Columns, type Raw, type SeriesInfo } from './rows.js';
import { readAll, readCollect, readStream, type ReadContext } from './reads.js';
import { SegmentWriter } from './segment-io.js';
import { BlockReader, parseSegmentFileName, readSegmentMeta, segmentFileName, writeSegment, type SegmentInput, type SegmentMeta } from './segment.js';
import { GroupMath } from './time.js';
import { encodeRecord, parseWalFileName, scanWalFile, truncateWalFile, walFileName, WalWriter, type WalWriteRecord } from './wal.js';

export interface StoreOptions {
  log?: (msg: string) => void;
  /** Clock in ns (retention decisions). */
  now?: () => bigint;
  /** Shard group length; default 7 days. Keep it fixed for a data directory. */
  shardGroupSeconds?: number;
  /** Compact after this many field values were written since the last compaction. */
  compactAfterPoints?: number;
  /** …or once the WAL holds this many bytes (bounds replay time). */
  compactAfterWalBytes?: number;
}

const DEFAULT_GROUP_SECONDS = 7 * 86400;
const DEFAULT_COMPACT_VALUES = 1_000_000;
const DEFAULT_COMPACT_WAL_BYTES = 128 * 1024 * 1024;
/** Segments of one level merged into one of the next level (explicit compact(), idle time). */
const MERGE_FAN_IN = 4;
/** Under write load, merging waits (it competes with ingestion) until a level has this many. */
const MERGE_FAN_IN_BUSY = 16;
const MAINTENANCE_MS = 1000;
const IDLE_MERGE_MS = 2000;
const IDLE_COMPACT_MS = 30_000;
const RETENTION_EVERY_TICKS = 10;

const ID_RE = /^[0-9a-f]{16}$/;

function checkId(id: string): void {
  if (!ID_RE.test(id)) throw new Error(`invalid bucket id ${JSON.stringify(id)}: want 16 lowercase hex characters`);
}

export async function openBucketStore(dataDir: string, buckets: BucketInfo[], opts: StoreOptions = {}): Promise<BucketStore> {
  const s = new FileBucketStore(dataDir, opts);
  await s.open(buckets);
  return s;
}

class FileBucketStore implements BucketStore {
  private readonly log: (msg: string) => void;
  private readonly now: () => bigint;
  private readonly gm: GroupMath;
  private readonly compactValues: number;
  private readonly compactWalBytes: number;
  private readonly bucketsDir: string;
  private readonly walDir: string;
  private readonly buckets = new Map<string, Bucket>();
  private readonly counter: SyncCounter = { fsyncs: 0 };
  private readonly writer = new SegmentWriter();
  private wal!: WalWriter;
  private checkpoint = 0;
  /** WAL files replayed at start-up (not opened by the writer); deleted by the next compaction. */
  private replayedGens: number[] = [];
  private valuesSinceCompact = 0;
  private commits = 0;
  private lock: Promise<void> = Promise.resolve();
  private autoCompacting = false;
  private merging: Promise<void> | null = null;
  private maintaining = false;
  private ticks = 0;
  private lastWriteAt = Date.now();
  private timer: NodeJS.Timeout | undefined;
  private closing = false;
  private readonly healthListeners = new Set<(h: StoreHealth) => void>();

  constructor(
    private readonly dataDir: string,
    opts: StoreOptions,
  ) {
    this.log = opts.log ?? (() => {});
    this.now = opts.now ?? nowNs;
    this.gm = new GroupMath(opts.shardGroupSeconds ?? DEFAULT_GROUP_SECONDS);
    this.compactValues = opts.compactAfterPoints ?? DEFAULT_COMPACT_VALUES;
    this.compactWalBytes = opts.compactAfterWalBytes ?? DEFAULT_COMPACT_WAL_BYTES;
    this.bucketsDir = path.join(dataDir, 'buckets');
    this.walDir = path.join(dataDir, 'wal');
  }

  // ---- start-up ----

  async open(infos: BucketInfo[]): Promise<void> {
    for (const b of infos) checkId(b.id);
    ensureDirSync(this.bucketsDir, this.counter);
    ensureDirSync(this.walDir, this.counter);
    sweepLeftovers(this.bucketsDir, this.counter);
    sweepLeftovers(this.walDir, this.counter);
    const found = new Map<string, FoundSegment[]>();
    for (const info of infos) found.set(info.id, this.findSegments(path.join(this.bucketsDir, info.id)));
    const all = [...found.values()].flat();
    const { checkpoint, drop } = this.recoverCheckpoint(all);
    this.checkpoint = checkpoint;
    let maxGen = this.checkpoint;
    for (const info of infos) maxGen = Math.max(maxGen, this.installBucket(info, found.get(info.id)!.filter((f) => !drop.has(f.meta.file))));
    const known = new Set(infos.map((b) => b.id));
    for (const name of readdirSync(this.bucketsDir)) {
      if (!known.has(name)) this.log(`store: ${path.join(this.bucketsDir, name)} belongs to no known bucket; left in place`);
    }
    const gens: number[] = [];
    for (const name of readdirSync(this.walDir)) {
      const g = parseWalFileName(name);
      if (g === undefined) continue;
      if (g <= this.checkpoint) rmSync(path.join(this.walDir, name), { force: true }); // already in segments
      else gens.push(g);
    }
    gens.sort((a, b) => a - b);
    for (const g of gens) this.replayFile(g);
    this.replayedGens = gens;
    if (gens.length > 0) maxGen = Math.max(maxGen, gens[gens.length - 1]);
    this.wal = new WalWriter(this.walDir, maxGen + 1, this.counter, {
      log: this.log,
      onHealth: (h) => {
        for (const fn of this.healthListeners) fn(h);
      },
    });
    await this.enforceRetention();
    this.timer = setInterval(() => this.maintain(), MAINTENANCE_MS);
    this.timer.unref();
    this.maybeCompact();
  }

  /**
   * Settles which WAL generations the segments hold (the checkpoint) and which segment files
   * found are not to be used. Nothing is deleted unless it is provably held elsewhere:
   *  - a compaction records its plan (wal/compaction: generations, output files, WAL sizes)
   *    before writing segments and removes it after recording the checkpoint. A plan still there
   *    whose outputs are all intact is committed; otherwise its outputs are dropped, deleted
   *    only when the WAL files they came from are all still there (else quarantined);
   *  - a missing, empty or corrupt checkpoint is rebuilt from the segments' own generation
   *    ranges (with no plan pending, every segment on disk was committed);
   *  - a segment beyond the checkpoint that no plan explains is quarantined, not deleted.
   */
  private recoverCheckpoint(found: FoundSegment[]): { checkpoint: number; drop: Set<string> } {
    const cpFile = path.join(this.walDir, CHECKPOINT);
    const cp = readCheckpoint(cpFile);
    const plan = this.readPlan();
    const drop = new Set<string>();
    let checkpoint: number;
    if (plan !== undefined && (cp.gen === undefined || plan.to > cp.gen)) {
      const outputs = plan.outputs.map((rel) => path.join(this.dataDir, ...rel.split('/')));
      const loaded = new Set(found.map((f) => f.meta.file));
      const intact = outputs.every((f) => loaded.has(f) || readableSegment(f));
      if (intact) {
        checkpoint = plan.to;
        this.log(`store: a compaction of WAL generations ${plan.from}-${plan.to} wrote all its segments but not its checkpoint; completed it`);
      } else {
        checkpoint = cp.gen ?? plan.from - 1;
        const walKept = plan.wal.every(([g, bytes]) => fileSize(path.join(this.walDir, walFileName(g))) >= bytes);
        for (const f of outputs) {
          if (!existsSync(f)) continue;
          drop.add(f);
          if (walKept) {
            rmSync(f, { force: true });
            this.log(`store: removed ${path.relative(this.dataDir, f)} of an unfinished compaction (its points are replayed from the WAL)`);
          } else this.quarantine(f, 'written by an unfinished compaction whose WAL files are not all there any more');
        }
      }
    } else if (cp.gen !== undefined) {
      checkpoint = cp.gen;
    } else {
      checkpoint = 0;
      for (const f of found) checkpoint = Math.max(checkpoint, f.meta.maxGen);
    }
    // A data directory that never compacted has no checkpoint yet: nothing to say or write then.
    const fresh = cp.gen === undefined && cp.problem === MISSING && checkpoint === 0 && found.length === 0;
    if (cp.gen === undefined && !fresh) this.log(`store: ${path.relative(this.dataDir, cpFile)} ${cp.problem}; rebuilt as ${checkpoint} from the segments' generation ranges and the compaction plan`);
    for (const f of found) {
      if (f.meta.maxGen <= checkpoint || drop.has(f.meta.file)) continue;
      drop.add(f.meta.file);
      this.quarantine(f.meta.file, `holds WAL generations up to ${f.meta.maxGen}, beyond the checkpoint ${checkpoint}, and no unfinished compaction explains it`);
    }
    // A checkpoint beyond every segment while WAL files it claims still hold data is not to be
    // believed (a compaction that reaches the checkpoint leaves segments up to it): replay them
    // rather than delete them. At worst that replays points retention or a deletion removed since.
    let segMax = 0;
    for (const f of found) if (!drop.has(f.meta.file)) segMax = Math.max(segMax, f.meta.maxGen);
    if (checkpoint > segMax) {
      const claimed = readdirSync(this.walDir)
        .map((name) => parseWalFileName(name))
        .filter((g): g is number => g !== undefined && g > segMax && g <= checkpoint && fileSize(path.join(this.walDir, walFileName(g))) > 0);
      if (claimed.length > 0) {
        this.log(`store: ${path.relative(this.dataDir, cpFile)} says generation ${checkpoint} is in segments, but no segment goes beyond ${segMax} and WAL generations ${claimed.sort((a, b) => a - b).join(', ')} hold data; replaying them`);
        checkpoint = segMax;
      }
    }
    if (cp.gen !== checkpoint && !fresh) writeFileAtomicSync(cpFile, `${checkpoint}\n`, { counter: this.counter, mode: 0o644 });
    if (plan !== undefined || existsSync(this.planFile)) {
      rmSync(this.planFile, { force: true });
      fsyncDirSync(this.walDir, this.counter);
    }
    return { checkpoint, drop };
  }

  private get planFile(): string {
    return path.join(this.walDir, PLAN);
  }

  private readPlan(): CompactionPlan | undefined {
    let raw: string;
    try {
      raw = readFileSync(this.planFile, 'utf8');
    } catch {
      return undefined;
    }
    try {
      return CompactionPlanSchema.parse(JSON.parse(raw));
    } catch (e) {
      // Written atomically, so only outside damage gets here: set it aside and trust nothing in it.
      this.quarantine(this.planFile, `unreadable compaction plan (${(e as Error).message.split('\n')[0]})`);
      return undefined;
    }
  }

  /** Moves a file it cannot use to <data>/quarantine/ (same relative path), never deleting it. */
  private quarantine(file: string, why: string): void {
    const rel = path.relative(this.dataDir, file);
    let target = path.join(this.dataDir, 'quarantine', rel);
    ensureDirSync(path.dirname(target), this.counter);
    if (existsSync(target)) target = `${target}.${Date.now()}`;
    renameSync(file, target);
    fsyncDirSync(path.dirname(target), this.counter);
    fsyncDirSync(path.dirname(file), this.counter);
    this.log(`store: moved ${rel} to ${path.relative(this.dataDir, target)}: ${why}`);
  }

  /** The readable segments of a bucket directory; unreadable ones are quarantined. */
  private findSegments(dir: string): FoundSegment[] {
    if (!existsSync(dir)) return [];
    sweepLeftovers(dir, this.counter);
    const out: FoundSegment[] = [];
    for (const name of readdirSync(dir)) {
      const m = /^sg(-?\d+)$/.exec(name);
      if (m === null) continue;
      const start = Number(m[1]);
      if (start % this.gm.seconds !== 0) {
        this.log(`store: ${path.join(dir, name)} does not match the shard group length ${this.gm.seconds} s; ignored`);
        continue;
      }
      const gdir = path.join(dir, name);
      sweepLeftovers(gdir, this.counter);
      for (const f of readdirSync(gdir)) {
        if (parseSegmentFileName(f) === undefined) continue;
        const file = path.join(gdir, f);
        try {
          out.push({ start, meta: readSegmentMeta(file) });
        } catch (e) {
          this.quarantine(file, `unreadable segment (${(e as Error).message})`);
        }
      }
    }
    return out;
  }

  /** Sets up a bucket with the given segments; returns the highest WAL generation they cover. */
  private installBucket(info: BucketInfo, found: FoundSegment[]): number {
    const dir = path.join(this.bucketsDir, info.id);
    ensureDirSync(dir, this.counter);
    const b = new Bucket(info, dir, this.gm.seconds);
    this.buckets.set(info.id, b);
    let maxGen = 0;
    const byStart = new Map<number, SegmentMeta[]>();
    for (const f of found) {
      let l = byStart.get(f.start);
      if (l === undefined) byStart.set(f.start, (l = []));
      l.push(f.meta);
    }
    for (const [start, segs] of byStart) {
      // A merge that crashed before deleting its inputs leaves them beside its output, which
      // holds all they hold (it is written atomically) and names them.
      segs.sort((a, b) => a.minGen - b.minGen || b.maxGen - a.maxGen);
      let g: ShardGroup | undefined;
      let cover: SegmentMeta | undefined;
      for (const s of segs) {
        if (cover !== undefined && s.maxGen <= cover.maxGen) {
          // Merged segments written before merges named their inputs: their range has to do.
          // Compaction outputs (level 0) never overlap others, so one covering another proves nothing.
          const named = cover.inputs !== undefined ? cover.inputs.some(([lo, hi]) => lo === s.minGen && hi === s.maxGen) : cover.level > 0;
          if (named) {
            rmSync(s.file, { force: true });
            this.log(`store: removed ${path.relative(this.dataDir, s.file)}, already merged into ${path.basename(cover.file)}`);
          } else this.quarantine(s.file, `overlaps ${path.basename(cover.file)}, which does not list it among its inputs`);
          continue;
        }
        cover = s;
        g ??= b.group(start / this.gm.seconds);
        g.addSegment(s, b.intern);
        maxGen = Math.max(maxGen, s.maxGen);
      }
    }
    return maxGen;
  }

  private replayFile(gen: number): void {
    const file = path.join(this.walDir, walFileName(gen));
    // Streamed: a log file may be far bigger than memory (or than one Buffer can be).
    const scan = scanWalFile(file, (rec) => {
      if (rec.kind === 'delete') this.forgetBucketData(rec.bucketId);
      else this.replayWrite(rec);
    });
    if (scan.problem !== undefined) {
      truncateWalFile(file, scan.validEnd, this.counter);
      this.log(`store: WAL ${walFileName(gen)}: ${scan.problem}; truncated ${scan.size - scan.validEnd} bytes at offset ${scan.validEnd}`);
    }
  }

  private replayWrite(rec: WalWriteRecord): void {
    const b = this.buckets.get(rec.bucketId);
    if (b === undefined) return; // bucket deleted since
    const body = Buffer.from(rec.body.buffer, rec.body.byteOffset, rec.body.byteLength);
    const text = body.toString('utf8');
    const points: Point[] = [];
    let errors = 0;
    const parser = new LineProtocolParser(
      { dialect: 'influxdb2', precision: rec.precision, now: BigInt(rec.defaultTime), truncateTo: 'ns', crlf: 'strip', warnings: false },
      { point: (p) => points.push(p), error: () => errors++ },
    );
    parser.run(text, true, 0, 1, text.length === body.length ? body : undefined);
    parser.end();
    if (errors > 0) this.log(`store: replaying a write to bucket ${rec.bucketId}: ${errors} lines no longer parse; the rest is applied`);
    const out = applyPoints(b, points, rec.now, rec.retentionSeconds, this.gm.seconds);
    this.valuesSinceCompact += out.values;
  }

  /** Drops a deleted bucket's memtables (replay of a delete record). */
  private forgetBucketData(id: string): void {
    const b = this.buckets.get(id);
    if (b === undefined) return;
    for (const g of b.groups.values()) {
      g.active = null;
      g.frozen = [];
    }
    // Its segments too, should the bucket still be listed: the deletion was asked for.
    for (const g of [...b.groups.values()]) {
      b.dropGroup(g.index);
      rmSync(g.dir, { recursive: true, force: true });
    }
  }

  // ---- writes ----

  async write(w: WalWrite, points: readonly Point[]): Promise<WriteOutcome> {
    return this.writeStream(w, (apply) => apply(points));
  }

  async writeStream(w: WalWrite, feed: (apply: (points: readonly Point[]) => void) => void): Promise<WriteOutcome> {
    if (this.closing) throw new Error('the store is closed');
    const b = this.buckets.get(w.bucketId);
    if (b === undefined) throw new Error(`bucket ${w.bucketId} has no data directory`);
    const now = this.now();
    const retentionSeconds = b.info.retentionSeconds;
    let out: ApplyOutcome | undefined;
    // Applied only once the record is durable, in log order (the WAL writer runs the commit).
    await this.wal.append(
      encodeRecord({ kind: 'write', bucketId: w.bucketId, precision: w.precision, defaultTime: w.defaultTime, now, retentionSeconds, body: w.body }),
      () => {
        out = applyFeed(b, feed, now, retentionSeconds, this.gm.seconds);
        this.valuesSinceCompact += out.values;
      },
    );
    const applied = out!;
    this.lastWriteAt = Date.now();
    this.maybeCompact();
    if (applied.written > 0) this.commits++;
    const result: WriteOutcome = { written: applied.written, dropped: applied.dropped };
    if (applied.reason !== undefined) result.reason = applied.reason;
    return result;
  }

  health(): StoreHealth {
    return this.wal.health();
  }

  assertWritable(): void {
    this.wal.assertWritable();
  }

  onHealth(fn: (h: StoreHealth) => void): () => void {
    this.healthListeners.add(fn);
    return () => this.healthListeners.delete(fn);
  }

  // ---- buckets ----

  async createBucketData(info: BucketInfo): Promise<void> {
    checkId(info.id);
    const have = this.buckets.get(info.id);
    if (have !== undefined) {
      have.info = info;
      return;
    }
    // Normally a new, empty directory; should it exist already, what it holds is the bucket's.
    const found = this.findSegments(path.join(this.bucketsDir, info.id)).filter((f) => {
      if (f.meta.maxGen <= this.checkpoint) return true;
      this.quarantine(f.meta.file, `holds WAL generations up to ${f.meta.maxGen}, beyond the checkpoint ${this.checkpoint}`);
      return false;
    });
    this.installBucket(info, found);
  }

  async deleteBucketData(id: string): Promise<void> {
    checkId(id);
    await this.exclusive(async () => {
      const dir = path.join(this.bucketsDir, id);
      if (!this.buckets.has(id) && !existsSync(dir)) return;
      // First durably record the deletion, so replay cannot bring back points of this bucket.
      if (!this.closing) await this.wal.append(encodeRecord({ kind: 'delete', bucketId: id }));
      this.buckets.delete(id);
      await removeTreeDurably(dir, this.counter);
    });
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

  // ---- compaction, merging, retention ----

  compact(): Promise<void> {
    if (this.closing) return Promise.reject(new Error('the store is closed'));
    return (async () => {
      await this.exclusive(() => this.compactNow(true));
      await this.merge(MERGE_FAN_IN);
      await this.wal.trimmed();
    })();
  }

  private maybeCompact(): void {
    if (this.autoCompacting || this.closing) return;
    if (this.valuesSinceCompact < this.compactValues && this.wal.bytes < this.compactWalBytes) return;
    this.autoCompacting = true;
    this.exclusive(() => this.compactNow(true))
      .then(() => void this.merge(MERGE_FAN_IN_BUSY))
      .catch((e) => this.log(`store: compaction failed: ${(e as Error).message}`))
      .finally(() => {
        this.autoCompacting = false;
      });
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn);
    this.lock = run.then(
      () => {},
      () => {},
    );
    return run;
  }

  /** Freezes the memtables, writes them as segments, moves the checkpoint, trims the WAL. */
  private async compactNow(openNext: boolean): Promise<void> {
    const t0 = performance.now();
    const todo: [ShardGroup, MemTable[]][] = [];
    // The memtables are frozen once every record of the frozen generation is durable and applied,
    // before any record of the next one is applied: they hold exactly generations <= frozenGen.
    const { frozen: frozenGen, boundary } = this.wal.rotate(openNext, () => {
      for (const b of this.buckets.values()) {
        for (const g of b.groups.values()) {
          if (g.active !== null) {
            g.frozen.push(g.active);
            g.active = null;
          }
          // Earlier frozen memtables stay here if a previous compaction failed: include them.
          if (g.frozen.length > 0) todo.push([g, g.frozen.slice()]);
        }
      }
      this.valuesSinceCompact = 0;
    });
    await boundary;
    const from = this.checkpoint + 1;
    if (todo.length > 0) {
      // The plan lets recovery tell this compaction's outputs apart, and prove them redundant
      // (their WAL files, at least this big) should it not finish.
      const wal: [number, number][] = [];
      for (let gen = from; gen <= frozenGen; gen++) {
        const bytes = fileSize(path.join(this.walDir, walFileName(gen)));
        if (bytes > 0) wal.push([gen, bytes]);
      }
      const outputs = todo.map(([g]) => path.relative(this.dataDir, path.join(g.dir, segmentFileName(from, frozenGen))).split(path.sep).join('/'));
      const plan: CompactionPlan = { v: 1, from, to: frozenGen, outputs, wal };
      writeFileAtomicSync(this.planFile, JSON.stringify(plan), { counter: this.counter, mode: 0o644 });
    }
    const done: [ShardGroup, SegmentMeta, MemTable[]][] = [];
    try {
      for (const [g, mts] of todo) {
        ensureDirSync(g.dir, this.counter);
        const seg = await writeSegment(g.dir, { minGen: from, maxGen: frozenGen, level: 0 }, memtableInputs(mts, await frozenRaws(mts)), this.writer, this.counter);
        done.push([g, seg, mts]);
      }
    } catch (e) {
      for (const [, seg] of done) rmSync(seg.file, { force: true });
      throw e;
    }
    writeFileAtomicSync(path.join(this.walDir, CHECKPOINT), `${frozenGen}\n`, { counter: this.counter, mode: 0o644 });
    if (todo.length > 0) {
      // Durably gone before any output can be merged away (recovery reads a plan as pending).
      rmSync(this.planFile, { force: true });
      fsyncDirSync(this.walDir, this.counter);
    }
    this.checkpoint = frozenGen;
    for (const [g, seg, mts] of done) {
      g.addSegment(seg, (i) => g.series.get(i.key) ?? i);
      g.frozen = g.frozen.filter((m) => !mts.includes(m));
    }
    this.wal.deleteThrough(frozenGen, this.replayedGens);
    this.replayedGens = [];
    if (done.length > 0) {
      const values = done.reduce((n, [, seg]) => n + seg.values, 0);
      this.log(`store: compacted ${values} field values into ${done.length} segment(s) in ${Math.round(performance.now() - t0)} ms`);
    }
    await this.enforceRetention();
  }

  /**
   * Merges, in every group, runs of at least fanIn segments of one level into one segment. Runs
   * beside compactions (not under the lock), one merge at a time, so that a long merge never
   * holds up compaction; it only ever replaces segments the checkpoint already covers.
   */
  private merge(fanIn: number): Promise<void> {
    if (this.merging !== null) return this.merging;
    this.merging = this.mergeAll(fanIn)
      .catch((e) => {
        if (!this.closing) this.log(`store: merging segments failed: ${(e as Error).message}`);
      })
      .finally(() => {
        this.merging = null;
      });
    return this.merging;
  }

  private async mergeAll(fanIn: number): Promise<void> {
    for (const b of [...this.buckets.values()]) {
      for (const g of [...b.groups.values()]) {
        for (;;) {
          if (this.closing || !this.live(b, g)) break;
          const level = mergeLevelOf(g, fanIn);
          if (level === undefined) break;
          await this.mergeLevel(b, g, level);
        }
      }
    }
  }

  private live(b: Bucket, g: ShardGroup): boolean {
    return this.buckets.get(b.info.id) === b && b.groups.get(g.index) === g;
  }

  private async mergeLevel(b: Bucket, g: ShardGroup, level: number): Promise<void> {
    const at = g.segments.map((s, i) => (s.level === level ? i : -1)).filter((i) => i >= 0);
    // Merge the whole span (normally only segments of this level): adjacent segments in
    // generation order merge correctly whatever their levels.
    const inputs = g.segments.slice(at[0], at[at.length - 1] + 1);
    const reader = new BlockReader();
    let out: SegmentMeta;
    try {
      out = await writeSegment(
        g.dir,
        { minGen: inputs[0].minGen, maxGen: inputs[inputs.length - 1].maxGen, level: level + 1, inputs: inputs.map((s) => [s.minGen, s.maxGen]) },
        segmentInputs(g, inputs, reader, () => this.closing),
        this.writer,
        this.counter,
      );
    } finally {
      reader.close();
    }
    out.infos = [];
    if (!this.live(b, g)) {
      // The bucket or group went away meanwhile (deleted, expired).
      rmSync(out.file, { force: true });
      return;
    }
    // Compactions may have appended segments meanwhile; the inputs are still one run.
    const from = g.segments.indexOf(inputs[0]);
    g.segments.splice(from, inputs.length, out);
    for (const seg of inputs) unlinkSync(seg.file);
    fsyncDirSync(g.dir, this.counter);
  }

  /** Deletes shard groups that ended before now - retention, as InfluxDB's retention service. */
  private async enforceRetention(): Promise<void> {
    const now = this.now();
    for (const b of this.buckets.values()) {
      const r = b.info.retentionSeconds;
      if (!(r > 0)) continue;
      const cutoff = now - BigInt(Math.round(r)) * 1_000_000_000n;
      for (const g of [...b.groups.values()]) {
        if (this.gm.endNs(g.index) >= cutoff) continue;
        b.dropGroup(g.index);
        await removeTreeDurably(g.dir, this.counter);
        this.log(`store: bucket ${b.info.id}: shard group sg${g.startSeconds} expired (retention ${r} s); deleted`);
      }
    }
  }

  private maintain(): void {
    if (this.closing || this.maintaining) return;
    this.ticks++;
    const idle = Date.now() - this.lastWriteAt;
    const retention = this.ticks % RETENTION_EVERY_TICKS === 0;
    const compact = idle >= IDLE_COMPACT_MS && this.valuesSinceCompact > 0;
    const merge = idle >= IDLE_MERGE_MS && this.mergeWanted();
    if (!retention && !compact && !merge) return;
    this.maintaining = true;
    this.exclusive(async () => {
      if (this.closing) return;
      if (compact) await this.compactNow(true);
      if (retention) await this.enforceRetention();
    })
      .then(() => (merge || compact ? this.merge(MERGE_FAN_IN) : undefined))
      .catch((e) => this.log(`store: maintenance failed: ${(e as Error).message}`))
      .finally(() => {
        this.maintaining = false;
      });
  }

  private mergeWanted(): boolean {
    for (const b of this.buckets.values()) for (const g of b.groups.values()) if (mergeLevelOf(g, MERGE_FAN_IN) !== undefined) return true;
    return false;
  }

  // ---- stats, close ----

  stats(): StoreStats {
    let points = 0;
    let segBytes = 0;
    for (const b of this.buckets.values()) {
      for (const g of b.groups.values()) {
        points += g.values;
        for (const s of g.segments) segBytes += s.bytes;
      }
    }
    const walBytes = this.wal.bytes;
    return { buckets: this.buckets.size, points, walBytes, diskBytes: walBytes + segBytes, fsyncs: this.counter.fsyncs, commits: this.commits };
  }

  async close(): Promise<void> {
    if (this.closing) return this.lock;
    this.closing = true;
    clearInterval(this.timer);
    try {
      await this.merging; // stops at the next series
      await this.exclusive(() => this.compactNow(false));
    } finally {
      await this.wal.close();
      await this.writer.close();
    }
  }
}

/** Rows of work a read does between two turns of the event loop (readAsync). */
const READ_SLICE = 20_000;

/**
 * The rows of frozen memtables (they take no more writes), gathered a slice at a time with the
 * event loop free in between: a compaction's gathering of a million values must not stall requests.
 */
async function frozenRaws(mts: MemTable[]): Promise<Map<MemSeries, Raw>[]> {
  const out: Map<MemSeries, Raw>[] = [];
  for (const mt of mts) {
    const steps = mt.rawsInSteps(mt.series, READ_SLICE);
    for (;;) {
      const r = steps.next();
      if (r.done === true) {
        out.push(r.value);
        break;
      }
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  return out;
}

/** Segment input from memtables (oldest first, with their rows), series in key order. */
function* memtableInputs(mts: MemTable[], raws: Map<MemSeries, Raw>[]): Iterable<SegmentInput> {
  const infos = new Map<string, SeriesInfo>();
  for (const mt of mts) for (const ms of mt.series) infos.set(ms.info.key, ms.info);
  const keys = [...infos.keys()].sort();
  for (const key of keys) {
    const sources: Raw[] = [];
    for (let k = 0; k < mts.length; k++) {
      const ms = mts[k].bySeries.get(key);
      const r = ms !== undefined ? raws[k].get(ms) : undefined;
      if (r !== undefined) sources.push(r);
    }
    if (sources.length > 0) yield { info: infos.get(key)!, data: mergeSources(sources) };
  }
}

/** Segment input merged from segments (oldest first), series in key order. */
function* segmentInputs(g: ShardGroup, segs: SegmentMeta[], reader: BlockReader, abort: () => boolean): Iterable<SegmentInput> {
  const keys = [...new Set(segs.flatMap((s) => [...s.series.keys()]))].sort();
  for (const key of keys) {
    if (abort()) throw new Error('merge abandoned: the store is closing');
    const sources: Columns[] = [];
    for (const s of segs) {
      const e = s.series.get(key);
      if (e !== undefined) sources.push(reader.read(s, e));
    }
    const info = g.series.get(key);
    if (info === undefined) throw new Error(`series ${key} missing from the group index`);
    yield { info, data: mergeSources(sources) };
  }
}

/** The lowest level with at least fanIn segments in the group, if any. */
function mergeLevelOf(g: ShardGroup, fanIn: number): number | undefined {
  const counts = new Map<number, number>();
  for (const s of g.segments) counts.set(s.level, (counts.get(s.level) ?? 0) + 1);
  let best: number | undefined;
  for (const [level, n] of counts) if (n >= fanIn && (best === undefined || level < best)) best = level;
  return best;
}

const CHECKPOINT = 'checkpoint';
const PLAN = 'compaction';
const MISSING = 'is missing';

/** What a compaction is about to write (wal/compaction), so recovery can tell and prove. */
const CompactionPlanSchema = z.object({
  v: z.literal(1),
  from: z.number().int().min(1),
  to: z.number().int().min(1),
  /** Segment files it writes, relative to the data directory, with / between names. */
  outputs: z.array(z.string().regex(/^buckets\/[0-9a-f]{16}\/sg-?\d+\/\d{12}-\d{12}\.seg$/)),
  /** [generation, bytes] of the non-empty WAL files whose points the outputs hold. */
  wal: z.array(z.tuple([z.number().int().min(1), z.number().int().min(1)])),
});
type CompactionPlan = z.infer<typeof CompactionPlanSchema>;

interface FoundSegment {
  /** Start of its shard group, in seconds. */
  start: number;
  meta: SegmentMeta;
}

/** The checkpoint file's generation, or what is wrong with it. */
function readCheckpoint(file: string): { gen: number; problem?: undefined } | { gen?: undefined; problem: string } {
  let raw: string;
  try {
    raw = readFileSync(file, 'latin1');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { problem: MISSING };
    return { problem: `cannot be read (${(e as Error).message})` };
  }
  if (raw.length === 0) return { problem: 'is empty' };
  const m = /^(\d{1,15})\n?$/.exec(raw);
  if (m === null) return { problem: `is corrupt (${JSON.stringify(raw.slice(0, 40))})` };
  return { gen: Number(m[1]) };
}

function readableSegment(file: string): boolean {
  try {
    readSegmentMeta(file);
    return true;
  } catch {
    return false;
  }
}

/** A file's size; -1 when it is not there. */
function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return -1;
  }
}

/** Applies a write's points as its feed gives them (at commit time, once its record is durable). */
function applyFeed(b: Bucket, feed: (apply: (points: readonly Point[]) => void) => void, now: bigint, retentionSeconds: number, groupSeconds: number): ApplyOutcome {
  if (retentionSeconds > 0) {
    // Retention decisions look at the whole batch (see retentionFloor): gather it first.
    const all: Point[] = [];
    feed((ps) => {
      for (const p of ps) all.push(p);
    });
    return applyPoints(b, all, now, retentionSeconds, groupSeconds);
  }
  // Without retention, applying chunk by chunk is the same as applying the batch at once
  // (within a batch the first type of a field wins either way).
  const acc: ApplyOutcome = { written: 0, dropped: 0, values: 0 };
  feed((ps) => {
    const o = applyPoints(b, ps, now, 0, groupSeconds);
    acc.written += o.written;
    acc.dropped += o.dropped;
    acc.values += o.values;
    if (acc.reason === undefined && o.reason !== undefined) acc.reason = o.reason;
  });
  return acc;
}
