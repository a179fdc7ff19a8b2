// Start-up: load the segment indexes, settle the checkpoint (recoverCheckpoint: rebuilt when
// lost; an unfinished compaction's outputs dropped only when provably redundant), install the
// buckets, and replay the WAL after the checkpoint, streamed, cutting off a torn tail. Whatever
// it cannot use is moved to <data>/quarantine/, never deleted.
import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { LineProtocolParser } from '../../lineprotocol/parse.js';
import type { Point } from '../../lineprotocol/types.js';
import type { BucketInfo } from './api.js';
import { applyPoints } from './apply.js';
import { checkpointFile, CompactionPlanSchema, fileSize, MISSING, planFile, readCheckpoint, type CompactionPlan } from './checkpoint.js';
import { writeFileAtomicSync } from '../fs/atomic-file.js';
import { ensureDirSync, fsyncDirSync, sweepLeftovers } from './durable.js';
import { Bucket, type ShardGroup } from './groups.js';
import { parseSegmentFileName, readSegmentMeta, type SegmentMeta } from './segment.js';
import { checkId, type StoreState } from './state.js';
import { parseWalFileName, scanWalFile, truncateWalFile, walFileName, type WalWriteRecord } from './wal.js';

export interface FoundSegment {
  /** Start of its shard group, in seconds. */
  start: number;
  meta: SegmentMeta;
}

/**
 * Brings the data directory to a consistent state and loads it: segments, checkpoint, buckets,
 * then the WAL replayed into memtables. Returns the highest WAL generation seen (the writer
 * starts after it).
 */
export function recover(st: StoreState, infos: BucketInfo[]): number {
  for (const b of infos) checkId(b.id);
  ensureDirSync(st.bucketsDir, st.counter);
  ensureDirSync(st.walDir, st.counter);
  sweepLeftovers(st.bucketsDir, st.counter);
  sweepLeftovers(st.walDir, st.counter);
  const found = new Map<string, FoundSegment[]>();
  for (const info of infos) found.set(info.id, findSegments(st, path.join(st.bucketsDir, info.id)));
  const all = [...found.values()].flat();
  const { checkpoint, drop } = recoverCheckpoint(st, all);
  st.checkpoint = checkpoint;
  let maxGen = st.checkpoint;
  for (const info of infos) maxGen = Math.max(maxGen, installBucket(st, info, found.get(info.id)!.filter((f) => !drop.has(f.meta.file))));
  const known = new Set(infos.map((b) => b.id));
  for (const name of readdirSync(st.bucketsDir)) {
    if (!known.has(name)) st.log(`store: ${path.join(st.bucketsDir, name)} belongs to no known bucket; left in place`);
  }
  const gens: number[] = [];
  for (const name of readdirSync(st.walDir)) {
    const g = parseWalFileName(name);
    if (g === undefined) continue;
    if (g <= st.checkpoint) rmSync(path.join(st.walDir, name), { force: true }); // already in segments
    else gens.push(g);
  }
  gens.sort((a, b) => a - b);
  for (const g of gens) replayFile(st, g);
  st.replayedGens = gens;
  if (gens.length > 0) maxGen = Math.max(maxGen, gens[gens.length - 1]);
  return maxGen;
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
function recoverCheckpoint(st: StoreState, found: FoundSegment[]): { checkpoint: number; drop: Set<string> } {
  const cpFile = checkpointFile(st.walDir);
  const cp = readCheckpoint(cpFile);
  const plan = readPlan(st);
  const drop = new Set<string>();
  let checkpoint: number;
  if (plan !== undefined && (cp.gen === undefined || plan.to > cp.gen)) {
    const outputs = plan.outputs.map((rel) => path.join(st.dataDir, ...rel.split('/')));
    const loaded = new Set(found.map((f) => f.meta.file));
    const intact = outputs.every((f) => loaded.has(f) || readableSegment(f));
    if (intact) {
      checkpoint = plan.to;
      st.log(`store: a compaction of WAL generations ${plan.from}-${plan.to} wrote all its segments but not its checkpoint; completed it`);
    } else {
      checkpoint = cp.gen ?? plan.from - 1;
      const walKept = plan.wal.every(([g, bytes]) => fileSize(path.join(st.walDir, walFileName(g))) >= bytes);
      for (const f of outputs) {
        if (!existsSync(f)) continue;
        drop.add(f);
        if (walKept) {
          rmSync(f, { force: true });
          st.log(`store: removed ${path.relative(st.dataDir, f)} of an unfinished compaction (its points are replayed from the WAL)`);
        } else quarantine(st, f, 'written by an unfinished compaction whose WAL files are not all there any more');
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
  if (cp.gen === undefined && !fresh) st.log(`store: ${path.relative(st.dataDir, cpFile)} ${cp.problem}; rebuilt as ${checkpoint} from the segments' generation ranges and the compaction plan`);
  for (const f of found) {
    if (f.meta.maxGen <= checkpoint || drop.has(f.meta.file)) continue;
    drop.add(f.meta.file);
    quarantine(st, f.meta.file, `holds WAL generations up to ${f.meta.maxGen}, beyond the checkpoint ${checkpoint}, and no unfinished compaction explains it`);
  }
  // A checkpoint beyond every segment while WAL files it claims still hold data is not to be
  // believed (a compaction that reaches the checkpoint leaves segments up to it): replay them
  // rather than delete them. At worst that replays points retention or a deletion removed since.
  let segMax = 0;
  for (const f of found) if (!drop.has(f.meta.file)) segMax = Math.max(segMax, f.meta.maxGen);
  if (checkpoint > segMax) {
    const claimed = readdirSync(st.walDir)
      .map((name) => parseWalFileName(name))
      .filter((g): g is number => g !== undefined && g > segMax && g <= checkpoint && fileSize(path.join(st.walDir, walFileName(g))) > 0);
    if (claimed.length > 0) {
      st.log(`store: ${path.relative(st.dataDir, cpFile)} says generation ${checkpoint} is in segments, but no segment goes beyond ${segMax} and WAL generations ${claimed.sort((a, b) => a - b).join(', ')} hold data; replaying them`);
      checkpoint = segMax;
    }
  }
  if (cp.gen !== checkpoint && !fresh) writeFileAtomicSync(cpFile, `${checkpoint}\n`, { counter: st.counter, mode: 0o644 });
  const pf = planFile(st.walDir);
  if (plan !== undefined || existsSync(pf)) {
    rmSync(pf, { force: true });
    fsyncDirSync(st.walDir, st.counter);
  }
  return { checkpoint, drop };
}

function readPlan(st: StoreState): CompactionPlan | undefined {
  const pf = planFile(st.walDir);
  let raw: string;
  try {
    raw = readFileSync(pf, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return CompactionPlanSchema.parse(JSON.parse(raw));
  } catch (e) {
    // Written atomically, so only outside damage gets here: set it aside and trust nothing in it.
    quarantine(st, pf, `unreadable compaction plan (${(e as Error).message.split('\n')[0]})`);
    return undefined;
  }
}

function readableSegment(file: string): boolean {
  try {
    readSegmentMeta(file);
    return true;
  } catch {
    return false;
  }
}

/** Moves a file it cannot use to <data>/quarantine/ (same relative path), never deleting it. */
export function quarantine(st: StoreState, file: string, why: string): void {
  const rel = path.relative(st.dataDir, file);
  let target = path.join(st.dataDir, 'quarantine', rel);
  ensureDirSync(path.dirname(target), st.counter);
  if (existsSync(target)) target = `${target}.${Date.now()}`;
  renameSync(file, target);
  fsyncDirSync(path.dirname(target), st.counter);
  fsyncDirSync(path.dirname(file), st.counter);
  st.log(`store: moved ${rel} to ${path.relative(st.dataDir, target)}: ${why}`);
}

/** The readable segments of a bucket directory; unreadable ones are quarantined. */
export function findSegments(st: StoreState, dir: string): FoundSegment[] {
  if (!existsSync(dir)) return [];
  sweepLeftovers(dir, st.counter);
  const out: FoundSegment[] = [];
  for (const name of readdirSync(dir)) {
    const m = /^sg(-?\d+)$/.exec(name);
    if (m === null) continue;
    const start = Number(m[1]);
    if (start % st.gm.seconds !== 0) {
      st.log(`store: ${path.join(dir, name)} does not match the shard group length ${st.gm.seconds} s; ignored`);
      continue;
    }
    const gdir = path.join(dir, name);
    sweepLeftovers(gdir, st.counter);
    for (const f of readdirSync(gdir)) {
      if (parseSegmentFileName(f) === undefined) continue;
      const file = path.join(gdir, f);
      try {
        out.push({ start, meta: readSegmentMeta(file) });
      } catch (e) {
        quarantine(st, file, `unreadable segment (${(e as Error).message})`);
      }
    }
  }
  return out;
}

/** Sets up a bucket with the given segments; returns the highest WAL generation they cover. */
export function installBucket(st: StoreState, info: BucketInfo, found: FoundSegment[]): number {
  const dir = path.join(st.bucketsDir, info.id);
  ensureDirSync(dir, st.counter);
  const b = new Bucket(info, dir, st.gm.seconds);
  st.buckets.set(info.id, b);
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
          st.log(`store: removed ${path.relative(st.dataDir, s.file)}, already merged into ${path.basename(cover.file)}`);
        } else quarantine(st, s.file, `overlaps ${path.basename(cover.file)}, which does not list it among its inputs`);
        continue;
      }
      cover = s;
      g ??= b.group(start / st.gm.seconds);
      g.addSegment(s, b.intern);
      maxGen = Math.max(maxGen, s.maxGen);
    }
  }
  return maxGen;
}

function replayFile(st: StoreState, gen: number): void {
  const file = path.join(st.walDir, walFileName(gen));
  // Streamed: a log file may be far bigger than memory (or than one Buffer can be).
  const scan = scanWalFile(file, (rec) => {
    if (rec.kind === 'delete') forgetBucketData(st, rec.bucketId);
    else replayWrite(st, rec);
  });
  if (scan.problem !== undefined) {
    truncateWalFile(file, scan.validEnd, st.counter);
    st.log(`store: WAL ${walFileName(gen)}: ${scan.problem}; truncated ${scan.size - scan.validEnd} bytes at offset ${scan.validEnd}`);
  }
}

function replayWrite(st: StoreState, rec: WalWriteRecord): void {
  const b = st.buckets.get(rec.bucketId);
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
  if (errors > 0) st.log(`store: replaying a write to bucket ${rec.bucketId}: ${errors} lines no longer parse; the rest is applied`);
  const out = applyPoints(b, points, rec.now, rec.retentionSeconds, st.gm.seconds);
  st.valuesSinceCompact += out.values;
}

/** Drops a deleted bucket's memtables (replay of a delete record). */
function forgetBucketData(st: StoreState, id: string): void {
  const b = st.buckets.get(id);
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
