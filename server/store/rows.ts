// Series data in memory, and InfluxDB's merge rule for it: the same series + time is one point
// whose field set is the union of all writes, the last write winning per field.
//
// Two shapes:
//  - Columns: normalized (times strictly increasing, at most one value per field and row),
//    columnar. What a segment block decodes to, what compaction encodes and reads return.
//  - Raw: rows in write order, possibly unsorted, possibly repeating a time (memtables, or
//    several sources being merged). normalize() turns Raw into Columns.
import type { Field, FieldType, Tag } from '../../lineprotocol/types.js';
import { cmpTime } from './time.js';

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
  idx: number[] | null;
  vals: ArrayLike<Value>;
}

export interface Columns {
  times: string[];
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
  /** Time of each row as exact (floor(t / 1e9), t mod 1e9). */
  sec: ArrayLike<number>;
  ns: ArrayLike<number>;
  /** Known strictly increasing (no sort or merge needed). */
  sorted: boolean;
  cols: RawCol[];
}

// ---- times ----

/** Where splitTime leaves its result (no allocation per point). */
export const SPLIT = { sec: 0, ns: 0 };

/** Splits a canonical decimal ns time into exact (floor(t / 1e9), t mod 1e9). */
export function splitTime(t: string): void {
  const len = t.length;
  if (t.charCodeAt(0) !== 45) {
    if (len <= 9) {
      SPLIT.sec = 0;
      SPLIT.ns = +t;
    } else {
      SPLIT.sec = +t.slice(0, len - 9);
      SPLIT.ns = +t.slice(len - 9);
    }
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

// ---- values ----

export function apiValue(type: FieldType, v: Value): Value {
  if (typeof v !== 'number') return v;
  if (type === 'int' || type === 'uint') return String(v);
  if (type === 'bool') return v !== 0;
  return v;
}

// ---- normalizing ----

const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

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
    const times = new Array<string>(n);
    for (let i = 0; i < n; i++) times[i] = timeString(sec[i], ns[i]);
    const cols: Col[] = [];
    for (const c of r.cols) {
      // Sorted rows are unique in time, but a column may still repeat a row (same field twice).
      let unique = true;
      for (let j = 1; j < c.pos.length && unique; j++) if (c.pos[j] === c.pos[j - 1]) unique = false;
      if (!unique) cols.push(remap(c, null, n));
      else if (c.pos.length === n) cols.push({ key: c.key, type: c.type, idx: null, vals: c.vals });
      else cols.push({ key: c.key, type: c.type, idx: Array.from(c.pos), vals: c.vals });
    }
    return { times, cols: cols.sort(byKey) };
  }
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => sec[a] - sec[b] || ns[a] - ns[b] || a - b);
  const rowMap = new Int32Array(n);
  const times: string[] = [];
  let ps = NaN;
  let pn = NaN;
  for (const i of order) {
    if (sec[i] !== ps || ns[i] !== pn) {
      ps = sec[i];
      pn = ns[i];
      times.push(timeString(ps, pn));
    }
    rowMap[i] = times.length - 1;
  }
  const cols = r.cols.map((c) => remap(c, rowMap, times.length));
  return { times, cols: cols.sort(byKey) };
}

/** A column moved to merged rows (rowMap null: same rows); the last value per row wins. */
function remap(c: RawCol, rowMap: Int32Array | null, m: number): Col {
  const slot = new Array<Value | undefined>(m);
  let count = 0;
  for (let j = 0; j < c.pos.length; j++) {
    const k = rowMap === null ? c.pos[j] : rowMap[c.pos[j]];
    if (slot[k] === undefined) count++;
    slot[k] = c.vals[j];
  }
  if (count === m) return { key: c.key, type: c.type, idx: null, vals: slot as Value[] };
  const idx: number[] = [];
  const vals: Value[] = [];
  for (let k = 0; k < m; k++) {
    if (slot[k] !== undefined) {
      idx.push(k);
      vals.push(slot[k]!);
    }
  }
  return { key: c.key, type: c.type, idx, vals };
}

/** A normalized source as raw rows (to be merged with others). */
function columnsRaw(c: Columns): Raw {
  const n = c.times.length;
  const sec = new Float64Array(n);
  const ns = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    splitTime(c.times[i]);
    sec[i] = SPLIT.sec;
    ns[i] = SPLIT.ns;
  }
  return { n, sec, ns, sorted: true, cols: c.cols.map((col) => ({ key: col.key, type: col.type, pos: col.idx ?? denseRows(col.vals.length), vals: col.vals })) };
}

function denseRows(m: number): Int32Array {
  const p = new Int32Array(m);
  for (let k = 0; k < m; k++) p[k] = k;
  return p;
}

function isRaw(s: Columns | Raw): s is Raw {
  return (s as Raw).sec !== undefined;
}

/**
 * Merges the sources of one series, oldest first (later ones win). Normalized sources that
 * follow each other in time are concatenated column-wise; anything else is merged row-wise.
 */
export function mergeSources(sources: readonly (Columns | Raw)[]): Columns {
  if (sources.length === 1) return isRaw(sources[0]) ? normalize(sources[0]) : sources[0];
  if (!sources.some(isRaw)) {
    const cs = (sources as Columns[]).filter((c) => c.times.length > 0);
    let ordered = true;
    for (let k = 1; k < cs.length && ordered; k++) {
      const prev = cs[k - 1].times;
      if (cmpTime(prev[prev.length - 1], cs[k].times[0]) >= 0) ordered = false;
    }
    if (ordered) return cs.length === 1 ? cs[0] : concatColumns(cs);
  }
  const raws = sources.map((s) => (isRaw(s) ? s : columnsRaw(s)));
  let n = 0;
  for (const r of raws) n += r.n;
  const sec = new Float64Array(n);
  const ns = new Float64Array(n);
  const cols = new Map<string, { key: string; type: FieldType; pos: number[]; vals: Value[] }>();
  let base = 0;
  for (const r of raws) {
    for (let i = 0; i < r.n; i++) {
      sec[base + i] = r.sec[i];
      ns[base + i] = r.ns[i];
    }
    for (const c of r.cols) {
      let out = cols.get(c.key);
      if (out === undefined) cols.set(c.key, (out = { key: c.key, type: c.type, pos: [], vals: [] }));
      if (out.type !== c.type) continue; // cannot happen within a shard group
      for (let j = 0; j < c.pos.length; j++) {
        out.pos.push(base + c.pos[j]);
        out.vals.push(c.vals[j]);
      }
    }
    base += r.n;
  }
  return normalize({ n, sec, ns, sorted: false, cols: [...cols.values()] });
}

function concatColumns(cs: Columns[]): Columns {
  const times: string[] = [];
  for (const c of cs) for (const t of c.times) times.push(t);
  const types = new Map<string, FieldType>();
  for (const c of cs) for (const col of c.cols) if (!types.has(col.key)) types.set(col.key, col.type);
  const cols: Col[] = [];
  for (const [key, type] of types) {
    const idx: number[] = [];
    const vals: Value[] = [];
    let base = 0;
    for (const c of cs) {
      const col = c.cols.find((x) => x.key === key);
      if (col !== undefined && col.type === type) {
        for (let j = 0; j < col.vals.length; j++) {
          idx.push(base + (col.idx === null ? j : col.idx[j]));
          vals.push(col.vals[j]);
        }
      }
      base += c.times.length;
    }
    cols.push({ key, type, idx: idx.length === times.length ? null : idx, vals });
  }
  return { times, cols: cols.sort(byKey) };
}

/** Field lists of rows of normalized columns, sorted by key, built only for the rows asked. */
export class RowReader {
  private readonly pos: (Int32Array | null)[];

  constructor(private readonly c: Columns) {
    this.pos = c.cols.map((col) => {
      if (col.idx === null) return null;
      const p = new Int32Array(c.times.length).fill(-1);
      for (let j = 0; j < col.idx.length; j++) p[col.idx[j]] = j;
      return p;
    });
  }

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
