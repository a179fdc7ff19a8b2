// A shard group's points written since the last compaction, as a row log in typed arrays.
// Writes append; grouping by series, sorting and merging wait for a read or a compaction.
//
// Why this shape: a write must cost the main thread as little as possible. Keeping the parser's
// objects would pin them (and the request text) until compaction, and many small growing JS
// arrays per series make the garbage collector copy them again and again. A few large typed
// arrays per group live outside the JS heap, so appends are cheap and invisible to the GC.
import type { Field, FieldType } from '../../lineprotocol/types.js';
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
  readonly measurements = new Map<string, MemMeasurement>();
  /** Field values held (for the compaction trigger and stats). */
  values = 0;

  measurement(m: string): MemMeasurement {
    let mm = this.measurements.get(m);
    if (mm === undefined) this.measurements.set(m, (mm = { cols: [], colByKey: new Map(), byPos: [] }));
    return mm;
  }

  addSeries(info: SeriesInfo): MemSeries {
    const ms: MemSeries = { info, slot: this.series.length, mm: this.measurement(info.measurement), rows: 0, sorted: true, lastSec: 0, lastNs: 0 };
    this.series.push(ms);
    this.bySeries.set(info.key, ms);
    return ms;
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

  /** The rows of the given series (all when `only` is absent), gathered in one pass. */
  raws(only?: Iterable<MemSeries>): Map<MemSeries, Raw> {
    const S = this.series.length;
    const want = new Uint8Array(S);
    if (only === undefined) want.fill(1);
    else for (const ms of only) want[ms.slot] = 1;
    const n = this.n;
    const raws: (Raw | undefined)[] = new Array(S);
    const out = new Map<MemSeries, Raw>();
    for (const ms of this.series) {
      if (want[ms.slot] === 0 || ms.rows === 0) continue;
      const c = ms.rows;
      const r: Raw = { n: c, sec: new Float64Array(c), ns: new Int32Array(c), sorted: ms.sorted, cols: [] };
      raws[ms.slot] = r;
      out.set(ms, r);
    }
    // Each row's position within its series.
    const pos = new Int32Array(n);
    const next = new Int32Array(S);
    for (let i = 0; i < n; i++) {
      const s = this.slot[i];
      const r = raws[s];
      if (r === undefined) continue;
      const p = next[s]++;
      (r.sec as Float64Array)[p] = this.sec[i];
      (r.ns as Int32Array)[p] = this.ns[i];
      pos[i] = p;
    }
    for (const mm of this.measurements.values()) {
      for (const c of mm.cols) {
        const byRaw = new Map<number, { pos: number[]; vals: Value[] }>();
        for (let j = 0; j < c.n; j++) {
          const row = c.rows[j];
          const s = this.slot[row];
          if (raws[s] === undefined) continue;
          let b = byRaw.get(s);
          if (b === undefined) byRaw.set(s, (b = { pos: [], vals: [] }));
          b.pos.push(pos[row]);
          b.vals.push(c.value(j));
        }
        for (const [s, b] of byRaw) {
          const col: RawCol = { key: c.key, type: c.type, pos: b.pos, vals: b.vals };
          raws[s]!.cols.push(col);
        }
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
