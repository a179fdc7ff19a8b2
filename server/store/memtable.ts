// A shard group's points written since the last compaction, as a row log in typed arrays.
// Writes append; grouping by series, sorting and merging wait for a read or a compaction.
//
// Why this shape: a write must cost the main thread as little as possible. Keeping the parser's
// objects would pin them (and the request text) until compaction, and many small growing JS
// arrays per series make the garbage collector copy them again and again. A few large typed
// arrays per group live outside the JS heap, so appends are cheap and invisible to the GC.
import type { Field, FieldType, Point, Tag } from '../../lineprotocol/types.js';
import type { Raw, RawCol, SeriesInfo, Value } from './rows.js';

/** One field of one measurement: (row, value) pairs in write order. */
export class MemCol {
  n = 0;
  rows = new Int32Array(16);
  /** Numbers, booleans (0/1) and integers of at most 15 digits (exact as doubles)... */
  num: Float64Array | null;
  /** ...anything else (strings, longer integers): then all values live here. */
  any: Value[] | null;

  constructor(
    readonly key: string,
    readonly type: FieldType,
  ) {
    if (type === 'string') {
      this.num = null;
      this.any = [];
    } else {
      this.num = new Float64Array(16);
      this.any = null;
    }
  }

  /** Sets the field's value in `row` (the newest row); the same field twice in a point: later wins. */
  put(row: number, f: Field): void {
    let k = this.n;
    if (k > 0 && this.rows[k - 1] === row) k--;
    else {
      if (k === this.rows.length) this.grow();
      this.rows[k] = row;
      this.n = k + 1;
    }
    const num = this.num;
    if (num !== null) {
      switch (f.type) {
        case 'float':
          num[k] = f.value;
          return;
        case 'bool':
          num[k] = f.value ? 1 : 0;
          return;
        case 'int':
        case 'uint':
          if (f.value.length <= 15) {
            num[k] = +f.value;
            return;
          }
          this.toAny();
          break;
      }
    }
    this.any![k] = f.value;
  }

  value(j: number): Value {
    return this.num !== null ? this.num[j] : this.any![j];
  }

  private grow(): void {
    const rows = new Int32Array(this.rows.length * 2);
    rows.set(this.rows);
    this.rows = rows;
    if (this.num !== null) {
      const num = new Float64Array(rows.length);
      num.set(this.num);
      this.num = num;
    }
  }

  private toAny(): void {
    this.any = Array.from(this.num!.subarray(0, this.n));
    this.num = null;
  }
}

export interface MemMeasurement {
  cols: MemCol[];
  colByKey: Map<string, MemCol>;
  /** Column of the field at each input position last time: points mostly repeat a layout. */
  byPos: (MemCol | undefined)[];
}

export interface MemSeries {
  info: SeriesInfo;
  /** Next series with the same hash (see hashParts). */
  nextInHash: MemSeries | undefined;
  slot: number;
  mm: MemMeasurement;
  rows: number;
  /** Its rows so far strictly increase in time (the common case: nothing to sort or merge). */
  sorted: boolean;
  lastSec: number;
  lastNs: number;
}

export class MemTable {
  /** Rows: series slot and exact time (floor(t / 1e9), t mod 1e9). */
  n = 0;
  slot = new Int32Array(1024);
  sec = new Float64Array(1024);
  ns = new Int32Array(1024);
  readonly series: MemSeries[] = [];
  readonly bySeries = new Map<string, MemSeries>();
  private readonly byHash = new Map<number, MemSeries>();
  private fullHash = false;
  readonly measurements = new Map<string, MemMeasurement>();
  /** Field values held (for the compaction trigger and stats). */
  values = 0;

  measurement(m: string): MemMeasurement {
    let mm = this.measurements.get(m);
    if (mm === undefined) this.measurements.set(m, (mm = { cols: [], colByKey: new Map(), byPos: [] }));
    return mm;
  }

  addSeries(info: SeriesInfo): MemSeries {
    const ms: MemSeries = { info, nextInHash: undefined, slot: this.series.length, mm: this.measurement(info.measurement), rows: 0, sorted: true, lastSec: 0, lastNs: 0 };
    this.series.push(ms);
    this.bySeries.set(info.key, ms);
    this.index(ms);
    return ms;
  }

  /**
   * The point's series, if it has rows here. Looking up Point.series by key would first copy
   * it: the parser builds it by concatenation (a rope) whenever tags arrive unsorted, and that
   * copy, made for every point, costs more (time, and garbage collection) than all the rest.
   * So series are found by their parts; see hashParts for why that is exact.
   */
  find(p: Point): MemSeries | undefined {
    const h = hashParts(p.measurement, p.tags, this.fullHash);
    if (PARTS_LEN !== p.series.length) return this.bySeries.get(p.series);
    let walked = 0;
    for (let ms = this.byHash.get(h); ms !== undefined; ms = ms.nextInHash) {
      if (sameSeries(ms.info, p.measurement, p.tags)) return ms;
      if (++walked > MAX_CHAIN && !this.fullHash) {
        // The quick hash collides on this data: hash every character from now on.
        this.fullHash = true;
        this.byHash.clear();
        for (const s of this.series) this.index(s);
        return this.find(p);
      }
    }
    return undefined;
  }

  private index(ms: MemSeries): void {
    const h = hashParts(ms.info.measurement, ms.info.tags, this.fullHash);
    if (PARTS_LEN !== ms.info.key.length) return; // found by key only
    ms.nextInHash = this.byHash.get(h);
    this.byHash.set(h, ms);
  }

  /** Appends a row; returns its number. */
  pushRow(ms: MemSeries, sec: number, ns: number): number {
    const row = this.n;
    if (row === this.slot.length) this.grow();
    this.slot[row] = ms.slot;
    this.sec[row] = sec;
    this.ns[row] = ns;
    this.n = row + 1;
    if (ms.rows > 0 && ms.sorted && (sec < ms.lastSec || (sec === ms.lastSec && ns <= ms.lastNs))) ms.sorted = false;
    ms.rows++;
    ms.lastSec = sec;
    ms.lastNs = ns;
    return row;
  }

  /** The rows of the given series (all when `only` is absent), gathered in a few passes. */
  raws(only?: Iterable<MemSeries>): Map<MemSeries, Raw> {
    const steps = this.rawsInSteps(only ?? this.series, Infinity);
    for (;;) {
      const r = steps.next();
      if (r.done === true) return r.value;
    }
  }

  /**
   * The same, of the rows held now, computed later in steps of about `slice` rows (a read that
   * lets the event loop turn in between). Writes only ever append rows (and a frozen table is
   * only dropped, never cleared), so what is held now can be read later: rows and values
   * appended in between are left out.
   */
  rawsInSteps(only: Iterable<MemSeries>, slice: number): Generator<void, Map<MemSeries, Raw>, void> {
    const n = this.n;
    const wanted: { ms: MemSeries; rows: number; sorted: boolean }[] = [];
    for (const ms of only) if (ms.rows > 0) wanted.push({ ms, rows: ms.rows, sorted: ms.sorted });
    const cols: { c: MemCol; n: number }[] = [];
    for (const mm of this.measurements.values()) for (const c of mm.cols) cols.push({ c, n: c.n });
    return this.gather(n, wanted, cols, slice);
  }

  private *gather(n: number, wanted: { ms: MemSeries; rows: number; sorted: boolean }[], colsNow: { c: MemCol; n: number }[], slice: number): Generator<void, Map<MemSeries, Raw>, void> {
    const S = this.series.length;
    const raws: (Raw | undefined)[] = new Array(S);
    const out = new Map<MemSeries, Raw>();
    // One buffer per array kind, each series a view of it: thousands of small typed arrays
    // cost far more to allocate (and fragment memory) than one.
    let total = 0;
    for (const { rows } of wanted) total += rows;
    const secAll = new Float64Array(total);
    const nsAll = new Int32Array(total);
    let at = 0;
    for (const { ms, rows, sorted } of wanted) {
      if (raws[ms.slot] !== undefined) continue;
      const r: Raw = { n: rows, sec: secAll.subarray(at, at + rows), ns: nsAll.subarray(at, at + rows), sorted, cols: [] };
      at += rows;
      raws[ms.slot] = r;
      out.set(ms, r);
    }
    let work = 0;
    // Times, and each row's position within its series.
    const pos = new Int32Array(n);
    const next = new Int32Array(S);
    for (let i = 0; i < n; i++) {
      if (++work >= slice) {
        work = 0;
        yield;
      }
      const s = this.slot[i];
      const r = raws[s];
      if (r === undefined) continue;
      const p = next[s]++;
      (r.sec as Float64Array)[p] = this.sec[i];
      (r.ns as Int32Array)[p] = this.ns[i];
      pos[i] = p;
    }
    const counts = new Int32Array(S);
    for (const { c, n: cn } of colsNow) {
      counts.fill(0);
      for (let j = 0; j < cn; j++) {
        if (++work >= slice) {
          work = 0;
          yield;
        }
        const s = this.slot[c.rows[j]];
        if (raws[s] !== undefined) counts[s]++;
      }
      const cols: (RawCol | undefined)[] = new Array(S);
      let sum = 0;
      for (let s = 0; s < S; s++) sum += counts[s];
      const posAll = new Int32Array(sum);
      const numAll = c.num !== null ? new Float64Array(sum) : null;
      let off = 0;
      for (let s = 0; s < S; s++) {
        const k = counts[s];
        if (k === 0) continue;
        const col: RawCol = { key: c.key, type: c.type, pos: posAll.subarray(off, off + k), vals: numAll !== null ? numAll.subarray(off, off + k) : new Array<Value>(k) };
        off += k;
        cols[s] = col;
        raws[s]!.cols.push(col);
      }
      counts.fill(0);
      for (let j = 0; j < cn; j++) {
        if (++work >= slice) {
          work = 0;
          yield;
        }
        const row = c.rows[j];
        const s = this.slot[row];
        const col = cols[s];
        if (col === undefined) continue;
        const k = counts[s]++;
        // A column may have turned from numbers to any values since (a long integer came): its values stay where they were.
        (col.vals as Value[])[k] = c.num !== null ? c.num[j] : c.any![j];
        (col.pos as Int32Array)[k] = pos[row];
      }
    }
    return out;
  }

  private grow(): void {
    const cap = this.slot.length * 2;
    const slot = new Int32Array(cap);
    slot.set(this.slot);
    this.slot = slot;
    const sec = new Float64Array(cap);
    sec.set(this.sec);
    this.sec = sec;
    const ns = new Int32Array(cap);
    ns.set(this.ns);
    this.ns = ns;
  }
}

/** A lookup walking more series than this switches the memtable to hashing every character. */
const MAX_CHAIN = 8;

/** The length the raw series key would have if nothing in it were escaped (set by hashParts). */
let PARTS_LEN = 0;

/**
 * Hashes a series' measurement and tags (unescaped, in series-key order), from a few characters
 * of each part or (full) all of them, and sets PARTS_LEN. Escaping only ever adds a backslash,
 * so when the raw series key is exactly PARTS_LEN long nothing in it is escaped and it is
 * exactly the parts joined: equal parts then mean the same series. Otherwise (rare) only the
 * key itself can tell, so the caller looks it up by key.
 */
function hashParts(measurement: string, tags: readonly Tag[], full: boolean): number {
  let len = measurement.length;
  let h = Math.imul(0x811c9dc5 ^ len, 16777619);
  if (full) for (let i = 0; i < measurement.length; i++) h = Math.imul(h ^ measurement.charCodeAt(i), 16777619);
  for (let t = 0; t < tags.length; t++) {
    const { key, value } = tags[t];
    const n = value.length;
    len += 2 + key.length + n;
    h = Math.imul(h ^ ((key.length << 16) | n), 16777619);
    if (full) {
      for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
      for (let i = 0; i < n; i++) h = Math.imul(h ^ value.charCodeAt(i), 16777619);
    } else if (n > 0) {
      // Where values of one tag usually differ: their ends and middle.
      h = Math.imul(h ^ value.charCodeAt(n - 1), 16777619);
      h = Math.imul(h ^ value.charCodeAt(n >> 1), 16777619);
      if (n > 2) h = Math.imul(h ^ value.charCodeAt(n - 2), 16777619);
    }
  }
  PARTS_LEN = len;
  return h >>> 1;
}

function sameSeries(info: SeriesInfo, measurement: string, tags: readonly Tag[]): boolean {
  if (info.measurement !== measurement || info.tags.length !== tags.length) return false;
  for (let t = 0; t < tags.length; t++) if (info.tags[t].key !== tags[t].key || info.tags[t].value !== tags[t].value) return false;
  return true;
}
