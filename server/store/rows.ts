// Series data in memory, and InfluxDB's merge rule for it: the same series + time is one point
// whose field set is the union of all writes, the last write winning per field.
//
// Times are exact (sec, ns) pairs: floor(t / 1e9) and t mod 1e9, both exact doubles, compared
// as numbers. Decimal strings are made only for points a read returns.
//
// Two shapes:
//  - Columns: normalized (times strictly increasing, at most one value per field and row),
//    columnar. What a segment block decodes to, what compaction encodes and reads return.
//  - Raw: rows in write order, possibly unsorted, possibly repeating a time (memtables, or
//    several sources being merged). normalize() turns Raw into Columns.
import type { Field, FieldType, Tag } from '../../lineprotocol/types.js';

export interface SeriesInfo {
  key: string;
  measurement: string;
  tags: Tag[];
}

/**
 * A stored value. Integers may be numbers (exact: at most 15 digits) or decimal strings;
 * booleans may be 0/1; reads convert to the API's types.
 */
export type Value = number | string | boolean;

export interface Col {
  key: string;
  type: FieldType;
  /** Row of each value, increasing; null = dense (value k belongs to row k). */
  idx: Int32Array | null;
  vals: ArrayLike<Value>;
}

export interface Columns {
  n: number;
  sec: ArrayLike<number>;
  ns: ArrayLike<number>;
  /** Sorted by key. */
  cols: Col[];
}

export interface RawCol {
  key: string;
  type: FieldType;
  /** Row of each value, non-decreasing (a repeat: the later value wins). */
  pos: ArrayLike<number>;
  vals: ArrayLike<Value>;
}

export interface Raw {
  n: number;
  sec: ArrayLike<number>;
  ns: ArrayLike<number>;
  /** Known strictly increasing (no sort or merge needed). */
  sorted: boolean;
  cols: RawCol[];
}

// ---- times ----

/** Where splitTime leaves its result (no allocation per point). */
export const SPLIT = { sec: 0, ns: 0 };

/**
 * Splits a canonical decimal ns time into exact (floor(t / 1e9), t mod 1e9). Digit by digit on
 * purpose: the write path must not allocate (see memtable.ts), and slicing would.
 */
export function splitTime(t: string): void {
  const len = t.length;
  if (t.charCodeAt(0) !== 45) {
    const split = len - 9;
    let sec = 0;
    for (let i = 0; i < split; i++) sec = sec * 10 + (t.charCodeAt(i) - 48);
    let ns = 0;
    for (let i = split > 0 ? split : 0; i < len; i++) ns = ns * 10 + (t.charCodeAt(i) - 48);
    SPLIT.sec = sec;
    SPLIT.ns = ns;
    return;
  }
  const b = BigInt(t);
  let s = b / 1_000_000_000n;
  if (s * 1_000_000_000n > b) s -= 1n;
  SPLIT.sec = Number(s);
  SPLIT.ns = Number(b - s * 1_000_000_000n);
}

export function timeString(sec: number, ns: number): string {
  if (sec === 0) return String(ns);
  if (sec > 0) return String(sec) + String(ns).padStart(9, '0');
  return (BigInt(sec) * 1_000_000_000n + BigInt(ns)).toString();
}

/** Order of (as, an) and (bs, bn). */
export function cmpSplit(as: number, an: number, bs: number, bn: number): number {
  return as !== bs ? as - bs : an - bn;
}

// ---- values ----

export function apiValue(type: FieldType, v: Value): Value {
  if (typeof v !== 'number') return v;
  if (type === 'int' || type === 'uint') return String(v);
  if (type === 'bool') return v !== 0;
  return v;
}

// ---- normalizing ----

const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

function f64(a: ArrayLike<number>, n: number): Float64Array {
  if (a instanceof Float64Array && a.length === n) return a;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = a[i];
  return out;
}

/**
 * Sorts rows by time (stable: write order is kept among equal times), merges equal times into
 * one row (per field the last value written wins) and returns columns.
 */
export function normalize(r: Raw): Columns {
  const { n, sec, ns } = r;
  let sorted = r.sorted;
  if (!sorted) {
    sorted = true;
    for (let i = 1; i < n && sorted; i++) if (sec[i] < sec[i - 1] || (sec[i] === sec[i - 1] && ns[i] <= ns[i - 1])) sorted = false;
  }
  if (sorted) {
    const cols: Col[] = [];
    for (const c of r.cols) {
      // Sorted rows are unique in time, but a column may still repeat a row (same field twice).
      let unique = true;
      for (let j = 1; j < c.pos.length && unique; j++) if (c.pos[j] === c.pos[j - 1]) unique = false;
      if (!unique) cols.push(remap(c, null, n));
      else if (c.pos.length === n) cols.push({ key: c.key, type: c.type, idx: null, vals: c.vals });
      else cols.push({ key: c.key, type: c.type, idx: Int32Array.from(c.pos), vals: c.vals });
    }
    // Nanoseconds stay 32-bit when they are (as a block decodes them): no copy per series.
    return { n, sec: f64(sec, n), ns: ns instanceof Int32Array && ns.length === n ? ns : f64(ns, n), cols: cols.sort(byKey) };
  }
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => sec[a] - sec[b] || ns[a] - ns[b] || a - b);
  const rowMap = new Int32Array(n);
  const outSec = new Float64Array(n);
  const outNs = new Float64Array(n);
  let m = 0;
  for (const i of order) {
    if (m === 0 || sec[i] !== outSec[m - 1] || ns[i] !== outNs[m - 1]) {
      outSec[m] = sec[i];
      outNs[m] = ns[i];
      m++;
    }
    rowMap[i] = m - 1;
  }
  const cols = r.cols.map((c) => remap(c, rowMap, m));
  return { n: m, sec: outSec.subarray(0, m), ns: outNs.subarray(0, m), cols: cols.sort(byKey) };
}

/** A column moved to merged rows (rowMap null: same rows); the last value per row wins. */
function remap(c: RawCol, rowMap: Int32Array | null, m: number): Col {
  const numeric = c.vals instanceof Float64Array;
  const slot: Value[] | Float64Array = numeric ? new Float64Array(m) : new Array<Value>(m);
  const have = new Uint8Array(m);
  let count = 0;
  for (let j = 0; j < c.pos.length; j++) {
    const k = rowMap === null ? c.pos[j] : rowMap[c.pos[j]];
    if (have[k] === 0) {
      have[k] = 1;
      count++;
    }
    slot[k] = c.vals[j];
  }
  if (count === m) return { key: c.key, type: c.type, idx: null, vals: slot };
  const idx = new Int32Array(count);
  const vals: Value[] | Float64Array = numeric ? new Float64Array(count) : new Array<Value>(count);
  for (let k = 0, w = 0; k < m; k++) {
    if (have[k] === 0) continue;
    idx[w] = k;
    vals[w++] = slot[k];
  }
  return { key: c.key, type: c.type, idx, vals };
}

function isRaw(s: Columns | Raw): s is Raw {
  return (s as Raw).sorted !== undefined;
}

/**
 * Merges the sources of one series, oldest first (later ones win). Normalized sources that
 * follow each other in time are concatenated column-wise; anything else is merged row-wise.
 */
export function mergeSources(sources: readonly (Columns | Raw)[]): Columns {
  if (sources.length === 1) return isRaw(sources[0]) ? normalize(sources[0]) : sources[0];
  if (!sources.some(isRaw)) {
    const cs = (sources as Columns[]).filter((c) => c.n > 0);
    let ordered = true;
    for (let k = 1; k < cs.length && ordered; k++) {
      const a = cs[k - 1];
      if (cmpSplit(a.sec[a.n - 1], a.ns[a.n - 1], cs[k].sec[0], cs[k].ns[0]) >= 0) ordered = false;
    }
    if (ordered) return cs.length === 1 ? cs[0] : concatColumns(cs);
  }
  let n = 0;
  for (const s of sources) n += s.n;
  const sec = new Float64Array(n);
  const ns = new Float64Array(n);
  const cols = new Map<string, { key: string; type: FieldType; pos: number[]; vals: Value[] }>();
  let base = 0;
  for (const s of sources) {
    for (let i = 0; i < s.n; i++) {
      sec[base + i] = s.sec[i];
      ns[base + i] = s.ns[i];
    }
    const list: (RawCol | Col)[] = isRaw(s) ? s.cols : s.cols;
    for (const c of list) {
      let out = cols.get(c.key);
      if (out === undefined) cols.set(c.key, (out = { key: c.key, type: c.type, pos: [], vals: [] }));
      if (out.type !== c.type) continue; // cannot happen within a shard group
      const pos = 'pos' in c ? c.pos : c.idx;
      for (let j = 0; j < c.vals.length; j++) {
        out.pos.push(base + (pos === null ? j : pos[j]));
        out.vals.push(c.vals[j]);
      }
    }
    base += s.n;
  }
  return normalize({ n, sec, ns, sorted: false, cols: [...cols.values()] });
}

/** Rows [a, b) of normalized columns (views where the arrays allow, sparse rows rebased). */
export function sliceColumns(c: Columns, a: number, b: number): Columns {
  if (a === 0 && b === c.n) return c;
  const cols: Col[] = [];
  for (const col of c.cols) {
    if (col.idx === null) {
      cols.push({ key: col.key, type: col.type, idx: null, vals: part(col.vals, a, b) });
      continue;
    }
    const from = lowerIdx(col.idx, a);
    const to = lowerIdx(col.idx, b);
    if (to === from) continue;
    const idx = new Int32Array(to - from);
    for (let j = from; j < to; j++) idx[j - from] = col.idx[j] - a;
    cols.push({ key: col.key, type: col.type, idx: idx.length === b - a ? null : idx, vals: part(col.vals, from, to) });
  }
  return { n: b - a, sec: part(c.sec, a, b), ns: part(c.ns, a, b), cols };
}

function part<T>(a: ArrayLike<T>, from: number, to: number): ArrayLike<T> {
  const sub = (a as { subarray?: (f: number, t: number) => ArrayLike<T> }).subarray;
  if (sub !== undefined) return sub.call(a, from, to);
  return Array.prototype.slice.call(a, from, to) as T[];
}

/** First position in increasing idx holding a row >= row. */
function lowerIdx(idx: Int32Array, row: number): number {
  let lo = 0;
  let hi = idx.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (idx[mid] < row) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function concatColumns(cs: Columns[]): Columns {
  let n = 0;
  for (const c of cs) n += c.n;
  const sec = new Float64Array(n);
  const ns = new Float64Array(n);
  let base = 0;
  for (const c of cs) {
    for (let i = 0; i < c.n; i++) {
      sec[base + i] = c.sec[i];
      ns[base + i] = c.ns[i];
    }
    base += c.n;
  }
  const types = new Map<string, FieldType>();
  for (const c of cs) for (const col of c.cols) if (!types.has(col.key)) types.set(col.key, col.type);
  const cols: Col[] = [];
  for (const [key, type] of types) {
    const parts: (Col | undefined)[] = cs.map((c) => c.cols.find((x) => x.key === key && x.type === type));
    let m = 0;
    let numeric = true;
    for (const col of parts) {
      if (col === undefined) continue;
      m += col.vals.length;
      if (!(col.vals instanceof Float64Array)) numeric = false;
    }
    // Typed arrays where every part has them: a merge's big series stay off the JS heap.
    const idx = new Int32Array(m);
    const vals: Value[] | Float64Array = numeric ? new Float64Array(m) : new Array<Value>(m);
    let w = 0;
    base = 0;
    for (let k = 0; k < cs.length; k++) {
      const col = parts[k];
      if (col !== undefined) {
        for (let j = 0; j < col.vals.length; j++) {
          idx[w] = base + (col.idx === null ? j : col.idx[j]);
          vals[w++] = col.vals[j];
        }
      }
      base += cs[k].n;
    }
    cols.push({ key, type, idx: m === n ? null : idx, vals });
  }
  return { n, sec, ns, cols: cols.sort(byKey) };
}

/** First row at or after (s, ns) (rows strictly increasing). */
export function lowerBound(c: Columns, s: number, ns: number): number {
  let lo = 0;
  let hi = c.n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cmpSplit(c.sec[mid], c.ns[mid], s, ns) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Field lists and times of rows of normalized columns, built only for the rows asked. */
export class RowReader {
  private readonly pos: (Int32Array | null)[];

  constructor(private readonly c: Columns) {
    this.pos = c.cols.map((col) => {
      if (col.idx === null) return null;
      const p = new Int32Array(c.n).fill(-1);
      for (let j = 0; j < col.idx.length; j++) p[col.idx[j]] = j;
      return p;
    });
  }

  time(i: number): string {
    return timeString(this.c.sec[i], this.c.ns[i]);
  }

  /** Each field of row i, sorted by key, as fields() gives it but without building objects. */
  each(i: number, fn: (key: string, type: FieldType, value: Field['value']) => void): void {
    const cols = this.c.cols;
    for (let k = 0; k < cols.length; k++) {
      const col = cols[k];
      const p = this.pos[k];
      const j = p === null ? (i < col.vals.length ? i : -1) : p[i];
      if (j >= 0) fn(col.key, col.type, apiValue(col.type, col.vals[j]) as Field['value']);
    }
  }

  /** The same with values as stored (see api.ts PointBatch.eachStoredField). */
  eachStored(i: number, fn: (key: string, type: FieldType, value: Value) => void): void {
    const cols = this.c.cols;
    for (let k = 0; k < cols.length; k++) {
      const col = cols[k];
      const p = this.pos[k];
      const j = p === null ? (i < col.vals.length ? i : -1) : p[i];
      if (j >= 0) fn(col.key, col.type, col.vals[j]);
    }
  }

  /** Sorted by key. */
  fields(i: number): Field[] {
    const out: Field[] = [];
    const cols = this.c.cols;
    for (let k = 0; k < cols.length; k++) {
      const col = cols[k];
      const p = this.pos[k];
      const j = p === null ? (i < col.vals.length ? i : -1) : p[i];
      if (j >= 0) out.push({ key: col.key, type: col.type, value: apiValue(col.type, col.vals[j]) } as Field);
    }
    return out;
  }
}
