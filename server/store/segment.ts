// Immutable segment files: the compacted points of one shard group, written once (temporary
// name, fsync, rename, fsync directory) and never changed. Layout:
//
//   "LPSSEG01" | chunks ... | index | footer: "LPSIDX02", u64 index offset,
//                                             u32 index length, u32 index CRC32
//
// The index is a small JSON header (generations, field types, chunks, a string table) and a
// binary series table (see IndexJsonV2); files with "LPSIDX01" (all-JSON index) are still read.
// Start-up reads only footers and indexes (series list, field types, time ranges, where each
// series' blocks are); a read unpacks just the chunks it needs. A block holds consecutive rows of
// one series, columnar and binary (see encodeBlock): a series of more than BLOCK_ROWS rows is
// several blocks, each its own chunk, with its time range in the index, so a read decodes only
// the time it looks at. Short series' blocks are packed into ~128 KiB chunks. Chunks are
// deflated on the writer thread and CRC-checked on read.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { endianness } from 'node:os';
import path from 'node:path';
import { crc32, inflateRawSync } from 'node:zlib';
import type { FieldType } from '../../lineprotocol/types.js';
import type { SyncCounter } from './durable.js';
import type { SegmentFileResult, SegmentWriter } from './segment-io.js';
import { mergeSources, sliceColumns, SPLIT, splitTime, timeString, type Col, type Columns, type SeriesInfo, type Value } from './rows.js';
import { cmpTime } from './time.js';

// Numbers are copied between typed arrays and files as they lie in memory.
if (endianness() !== 'LE') throw new Error('the bucket store needs a little-endian machine');

const HEAD_MAGIC = 'LPSSEG01';
/** Index version 2 (binary series table); version 1 (all JSON) is still read. */
const FOOT_MAGIC = 'LPSIDX02';
const FOOT_MAGIC_V1 = 'LPSIDX01';
const FOOTER = 24;
const CODEC_DEFLATE = 1;

const TYPE_CODES: readonly FieldType[] = ['float', 'int', 'uint', 'string', 'bool'];

export interface SegmentEntry {
  /** Chunk number; offset and length of the block within the unpacked chunk. */
  chunk: number;
  off: number;
  len: number;
  rows: number;
  values: number;
  minTime: string;
  maxTime: string;
  /**
   * minTime and maxTime as (whole seconds, nanoseconds), as the index holds them: a read
   * compares these, and parsing the strings back for every block it looks at cost more than
   * the rest of its set-up.
   */
  split?: [SplitTime, SplitTime];
  /**
   * A series longer than BLOCK_ROWS is stored as several blocks of consecutive rows, each its
   * own chunk, so that a read decodes only the blocks of the time it looks at; the entry's
   * rows, values and times are then the totals (and chunk/off/len its first block's).
   */
  blocks?: SegmentBlock[];
}

/** A time as floor(t / 1e9) and t mod 1e9, both exact. */
export interface SplitTime {
  s: number;
  n: number;
}

/** One block of a series stored in several (see SegmentEntry.blocks). */
export type SegmentBlock = Omit<SegmentEntry, 'blocks'>;

/** Rows per block: bounds what a streamed read holds decoded per series and source. */
export const BLOCK_ROWS = 512;

export interface SegmentMeta {
  file: string;
  /** WAL generations whose points it holds. */
  minGen: number;
  maxGen: number;
  /** 0 = written by a compaction; n+1 = merged from level-n segments. */
  level: number;
  /** A merged segment's inputs ([minGen, maxGen] each): recovery deletes only these beside it. */
  inputs?: [number, number][];
  bytes: number;
  values: number;
  minTime: string;
  maxTime: string;
  /** Field types per measurement. */
  fields: Map<string, Map<string, FieldType>>;
  chunks: SegmentChunk[];
  /** Where each series' block is, by series key (see SeriesTable). */
  series: SeriesTable;
}

/** Entry fields kept per series in SeriesTable.nums. */
const E_CHUNK = 0;
const E_OFF = 1;
const E_LEN = 2;
const E_ROWS = 3;
const E_VALUES = 4;
const E_MIN_NS = 5;
const E_MAX_NS = 6;
const E_WIDTH = 7;

/**
 * A segment's series and where each one's block is, in typed arrays rather than an object and
 * two time strings per series per segment: what a start-up builds and what stays in memory for
 * every segment. Keys are in ascending order (segments are written so); get() builds the entry
 * asked for. The measurement and tags of each series are kept only until the store has interned
 * them (release()).
 */
export class SeriesTable {
  private readonly keyList: string[];
  private readonly nums: Uint32Array;
  /** Per series: [min seconds, max seconds]. */
  private readonly secs: Float64Array;
  /** Per series: [first block, block count] in the block table (count 0: one block, the entry's). */
  private readonly blk: Uint32Array;
  private describe: ((i: number) => SeriesInfo) | null;

  constructor(
    keys: string[],
    nums: Uint32Array,
    secs: Float64Array,
    describe: (i: number) => SeriesInfo,
    blk: Uint32Array = new Uint32Array(2 * keys.length),
    /** The blocks of series stored in several: E_WIDTH numbers and [min, max] seconds each. */
    private readonly blockNums: Uint32Array = new Uint32Array(0),
    private readonly blockSecs: Float64Array = new Float64Array(0),
  ) {
    this.keyList = keys;
    this.nums = nums;
    this.secs = secs;
    this.blk = blk;
    this.describe = describe;
    for (let i = 1; i < keys.length; i++) {
      if (keys[i - 1] < keys[i]) continue;
      // Not written by this code (it writes keys in order): put them in order.
      const order = keys.map((_, k) => k).sort((a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : 0));
      this.keyList = order.map((k) => keys[k]);
      this.nums = new Uint32Array(nums.length);
      this.secs = new Float64Array(secs.length);
      this.blk = new Uint32Array(blk.length);
      order.forEach((k, at) => {
        this.nums.set(nums.subarray(k * E_WIDTH, (k + 1) * E_WIDTH), at * E_WIDTH);
        this.secs.set(secs.subarray(2 * k, 2 * k + 2), 2 * at);
        this.blk.set(blk.subarray(2 * k, 2 * k + 2), 2 * at);
      });
      this.describe = (at) => describe(order[at]);
      break;
    }
  }

  get size(): number {
    return this.keyList.length;
  }

  keys(): IterableIterator<string> {
    return this.keyList.values();
  }

  keyAt(i: number): string {
    return this.keyList[i];
  }

  /** Replaces key i by an equal string the store already holds (one copy per series, not per segment). */
  shareKey(i: number, key: string): void {
    if (key !== this.keyList[i]) throw new Error(`not the same series: ${key} vs ${this.keyList[i]}`);
    this.keyList[i] = key;
  }

  indexOf(key: string): number {
    const ks = this.keyList;
    let lo = 0;
    let hi = ks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ks[mid] < key) lo = mid + 1;
      else hi = mid;
    }
    return lo < ks.length && ks[lo] === key ? lo : -1;
  }

  has(key: string): boolean {
    return this.indexOf(key) >= 0;
  }

  get(key: string): SegmentEntry | undefined {
    const i = this.indexOf(key);
    if (i < 0) return undefined;
    const e: SegmentEntry = entryAt(this.nums, this.secs, i);
    const count = this.blk[2 * i + 1];
    if (count > 0) {
      const first = this.blk[2 * i];
      const blocks: SegmentBlock[] = new Array(count);
      for (let b = 0; b < count; b++) blocks[b] = entryAt(this.blockNums, this.blockSecs, first + b);
      e.blocks = blocks;
    }
    return e;
  }

  /** Measurement and tags of series i, as stored; only until release(). */
  info(i: number): SeriesInfo {
    if (this.describe === null) throw new Error('series descriptions already released');
    return this.describe(i);
  }

  /** Drops the measurements and tags (the store has interned them). */
  release(): void {
    this.describe = null;
  }

  /** Bytes this table holds in typed arrays and key slots (keys themselves are shared). */
  get bytes(): number {
    return this.nums.byteLength + this.secs.byteLength + this.blk.byteLength + this.blockNums.byteLength + this.blockSecs.byteLength + 8 * this.keyList.length;
  }
}

function entryAt(n: Uint32Array, secs: Float64Array, i: number): SegmentEntry {
  const o = i * E_WIDTH;
  return {
    chunk: n[o + E_CHUNK],
    off: n[o + E_OFF],
    len: n[o + E_LEN],
    rows: n[o + E_ROWS],
    values: n[o + E_VALUES],
    minTime: timeString(secs[2 * i], n[o + E_MIN_NS]),
    maxTime: timeString(secs[2 * i + 1], n[o + E_MAX_NS]),
    split: [
      { s: secs[2 * i], n: n[o + E_MIN_NS] },
      { s: secs[2 * i + 1], n: n[o + E_MAX_NS] },
    ],
  };
}

/** Builds a SeriesTable entry by entry (writing, or loading a version-1 index). */
class SeriesTableBuilder {
  keys: string[] = [];
  nums: number[] = [];
  secs: number[] = [];
  blk: number[] = [];
  blockNums: number[] = [];
  blockSecs: number[] = [];
  add(key: string, e: SegmentEntry): void {
    this.keys.push(key);
    pushEntry(this.nums, this.secs, e);
    const blocks = e.blocks ?? [];
    this.blk.push(blocks.length === 0 ? 0 : this.blockSecs.length / 2, blocks.length);
    for (const b of blocks) pushEntry(this.blockNums, this.blockSecs, b);
  }
  done(describe: (i: number) => SeriesInfo): SeriesTable {
    return new SeriesTable(this.keys, Uint32Array.from(this.nums), Float64Array.from(this.secs), describe, Uint32Array.from(this.blk), Uint32Array.from(this.blockNums), Float64Array.from(this.blockSecs));
  }
}

function pushEntry(nums: number[], secs: number[], e: SegmentBlock): void {
  splitTime(e.minTime);
  const minSec = SPLIT.sec;
  const minNs = SPLIT.ns;
  splitTime(e.maxTime);
  nums.push(e.chunk, e.off, e.len, e.rows, e.values, minNs, SPLIT.ns);
  secs.push(minSec, SPLIT.sec);
}

export function segmentFileName(minGen: number, maxGen: number): string {
  return `${String(minGen).padStart(12, '0')}-${String(maxGen).padStart(12, '0')}.seg`;
}

export function parseSegmentFileName(name: string): { minGen: number; maxGen: number } | undefined {
  const m = /^(\d{12})-(\d{12})\.seg$/.exec(name);
  return m ? { minGen: Number(m[1]), maxGen: Number(m[2]) } : undefined;
}

// ---- block encoding ----

class ByteWriter {
  buf = Buffer.allocUnsafe(1 << 12);
  o = 0;
  ensure(n: number): void {
    if (this.o + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.o + n) size *= 2;
    const b = Buffer.allocUnsafe(size);
    this.buf.copy(b, 0, 0, this.o);
    this.buf = b;
  }
  u8(v: number): void {
    this.ensure(1);
    this.buf[this.o++] = v;
  }
  u16(v: number): void {
    this.ensure(2);
    this.o = this.buf.writeUInt16LE(v, this.o);
  }
  u32(v: number): void {
    this.ensure(4);
    this.o = this.buf.writeUInt32LE(v, this.o);
  }
  /** m doubles, little-endian. */
  f64s(a: ArrayLike<number>, m: number): void {
    this.ensure(8 * m);
    if (a instanceof Float64Array && a.length >= m) {
      this.o += Buffer.from(a.buffer, a.byteOffset, 8 * m).copy(this.buf, this.o);
      return;
    }
    for (let j = 0; j < m; j++) this.o = this.buf.writeDoubleLE(a[j], this.o);
  }
  /** u32 byte length + the text. */
  text(s: string, enc: 'latin1' | 'utf8'): void {
    const n = enc === 'latin1' ? s.length : Buffer.byteLength(s);
    this.u32(n);
    this.ensure(n);
    this.o += this.buf.write(s, this.o, n, enc);
  }
  done(): Buffer {
    return this.buf.subarray(0, this.o);
  }
}

export interface EncodedBlock {
  buf: Buffer;
  rows: number;
  values: number;
  minTime: string;
  maxTime: string;
  types: Map<string, FieldType>;
}

/** Integers: all exact doubles (binary) or decimal text (some have more than 15 digits). */
const INT_F64 = 0;
const INT_TEXT = 1;

/**
 * Encodes one series' normalized columns:
 *   u32 rows | rows × f64 seconds | rows × i32 nanoseconds | u16 columns | per column:
 *   u16 key length, key, u8 type, u32 values, [values × u32 row when not every row has one],
 *   values: f64 (float), u8 (bool), u8 mode + f64 or u32 length + comma-joined text (int,
 *   uint), u32 length + JSON array (string).
 */
export function encodeBlock(c: Columns): EncodedBlock {
  const { n, cols } = c;
  const w = new ByteWriter();
  w.u32(n);
  w.f64s(c.sec, n);
  w.ensure(4 * n);
  for (let i = 0; i < n; i++) w.o = w.buf.writeInt32LE(c.ns[i], w.o);
  w.u16(cols.length);
  let values = 0;
  const types = new Map<string, FieldType>();
  for (const col of cols) {
    types.set(col.key, col.type);
    const kb = Buffer.from(col.key, 'utf8');
    w.u16(kb.length);
    w.ensure(kb.length);
    w.o += kb.copy(w.buf, w.o);
    w.u8(TYPE_CODES.indexOf(col.type));
    const vals = col.vals;
    const m = vals.length;
    values += m;
    w.u32(m);
    if (m < n) {
      w.ensure(4 * m);
      for (let j = 0; j < m; j++) w.o = w.buf.writeUInt32LE(col.idx === null ? j : col.idx[j], w.o);
    }
    switch (col.type) {
      case 'float':
        w.f64s(vals as ArrayLike<number>, m);
        break;
      case 'int':
      case 'uint': {
        let numeric = true;
        for (let j = 0; j < m && numeric; j++) if (typeof vals[j] !== 'number') numeric = false;
        w.u8(numeric ? INT_F64 : INT_TEXT);
        if (numeric) w.f64s(vals as ArrayLike<number>, m);
        else w.text(Array.prototype.join.call(vals, ','), 'latin1');
        break;
      }
      case 'bool':
        w.ensure(m);
        for (let j = 0; j < m; j++) w.buf[w.o++] = vals[j] ? 1 : 0;
        break;
      case 'string':
        w.text(JSON.stringify(Array.from(vals)), 'utf8');
        break;
    }
  }
  return { buf: w.done(), rows: n, values, minTime: timeString(c.sec[0], c.ns[0]), maxTime: timeString(c.sec[n - 1], c.ns[n - 1]), types };
}

/** A column's place in an encoded block, found by decodeBlock's first pass. */
interface ColPlace {
  key: string;
  type: FieldType;
  /** Values in the block; where the idx (m < n) and the values start. */
  m: number;
  idxAt: number;
  valAt: number;
  /** The values taken: [from, to) of the m. */
  from: number;
  to: number;
  /** Integers kept as decimal text (INT_TEXT), or strings (JSON): decoded as JS values. */
  text: boolean;
}

/** First of the m little-endian u32 rows at `at` that is >= row. */
function lowerU32(buf: Buffer, at: number, m: number, row: number): number {
  let lo = 0;
  let hi = m;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (buf.readUInt32LE(at + 4 * mid) < row) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Decodes rows [a, b) of a block (all by default) into normalized columns. Its numbers land in
 * one new ArrayBuffer (times, then each column's rows and values) rather than a typed array
 * each: a read decodes a block per series it walks, and many small external allocations cost
 * more than the copying and make the process's memory grow in fragments.
 */
export function decodeBlock(buf: Buffer, a = 0, b?: number): Columns {
  const total = buf.readUInt32LE(0);
  const hi = Math.min(total, b ?? total);
  const lo = Math.min(Math.max(0, a), hi);
  const n = hi - lo;
  const secAt = 4;
  const nsAt = secAt + 8 * total;
  let o = nsAt + 4 * total;
  const ncols = buf.readUInt16LE(o);
  o += 2;
  // First pass: where each column is and which of its values fall in the rows taken.
  const places: ColPlace[] = [];
  let f64s = n;
  let i32s = n;
  let u8s = 0;
  for (let c = 0; c < ncols; c++) {
    const kl = buf.readUInt16LE(o);
    o += 2;
    const key = buf.toString('utf8', o, o + kl);
    o += kl;
    const code = buf[o++];
    const type = TYPE_CODES[code];
    if (type === undefined) throw new Error(`corrupt block: field type code ${code}`);
    const m = buf.readUInt32LE(o);
    o += 4;
    const idxAt = o;
    let from = 0;
    let to = m;
    if (m < total) {
      from = lowerU32(buf, idxAt, m, lo);
      to = lowerU32(buf, idxAt, m, hi);
      o += 4 * m;
    } else {
      from = lo;
      to = hi;
    }
    let text = false;
    let valAt = o;
    switch (type) {
      case 'float':
        o += 8 * m;
        break;
      case 'int':
      case 'uint':
        if (buf[o++] === INT_F64) {
          valAt = o;
          o += 8 * m;
        } else {
          text = true;
          valAt = o;
          o += 4 + buf.readUInt32LE(o);
        }
        break;
      case 'bool':
        o += m;
        break;
      case 'string':
        text = true;
        o += 4 + buf.readUInt32LE(o);
        break;
    }
    if (to === from) continue; // no value in the rows taken
    const k = to - from;
    if (m < total && k < n) i32s += k;
    if (type === 'bool') u8s += k;
    else if (!text) f64s += k;
    places.push({ key, type, m, idxAt, valAt, from, to, text });
  }
  // Second pass: one buffer, doubles first (8-aligned), then 32-bit rows, then bytes.
  const slab = new ArrayBuffer(8 * f64s + 4 * i32s + u8s);
  const bytes = new Uint8Array(slab);
  let f = 0;
  let i = 8 * f64s;
  let u = i + 4 * i32s;
  const copy = (at: number, len: number, dest: number) => bytes.set(buf.subarray(at, at + len), dest);
  const sec = new Float64Array(slab, f, n);
  copy(secAt + 8 * lo, 8 * n, f);
  f += 8 * n;
  const ns = new Int32Array(slab, i, n);
  copy(nsAt + 4 * lo, 4 * n, i);
  i += 4 * n;
  const cols: Col[] = [];
  for (const p of places) {
    const k = p.to - p.from;
    let idx: Int32Array | null = null;
    if (p.m < total && k < n) {
      idx = new Int32Array(slab, i, k);
      copy(p.idxAt + 4 * p.from, 4 * k, i);
      i += 4 * k;
      if (lo > 0) for (let j = 0; j < k; j++) idx[j] -= lo;
    }
    let vals: ArrayLike<Value>;
    if (p.type === 'bool') {
      vals = new Uint8Array(slab, u, k);
      copy(p.valAt + p.from, k, u);
      u += k;
    } else if (!p.text) {
      vals = new Float64Array(slab, f, k);
      copy(p.valAt + 8 * p.from, 8 * k, f);
      f += 8 * k;
    } else {
      const l = buf.readUInt32LE(p.valAt);
      const all: Value[] = p.type === 'string' ? JSON.parse(buf.toString('utf8', p.valAt + 4, p.valAt + 4 + l)) : p.m === 0 ? [] : buf.toString('latin1', p.valAt + 4, p.valAt + 4 + l).split(',');
      vals = p.from === 0 && p.to === all.length ? all : all.slice(p.from, p.to);
    }
    cols.push({ key: p.key, type: p.type, idx, vals });
  }
  return { n, sec, ns, cols };
}

// ---- segment files ----

export interface SegmentInput {
  info: SeriesInfo;
  data: Columns;
}

/** Version 1 index (LPSIDX01): all JSON. Still read; no longer written. */
/** What both index versions' JSON holds. */
interface IndexHeader {
  minGen: number;
  maxGen: number;
  level: number;
  inputs?: [number, number][];
  values: number;
  minTime: string;
  maxTime: string;
  fields: Record<string, Record<string, FieldType>>;
}

interface IndexJsonV1 extends IndexHeader {
  v: 1;
  /** [file offset, stored length, raw length, codec, CRC32 of the stored bytes] */
  chunks: [number, number, number, number, number][];
  /** [key, measurement, [tagKey, tagValue, ...], chunk, offset in chunk, length, rows, values, minTime, maxTime] */
  series: [string, string, string[], number, number, number, number, number, string, string][];
}

/**
 * Version 2 index (LPSIDX02): u32 JSON length | this JSON | zero padding to 8 bytes | the
 * series table, binary (what a start-up reads for every segment, so no JSON per series):
 *   count × f64 [min seconds, max seconds] | blocks × f64 [min seconds, max seconds] |
 *   count × u32 [chunk, offset, length, rows, values, min ns, max ns] | blocks × u32 [the same] |
 *   count × u32 [first block, blocks] | count × u32 [key bytes, measurement (string number),
 *   first tag, tags] | u32 × 2 per tag [key, value] (string numbers) | the keys, UTF-8, one after
 *   another. A series of one block has 0 blocks (its entry is the block).
 */
interface IndexJsonV2 extends IndexHeader {
  v: 2;
  chunks: [number, number, number, number, number][];
  /** Series in the table. */
  count: number;
  /** Tag pairs in the table. */
  tags: number;
  /** Blocks of series stored in several. */
  blocks: number;
  /** Measurements, tag keys and tag values, each once. */
  strings: string[];
}

const SERIES_DESC = 4;

/** Raw bytes gathered into one chunk before compressing it. */
const CHUNK_BYTES = 128 * 1024;
/**
 * Longest stretch of encoding on the main thread before yielding to requests: well under the
 * endpoint's /ping target (p99 < 50 ms), as a turn costs microseconds.
 */
const SLICE_MS = 10;

/**
 * Writes a segment durably and returns its metadata (as a later start-up would load it).
 * Blocks are encoded on the main thread in slices; the file is written by the worker.
 */
export async function writeSegment(
  dir: string,
  hdr: { minGen: number; maxGen: number; level: number; inputs?: [number, number][] },
  inputs: Iterable<SegmentInput>,
  writer: SegmentWriter,
  counter: SyncCounter,
): Promise<SegmentMeta> {
  const file = path.join(dir, segmentFileName(hdr.minGen, hdr.maxGen));
  const index: Omit<IndexJsonV2, 'chunks'> = { v: 2, ...hdr, values: 0, minTime: '', maxTime: '', fields: {}, count: 0, tags: 0, blocks: 0, strings: [] };
  const table = new SeriesTableBuilder();
  const infos: SeriesInfo[] = [];
  const stringNo = new Map<string, number>();
  const str = (x: string) => {
    let n = stringNo.get(x);
    if (n === undefined) {
      stringNo.set(x, (n = index.strings.length));
      index.strings.push(x);
    }
    return n;
  };
  const desc: number[] = [];
  const tagIds: number[] = [];
  // Chunks go to the writer thread as they are sealed (it compresses and writes them in order).
  const sink = writer.begin({ tmp: `${file}.tmp`, file, dir, head: HEAD_MAGIC });
  let chunkCount = 0;
  let parts: Buffer[] = [];
  let partBytes = 0;
  const seal = async () => {
    if (partBytes === 0) return;
    const raw = parts.length === 1 ? parts[0] : Buffer.concat(parts, partBytes);
    parts = [];
    partBytes = 0;
    chunkCount++;
    await sink.chunk(raw);
  };
  let res: SegmentFileResult;
  let series: ReturnType<SeriesTableBuilder['done']>;
  try {
    let sliceEnd = performance.now() + SLICE_MS;
    for (const { info, data } of inputs) {
      if (data.n === 0) continue;
      const ft = (index.fields[info.measurement] ??= {});
      const many = data.n > BLOCK_ROWS;
      // A long series: blocks of BLOCK_ROWS rows, each its own chunk (a read in time order then
      // unpacks each chunk once, however many series it walks side by side).
      if (many) await seal();
      const blocks: SegmentBlock[] = [];
      let values = 0;
      for (let a = 0; a < data.n; a += BLOCK_ROWS) {
        const enc = encodeBlock(many ? sliceColumns(data, a, Math.min(data.n, a + BLOCK_ROWS)) : data);
        blocks.push({ chunk: chunkCount, off: partBytes, len: enc.buf.length, rows: enc.rows, values: enc.values, minTime: enc.minTime, maxTime: enc.maxTime });
        values += enc.values;
        for (const [k, t] of enc.types) ft[k] = t;
        parts.push(enc.buf);
        partBytes += enc.buf.length;
        if (many || partBytes >= CHUNK_BYTES) await seal();
        if (performance.now() >= sliceEnd) {
          await new Promise((r) => setImmediate(r));
          sliceEnd = performance.now() + SLICE_MS;
        }
      }
      const minTime = blocks[0].minTime;
      const maxTime = blocks[blocks.length - 1].maxTime;
      const entry: SegmentEntry = { ...blocks[0], rows: data.n, values, minTime, maxTime };
      if (many) entry.blocks = blocks;
      table.add(info.key, entry);
      infos.push(info);
      desc.push(Buffer.byteLength(info.key), str(info.measurement), tagIds.length / 2, info.tags.length);
      for (const t of info.tags) tagIds.push(str(t.key), str(t.value));
      index.values += values;
      if (index.minTime === '' || cmpTime(minTime, index.minTime) < 0) index.minTime = minTime;
      if (index.maxTime === '' || cmpTime(maxTime, index.maxTime) > 0) index.maxTime = maxTime;
    }
    await seal();
    index.count = infos.length;
    index.tags = tagIds.length / 2;
    index.blocks = table.blockSecs.length / 2;
    series = table.done((i) => infos[i]);
    const tail = Buffer.concat([
      Buffer.from(Float64Array.from(table.secs).buffer),
      Buffer.from(Float64Array.from(table.blockSecs).buffer),
      Buffer.from(Uint32Array.from(table.nums).buffer),
      Buffer.from(Uint32Array.from(table.blockNums).buffer),
      Buffer.from(Uint32Array.from(table.blk).buffer),
      Buffer.from(Uint32Array.from(desc).buffer),
      Buffer.from(Uint32Array.from(tagIds).buffer),
      Buffer.from(table.keys.join(''), 'utf8'),
    ]);
    res = await sink.finish({ index, tail, footMagic: FOOT_MAGIC });
  } catch (e) {
    sink.abort();
    throw e;
  }
  counter.fsyncs += res.fsyncs;
  const { strings: _strings, count: _count, tags: _tags, blocks: _blocks, ...h } = index;
  return { file, ...h, bytes: res.bytes, fields: fieldMaps(index.fields), chunks: chunkList(res.chunks), series };
}

export interface SegmentChunk {
  off: number;
  len: number;
  rawLen: number;
  codec: number;
  crc: number;
}

/** Loads a segment's footer and index (not its blocks). Throws on any inconsistency. */
export function readSegmentMeta(file: string): SegmentMeta {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size < HEAD_MAGIC.length + FOOTER) throw new Error(`${file}: too short to be a segment`);
    const foot = Buffer.alloc(FOOTER);
    readFully(fd, foot, size - FOOTER, file);
    const magic = foot.toString('latin1', 0, 8);
    if (magic !== FOOT_MAGIC && magic !== FOOT_MAGIC_V1) throw new Error(`${file}: bad footer`);
    const ioff = Number(foot.readBigUInt64LE(8));
    const ilen = foot.readUInt32LE(16);
    if (ioff + ilen + FOOTER !== size) throw new Error(`${file}: bad index position`);
    const ib = Buffer.alloc(ilen);
    readFully(fd, ib, ioff, file);
    if (crc32(ib) !== foot.readUInt32LE(20)) throw new Error(`${file}: index CRC mismatch`);
    return magic === FOOT_MAGIC ? metaFromV2(file, size, ib) : metaFromV1(file, size, JSON.parse(ib.toString('utf8')) as IndexJsonV1);
  } finally {
    closeSync(fd);
  }
}

function fieldMaps(fields: Record<string, Record<string, FieldType>>): Map<string, Map<string, FieldType>> {
  const out = new Map<string, Map<string, FieldType>>();
  for (const [m, fs] of Object.entries(fields)) out.set(m, new Map(Object.entries(fs)));
  return out;
}

function chunkList(chunks: [number, number, number, number, number][]): SegmentChunk[] {
  return chunks.map(([off, len, rawLen, codec, crc]) => ({ off, len, rawLen, codec, crc }));
}

function metaFromV2(file: string, size: number, ib: Buffer): SegmentMeta {
  const jlen = ib.readUInt32LE(0);
  const j = JSON.parse(ib.toString('utf8', 4, 4 + jlen)) as IndexJsonV2;
  if (j.v !== 2 || !Number.isInteger(j.count) || !Number.isInteger(j.tags) || !Number.isInteger(j.blocks)) throw new Error(`${file}: bad index header`);
  const n = j.count;
  let o = (4 + jlen + 7) & ~7;
  // Copies: the table owns small arrays, not views that keep the whole index buffer alive.
  const take = (bytes: number) => {
    if (o + bytes > ib.length) throw new Error(`${file}: index cut short`);
    const ab = ib.buffer.slice(ib.byteOffset + o, ib.byteOffset + o + bytes);
    o += bytes;
    return ab;
  };
  const secs = new Float64Array(take(16 * n));
  const blockSecs = new Float64Array(take(16 * j.blocks));
  const nums = new Uint32Array(take(4 * E_WIDTH * n));
  const blockNums = new Uint32Array(take(4 * E_WIDTH * j.blocks));
  const blk = new Uint32Array(take(8 * n));
  for (let i = 0; i < n; i++) if (blk[2 * i] + blk[2 * i + 1] > j.blocks) throw new Error(`${file}: bad block list`);
  const desc = new Uint32Array(take(4 * SERIES_DESC * n));
  const tagIds = new Uint32Array(take(8 * j.tags));
  const keys: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const len = desc[i * SERIES_DESC];
    if (o + len > ib.length) throw new Error(`${file}: index cut short`);
    keys[i] = ib.toString('utf8', o, o + len);
    o += len;
  }
  const strings = j.strings;
  const describe = (i: number): SeriesInfo => {
    const d = i * SERIES_DESC;
    const tags = [];
    for (let t = desc[d + 2], end = t + desc[d + 3]; t < end; t++) tags.push({ key: strings[tagIds[2 * t]], value: strings[tagIds[2 * t + 1]] });
    return { key: keys[i], measurement: strings[desc[d + 1]], tags };
  };
  const series = new SeriesTable(keys, nums, secs, describe, blk, blockNums, blockSecs);
  return { file, minGen: j.minGen, maxGen: j.maxGen, level: j.level, inputs: j.inputs, bytes: size, values: j.values, minTime: j.minTime, maxTime: j.maxTime, fields: fieldMaps(j.fields), chunks: chunkList(j.chunks), series };
}

function metaFromV1(file: string, size: number, j: IndexJsonV1): SegmentMeta {
  const table = new SeriesTableBuilder();
  const infos: SeriesInfo[] = [];
  for (const [key, measurement, flat, chunk, off, len, rows, values, minTime, maxTime] of j.series) {
    const tags = [];
    for (let i = 0; i < flat.length; i += 2) tags.push({ key: flat[i], value: flat[i + 1] });
    infos.push({ key, measurement, tags });
    table.add(key, { chunk, off, len, rows, values, minTime, maxTime });
  }
  const series = table.done((i) => infos[i]);
  return { file, minGen: j.minGen, maxGen: j.maxGen, level: j.level, inputs: j.inputs, bytes: size, values: j.values, minTime: j.minTime, maxTime: j.maxTime, fields: fieldMaps(j.fields), chunks: chunkList(j.chunks), series };
}

function readFully(fd: number, buf: Buffer, pos: number, file: string): void {
  let got = 0;
  while (got < buf.length) {
    const n = readSync(fd, buf, got, buf.length - got, pos + got);
    if (n === 0) throw new Error(`${file}: cut short at ${pos + got}`);
    got += n;
  }
}

/** Reads blocks for one operation, keeping files open and chunks unpacked until close(). */
export class BlockReader {
  private readonly fds = new Map<string, number>();
  private readonly chunks = new Map<SegmentChunk, Buffer>();
  private cachedBytes = 0;

  /** Opens the segment's file now (an open file stays readable after it is deleted). */
  open(seg: SegmentMeta): number {
    let fd = this.fds.get(seg.file);
    if (fd === undefined) {
      fd = openSync(seg.file, 'r');
      this.fds.set(seg.file, fd);
    }
    return fd;
  }

  /** A series' rows in the segment (all its blocks). */
  read(seg: SegmentMeta, e: SegmentEntry): Columns {
    if (e.blocks === undefined) return this.readBlock(seg, e);
    return mergeSources(e.blocks.map((b) => this.readBlock(seg, b)));
  }

  /** One block's rows, or rows [a, b) of it. */
  readBlock(seg: SegmentMeta, e: SegmentBlock, a?: number, b?: number): Columns {
    return decodeBlock(this.blockBytes(seg, e), a, b);
  }

  /** The time of a block's row r, as (whole seconds, nanoseconds). */
  rowTime(seg: SegmentMeta, e: SegmentBlock, r: number): SplitTime {
    const buf = this.blockBytes(seg, e);
    return { s: buf.readDoubleLE(4 + 8 * r), n: buf.readInt32LE(4 + 8 * buf.readUInt32LE(0) + 4 * r) };
  }

  private blockBytes(seg: SegmentMeta, e: SegmentBlock): Buffer {
    const c = seg.chunks[e.chunk];
    let raw = this.chunks.get(c);
    if (raw === undefined) {
      const fd = this.open(seg);
      const stored = Buffer.allocUnsafe(c.len);
      readFully(fd, stored, c.off, seg.file);
      if (crc32(stored) !== c.crc) throw new Error(`${seg.file}: chunk at ${c.off} fails its CRC check`);
      raw = c.codec === CODEC_DEFLATE ? inflateRawSync(stored) : stored;
      // Series are read in index order, so neighbours share chunks; keep a bounded few.
      if (this.cachedBytes > 16 * CHUNK_BYTES) {
        this.chunks.clear();
        this.cachedBytes = 0;
      }
      this.chunks.set(c, raw);
      this.cachedBytes += raw.length;
    }
    return raw.subarray(e.off, e.off + e.len);
  }

  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
    this.chunks.clear();
  }
}
