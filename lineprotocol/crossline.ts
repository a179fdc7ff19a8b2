// Warnings that relate one point to earlier ones in the same input: a field written with two
// types (InfluxDB rejects the later write), and the same series and time twice (InfluxDB
// silently overwrites). The state is compact and hashed (typed arrays, no string or object per
// point): series keys and measurement+field names are interned once into a character arena, and
// each (series, time) pair is a few numbers in an open-addressing table. Every hash hit is
// verified against the stored characters / numbers, so a collision never yields a false warning.
// Memory is bounded (64 MiB by default): when the next growth would pass the bound, nothing new is
// remembered, points are still compared with what was, and one notice says so.
import type { FieldType, Point } from './types.js';
import type { RecordShape } from './record.js';

/** What the checks need of a point (a Point has it). */
export type CheckedPoint = Pick<Point, 'measurement' | 'series' | 'time' | 'timestamped' | 'line'> & {
  fields: readonly { key: string; type: FieldType }[];
};

export interface Finding {
  code: string;
  message: string;
  hint: string;
}

export interface CrossLineOptions {
  /** Bytes the checks may hold in tables and arenas (default 64 MiB). */
  memoryBytes?: number;
  /**
   * Keeps only the low `hashBits` bits of every hash (default 32). A test hook: with 0 every key
   * hashes alike, so each lookup goes through collision handling and verification.
   */
  hashBits?: number;
}

export const DEFAULT_CROSSLINE_MEMORY = 64 * 1024 * 1024;

export const FIELD_TYPES: readonly FieldType[] = ['float', 'int', 'uint', 'string', 'bool'];
const TYPE_CODE: Record<FieldType, number> = { float: 0, int: 1, uint: 2, string: 3, bool: 4 };

export function article(t: FieldType): string {
  return t === 'int' ? 'an integer' : t === 'uint' ? 'an unsigned integer' : t === 'bool' ? 'a boolean' : `a ${t}`;
}

export function typeConflict(measurement: string, key: string, type: FieldType, firstType: FieldType, firstLine: number): Finding {
  return {
    code: 'field-type-conflict',
    message: `field "${key}" of "${measurement}" is ${article(type)} here but ${article(firstType)} on line ${firstLine}; InfluxDB will reject one of them as a field type conflict`,
    hint: `Write every value of "${key}" with the same type (e.g. all integers with the i suffix).`,
  };
}

export function duplicate(timestamped: boolean, firstLine: number): Finding {
  return timestamped
    ? {
        code: 'duplicate-point',
        message: `same series and timestamp as line ${firstLine}; InfluxDB keeps one point and overwrites its fields`,
        hint: 'Give each point its own timestamp, or merge the fields into one line.',
      }
    : {
        code: 'duplicate-no-timestamp',
        message: `same series as line ${firstLine} and no timestamp: both get the same server time, so this point overwrites that one`,
        hint: 'Add timestamps to the lines.',
      };
}

/** Shared accounting of the bytes held, so all tables stop growing at one bound. */
class Budget {
  used = 0;
  constructor(readonly limit: number) {}
  /** Reserves `bytes` more (for a growth step); false when that would pass the bound. */
  take(bytes: number): boolean {
    if (this.used + bytes > this.limit) return false;
    this.used += bytes;
    return true;
  }
}

function grownU32(a: Uint32Array, n: number): Uint32Array<ArrayBuffer> {
  const b = new Uint32Array(n);
  b.set(a);
  return b;
}
function grownI32(a: Int32Array, n: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(n);
  b.set(a);
  return b;
}
function grownF64(a: Float64Array, n: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(n);
  b.set(a);
  return b;
}

/**
 * The id side the two key stores share: an open-addressing table of ids, and a hash, an offset
 * and a length per id. Each store keeps its own key storage and its own find loop (the hot path,
 * kept free of indirect calls); the hash array's type is the store's (the hashes it is given are
 * unsigned in one, signed in the other, and `===` compares them as stored).
 */
abstract class KeyIds {
  protected slots = new Int32Array(64); // id + 1; 0 is empty
  protected abstract hashes: Uint32Array | Int32Array;
  protected offsets = new Int32Array(32);
  protected lengths = new Int32Array(32);
  count = 0;

  constructor(protected readonly budget: Budget) {
    budget.used += 64 * 4 + 32 * 12;
  }

  /** The hashes array grown to n entries (the existing ones kept). */
  protected abstract grownHashes(n: number): void;

  /** Makes room for one more id in the per-id arrays and the slots; false when the memory bound forbids it. */
  protected roomForId(): boolean {
    if (this.count === this.hashes.length) {
      const n = this.count * 2;
      if (!this.budget.take(this.count * 12)) return false;
      this.grownHashes(n);
      this.offsets = grownI32(this.offsets, n);
      this.lengths = grownI32(this.lengths, n);
    }
    if ((this.count + 1) * 2 > this.slots.length) {
      if (!this.budget.take(this.slots.length * 4)) return false;
      this.slots = new Int32Array(this.slots.length * 2);
      for (let id = 0; id < this.count; id++) placeInSlot(this.slots, id, this.hashes[id]);
    }
    return true;
  }

  /** Records a new id's key at `offset` (in the store's units), `len` long, hash h; returns the id. */
  protected added(offset: number, len: number, h: number): number {
    const id = this.count++;
    this.offsets[id] = offset;
    this.lengths[id] = len;
    this.hashes[id] = h;
    placeInSlot(this.slots, id, h);
    return id;
  }
}

/**
 * Interns character sequences (given in a scratch buffer) into ids: the ids as KeyIds holds them,
 * and the characters in one Uint16Array arena for verification.
 */
class KeyStore extends KeyIds {
  protected hashes = new Uint32Array(32);
  private arena = new Uint16Array(4096);
  private arenaUsed = 0;

  constructor(budget: Budget) {
    super(budget);
    budget.used += 4096 * 2;
  }

  protected grownHashes(n: number): void {
    this.hashes = grownU32(this.hashes, n);
  }

  /** The id of key[0, len) with hash h, or -1. */
  find(key: Uint16Array, len: number, h: number): number {
    const mask = this.slots.length - 1;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const v = this.slots[s];
      if (v === 0) return -1;
      const id = v - 1;
      if (this.hashes[id] === h && this.lengths[id] === len && this.same(id, key, len)) return id;
    }
  }

  /** The id of the key bytes[from, from + len) with hash h, or -1 (compared in place: no copy). */
  findBytes(bytes: Uint8Array, from: number, len: number, h: number): number {
    const mask = this.slots.length - 1;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const v = this.slots[s];
      if (v === 0) return -1;
      const id = v - 1;
      if (this.hashes[id] === h && this.lengths[id] === len && this.sameBytes(id, bytes, from, len)) return id;
    }
  }

  private sameBytes(id: number, bytes: Uint8Array, from: number, len: number): boolean {
    const arena = this.arena;
    const d = this.offsets[id] - from;
    for (let i = from, e = from + len; i < e; i++) if (arena[d + i] !== bytes[i]) return false;
    return true;
  }

  private same(id: number, key: Uint16Array, len: number): boolean {
    const arena = this.arena;
    const o = this.offsets[id];
    for (let i = 0; i < len; i++) if (arena[o + i] !== key[i]) return false;
    return true;
  }

  /** Adds a key known to be absent; returns its id, or -1 when the memory bound forbids it. */
  add(key: Uint16Array, len: number, h: number): number {
    if (this.arenaUsed + len > this.arena.length) {
      let n = this.arena.length * 2;
      while (n < this.arenaUsed + len) n *= 2;
      if (!this.budget.take((n - this.arena.length) * 2)) return -1;
      const a = new Uint16Array(n);
      a.set(this.arena.subarray(0, this.arenaUsed));
      this.arena = a;
    }
    if (!this.roomForId()) return -1;
    const at = this.arenaUsed;
    this.arena.set(key.subarray(0, len), at);
    this.arenaUsed += len;
    return this.added(at, len, h);
  }
}

/**
 * Interns byte sequences (keys as they lie in the input's bytes) into ids, like KeyStore, with
 * the bytes kept four to a word: a key is hashed and verified a word (four bytes) at a time.
 */
class ByteKeyStore extends KeyIds {
  // Offsets are in words, lengths in bytes.
  protected hashes = new Int32Array(32);
  private words = new Int32Array(1024);
  private wordsUsed = 0;

  constructor(budget: Budget) {
    super(budget);
    budget.used += 1024 * 4;
  }

  protected grownHashes(n: number): void {
    this.hashes = grownI32(this.hashes, n);
  }

  /** The id of bytes[from, from + len) (read through dv, the same bytes) with hash h, or -1. */
  find(dv: DataView, bytes: Uint8Array, from: number, len: number, h: number): number {
    const mask = this.slots.length - 1;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const v = this.slots[s];
      if (v === 0) return -1;
      const id = v - 1;
      if (this.hashes[id] === h && this.lengths[id] === len && this.same(id, dv, bytes, from, len)) return id;
    }
  }

  private same(id: number, dv: DataView, bytes: Uint8Array, from: number, len: number): boolean {
    const words = this.words;
    let w = this.offsets[id];
    let i = from;
    const whole = from + (len & ~3);
    for (; i < whole; i += 4, w++) if (dv.getInt32(i, true) !== words[w]) return false;
    // The last 1-3 bytes, packed as add() packed them.
    let tail = 0;
    for (let k = 0; i < from + len; i++, k += 8) tail |= bytes[i] << k;
    return len === whole - from || tail === words[w];
  }

  /** Adds bytes[from, from + len), known to be absent; its id, or -1 when the memory bound forbids it. */
  add(bytes: Uint8Array, from: number, len: number, h: number): number {
    const need = (len + 3) >>> 2;
    if (this.wordsUsed + need > this.words.length) {
      let n = this.words.length * 2;
      while (n < this.wordsUsed + need) n *= 2;
      if (!this.budget.take((n - this.words.length) * 4)) return -1;
      const a = new Int32Array(n);
      a.set(this.words.subarray(0, this.wordsUsed));
      this.words = a;
    }
    if (!this.roomForId()) return -1;
    const at = this.wordsUsed;
    let w = at;
    for (let i = 0; i < len; i += 4, w++) {
      let word = 0;
      for (let k = 0; k < 4 && i + k < len; k++) word |= bytes[from + i + k] << (8 * k);
      this.words[w] = word;
    }
    this.wordsUsed = w;
    return this.added(at, len, h);
  }
}

/**
 * (series id, time) → first line: an open-addressing table whose entries are numbers only. The
 * time is held exactly as two parts of its decimal text (digits above and below 1e9).
 */
class PairTable {
  private slots = new Int32Array(1024); // entry + 1; 0 is empty
  /**
   * Entries in pages, so growing never copies them (nor holds two copies at once): per entry
   * (series, lo) in an Int32Array page and (hi, line) in a Float64Array page; 24 bytes. The hash
   * is not stored: it is computed again from these when the slots grow.
   */
  private ints: Int32Array[] = [];
  private nums: Float64Array[] = [];
  count = 0;

  constructor(
    private readonly budget: Budget,
    private readonly hashOf: (series: number, hi: number, lo: number) => number,
  ) {
    budget.used += 1024 * 4;
  }

  /** The first line of (series, hi, lo), or -1. */
  find(h: number, series: number, hi: number, lo: number): number {
    const mask = this.slots.length - 1;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const v = this.slots[s];
      if (v === 0) return -1;
      const e = v - 1;
      const ints = this.ints[e >>> PAGE_BITS];
      const k = (e & PAGE_MASK) * 2;
      if (ints[k] === series && ints[k + 1] === lo) {
        const nums = this.nums[e >>> PAGE_BITS];
        const m = (e & PAGE_MASK) * 2;
        if (nums[m] === hi) return nums[m + 1];
      }
    }
  }

  /** Adds an absent pair; false when the memory bound forbids it. */
  add(h: number, series: number, hi: number, lo: number, line: number): boolean {
    if ((this.count & PAGE_MASK) === 0) {
      if (!this.budget.take(PAGE * 24)) return false;
      this.ints.push(new Int32Array(PAGE * 2));
      this.nums.push(new Float64Array(PAGE * 2));
    }
    if ((this.count + 1) * 2 > this.slots.length) {
      if (!this.budget.take(this.slots.length * 4)) return false;
      const n = this.slots.length * 2;
      this.slots = new Int32Array(n);
      for (let e = 0; e < this.count; e++) {
        const ints = this.ints[e >>> PAGE_BITS];
        const nums = this.nums[e >>> PAGE_BITS];
        placeInSlot(this.slots, e, this.hashOf(ints[(e & PAGE_MASK) * 2], nums[(e & PAGE_MASK) * 2], ints[(e & PAGE_MASK) * 2 + 1]));
      }
    }
    const e = this.count++;
    const ints = this.ints[e >>> PAGE_BITS];
    const k = (e & PAGE_MASK) * 2;
    ints[k] = series;
    ints[k + 1] = lo;
    const nums = this.nums[e >>> PAGE_BITS];
    const m = (e & PAGE_MASK) * 2;
    nums[m] = hi;
    nums[m + 1] = line;
    placeInSlot(this.slots, e, h);
    return true;
  }

}

const PAGE_BITS = 12;
const PAGE = 1 << PAGE_BITS;
const PAGE_MASK = PAGE - 1;

/** Puts n + 1 in the first empty slot from hash h on (linear probing; the tables are kept at most half full). */
function placeInSlot(slots: Int32Array, n: number, h: number): void {
  const mask = slots.length - 1;
  let s = h & mask;
  while (slots[s] !== 0) s = (s + 1) & mask;
  slots[s] = n + 1;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** Final avalanche (murmur3 fmix32), so the low bits used for slots depend on every input bit. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export class CrossLineChecks {
  private readonly budget: Budget;
  private readonly hashMask: number;
  private series: KeyStore;
  private names: KeyStore;
  private measurements: KeyStore;
  private pairs: PairTable;
  /** Per measurement+field id: the first type's code and line. */
  private fieldType = new Uint8Array(64);
  private fieldLine = new Float64Array(64);
  private scratch = new Uint16Array(1024);
  private points = 0;
  /** Set once the memory bound is reached (nothing new is remembered after). */
  full = false;
  private time = { hi: 0, lo: 0 };

  constructor(private readonly opts: CrossLineOptions = {}) {
    this.budget = new Budget(opts.memoryBytes ?? DEFAULT_CROSSLINE_MEMORY);
    const bits = opts.hashBits ?? 32;
    this.hashMask = bits >= 32 ? 0xffffffff : (1 << bits) - 1;
    this.series = new KeyStore(this.budget);
    this.names = new KeyStore(this.budget);
    this.measurements = new KeyStore(this.budget);
    this.written = new ByteKeyStore(this.budget);
    this.pairs = new PairTable(this.budget, this.pairHash);
    this.budget.used += 64 * 9 + 1024 * 2 + 64 * 16;
  }

  /** Bytes currently held by the tables and arenas (what the bound limits). */
  get memoryBytes(): number {
    return this.budget.used;
  }

  reset(): void {
    this.budget.used = 0;
    this.series = new KeyStore(this.budget);
    this.names = new KeyStore(this.budget);
    this.measurements = new KeyStore(this.budget);
    this.pairs = new PairTable(this.budget, this.pairHash);
    this.fieldType = new Uint8Array(64);
    this.fieldLine = new Float64Array(64);
    this.budget.used += 64 * 9 + 1024 * 2;
    this.points = 0;
    this.full = false;
    this.layoutMid = -1;
    this.latestHi = new Float64Array(64);
    this.latestLo = new Int32Array(64);
    this.latestCount = 0;
    this.written = new ByteKeyStore(this.budget);
    this.writtenSid = new Int32Array(64);
    this.budget.used += 64 * 16;
  }

  /** Checks a built point against the ones seen before it; returns what is wrong (usually nothing). */
  check(p: CheckedPoint): Finding[] | null {
    let out: Finding[] | null = null;
    const m = p.measurement;
    this.room(m.length);
    for (let i = 0; i < m.length; i++) this.scratch[i] = m.charCodeAt(i);
    const mid = this.measurementId(m.length, this.hash(m.length));
    for (let j = 0; j < p.fields.length && mid >= 0; j++) {
      const f = p.fields[j];
      this.room(f.key.length + 2);
      const buf = this.scratch;
      buf[0] = mid & 0xffff;
      buf[1] = mid >>> 16;
      let n = 2;
      for (let i = 0; i < f.key.length; i++) buf[n++] = f.key.charCodeAt(i);
      const found = this.fieldCheck(n, this.hash(n), TYPE_CODE[f.type], p.line);
      if (found >= 0) (out ??= []).push(typeConflict(m, f.key, f.type, FIELD_TYPES[found], this.foundLine));
    }
    const s = p.series;
    this.room(s.length);
    const buf = this.scratch;
    for (let i = 0; i < s.length; i++) buf[i] = s.charCodeAt(i);
    const wasFull = this.full;
    const sid = this.seriesInScratch(s.length);
    splitTime(p.time, this.time);
    return this.pointDone(out, wasFull, sid, p.timestamped, p.line);
  }

  /**
   * Checks an accepted record from its shape (spans into `text`), without a built point. Only for
   * records whose names need no unescaping (shape.escaped false); others go through check().
   */
  checkRecord(text: string, bytes: Uint8Array | null, sh: RecordShape, line: number, nsFrom = -1, nsTo = -1): Finding[] | null {
    let out: Finding[] | null = null;
    const start = sh.start;
    const mEnd = sh.measurementEnd;
    const spans = sh.fieldSpans;
    this.room(mEnd - start);
    this.start(0);
    const mid = this.measurementId(this.copy(text, bytes, start, mEnd, 0), this.finish());
    const nFields = sh.nFields;
    // Most records repeat the field keys of the one before in the same measurement: then their
    // ids come from the layout cache after a plain comparison, without hashing or lookups.
    const cached = mid >= 0 && this.sameLayout(text, bytes, mid, sh);
    if (!cached) this.layoutMid = -1;
    let layoutOk = mid >= 0 && !cached;
    for (let j = 0; j < nFields && mid >= 0; j++) {
      const k0 = spans[j * 3];
      const eq = spans[j * 3 + 1];
      const type = valueType(text, eq + 1, spans[j * 3 + 2]);
      let found: number;
      if (cached) {
        const id = this.layoutIds[j];
        const first = this.fieldType[id];
        found = first === type ? -1 : first;
        if (found >= 0) this.foundLine = this.fieldLine[id];
      } else {
        this.room(eq - k0 + 2);
        this.scratch[0] = mid & 0xffff;
        this.scratch[1] = mid >>> 16;
        this.start(2);
        const n = this.copy(text, bytes, k0, eq, 2);
        found = this.fieldCheck(n, this.finish(), type, line);
        if (this.lastId < 0) layoutOk = false;
        else if (layoutOk) layoutOk = this.remember(j, this.lastId);
      }
      if (found >= 0) {
        (out ??= []).push(typeConflict(text.slice(start, mEnd), text.slice(k0, eq), FIELD_TYPES[type], FIELD_TYPES[found], this.foundLine));
      }
    }
    if (layoutOk) this.keepLayout(text, bytes, mid, sh);
    // The series key: the raw key text, tags in sorted order. Sorted and in bytes (the usual
    // case), it is hashed and compared where it lies, and copied only when new.
    const wasFull = this.full;
    let sid: number;
    if (sh.sorted && bytes !== null) sid = this.seriesInBytes(bytes, start, sh.keyEnd);
    else if (bytes !== null && (sid = this.seriesAsWritten(bytes, start, sh.keyEnd)) >= 0) {
      // A key written with its tags out of order, seen before in this very order.
    } else {
      this.room(sh.keyEnd - start);
      const buf = this.scratch;
      let n = 0;
      if (sh.sorted) n = this.copy(text, bytes, start, sh.keyEnd, 0);
      else {
        n = this.copy(text, bytes, start, mEnd, 0);
        const tags = sh.tagSpans;
        for (let t = 0; t < sh.nTags; t++) {
          const o = sh.tagOrder[t] * 3;
          buf[n++] = 44; // ','
          n = this.copy(text, bytes, tags[o], tags[o + 2], n);
        }
      }
      sid = this.seriesInScratch(n);
      if (sid >= 0 && bytes !== null && !sh.sorted) this.rememberWritten(bytes, start, sh.keyEnd, sid);
    }
    if (sid >= 0) {
      if (bytes !== null && nsFrom >= 0) splitTimeBytes(bytes, nsFrom, nsTo, this.time);
      else splitTime(sh.time, this.time);
    }
    return this.pointDone(out, wasFull, sid, sh.timestamped, line);
  }

  /** The id of the series key in scratch[0, n), added when new (-1: not remembered, memory bound). */
  private seriesInScratch(n: number): number {
    const h = this.seriesHashScratch(n);
    let sid = this.series.find(this.scratch, n, h);
    if (sid < 0 && !this.full) {
      sid = this.series.add(this.scratch, n, h);
      if (sid < 0) this.full = true;
    }
    return sid;
  }

  /** The id of the series key bytes[from, to), added when new (-1: not remembered, memory bound). */
  private seriesInBytes(bytes: Uint8Array, from: number, to: number): number {
    const h = this.seriesHashBytes(bytes, from, to);
    let sid = this.series.findBytes(bytes, from, to - from, h);
    if (sid < 0 && !this.full) {
      const buf = this.scratch.length >= to - from ? this.scratch : (this.room(to - from), this.scratch);
      for (let i = from; i < to; i++) buf[i - from] = bytes[i];
      sid = this.series.add(buf, to - from, h);
      if (sid < 0) this.full = true;
    }
    return sid;
  }

  /**
   * Keys written with unsorted tags (TSBS's are) map to their series through the key as written,
   * so the usual point needs no sorting or copying: one hash and one comparison in place.
   */
  private written: ByteKeyStore;
  private writtenSid = new Int32Array(64);
  /** Hash of the key as written last looked up by seriesAsWritten. */
  private writtenHash = 0;
  /** A view of the bytes last given, to read them a word at a time. */
  private view: DataView = new DataView(new ArrayBuffer(0));
  private viewOf: Uint8Array | null = null;

  /** The series id of the key as written in bytes[from, to), when seen before; else -1. */
  private seriesAsWritten(bytes: Uint8Array, from: number, to: number): number {
    if (bytes !== this.viewOf) {
      this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      this.viewOf = bytes;
    }
    const dv = this.view;
    let h = FNV_OFFSET;
    let i = from;
    for (; i + 4 <= to; i += 4) h = Math.imul(h ^ dv.getInt32(i, true), FNV_PRIME);
    for (; i < to; i++) h = Math.imul(h ^ bytes[i], FNV_PRIME);
    h = fmix(h) & this.hashMask;
    this.writtenHash = h;
    const rid = this.written.find(dv, bytes, from, to - from, h);
    return rid < 0 ? -1 : this.writtenSid[rid];
  }

  /** Notes that the key as written in bytes[from, to) (hash from seriesAsWritten) is series `sid`. */
  private rememberWritten(bytes: Uint8Array, from: number, to: number, sid: number): void {
    if (this.full) return;
    const id = this.written.count;
    if (id >= this.writtenSid.length) {
      // Not remembering it costs only speed: such keys are sorted each time.
      if (!this.budget.take(this.writtenSid.length * 4)) return;
      this.writtenSid = grownI32(this.writtenSid, this.writtenSid.length * 2);
    }
    if (this.written.add(bytes, from, to - from, this.writtenHash) >= 0) this.writtenSid[id] = sid;
  }

  /**
   * Series keys are long (TSBS: ~150 characters) and hashed for every point, so four characters
   * go into each multiply; the same characters in scratch or in bytes hash alike.
   */
  private seriesHashScratch(n: number): number {
    const b = this.scratch;
    let h = FNV_OFFSET;
    let i = 0;
    for (; i + 4 <= n; i += 4) h = Math.imul(h ^ (b[i] ^ (b[i + 1] << 8) ^ (b[i + 2] << 16) ^ (b[i + 3] << 24)), FNV_PRIME);
    for (; i < n; i++) h = Math.imul(h ^ b[i], FNV_PRIME);
    return (fmix(h) & this.hashMask) >>> 0;
  }

  private seriesHashBytes(b: Uint8Array, from: number, to: number): number {
    let h = FNV_OFFSET;
    let i = from;
    for (; i + 4 <= to; i += 4) h = Math.imul(h ^ (b[i] ^ (b[i + 1] << 8) ^ (b[i + 2] << 16) ^ (b[i + 3] << 24)), FNV_PRIME);
    for (; i < to; i++) h = Math.imul(h ^ b[i], FNV_PRIME);
    return (fmix(h) & this.hashMask) >>> 0;
  }

  /** Copies text[from, to) into scratch at `at` (from the bytes when given: faster); returns the end. */
  private copy(text: string, bytes: Uint8Array | null, from: number, to: number, at: number): number {
    const buf = this.scratch;
    let h = this.running;
    if (bytes !== null) {
      for (let i = from; i < to; i++) {
        const c = bytes[i];
        buf[at++] = c;
        h = Math.imul(h ^ c, FNV_PRIME);
      }
    } else {
      for (let i = from; i < to; i++) {
        const c = text.charCodeAt(i);
        buf[at++] = c;
        h = Math.imul(h ^ c, FNV_PRIME);
      }
    }
    this.running = h;
    return at;
  }

  /** The FNV-1a state of what copy() put in scratch since the last start(). */
  private running = FNV_OFFSET;

  /** Begins a key in scratch whose first `n` characters are already there. */
  private start(n: number): void {
    const buf = this.scratch;
    let h = FNV_OFFSET;
    for (let i = 0; i < n; i++) h = Math.imul(h ^ buf[i], FNV_PRIME);
    this.running = h;
  }

  /** The hash of the key copy() built. */
  private finish(): number {
    return (fmix(this.running) & this.hashMask) >>> 0;
  }

  /** The id of the measurement name in scratch[0, n), or -1 (not remembered: memory bound). */
  private measurementId(n: number, h: number): number {
    let id = this.measurements.find(this.scratch, n, h);
    if (id < 0 && !this.full) {
      id = this.measurements.add(this.scratch, n, h);
      if (id < 0) this.full = true;
    }
    return id;
  }

  // The layout cache: the measurement id, field keys (characters, end offsets) and field ids of
  // the last record whose fields were looked up one by one.
  private layoutMid = -1;
  private layoutN = 0;
  private layoutChars = new Uint16Array(256);
  private layoutEnds = new Int32Array(16);
  private layoutIds = new Int32Array(16);

  /** Whether the record's field keys are those of the cached layout (same measurement). */
  private sameLayout(text: string, bytes: Uint8Array | null, mid: number, sh: RecordShape): boolean {
    if (mid !== this.layoutMid || sh.nFields !== this.layoutN) return false;
    const spans = sh.fieldSpans;
    const chars = this.layoutChars;
    const ends = this.layoutEnds;
    let at = 0;
    for (let j = 0; j < sh.nFields; j++) {
      const k0 = spans[j * 3];
      const eq = spans[j * 3 + 1];
      if (ends[j] - at !== eq - k0) return false;
      if (bytes !== null) {
        for (let i = k0; i < eq; i++) if (chars[at++] !== bytes[i]) return false;
      } else {
        for (let i = k0; i < eq; i++) if (chars[at++] !== text.charCodeAt(i)) return false;
      }
    }
    return true;
  }

  /** Notes field j's id for the layout being built; false when the layout is too big to keep. */
  private remember(j: number, id: number): boolean {
    if (j >= this.layoutIds.length) return false;
    this.layoutIds[j] = id;
    return true;
  }

  private keepLayout(text: string, bytes: Uint8Array | null, mid: number, sh: RecordShape): void {
    const spans = sh.fieldSpans;
    let at = 0;
    for (let j = 0; j < sh.nFields; j++) {
      const k0 = spans[j * 3];
      const eq = spans[j * 3 + 1];
      if (at + eq - k0 > this.layoutChars.length) return;
      for (let i = k0; i < eq; i++) this.layoutChars[at++] = bytes !== null ? bytes[i] : text.charCodeAt(i);
      this.layoutEnds[j] = at;
    }
    this.layoutMid = mid;
    this.layoutN = sh.nFields;
  }

  /** Set by fieldCheck: the id of the field it looked up (-1: not remembered). */
  private lastId = -1;

  /** Set by fieldCheck: the line of the first type. */
  private foundLine = 0;

  /** Records the field in scratch[0, n) with type code `type`; returns the first type's code when it differs, else -1. */
  private fieldCheck(n: number, h: number, type: number, line: number): number {
    let id = this.names.find(this.scratch, n, h);
    this.lastId = id;
    if (id < 0) {
      if (this.full) return -1;
      id = this.fieldRoom(this.names.count) ? this.names.add(this.scratch, n, h) : -1;
      this.lastId = id;
      if (id < 0) {
        this.full = true;
        return -1;
      }
      this.fieldType[id] = type;
      this.fieldLine[id] = line;
      return -1;
    }
    const first = this.fieldType[id];
    if (first === type) return -1;
    this.foundLine = this.fieldLine[id];
    return first;
  }

  private fieldRoom(id: number): boolean {
    if (id < this.fieldType.length) return true;
    const n = this.fieldType.length * 2;
    if (!this.budget.take(this.fieldType.length * 9)) return false;
    const t = new Uint8Array(n);
    t.set(this.fieldType);
    this.fieldType = t;
    this.fieldLine = grownF64(this.fieldLine, n);
    return true;
  }

  /**
   * The duplicate check of series `sid` (-1: not remembered) at the time in this.time. Within a
   * series, times usually only grow: a time past the series' latest cannot repeat one, so it is
   * added without a lookup (the lookup's probes are cache misses in a big table).
   */
  private pointDone(out: Finding[] | null, wasFull: boolean, sid: number, timestamped: boolean, line: number): Finding[] | null {
    this.points++;
    if (sid >= 0) {
      const { hi, lo } = this.time;
      const ph = this.pairHash(sid, hi, lo);
      const known = sid < this.latestCount;
      const later = known && (hi > this.latestHi[sid] || (hi === this.latestHi[sid] && lo > this.latestLo[sid]));
      const before = known && !later ? this.pairs.find(ph, sid, hi, lo) : -1;
      if (before >= 0) (out ??= []).push(duplicate(timestamped, before));
      else if (!this.full) {
        if (!this.pairs.add(ph, sid, hi, lo, line)) this.full = true;
        // The latest time only ever covers remembered pairs plus some forgotten ones: still an upper bound.
        else if (!known) this.noteSeries(sid, hi, lo);
        else if (later) {
          this.latestHi[sid] = hi;
          this.latestLo[sid] = lo;
        }
      }
    }
    if (this.full && !wasFull) {
      const mib = (this.budget.limit / (1024 * 1024)).toFixed(this.budget.limit % (1024 * 1024) === 0 ? 0 : 2);
      (out ??= []).push({
        code: 'duplicate-check-degraded',
        message: `duplicate check stopped after ${this.points - 1} points: memory bound of ${mib} MiB reached; from here on a point is only compared with the series, timestamps and fields remembered so far, so later duplicates and type conflicts may go unreported`,
        hint: 'Lint the file in parts to check every point against every other.',
      });
    }
    return out;
  }

  // Per series id: the latest time of its remembered pairs (hi, lo as in splitTime, compared in that order).
  private latestHi = new Float64Array(64);
  private latestLo = new Int32Array(64);
  /** Series ids below this have a latest time (ids are handed out in order, each gets one on its first pair). */
  private latestCount = 0;

  private noteSeries(sid: number, hi: number, lo: number): void {
    if (sid !== this.latestCount) return; // (cannot happen: a new id's first pair comes before the next id)
    if (sid >= this.latestHi.length) {
      const n = this.latestHi.length * 2;
      if (!this.budget.take(this.latestHi.length * 12)) return; // not noted: its pairs are looked up
      this.latestHi = grownF64(this.latestHi, n);
      this.latestLo = grownI32(this.latestLo, n);
    }
    this.latestHi[sid] = hi;
    this.latestLo[sid] = lo;
    this.latestCount++;
  }

  private readonly pairHash = (sid: number, hi: number, lo: number): number =>
    (fmix(Math.imul(sid, FNV_PRIME) ^ (hi >>> 0) ^ Math.imul(Math.floor(hi / 4294967296), 0x9e3779b1) ^ Math.imul(lo, 0x27d4eb2f)) & this.hashMask) >>> 0;

  private hash(n: number): number {
    const buf = this.scratch;
    let h = FNV_OFFSET;
    for (let i = 0; i < n; i++) h = Math.imul(h ^ buf[i], FNV_PRIME);
    return (fmix(h) & this.hashMask) >>> 0;
  }

  /** Makes the scratch buffer hold at least n characters. */
  private room(n: number): number {
    if (n > this.scratch.length) {
      let m = this.scratch.length * 2;
      while (m < n) m *= 2;
      this.scratch = new Uint16Array(m);
    }
    return n;
  }
}

/** The type code of the field value text[vs, ve), decided as InfluxDB's unmarshalling does. */
export function valueType(text: string, vs: number, ve: number): number {
  const c = text.charCodeAt(vs);
  if (c === 34) return 3; // string
  if (c === 116 || c === 84 || c === 102 || c === 70) return 4; // bool
  const last = text.charCodeAt(ve - 1);
  return last === 105 ? 1 : last === 117 ? 2 : 0;
}

/**
 * An exact decimal time (optional '-', up to 19 digits) as two numbers: the digits above the
 * last nine and the last nine; a negative time has both parts negated minus one, so it never
 * equals a positive one.
 */
/** splitTime of a decimal timestamp token in bytes[from, to) (leading zeros allowed, "-0" is 0). */
function splitTimeBytes(b: Uint8Array, from: number, to: number, out: { hi: number; lo: number }): void {
  const neg = b[from] === 45;
  const first = neg ? from + 1 : from;
  const cut = Math.max(first, to - 9);
  let hi = 0;
  for (let i = first; i < cut; i++) hi = hi * 10 + (b[i] - 48);
  let lo = 0;
  for (let i = cut; i < to; i++) lo = lo * 10 + (b[i] - 48);
  const negative = neg && (hi !== 0 || lo !== 0);
  out.hi = negative ? -hi - 1 : hi;
  out.lo = negative ? -lo - 1 : lo;
}

function splitTime(s: string, out: { hi: number; lo: number }): void {
  const neg = s.charCodeAt(0) === 45;
  const from = neg ? 1 : 0;
  const cut = Math.max(from, s.length - 9);
  let hi = 0;
  for (let i = from; i < cut; i++) hi = hi * 10 + (s.charCodeAt(i) - 48);
  let lo = 0;
  for (let i = cut; i < s.length; i++) lo = lo * 10 + (s.charCodeAt(i) - 48);
  out.hi = neg ? -hi - 1 : hi;
  out.lo = neg ? -lo - 1 : lo;
}
