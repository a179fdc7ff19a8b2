// Immutable segment files: the compacted points of one shard group, written once (temporary
// name, fsync, rename, fsync directory) and never changed. Layout:
//
//   "LPSSEG01" | chunks ... | index (JSON) | footer: "LPSIDX01", u64 index offset,
//                                                    u32 index length, u32 index CRC32
//
// Start-up reads only footers and indexes (series list, field types, time ranges, where each
// series' block is); a read unpacks just the chunks it needs. A block holds one series' rows,
// columnar and binary (see encodeBlock). Blocks are packed into ~128 KiB chunks, each deflated
// on the writer thread and CRC-checked on read.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { endianness } from 'node:os';
import path from 'node:path';
import { crc32, inflateRawSync } from 'node:zlib';
import type { FieldType } from '../../lineprotocol/types.js';
import type { SyncCounter } from './durable.js';
import type { SegmentWriter } from './segment-io.js';
import { mergeSources, sliceColumns, timeString, type Col, type Columns, type SeriesInfo, type Value } from './rows.js';
import { cmpTime } from './time.js';

// Numbers are copied between typed arrays and files as they lie in memory.
if (endianness() !== 'LE') throw new Error('the bucket store needs a little-endian machine');

const HEAD_MAGIC = 'LPSSEG01';
const FOOT_MAGIC = 'LPSIDX01';
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
   * A series longer than BLOCK_ROWS is stored as several blocks of consecutive rows, each its
   * own chunk, so that a read decodes only the blocks of the time it looks at; the entry's
   * rows, values and times are then the totals.
   */
  blocks?: SegmentBlock[];
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
  series: Map<string, SegmentEntry>;
  /** Measurement and tags of each series, as stored (the store interns them). */
  infos: SeriesInfo[];
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

/** Copies little-endian doubles out of a buffer (typed-array views need aligned offsets). */
function readF64s(buf: Buffer, o: number, m: number): Float64Array {
  const out = new Float64Array(m);
  new Uint8Array(out.buffer).set(buf.subarray(o, o + 8 * m));
  return out;
}

/** Decodes a block into normalized columns. */
export function decodeBlock(buf: Buffer): Columns {
  let o = 0;
  const n = buf.readUInt32LE(o);
  o += 4;
  const sec = readF64s(buf, o, n);
  o += 8 * n;
  const ns = new Int32Array(n);
  new Uint8Array(ns.buffer).set(buf.subarray(o, o + 4 * n));
  o += 4 * n;
  const ncols = buf.readUInt16LE(o);
  o += 2;
  const cols: Col[] = [];
  for (let c = 0; c < ncols; c++) {
    const kl = buf.readUInt16LE(o);
    o += 2;
    const key = buf.toString('utf8', o, o + kl);
    o += kl;
    const type = TYPE_CODES[buf[o++]];
    const m = buf.readUInt32LE(o);
    o += 4;
    let idx: Int32Array | null = null;
    if (m < n) {
      idx = new Int32Array(m);
      new Uint8Array(idx.buffer).set(buf.subarray(o, o + 4 * m));
      o += 4 * m;
    }
    let vals: ArrayLike<Value>;
    switch (type) {
      case 'float':
        vals = readF64s(buf, o, m);
        o += 8 * m;
        break;
      case 'int':
      case 'uint': {
        if (buf[o++] === INT_F64) {
          vals = readF64s(buf, o, m);
          o += 8 * m;
        } else {
          const l = buf.readUInt32LE(o);
          o += 4;
          vals = m === 0 ? [] : buf.toString('latin1', o, o + l).split(',');
          o += l;
        }
        break;
      }
      case 'bool': {
        const b = new Uint8Array(m);
        b.set(buf.subarray(o, o + m));
        vals = b;
        o += m;
        break;
      }
      case 'string': {
        const l = buf.readUInt32LE(o);
        o += 4;
        vals = JSON.parse(buf.toString('utf8', o, o + l));
        o += l;
        break;
      }
      default:
        throw new Error(`corrupt block: field type code ${buf[o - 1]}`);
    }
    cols.push({ key, type, idx, vals });
  }
  return { n, sec, ns, cols };
}

// ---- segment files ----

export interface SegmentInput {
  info: SeriesInfo;
  data: Columns;
}

interface IndexJson {
  /** 2: series may have a list of blocks (element 10). */
  v: 1 | 2;
  minGen: number;
  maxGen: number;
  level: number;
  inputs?: [number, number][];
  values: number;
  minTime: string;
  maxTime: string;
  fields: Record<string, Record<string, FieldType>>;
  /** [file offset, stored length, raw length, codec, CRC32 of the stored bytes] */
  chunks: [number, number, number, number, number][];
  /**
   * [key, measurement, [tagKey, tagValue, ...], chunk, offset in chunk, length, rows, values, minTime, maxTime,
   *  blocks?: [chunk, offset, length, rows, values, minTime, maxTime][]]
   */
  series: [string, string, string[], number, number, number, number, number, string, string, BlockJson[]?][];
}

type BlockJson = [number, number, number, number, number, string, string];

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
  const index: Omit<IndexJson, 'chunks'> = { v: 2, ...hdr, values: 0, minTime: '', maxTime: '', fields: {}, series: [] };
  const chunks: Buffer[] = [];
  let parts: Buffer[] = [];
  let partBytes = 0;
  const seal = () => {
    if (partBytes === 0) return;
    chunks.push(parts.length === 1 ? parts[0] : Buffer.concat(parts, partBytes));
    parts = [];
    partBytes = 0;
  };
  let sliceEnd = performance.now() + SLICE_MS;
  for (const { info, data } of inputs) {
    if (data.n === 0) continue;
    const tags: string[] = [];
    for (const t of info.tags) tags.push(t.key, t.value);
    const ft = (index.fields[info.measurement] ??= {});
    const many = data.n > BLOCK_ROWS;
    // A long series: blocks of BLOCK_ROWS rows, each its own chunk (a read in time order then
    // unpacks each chunk once, however many series it walks side by side).
    if (many) seal();
    const blocks: BlockJson[] = [];
    let values = 0;
    for (let a = 0; a < data.n; a += BLOCK_ROWS) {
      const enc = encodeBlock(many ? sliceColumns(data, a, Math.min(data.n, a + BLOCK_ROWS)) : data);
      blocks.push([chunks.length, partBytes, enc.buf.length, enc.rows, enc.values, enc.minTime, enc.maxTime]);
      values += enc.values;
      for (const [k, t] of enc.types) ft[k] = t;
      parts.push(enc.buf);
      partBytes += enc.buf.length;
      if (many || partBytes >= CHUNK_BYTES) seal();
      if (performance.now() >= sliceEnd) {
        await new Promise((r) => setImmediate(r));
        sliceEnd = performance.now() + SLICE_MS;
      }
    }
    const [chunk, off, len] = blocks[0];
    const minTime = blocks[0][5];
    const maxTime = blocks[blocks.length - 1][6];
    const entry: IndexJson['series'][number] = [info.key, info.measurement, tags, chunk, off, len, data.n, values, minTime, maxTime];
    if (many) entry.push(blocks);
    index.series.push(entry);
    index.values += values;
    if (index.minTime === '' || cmpTime(minTime, index.minTime) < 0) index.minTime = minTime;
    if (index.maxTime === '' || cmpTime(maxTime, index.maxTime) > 0) index.maxTime = maxTime;
  }
  seal();
  const res = await writer.write({ tmp: `${file}.tmp`, file, dir, head: HEAD_MAGIC, chunks, index, footMagic: FOOT_MAGIC });
  counter.fsyncs += res.fsyncs;
  return metaFromIndex(file, res.bytes, { ...index, chunks: res.chunks });
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
    if (foot.toString('latin1', 0, 8) !== FOOT_MAGIC) throw new Error(`${file}: bad footer`);
    const ioff = Number(foot.readBigUInt64LE(8));
    const ilen = foot.readUInt32LE(16);
    if (ioff + ilen + FOOTER !== size) throw new Error(`${file}: bad index position`);
    const ib = Buffer.alloc(ilen);
    readFully(fd, ib, ioff, file);
    if (crc32(ib) !== foot.readUInt32LE(20)) throw new Error(`${file}: index CRC mismatch`);
    return metaFromIndex(file, size, JSON.parse(ib.toString('utf8')) as IndexJson);
  } finally {
    closeSync(fd);
  }
}

function metaFromIndex(file: string, size: number, j: IndexJson): SegmentMeta {
  const fields = new Map<string, Map<string, FieldType>>();
  for (const [m, fs] of Object.entries(j.fields)) fields.set(m, new Map(Object.entries(fs)));
  const chunks = j.chunks.map(([off, len, rawLen, codec, crc]) => ({ off, len, rawLen, codec, crc }));
  const series = new Map<string, SegmentEntry>();
  const infos: SeriesInfo[] = [];
  for (const [key, measurement, flat, chunk, off, len, rows, values, minTime, maxTime, blocks] of j.series) {
    const tags = [];
    for (let i = 0; i < flat.length; i += 2) tags.push({ key: flat[i], value: flat[i + 1] });
    infos.push({ key, measurement, tags });
    const e: SegmentEntry = { chunk, off, len, rows, values, minTime, maxTime };
    if (blocks !== undefined) e.blocks = blocks.map(([chunk, off, len, rows, values, minTime, maxTime]) => ({ chunk, off, len, rows, values, minTime, maxTime }));
    series.set(key, e);
  }
  return { file, minGen: j.minGen, maxGen: j.maxGen, level: j.level, inputs: j.inputs, bytes: size, values: j.values, minTime: j.minTime, maxTime: j.maxTime, fields, chunks, series, infos };
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

  /** One block's rows. */
  readBlock(seg: SegmentMeta, e: SegmentBlock): Columns {
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
    return decodeBlock(raw.subarray(e.off, e.off + e.len));
  }

  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
    this.chunks.clear();
  }
}
