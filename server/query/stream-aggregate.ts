// The fast path of aggregates: count, sum, mean, min, max, spread, first and last of float or
// integer fields per GROUP BY time() window, computed straight from the store's streamed
// columnar batches into per-window typed arrays (no object per point). It takes only what it
// can answer exactly as the row path would; anything else (other functions, string values,
// integers beyond 2^53, zones, field filters) returns undefined and the caller reads rows.
import type { Expr } from '../../influxql/index.js';
import type { FieldType } from '../../lineprotocol/types.js';
import type { BucketStore, PointBatch, ReadQuery } from '../store/api.js';
import { evalExpr, type IsTag } from './expr.js';
import type { Picked } from './functions.js';
import type { Value } from './values.js';

/** Functions the fast path computes. */
const FAST = new Set(['count', 'sum', 'mean', 'min', 'max', 'spread', 'first', 'last']);

export interface FastSlot {
  fn: string;
  field: string;
  type?: string;
  countDistinct?: boolean;
}

/** Per group: its tags and, per window (index from the first window), what each slot gathered. */
export interface FastGroup {
  id: string;
  tags: Record<string, string>;
  /** Whether any of the slots' fields had a value in the group. */
  anyField: boolean;
  /** Rows per window (fill(none) keeps only windows with rows). */
  rows: Int32Array;
  /** Highest window index + 1 that has rows. */
  size: number;
  slots: SlotAcc[];
}

interface SlotAcc {
  /** Values counted. */
  n: Float64Array;
  /** sum, mean: running sum; min, first, last: the value; spread: min. */
  a: Float64Array;
  /** spread: max; first, last: its time (s). */
  b: Float64Array;
  /** first, last: its time (ns part). */
  c: Float64Array;
  /** sum of integers, exact and wrapping as int64. */
  big: BigInt64Array | null;
}

/** Thrown while streaming when a value falls outside what the fast path answers exactly. */
class NotFast extends Error {}

export function fastSlotsOk(slots: FastSlot[], fieldTypes: Map<string, string>, isTag: IsTag): boolean {
  return slots.every((s) => FAST.has(s.fn) && !s.countDistinct && (s.type === undefined || s.type === 'field') && !isTag(s.field) && (fieldTypes.get(s.field) === 'float' || fieldTypes.get(s.field) === 'int'));
}

/** Whether a WHERE filter looks only at tags (then it is decided once per series). */
export function tagsOnly(e: Expr, isTag: IsTag): boolean {
  switch (e.kind) {
    case 'varref':
      return e.name !== 'time' && e.type !== 'field' && isTag(e.name);
    case 'binary':
      return tagsOnly(e.lhs, isTag) && tagsOnly(e.rhs, isTag);
    case 'paren':
      return tagsOnly(e.expr, isTag);
    case 'string':
    case 'regex':
    case 'number':
    case 'integer':
    case 'boolean':
      return true;
    default:
      return false;
  }
}

const NS = 1_000_000_000n;
/** Largest |t - base| in seconds for which the window index is computed in doubles exactly. */
const EXACT_SECONDS = 4_000_000;
/** Most series read one by one (each read takes a snapshot of the shard groups). */
const PER_SERIES_MAX = 20_000;
/** Most accumulator cells (8 bytes each) a read may hold. */
const MAX_CELLS = 16_000_000;

export interface FastRead {
  groups: FastGroup[];
  /** The first window (ns), from the range's start or the first point. */
  base: bigint;
}

/**
 * Streams the read and accumulates. Returns undefined when the data holds something the fast
 * path does not answer exactly (the caller then reads rows); groups are sorted by their tags.
 */
export async function streamAggregate(
  store: BucketStore,
  q: ReadQuery,
  opts: {
    slots: FastSlot[];
    fieldTypes: Map<string, string>;
    groupTags: string[];
    filter: Expr | undefined;
    isTag: IsTag;
    /** Window of a time (ns): floor to the interval with its offset. */
    windowOf: (t: bigint) => bigint;
    interval: bigint;
    /** The range's start, when bounded. */
    start: bigint | undefined;
    /** The measurement's series keys: read one by one when the range has a start. */
    seriesKeys?: string[];
    /** A window index this far is refused by the caller (the row path says why). */
    maxWindows: number;
  },
): Promise<FastRead | undefined> {
  const { slots, groupTags, filter, isTag } = opts;
  const fieldNo = new Map<string, number>();
  const expect: FieldType[] = [];
  for (const s of slots) {
    if (!fieldNo.has(s.field)) {
      fieldNo.set(s.field, fieldNo.size);
      expect.push(opts.fieldTypes.get(s.field) as FieldType);
    }
  }
  const slotsOfField: number[][] = [...fieldNo.keys()].map(() => []);
  slots.forEach((s, k) => slotsOfField[fieldNo.get(s.field)!].push(k));
  const fnOf = slots.map((s) => s.fn);
  const intSum = slots.map((s) => s.fn === 'sum' && opts.fieldTypes.get(s.field) === 'int');
  const interval = Number(opts.interval);
  if (!Number.isSafeInteger(interval)) return undefined;

  const byId = new Map<string, FastGroup>();
  /** Per series object: its group, or null when the filter excludes it. */
  const groupOf = new Map<object, FastGroup | null>();
  let base: bigint | undefined;
  let baseS = 0;
  let baseN = 0;
  const setBase = (t: bigint) => {
    base = opts.windowOf(t);
    let s = base / NS;
    if (base % NS < 0n) s -= 1n;
    baseS = Number(s);
    baseN = Number(base - s * NS);
  };
  if (opts.start !== undefined) setBase(opts.start);

  const newGroup = (id: string, tags: Record<string, string>): FastGroup => ({
    id,
    tags,
    anyField: false,
    rows: new Int32Array(16),
    size: 0,
    slots: slots.map((_, k) => ({ n: new Float64Array(16), a: new Float64Array(16), b: new Float64Array(16), c: new Float64Array(16), big: intSum[k] ? new BigInt64Array(16) : null })),
  });
  let cells = 0;
  const grow = (g: FastGroup, need: number) => {
    let cap = g.rows.length;
    while (cap <= need) cap *= 2;
    // Dense windows of sparse data would take too much memory: the row path holds rows instead.
    cells += (cap - g.rows.length) * (1 + 4 * slots.length);
    if (cells > MAX_CELLS) throw new NotFast();
    const f = <T extends Float64Array | Int32Array | BigInt64Array>(a: T): T => {
      const x = new (a.constructor as new (n: number) => T)(cap);
      x.set(a as never);
      return x;
    };
    g.rows = f(g.rows);
    for (const s of g.slots) {
      s.n = f(s.n);
      s.a = f(s.a);
      s.b = f(s.b);
      s.c = f(s.c);
      if (s.big !== null) s.big = f(s.big);
    }
  };

  // State of the point being read, for the field callback.
  let g: FastGroup = undefined as unknown as FastGroup;
  let w = 0;
  let ts = 0;
  let tn = 0;
  const onField = (key: string, type: FieldType, value: number | string | boolean): void => {
    const f = fieldNo.get(key);
    if (f === undefined) return;
    if (type !== expect[f] || typeof value !== 'number') throw new NotFast();
    g.anyField = true;
    for (const k of slotsOfField[f]) {
      const acc = g.slots[k];
      const n = acc.n[w]++;
      switch (fnOf[k]) {
        case 'count':
          break;
        case 'sum':
        case 'mean':
          acc.a[w] += value;
          if (acc.big !== null) acc.big[w] += BigInt(value);
          break;
        case 'min':
          if (n === 0 || value < acc.a[w]) acc.a[w] = value;
          break;
        case 'max':
          if (n === 0 || value > acc.a[w]) acc.a[w] = value;
          break;
        case 'spread':
          if (n === 0 || value < acc.a[w]) acc.a[w] = value;
          if (n === 0 || value > acc.b[w]) acc.b[w] = value;
          break;
        case 'first':
          // Equal times (several series in a group): the first one read, as the merged read orders them.
          if (n === 0 || ts < acc.b[w] || (ts === acc.b[w] && tn < acc.c[w])) {
            acc.a[w] = value;
            acc.b[w] = ts;
            acc.c[w] = tn;
          }
          break;
        case 'last':
          // Equal times (several series in a group): InfluxDB keeps the larger value.
          if (n === 0 || ts > acc.b[w] || (ts === acc.b[w] && (tn > acc.c[w] || (tn === acc.c[w] && value > acc.a[w])))) {
            acc.a[w] = value;
            acc.b[w] = ts;
            acc.c[w] = tn;
          }
          break;
      }
    }
  };

  const probe = { time: 0n, tags: {} as Record<string, string>, fields: new Map<string, Value>() };
  const groupOfSeries = (series: { tags: { key: string; value: string }[] }): FastGroup | null => {
    const tags: Record<string, string> = {};
    for (const t of series.tags) tags[t.key] = t.value;
    probe.tags = tags;
    if (filter !== undefined && evalExpr(filter, probe, isTag) !== true) return null;
    const gt: Record<string, string> = {};
    for (const k of groupTags) gt[k] = tags[k] ?? '';
    const id = groupTags.map((k) => gt[k]).join('\0');
    let grp = byId.get(id);
    if (grp === undefined) byId.set(id, (grp = newGroup(id, gt)));
    return grp;
  };
  const bigInterval = opts.interval;
  const maxWindows = opts.maxWindows;
  // One batch, in a plain function (the optimiser handles it better than the async loop).
  const consume = (batch: PointBatch): void => {
    const len = batch.length;
    for (let i = 0; i < len; i++) {
      const series = batch.series(i);
      let grp = groupOf.get(series);
      if (grp === undefined) groupOf.set(series, (grp = groupOfSeries(series)));
      if (grp === null) continue;
      ts = batch.timeSec(i);
      tn = batch.timeNs(i);
      // Without a start the read is merged in time order: the first point read is the earliest.
      if (base === undefined) setBase(BigInt(ts) * NS + BigInt(tn));
      const ds = ts - baseS;
      w = ds < EXACT_SECONDS && ds > -EXACT_SECONDS ? Math.floor((ds * 1e9 + (tn - baseN)) / interval) : Number((BigInt(ts) * NS + BigInt(tn) - base!) / bigInterval);
      if (w < 0 || w >= maxWindows) throw new NotFast();
      g = grp;
      if (w >= g.rows.length) grow(g, w);
      g.rows[w]++;
      if (w >= g.size) g.size = w + 1;
      batch.eachStoredField(i, onField);
    }
  };
  try {
    if (opts.start !== undefined && opts.seriesKeys !== undefined && opts.seriesKeys.length <= PER_SERIES_MAX) {
      // Series by series: no merge of all series by time (a heap) in the store; the windows'
      // first and last compare times, so the order across series does not matter.
      for (const key of opts.seriesKeys) {
        for await (const batch of store.readStream({ ...q, series: key }, { batchSize: 4096 })) {
          // A series the tag filter excludes is not read further.
          if (batch.length > 0 && groupOf.get(batch.series(0)) === null) break;
          consume(batch);
        }
      }
    } else for await (const batch of store.readStream(q, { batchSize: 4096 })) consume(batch);
  } catch (e) {
    if (e instanceof NotFast) return undefined;
    throw e;
  }
  if (base === undefined) return { groups: [], base: 0n };
  const groups = [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { groups, base };
}

/** What slot k of a group gathered in window w, as the row path's aggregate() would answer. */
export function fastPick(g: FastGroup, k: number, w: number, slot: FastSlot, fieldType: string): Picked {
  const acc = g.slots[k];
  if (w >= g.size) return { value: null };
  const n = acc.n[w];
  if (n === 0) return { value: null };
  const int = fieldType === 'int';
  const num = (x: number): Value => (int ? BigInt(x) : x);
  switch (slot.fn) {
    case 'count':
      return { value: BigInt(n) };
    case 'sum':
      return { value: acc.big !== null ? acc.big[w] : acc.a[w] };
    case 'mean':
      return { value: acc.a[w] / n };
    case 'spread':
      return { value: int ? BigInt(acc.b[w]) - BigInt(acc.a[w]) : acc.b[w] - acc.a[w] };
    default:
      return { value: num(acc.a[w]) };
  }
}
