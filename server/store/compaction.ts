// Compaction (memtables to level-0 segments, the checkpoint moved, the WAL trimmed), merges
// (segments of one level into one of the next) and retention (expired shard groups deleted).
// Each runs as a job of the maintenance queue (maintenance.ts), never two at once.
//
// A compaction starts a new WAL generation, freezes the memtables once the old generation's
// records are all applied, records its plan, writes one segment per touched shard group, records
// the checkpoint, and only then deletes the old WAL files.
import { rmSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomicSync } from '../fs/atomic-file.js';
import { checkpointFile, fileSize, planFile, type CompactionPlan } from './checkpoint.js';
import { ensureDirSync, fsyncDirSync, removeTreeDurably } from './durable.js';
import type { Bucket, ShardGroup } from './groups.js';
import type { MemSeries, MemTable } from './memtable.js';
import { mergeSources, type Columns, type Raw, type SeriesInfo } from './rows.js';
import { BlockReader, segmentFileName, writeSegment, type SegmentInput, type SegmentMeta } from './segment.js';
import type { StoreState } from './state.js';
import { walFileName } from './wal.js';

/** Rows gathered from a frozen memtable between two turns of the event loop. */
const GATHER_SLICE = 20_000;

/** Freezes the memtables, writes them as segments, moves the checkpoint, trims the WAL. */
export async function compactNow(st: StoreState, openNext: boolean): Promise<void> {
  const t0 = performance.now();
  const todo: [ShardGroup, MemTable[]][] = [];
  // The memtables are frozen once every record of the frozen generation is durable and applied,
  // before any record of the next one is applied: they hold exactly generations <= frozenGen.
  const { frozen: frozenGen, boundary } = st.wal.rotate(openNext, () => {
    for (const b of st.buckets.values()) {
      for (const g of b.groups.values()) {
        if (g.active !== null) {
          g.frozen.push(g.active);
          g.active = null;
        }
        // Earlier frozen memtables stay here if a previous compaction failed: include them.
        if (g.frozen.length > 0) todo.push([g, g.frozen.slice()]);
      }
    }
    st.valuesSinceCompact = 0;
  });
  await boundary;
  const from = st.checkpoint + 1;
  const pf = planFile(st.walDir);
  if (todo.length > 0) {
    // The plan lets recovery tell this compaction's outputs apart, and prove them redundant
    // (their WAL files, at least this big) should it not finish.
    const wal: [number, number][] = [];
    for (let gen = from; gen <= frozenGen; gen++) {
      const bytes = fileSize(path.join(st.walDir, walFileName(gen)));
      if (bytes > 0) wal.push([gen, bytes]);
    }
    const outputs = todo.map(([g]) => path.relative(st.dataDir, path.join(g.dir, segmentFileName(from, frozenGen))).split(path.sep).join('/'));
    const plan: CompactionPlan = { v: 1, from, to: frozenGen, outputs, wal };
    writeFileAtomicSync(pf, JSON.stringify(plan), { counter: st.counter, mode: 0o644 });
  }
  const done: [ShardGroup, SegmentMeta, MemTable[]][] = [];
  try {
    for (const [g, mts] of todo) {
      ensureDirSync(g.dir, st.counter);
      const seg = await writeSegment(g.dir, { minGen: from, maxGen: frozenGen, level: 0 }, memtableInputs(mts, await frozenRaws(mts)), st.writer, st.counter);
      done.push([g, seg, mts]);
    }
  } catch (e) {
    for (const [, seg] of done) rmSync(seg.file, { force: true });
    throw e;
  }
  writeFileAtomicSync(checkpointFile(st.walDir), `${frozenGen}\n`, { counter: st.counter, mode: 0o644 });
  if (todo.length > 0) {
    // Durably gone before any output can be merged away (recovery reads a plan as pending).
    rmSync(pf, { force: true });
    fsyncDirSync(st.walDir, st.counter);
  }
  st.checkpoint = frozenGen;
  for (const [g, seg, mts] of done) {
    g.addSegment(seg, (key, stored) => g.series.get(key) ?? stored());
    g.frozen = g.frozen.filter((m) => !mts.includes(m));
  }
  st.wal.deleteThrough(frozenGen, st.replayedGens);
  st.replayedGens = [];
  if (done.length > 0) {
    const values = done.reduce((n, [, seg]) => n + seg.values, 0);
    st.log(`store: compacted ${values} field values into ${done.length} segment(s) in ${Math.round(performance.now() - t0)} ms`);
  }
  await enforceRetention(st);
}

/** The lowest level with at least fanIn segments in the group, if any. */
export function mergeLevelOf(g: ShardGroup, fanIn: number): number | undefined {
  const counts = new Map<number, number>();
  for (const s of g.segments) counts.set(s.level, (counts.get(s.level) ?? 0) + 1);
  let best: number | undefined;
  for (const [level, n] of counts) if (n >= fanIn && (best === undefined || level < best)) best = level;
  return best;
}

/** Whether some group has a level of at least fanIn segments. */
export function mergeWanted(st: StoreState, fanIn: number): boolean {
  for (const b of st.buckets.values()) for (const g of b.groups.values()) if (mergeLevelOf(g, fanIn) !== undefined) return true;
  return false;
}

/**
 * One merge step: in the first group with a level of at least fanIn segments, merges that run
 * into one segment of the next level. Returns whether it merged anything (the caller queues the
 * next step, so a compaction never waits behind more than one step). It only ever replaces
 * segments the checkpoint already covers.
 */
export async function mergeOne(st: StoreState, fanIn: number): Promise<boolean> {
  for (const b of [...st.buckets.values()]) {
    for (const g of [...b.groups.values()]) {
      if (st.closing) return false;
      const level = mergeLevelOf(g, fanIn);
      if (level === undefined) continue;
      await mergeLevel(st, b, g, level);
      return true;
    }
  }
  return false;
}

function live(st: StoreState, b: Bucket, g: ShardGroup): boolean {
  return st.buckets.get(b.info.id) === b && b.groups.get(g.index) === g;
}

async function mergeLevel(st: StoreState, b: Bucket, g: ShardGroup, level: number): Promise<void> {
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
      segmentInputs(g, inputs, reader, () => st.closing),
      st.writer,
      st.counter,
    );
  } finally {
    reader.close();
  }
  out.series.release(); // its series are the group's already
  if (!live(st, b, g)) {
    // The bucket or group went away meanwhile (deleted, expired).
    rmSync(out.file, { force: true });
    return;
  }
  // Compactions may have appended segments meanwhile; the inputs are still one run.
  const from = g.segments.indexOf(inputs[0]);
  g.segments.splice(from, inputs.length, out);
  for (const seg of inputs) unlinkSync(seg.file);
  fsyncDirSync(g.dir, st.counter);
}

/** Deletes shard groups that ended before now - retention, as InfluxDB's retention service. */
export async function enforceRetention(st: StoreState): Promise<void> {
  const now = st.now();
  for (const b of st.buckets.values()) {
    const r = b.info.retentionSeconds;
    if (!(r > 0)) continue;
    const cutoff = now - BigInt(Math.round(r)) * 1_000_000_000n;
    for (const g of [...b.groups.values()]) {
      if (st.gm.endNs(g.index) >= cutoff) continue;
      b.dropGroup(g.index);
      await removeTreeDurably(g.dir, st.counter);
      st.log(`store: bucket ${b.info.id}: shard group sg${g.startSeconds} expired (retention ${r} s); deleted`);
    }
  }
}

/**
 * The rows of frozen memtables (they take no more writes), gathered a slice at a time with the
 * event loop free in between: a compaction's gathering of a million values must not stall requests.
 */
async function frozenRaws(mts: MemTable[]): Promise<Map<MemSeries, Raw>[]> {
  const out: Map<MemSeries, Raw>[] = [];
  for (const mt of mts) {
    const steps = mt.rawsInSteps(mt.series, GATHER_SLICE);
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

/**
 * The series keys of segments in ascending order, each once: a lazy merge of their tables (each
 * in key order), so a merge of a few hundred thousand series does not gather and sort them all
 * in one turn of the event loop before its first slice.
 */
function* mergedKeys(segs: SegmentMeta[]): Generator<string, void, void> {
  const at = segs.map(() => 0);
  let last: string | undefined;
  for (;;) {
    let min: string | undefined;
    for (let k = 0; k < segs.length; k++) {
      const t = segs[k].series;
      if (at[k] < t.size) {
        const key = t.keyAt(at[k]);
        if (min === undefined || key < min) min = key;
      }
    }
    if (min === undefined) return;
    for (let k = 0; k < segs.length; k++) if (at[k] < segs[k].series.size && segs[k].series.keyAt(at[k]) === min) at[k]++;
    if (min !== last) yield min;
    last = min;
  }
}

/** Segment input merged from segments (oldest first), series in key order. */
function* segmentInputs(g: ShardGroup, segs: SegmentMeta[], reader: BlockReader, abort: () => boolean): Iterable<SegmentInput> {
  for (const key of mergedKeys(segs)) {
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
