// Reads of stored points (api.ts ReadQuery): one streaming engine behind read(), readAsync()
// and readStream().
//
// A read takes its snapshot when it starts: the shard groups in its range, their segment lists,
// the memtable rows held then (memtables only ever append) and every segment file it may need
// opened (an open file outlives a merge or retention deleting it). It then walks the groups in
// time order (reversed when descending; groups do not overlap in time) and, within a group,
// merges the series with a heap keyed by each series' next time (ties by series key, as
// InfluxDB orders them). A series' sources are its segment blocks (each at most BLOCK_ROWS
// rows, with exact first and last times in the index) and its memtable rows; a segment is
// looked at only once the read reaches its min time (max time, descending), a block is decoded
// only when the merge reaches its time, and dropped once passed. So a read holds, per series,
// only the blocks that overlap where it is, and the first page of a big group decodes a block
// per series it returns, not the group.
import type { Field, FieldType } from '../../lineprotocol/types.js';
import type { PointBatch, ReadObserver, ReadQuery, ReadStreamOptions, StoredPoint } from './api.js';
import type { Bucket, ShardGroup } from './groups.js';
import type { MemSeries } from './memtable.js';
import { cmpSplit, lowerBound, mergeSources, normalize, RowReader, sliceColumns, SPLIT, splitTime, timeString, type Columns, type Raw, type SeriesInfo } from './rows.js';
import { BlockReader, type SegmentBlock, type SegmentMeta } from './segment.js';
import { canonicalTime, cmpTime, type GroupMath } from './time.js';

/** Rows of work a memtable gather does between two turns of the event loop. */
export const READ_SLICE = 20_000;
/**
 * Longest stretch a streamed read runs before letting the event loop turn (requests, /ping),
 * checked every CLOCK_EVERY units of work: rows decoded cost very differently from rows merged,
 * so a count alone cannot bound the time.
 */
const SLICE_MS = 8;
const CLOCK_EVERY = 256;
/** Units of work a series cursor's set-up counts for. */
const SETUP_COST = 16;
/**
 * Decoded rows a read holds at most, about (28 MB at two fields). Walking many series side by
 * side in time order holds a stretch of each: past this, a series' block is decoded a window
 * at a time (at least MIN_WINDOW rows) instead of whole, so memory stays bounded however many
 * series overlap, at the price of decoding such blocks in a few passes.
 */
export const HELD_ROWS = 1_000_000;
const MIN_WINDOW = 64;
/** Points per batch of readStream unless told. */
export const STREAM_BATCH = 1000;

/** Yielded by the steps of a read where it lets the event loop turn. */
const PAUSE = null;
type Step = Batch | typeof PAUSE;

/** What a read needs of the store: its buckets and the shard-group time math. */
export interface ReadContext {
  bucket(id: string): Bucket | undefined;
  gm: GroupMath;
}

/** All points of a query at once (nothing else runs meanwhile). */
export function readAll(ctx: ReadContext, q: ReadQuery): StoredPoint[] {
  const run = new ReadRun(ctx, q, Infinity, undefined);
  const out: StoredPoint[] = [];
  try {
    for (const step of run.steps()) if (step !== PAUSE) for (let i = 0; i < step.length; i++) out.push(step.point(i));
  } finally {
    run.close();
  }
  return out;
}

/**
 * The points of a query in batches of at most `batchSize`, computed only as the consumer asks
 * for them, with a turn of the event loop every READ_SLICE rows of work. The snapshot is taken
 * now (see the file's head). Its files close when the iteration ends, breaks or throws.
 */
export function readStream(ctx: ReadContext, q: ReadQuery, opts: ReadStreamOptions = {}): AsyncIterable<PointBatch> {
  const run = new ReadRun(ctx, q, Math.max(1, opts.batchSize ?? STREAM_BATCH), opts.observer, opts.heldRows);
  return (async function* () {
    try {
      for (const step of run.steps()) {
        if (step === PAUSE) await new Promise<void>((resolve) => setImmediate(resolve));
        else yield step;
      }
    } finally {
      run.close();
    }
  })();
}

/** The whole result of a streamed read (the data browser's pages). */
export async function readCollect(ctx: ReadContext, q: ReadQuery): Promise<StoredPoint[]> {
  const out: StoredPoint[] = [];
  for await (const batch of readStream(ctx, q, { batchSize: 10_000 })) for (let i = 0; i < batch.length; i++) out.push(batch.point(i));
  return out;
}

/** A memtable's rows of a group's series (by the read's series number), gathered when reached. */
interface MemRead {
  wanted: (MemSeries | undefined)[];
  steps: Generator<void, Map<MemSeries, Raw>, void>;
}

/** What a read looks at in one shard group, taken when the read starts. */
interface GroupSnapshot {
  /** The series asked, in key order. */
  infos: SeriesInfo[];
  /** Oldest first: later ones win. */
  segments: SegmentMeta[];
  mem: MemRead[];
}

/** Exact time as (floor(t / 1e9), t mod 1e9). */
interface Time {
  s: number;
  n: number;
}

function splitT(t: string): Time {
  splitTime(t);
  return { s: SPLIT.sec, n: SPLIT.ns };
}

/** A block's first and last times, split (the index gives them so; a block written in this process is split once). */
function blockTimes(b: SegmentBlock): [Time, Time] {
  return (b.split ??= [splitT(b.minTime), splitT(b.maxTime)]);
}

/** One source of a series' rows: a segment block (decoded when reached) or memtable rows. */
interface Piece {
  /** The lane a block piece comes from (it moves on when the piece is decoded). */
  lane: Lane | null;
  /** Later sources win merges. */
  prio: number;
  /** Times of its first and last rows. */
  first: Time;
  last: Time;
  seg: SegmentMeta | null;
  block: SegmentBlock | null;
  data: Columns | null;
  /** Rows not yet passed: [from, to). */
  from: number;
  to: number;
}

/** A segment of a group with the time where a read reaches it (min time; max time descending). */
interface SegReach {
  segNo: number;
  seg: SegmentMeta;
  edge: Time;
}

/** One source's pieces of a series in the read's order: blocks i, i±1, … (not end), or one memtable piece. */
interface Lane {
  prio: number;
  seg: SegmentMeta | null;
  blocks: SegmentBlock[] | null;
  mem: Piece | null;
  i: number;
  end: number;
  /** Rows of block i already taken (from the end the read starts at), and the next one's time. */
  row: number;
  rowTime: Time | null;
}

/** A stretch of a series' merged rows being emitted: rows [lo, hi) of data, next at pos. */
interface Run {
  data: Columns;
  lo: number;
  hi: number;
  pos: number;
  rows: RowReader | null;
  /** Rows it holds that nothing else counts (a merge's output). */
  owned: number;
}

class ReadRun {
  private readonly reader = new BlockReader();
  private readonly groups: GroupSnapshot[] = [];
  private readonly desc: boolean;
  private readonly start: Time | undefined;
  private readonly stop: Time | undefined;
  private readonly startStr: string | undefined;
  private readonly stopStr: string | undefined;
  private readonly measurement: string;
  private readonly limit: number;
  private readonly offset: number;
  readonly obs: ReadObserver;
  work = 0;
  private sliceEnd = 0;
  /** Rows still to skip and to return, and the batch being filled. */
  private state = { skip: 0, left: Infinity, batch: new Batch() };
  /** Series of the group being read (what a window's size is shared among). */
  private width = 1;

  constructor(
    ctx: ReadContext,
    q: ReadQuery,
    private readonly batchSize: number,
    observer: ReadObserver | undefined,
    private readonly heldRows = HELD_ROWS,
  ) {
    this.obs = observer ?? { held: 0, maxHeld: 0, decoded: 0 };
    this.desc = q.descending === true;
    this.measurement = q.measurement;
    this.limit = q.limit !== undefined && q.limit > 0 ? q.limit : Infinity;
    this.offset = Math.max(0, q.offset ?? 0);
    this.startStr = q.start !== undefined ? canonicalTime(q.start) : undefined;
    this.stopStr = q.stop !== undefined ? canonicalTime(q.stop) : undefined;
    this.start = this.startStr !== undefined ? splitT(this.startStr) : undefined;
    this.stop = this.stopStr !== undefined ? splitT(this.stopStr) : undefined;
    const b = ctx.bucket(q.bucketId);
    if (b === undefined) return;
    const startB = this.startStr !== undefined ? BigInt(this.startStr) : undefined;
    const stopB = this.stopStr !== undefined ? BigInt(this.stopStr) : undefined;
    const tags = Object.entries(q.tags ?? {});
    const groups = b.sortedGroups();
    if (this.desc) groups.reverse();
    try {
      for (const g of groups) {
        if (stopB !== undefined && stopB <= ctx.gm.startNs(g.index)) continue;
        if (startB !== undefined && startB >= ctx.gm.endNs(g.index)) continue;
        const snap = this.snapshot(g, tags, q.series);
        if (snap.infos.length === 0) continue;
        for (const seg of snap.segments) this.reader.open(seg);
        this.groups.push(snap);
      }
    } catch (e) {
      this.reader.close();
      throw e;
    }
  }

  private snapshot(g: ShardGroup, tags: [string, string][], only: string | undefined): GroupSnapshot {
    const series = g.byMeasurement.get(this.measurement);
    const infos: SeriesInfo[] = [];
    if (series === undefined) return { infos, segments: [], mem: [] };
    const candidates = only === undefined ? series.values() : [series.get(only)].filter((x): x is SeriesInfo => x !== undefined);
    for (const info of candidates) if (tags.every(([k, v]) => info.tags.some((t) => t.key === k && t.value === v))) infos.push(info);
    infos.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const mem: MemRead[] = [];
    for (const mt of g.active === null ? g.frozen : [...g.frozen, g.active]) {
      const wanted = infos.map((info) => mt.bySeries.get(info.key));
      const some = wanted.filter((ms): ms is MemSeries => ms !== undefined);
      if (some.length > 0) mem.push({ wanted, steps: mt.rawsInSteps(some, READ_SLICE) });
    }
    // Only segments that overlap the range.
    const segments = g.segments.filter((s) => (this.startStr === undefined || cmpTime(s.maxTime, this.startStr) >= 0) && (this.stopStr === undefined || cmpTime(s.minTime, this.stopStr) < 0));
    return { infos, segments, mem };
  }

  close(): void {
    this.reader.close();
  }

  /** A series' blocks in a segment as a lane (null when it has none there). */
  laneFor(r: SegReach, key: string): Lane | null {
    const e = r.seg.series.get(key);
    if (e === undefined) return null;
    const l = this.lane(r.segNo, r.seg, e.blocks ?? [e]);
    return l.i === l.end ? null : l;
  }

  /** A segment's blocks of a series as a lane: those in the range, from the end the read starts at. */
  private lane(prio: number, seg: SegmentMeta, blocks: SegmentBlock[]): Lane {
    let lo = 0;
    let hi = blocks.length;
    // Blocks are in time order and do not overlap: the range cuts a run of them.
    if (this.start !== undefined) {
      const st = this.start;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        const last = blockTimes(blocks[mid])[1];
        if (cmpSplit(last.s, last.n, st.s, st.n) < 0) lo = mid + 1;
        else hi = mid;
      }
      hi = blocks.length;
    }
    if (this.stop !== undefined) {
      const sp = this.stop;
      let a = lo;
      let b = hi;
      while (a < b) {
        const mid = (a + b) >>> 1;
        const first = blockTimes(blocks[mid])[0];
        if (cmpSplit(first.s, first.n, sp.s, sp.n) < 0) a = mid + 1;
        else b = mid;
      }
      hi = a;
    }
    return this.desc ? { prio, seg, blocks, mem: null, i: hi - 1, end: lo - 1, row: 0, rowTime: null } : { prio, seg, blocks, mem: null, i: lo, end: hi, row: 0, rowTime: null };
  }

  private hold(rows: number): void {
    this.obs.held += rows;
    if (this.obs.held > this.obs.maxHeld) this.obs.maxHeld = this.obs.held;
  }

  release(rows: number): void {
    this.obs.held -= rows;
  }

  /**
   * Decodes a piece's block, or the next window of it when the read already holds a lot
   * (HELD_ROWS), and moves its lane on (counted as held until the piece is passed).
   */
  decode(p: Piece): void {
    if (p.data !== null) return;
    const l = p.lane!;
    const block = p.block!;
    const left = block.rows - l.row;
    let take = left;
    // No series gives a read more rows than it still skips and returns (the newest page
    // decodes a page's worth of each block it reaches, not the block).
    const need = this.state.skip + this.state.left;
    if (need < take) take = Math.max(MIN_WINDOW, need);
    if (this.obs.held + take > this.heldRows) take = Math.min(take, Math.max(MIN_WINDOW, Math.floor(this.heldRows / this.width)));
    take = Math.min(take, left);
    const [a, b] = this.desc ? [left - take, left] : [l.row, l.row + take];
    const data = this.reader.readBlock(p.seg!, block, a, b);
    if (take === left) {
      l.i += this.desc ? -1 : 1;
      l.row = 0;
      l.rowTime = null;
    } else {
      l.row += take;
      l.rowTime = this.reader.rowTime(p.seg!, block, this.desc ? a - 1 : b);
    }
    p.data = data;
    p.from = 0;
    p.to = data.n;
    this.obs.decoded += data.n;
    this.hold(data.n);
    this.work += data.n;
  }

  /** Holds rows read from a memtable (decoded: true) or merged from held ones. */
  own(rows: number, decoded: boolean): void {
    if (decoded) this.obs.decoded += rows;
    this.hold(rows);
    this.work += rows;
  }

  /** Whether the current slice has run its time (checked every CLOCK_EVERY units of work). */
  private due(): boolean {
    if (this.work < CLOCK_EVERY) return false;
    this.work = 0;
    const now = performance.now();
    if (this.sliceEnd === 0) this.sliceEnd = now + SLICE_MS;
    if (now < this.sliceEnd) return false;
    this.sliceEnd = 0;
    return true;
  }

  *steps(): Generator<Step, void, void> {
    const state = (this.state = { skip: this.offset, left: this.limit, batch: new Batch() });
    for (const g of this.groups) {
      if (state.left <= 0) break;
      yield* this.group(g, state);
    }
    if (state.batch.length > 0) yield state.batch;
  }

  private *group(g: GroupSnapshot, state: { skip: number; left: number; batch: Batch }): Generator<Step, void, void> {
    const { infos } = g;
    // Memtable rows of the series asked, per series, oldest memtable first.
    const memRaws: Raw[][] = infos.map(() => []);
    for (const m of g.mem) {
      let raws: Map<MemSeries, Raw>;
      for (;;) {
        const r = m.steps.next();
        if (r.done === true) {
          raws = r.value;
          break;
        }
        yield PAUSE;
      }
      m.wanted.forEach((ms, i) => {
        const r = ms !== undefined ? raws.get(ms) : undefined;
        if (r !== undefined) memRaws[i].push(r);
      });
    }
    const cursors: SeriesCursor[] = [];
    // Segments in the order the read reaches them: by min time (by max time descending).
    const segOrder: SegReach[] = g.segments.map((seg, segNo) => ({ segNo, seg, edge: splitT(this.desc ? seg.maxTime : seg.minTime) }));
    segOrder.sort((a, b) => (this.desc ? cmpSplit(b.edge.s, b.edge.n, a.edge.s, a.edge.n) : cmpSplit(a.edge.s, a.edge.n, b.edge.s, b.edge.n)));
    for (let i = 0; i < infos.length; i++) {
      // A lane per source, its pieces in time order, made only as the cursor reaches them.
      // Segment lanes are added when the cursor reaches the segment's time (segOrder).
      const lanes: Lane[] = [];
      memRaws[i].forEach((raw, k) => {
        const data = normalize(raw);
        if (data.n === 0) return;
        this.own(data.n, true);
        const piece: Piece = { lane: null, prio: g.segments.length + k, first: { s: data.sec[0], n: data.ns[0] }, last: { s: data.sec[data.n - 1], n: data.ns[data.n - 1] }, seg: null, block: null, data, from: 0, to: data.n };
        lanes.push({ prio: piece.prio, seg: null, blocks: null, mem: piece, i: 0, end: 1, row: 0, rowTime: null });
      });
      if (lanes.length > 0 || segOrder.length > 0) cursors.push(new SeriesCursor(this, infos[i], i, lanes, segOrder, this.desc, this.start, this.stop));
      // Setting up a cursor (index look-ups in each segment) is work too: tens of thousands of
      // series would otherwise be one long turn.
      this.work += SETUP_COST;
      if (this.due()) yield PAUSE;
    }
    this.width = Math.max(1, cursors.length);
    // A heap of series by their next point; a cursor whose next stretch is not decoded yet sits
    // at a bound of its time (exact for a block's edge row) and is decoded when it comes up.
    const desc = this.desc;
    const before = (a: SeriesCursor, b: SeriesCursor): boolean => {
      const c = a.keyS - b.keyS || a.keyN - b.keyN || a.index - b.index;
      return desc ? c > 0 : c < 0;
    };
    const heap = cursors;
    let size = heap.length;
    const down = (i: number) => {
      const item = heap[i];
      for (;;) {
        const l = 2 * i + 1;
        if (l >= size) break;
        const m = l + 1 < size && before(heap[l + 1], heap[l]) ? l + 1 : l;
        if (!before(heap[m], item)) break;
        heap[i] = heap[m];
        i = m;
      }
      heap[i] = item;
    };
    for (let i = (size >>> 1) - 1; i >= 0; i--) down(i);
    const cost = 1 + 2 * Math.ceil(Math.log2(size + 1));
    while (size > 0 && state.left > 0) {
      const c = heap[0];
      const run = c.run;
      if (run === null) {
        if (!c.advance()) {
          heap[0] = heap[--size];
          c.drop();
        }
        if (size > 0) down(0);
      } else {
        if (state.skip > 0) state.skip--;
        else {
          state.batch.push(c.info, run);
          state.left--;
        }
        if (desc ? --run.pos < run.lo : ++run.pos >= run.hi) c.endRun();
        else {
          c.keyS = run.data.sec[run.pos];
          c.keyN = run.data.ns[run.pos];
        }
        down(0);
        this.work += cost;
      }
      if (state.batch.length >= this.batchSize) {
        yield state.batch;
        state.batch = new Batch();
      }
      if (this.due()) yield PAUSE;
    }
    for (let i = 0; i < size; i++) {
      heap[i].drop();
      this.work++;
      if (this.due()) yield PAUSE;
    }
  }
}

/**
 * One series' rows in a group, merged from its pieces in order (reversed when descending), a
 * stretch at a time: the next stretch ends where the nearest decoded piece ends, so it takes
 * in only the pieces that overlap it.
 */
class SeriesCursor {
  /** Sources not passed yet; the next piece is the lane head that comes first. */
  private readonly lanes: Lane[];
  private active: Piece[] = [];
  run: Run | null = null;
  /** The next point's time when run is set, else a bound of it (never beyond it). */
  keyS = 0;
  keyN = 0;

  constructor(
    private readonly read: ReadRun,
    readonly info: SeriesInfo,
    readonly index: number,
    lanes: Lane[],
    private readonly segOrder: SegReach[],
    private readonly desc: boolean,
    private readonly start: Time | undefined,
    private readonly stop: Time | undefined,
  ) {
    this.lanes = lanes;
    this.bound();
  }

  /** Sets the key to a bound of the next point: the nearest edge of what is left. */
  private bound(): void {
    let s = this.desc ? -Infinity : Infinity;
    let n = 0;
    const take = (ts: number, tn: number) => {
      if (this.desc ? cmpSplit(ts, tn, s, n) > 0 : cmpSplit(ts, tn, s, n) < 0) {
        s = ts;
        n = tn;
      }
    };
    for (const a of this.active) {
      const d = a.data!;
      const r = this.desc ? a.to - 1 : a.from;
      take(d.sec[r], d.ns[r]);
    }
    const next = this.peek();
    if (next !== null) take(next.s, next.n);
    // Within the range: a bound outside it is still a bound.
    if (!this.desc && this.start !== undefined && cmpSplit(s, n, this.start.s, this.start.n) < 0) ({ s, n } = this.start);
    this.keyS = s;
    this.keyN = n;
  }

  /** The lane whose head comes first (by first time; by last time descending), if any. */
  private best: Lane | null = null;
  private nextSeg = 0;

  /** The edge time of the next piece (first, or last descending), or null when none is left. */
  private peek(): Time | null {
    let best: Lane | null = null;
    let bt: Time | null = null;
    for (;;) {
      best = null;
      bt = null;
      for (const l of this.lanes) {
        if (l.i === l.end) continue;
        const t = l.mem !== null ? (this.desc ? l.mem.last : l.mem.first) : l.rowTime ?? blockTimes(l.blocks![l.i])[this.desc ? 1 : 0];
        if (bt === null || (this.desc ? cmpSplit(t.s, t.n, bt.s, bt.n) > 0 : cmpSplit(t.s, t.n, bt.s, bt.n) < 0)) {
          best = l;
          bt = t;
        }
      }
      // A segment not taken in yet could hold a piece that comes first: only if it starts by then.
      if (this.nextSeg >= this.segOrder.length) break;
      const r = this.segOrder[this.nextSeg];
      if (bt !== null && (this.desc ? cmpSplit(r.edge.s, r.edge.n, bt.s, bt.n) < 0 : cmpSplit(r.edge.s, r.edge.n, bt.s, bt.n) > 0)) break;
      this.nextSeg++;
      const lane = this.read.laneFor(r, this.info.key);
      if (lane !== null) this.lanes.push(lane);
    }
    this.best = best;
    return bt;
  }

  /** Takes the piece peek() found. */
  private take(): Piece {
    const l = this.best!;
    this.best = null;
    if (l.mem !== null) {
      l.i = l.end;
      return l.mem;
    }
    // The lane moves on when the piece is decoded (a window of the block may be all it takes).
    const block = l.blocks![l.i];
    const [first, last] = blockTimes(block);
    return { lane: l, prio: l.prio, first, last, seg: l.seg, block, data: null, from: 0, to: 0 };
  }

  private activate(piece: Piece): void {
    this.read.decode(piece);
    this.active.push(piece);
  }

  /** Forms the next stretch (decoding what it overlaps); false once the series is done. */
  advance(): boolean {
    const desc = this.desc;
    for (;;) {
      if (this.active.length === 0) {
        if (this.peek() === null) return false;
        this.activate(this.take());
      }
      // The stretch ends at the nearest end of a decoded piece (inclusive); every piece that
      // starts by then joins it.
      let es = desc ? -Infinity : Infinity;
      let en = 0;
      const edge = (a: Piece) => {
        const d = a.data!;
        const r = desc ? a.from : a.to - 1;
        const c = cmpSplit(d.sec[r], d.ns[r], es, en);
        if (desc ? c > 0 : c < 0) {
          es = d.sec[r];
          en = d.ns[r];
        }
      };
      for (const a of this.active) edge(a);
      for (;;) {
        const t = this.peek();
        if (t === null) break;
        const c = cmpSplit(t.s, t.n, es, en);
        if (desc ? c < 0 : c > 0) break;
        const next = this.take();
        this.activate(next);
        edge(next);
      }
      // Each piece's rows up to the edge (from it, descending), oldest source first.
      this.active.sort((a, b) => a.prio - b.prio);
      const parts: { piece: Piece; a: number; b: number }[] = [];
      for (const piece of this.active) {
        const d = piece.data!;
        if (desc) {
          const cut = Math.max(piece.from, lowerBound(d, es, en));
          if (cut < piece.to) parts.push({ piece, a: cut, b: piece.to });
          piece.to = cut;
        } else {
          const cut = Math.min(piece.to, lowerBound(d, es, en + 1));
          if (cut > piece.from) parts.push({ piece, a: piece.from, b: cut });
          piece.from = cut;
        }
      }
      let run: Run;
      if (parts.length === 1) {
        const { piece, a, b } = parts[0];
        run = { data: piece.data!, lo: a, hi: b, pos: 0, rows: null, owned: 0 };
      } else {
        const data = mergeSources(parts.map(({ piece, a, b }) => sliceColumns(piece.data!, a, b)));
        this.read.own(data.n, false);
        run = { data, lo: 0, hi: data.n, pos: 0, rows: null, owned: data.n };
      }
      // Passed pieces are let go; a one-piece stretch takes over its piece's rows.
      this.active = this.active.filter((piece) => {
        if (piece.from < piece.to) return true;
        if (run.owned === 0 && parts[0].piece === piece) run.owned = piece.data!.n;
        else this.read.release(piece.data!.n);
        piece.data = null;
        return false;
      });
      if (this.start !== undefined) run.lo = Math.max(run.lo, lowerBound(run.data, this.start.s, this.start.n));
      if (this.stop !== undefined) run.hi = Math.min(run.hi, lowerBound(run.data, this.stop.s, this.stop.n));
      if (run.lo >= run.hi) {
        this.read.release(run.owned);
        continue;
      }
      run.pos = desc ? run.hi - 1 : run.lo;
      this.run = run;
      this.keyS = run.data.sec[run.pos];
      this.keyN = run.data.ns[run.pos];
      return true;
    }
  }

  endRun(): void {
    if (this.run !== null) this.read.release(this.run.owned);
    this.run = null;
    this.bound();
  }

  /** Lets go of everything (the read stopped early). */
  drop(): void {
    if (this.run !== null) this.read.release(this.run.owned);
    this.run = null;
    for (const piece of this.active) this.read.release(piece.data!.n);
    this.active = [];
    this.lanes.length = 0;
  }
}

/** Points of a read, columnar (see api.ts PointBatch): each is a row of a stretch of its series. */
class Batch implements PointBatch {
  length = 0;
  private readonly infos: SeriesInfo[] = [];
  private readonly runs: Run[] = [];
  private readonly rows: number[] = [];

  push(info: SeriesInfo, run: Run): void {
    this.infos.push(info);
    this.runs.push(run);
    this.rows.push(run.pos);
    this.length++;
  }

  series(i: number): SeriesInfo {
    return this.infos[i];
  }

  private reader(i: number): RowReader {
    const run = this.runs[i];
    return (run.rows ??= new RowReader(run.data));
  }

  time(i: number): string {
    const d = this.runs[i].data;
    const r = this.rows[i];
    return timeString(d.sec[r], d.ns[r]);
  }

  fields(i: number): Field[] {
    return this.reader(i).fields(this.rows[i]);
  }

  eachField(i: number, fn: (key: string, type: FieldType, value: Field['value']) => void): void {
    this.reader(i).each(this.rows[i], fn);
  }

  eachStoredField(i: number, fn: (key: string, type: FieldType, value: number | string | boolean) => void): void {
    this.reader(i).eachStored(this.rows[i], fn);
  }

  timeSec(i: number): number {
    return this.runs[i].data.sec[this.rows[i]];
  }

  timeNs(i: number): number {
    return this.runs[i].data.ns[this.rows[i]];
  }

  point(i: number): StoredPoint {
    const info = this.infos[i];
    return { measurement: info.measurement, series: info.key, tags: info.tags, fields: this.fields(i), time: this.time(i) };
  }

  points(): StoredPoint[] {
    const out: StoredPoint[] = [];
    for (let i = 0; i < this.length; i++) out.push(this.point(i));
    return out;
  }
}
