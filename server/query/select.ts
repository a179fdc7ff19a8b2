// SELECT over the bucket store: sources resolved to measurements, the WHERE clause split into a
// time range (read from the store) and a row filter, then raw rows or aggregates per series and
// time window, fill(), ORDER BY time, LIMIT/OFFSET and SLIMIT/SOFFSET, as InfluxDB 1.x answers.
import type { Expr, SelectStatement } from '../../influxql/index.js';
import type { Field, FieldType } from '../../lineprotocol/types.js';
import type { BucketStore, ReadQuery } from '../store/api.js';
import { notSupported, StatementError } from './errors.js';
import { arithmeticOrCompare, evalExpr, regex, splitCondition, type IsTag, type Row, type TimeRange } from './expr.js';
import { aggregate, AGGREGATES, MULTI_ROW, NUMERIC_ONLY, SELECTORS, multiRow, type Picked, type TV } from './functions.js';
import { zoneOffsetMinutes } from './time.js';
import { fastPick, fastSlotsOk, streamAggregate, tagsOnly } from './stream-aggregate.js';
import type { Value } from './values.js';

export interface Series {
  name: string;
  tags?: Record<string, string>;
  columns: string[];
  values: Value[][];
  /** Times of the rows (ns), formatted by the caller into the first column. */
  times: bigint[];
}

export interface SelectContext {
  store: BucketStore;
  now: bigint;
  /** A source's bucket, from its db and rp (empty: the request's, then the default); throws StatementError. */
  bucketOf(db: string, rp: string): string;
}

interface Target {
  bucketId: string;
  name: string;
}

export async function runSelect(stmt: SelectStatement, ctx: SelectContext): Promise<Series[]> {
  if (stmt.into) throw notSupported('SELECT INTO');
  const targets = resolveSources(stmt, ctx);
  const { range, filter } = splitCondition(stmt.condition, ctx.now);
  const timeDim = timeDimension(stmt);
  const hasCalls = stmt.fields.some((f) => containsCall(f.expr));
  if (!hasCalls && timeDim !== undefined) throw new StatementError('GROUP BY requires at least one aggregate function');
  if (hasCalls) checkMixing(stmt);
  // Wildcards expand to the fields (and tags) of all the sources together, as InfluxDB does:
  // a column one measurement lacks is null in its series.
  const metas = targets.map((t) => ({ t, fieldTypes: new Map(ctx.store.fieldKeys(t.bucketId, t.name).map((f) => [f.key, f.type] as const)), tagKeys: ctx.store.tagKeys(t.bucketId, t.name) }));
  const allFieldTypes = new Map<string, string>();
  const allTags = new Set<string>();
  for (const m of metas) {
    for (const [k, ty] of m.fieldTypes) if (!allFieldTypes.has(k)) allFieldTypes.set(k, ty);
    m.tagKeys.forEach((k) => allTags.add(k));
  }
  const allFields = [...allFieldTypes.keys()].sort();
  const out: Series[] = [];
  for (const { t, fieldTypes, tagKeys } of metas) {
    if (fieldTypes.size === 0) continue;
    const tagSet = new Set(tagKeys);
    const isTag: IsTag = (n) => tagSet.has(n) && !fieldTypes.has(n);
    const groupTags = groupTagKeys(stmt, tagKeys);
    const q: ReadQuery = {
      bucketId: t.bucketId,
      measurement: t.name,
      ...(range.hasStart ? { start: range.start.toString() } : {}),
      ...(range.hasEnd ? { stop: (range.end + 1n).toString() } : {}),
    };
    const plan = hasCalls ? planAggregate(stmt, allFields, allFieldTypes) : undefined;
    if (hasCalls && plan === undefined) continue;
    const fast = plan !== undefined ? await fastAggregate(stmt, t.name, plan, q, ctx, { fieldTypes, groupTags, filter, isTag, range, timeDim }) : undefined;
    if (fast !== undefined) {
      out.push(...fast);
      continue;
    }
    const rows = await readRows(ctx.store, q, filter, isTag);
    const groups = groupRows(rows, groupTags);
    const series = plan !== undefined
      ? aggregateSeries(stmt, t.name, plan, groups, groupTags, isTag, range, timeDim, ctx.now)
      : rawSeries(stmt, t.name, groups, groupTags, allFields, [...allTags].sort(), isTag);
    out.push(...series);
  }
  return finish(stmt, out);
}

/** The points of a read as rows (tags shared per series), those the filter keeps. */
async function readRows(store: BucketStore, q: ReadQuery, filter: Expr | undefined, isTag: IsTag): Promise<Row[]> {
  const rows: Row[] = [];
  const tagsOf = new Map<object, Record<string, string>>();
  let fields = new Map<string, Value>();
  const onField = (key: string, type: FieldType, value: Field['value']): void => {
    fields.set(key, type === 'int' || type === 'uint' ? BigInt(value as string) : value);
  };
  for await (const batch of store.readStream(q, { batchSize: 4096 })) {
    for (let i = 0; i < batch.length; i++) {
      const s = batch.series(i);
      let tags = tagsOf.get(s);
      if (tags === undefined) {
        tags = {};
        for (const t of s.tags) tags[t.key] = t.value;
        tagsOf.set(s, tags);
      }
      fields = new Map();
      batch.eachField(i, onField);
      const row: Row = { time: BigInt(batch.timeSec(i)) * 1_000_000_000n + BigInt(batch.timeNs(i)), tags, fields };
      if (filter === undefined || evalExpr(filter, row, isTag) === true) rows.push(row);
    }
  }
  return rows;
}

function resolveSources(stmt: SelectStatement, ctx: SelectContext): Target[] {
  const out: Target[] = [];
  const seen = new Set<string>();
  for (const s of stmt.sources) {
    if (s.kind === 'subquery') throw notSupported('a subquery');
    const bucketId = ctx.bucketOf(s.database, s.retentionPolicy);
    const names = s.regex !== undefined ? ctx.store.measurements(bucketId).filter((m) => regex(s.regex!).test(m)) : [s.name!];
    for (const name of names) {
      const k = `${bucketId}\0${name}`;
      if (seen.has(k)) continue;
      seen.add(k);
      out.push({ bucketId, name });
    }
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Most windows a GROUP BY time() may fill per series. */
export const MAX_WINDOWS = 1_000_000;

interface TimeDim {
  interval: bigint;
  offset: bigint;
  /** tz(): windows start on the zone's local boundaries. */
  zone?: string;
}

function timeDimension(stmt: SelectStatement): TimeDim | undefined {
  let found: TimeDim | undefined;
  for (const d of stmt.dimensions) {
    if (d.kind !== 'call' || d.name !== 'time') continue;
    if (found !== undefined) throw new StatementError('multiple time dimensions not allowed');
    const [i, o] = d.args;
    if (d.args.length < 1 || d.args.length > 2) throw new StatementError('time dimension expected 1 or 2 arguments');
    if (i.kind !== 'duration') throw new StatementError('time dimension must have duration argument');
    if (i.ns <= 0n) throw new StatementError(`time dimension must have a positive duration`);
    let offset = 0n;
    if (o !== undefined) {
      if (o.kind === 'duration') offset = o.ns;
      else if (o.kind === 'call' && o.name === 'now') offset = 0n;
      else throw new StatementError('time dimension offset must be duration or now()');
    }
    offset %= i.ns;
    if (offset < 0n) offset += i.ns;
    found = { interval: i.ns, offset, ...(stmt.location ? { zone: stmt.location } : {}) };
  }
  return found;
}

function groupTagKeys(stmt: SelectStatement, tagKeys: string[]): string[] {
  const out = new Set<string>();
  for (const d of stmt.dimensions) {
    if (d.kind === 'call' && d.name === 'time') continue;
    if (d.kind === 'wildcard') tagKeys.forEach((k) => out.add(k));
    else if (d.kind === 'regex') tagKeys.filter((k) => regex(d.source).test(k)).forEach((k) => out.add(k));
    else if (d.kind === 'varref') out.add(d.name);
    else throw new StatementError(`only time and tag dimensions allowed`);
  }
  return [...out].sort();
}

interface Group {
  tags: Record<string, string>;
  rows: Row[];
}

function groupRows(rows: Row[], keys: string[]): Group[] {
  const groups = new Map<string, Group>();
  for (const r of rows) {
    const tags: Record<string, string> = {};
    for (const k of keys) tags[k] = r.tags[k] ?? '';
    const id = keys.map((k) => tags[k]).join('\0');
    let g = groups.get(id);
    if (g === undefined) groups.set(id, (g = { tags, rows: [] }));
    g.rows.push(r);
  }
  return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, g]) => g);
}

function containsCall(e: Expr): boolean {
  if (e.kind === 'call') return true;
  if (e.kind === 'binary') return containsCall(e.lhs) || containsCall(e.rhs);
  if (e.kind === 'paren') return containsCall(e.expr);
  return false;
}

function checkMixing(stmt: SelectStatement): void {
  const calls = stmt.fields.flatMap((f) => callsIn(f.expr));
  const bare = stmt.fields.filter((f) => !containsCall(f.expr));
  if (bare.length === 0) return;
  const selector = calls.length === 1 && SELECTORS.has(calls[0].name);
  if (!selector || bare.some((f) => f.expr.kind === 'wildcard' || f.expr.kind === 'regex')) throw new StatementError('mixing aggregate and non-aggregate queries is not supported');
}

function callsIn(e: Expr): Extract<Expr, { kind: 'call' }>[] {
  if (e.kind === 'call') return [e];
  if (e.kind === 'binary') return [...callsIn(e.lhs), ...callsIn(e.rhs)];
  if (e.kind === 'paren') return callsIn(e.expr);
  return [];
}

/** A column's name as InfluxDB derives it: a field's name, a function's, joined by `_` in expressions. */
function columnName(e: Expr): string {
  switch (e.kind) {
    case 'varref':
      return e.name;
    case 'call':
      return e.name;
    case 'paren':
      return columnName(e.expr);
    case 'binary': {
      const l = columnName(e.lhs);
      const r = columnName(e.rhs);
      return l !== '' && r !== '' ? `${l}_${r}` : l || r;
    }
    case 'distinct':
      return 'distinct';
    default:
      return '';
  }
}

function uniqueNames(names: string[]): string[] {
  const used = new Map<string, number>();
  const all = new Set(names);
  return names.map((n) => {
    const c = used.get(n);
    if (c === undefined) {
      used.set(n, 0);
      return n;
    }
    let i = c + 1;
    while (all.has(`${n}_${i}`)) i++;
    used.set(n, i);
    const name = `${n}_${i}`;
    all.add(name);
    return name;
  });
}

// ---- raw rows ----

interface RawColumn {
  name: string;
  expr: Expr;
  isField: boolean;
}

function rawSeries(stmt: SelectStatement, name: string, groups: Group[], groupTags: string[], fields: string[], tagKeys: string[], isTag: IsTag): Series[] {
  const cols: RawColumn[] = [];
  for (const f of stmt.fields) {
    const e = f.expr;
    if (e.kind === 'wildcard') {
      const names = [...(e.type !== 'tag' ? fields : []), ...(e.type !== 'field' ? tagKeys.filter((k) => !groupTags.includes(k) && !fields.includes(k)) : [])].sort();
      for (const n of names) cols.push({ name: n, expr: { kind: 'varref', name: n }, isField: fields.includes(n) });
    } else if (e.kind === 'regex') {
      for (const n of fields.filter((k) => regex(e.source).test(k))) cols.push({ name: n, expr: { kind: 'varref', name: n }, isField: true });
    } else if (e.kind === 'distinct') throw notSupported('DISTINCT without parentheses');
    else cols.push({ name: f.alias || columnName(e), expr: e, isField: refsField(e, isTag) });
  }
  if (!cols.some((c) => c.isField)) {
    if (cols.length === 0) return [];
    throw new StatementError('statement must have at least one field in select clause');
  }
  const names = uniqueNames(cols.map((c) => c.name));
  const build = (rows: Row[], tags?: Record<string, string>): Series | undefined => {
    const values: Value[][] = [];
    const times: bigint[] = [];
    const sorted = [...rows].sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
    for (const r of sorted) {
      const vals = cols.map((c) => evalExpr(c.expr, r, isTag));
      if (!cols.some((c, i) => c.isField && vals[i] !== null)) continue;
      values.push([null, ...vals.map((v, i) => (cols[i].isField || v !== '' ? v : null))]);
      times.push(r.time);
    }
    if (values.length === 0) return undefined;
    return { name, ...(tags ? { tags } : {}), columns: ['time', ...names], values, times };
  };
  const out: Series[] = [];
  if (groupTags.length === 0) {
    const s = build(groups.flatMap((g) => g.rows));
    if (s) out.push(s);
  } else {
    for (const g of groups) {
      const s = build(g.rows, g.tags);
      if (s) out.push(s);
    }
  }
  return out;
}

function refsField(e: Expr, isTag: IsTag): boolean {
  switch (e.kind) {
    case 'varref':
      return e.type === 'field' || (e.type !== 'tag' && !isTag(e.name));
    case 'binary':
      return refsField(e.lhs, isTag) || refsField(e.rhs, isTag);
    case 'paren':
      return refsField(e.expr, isTag);
    default:
      return false;
  }
}

// ---- aggregates ----

interface Slot {
  fn: string;
  field: string;
  type?: string;
  arg?: number;
  /** count(distinct(f)). */
  countDistinct?: boolean;
}

interface AggColumn {
  name: string;
  expr: Expr;
  /** The call slots of its expression, in order. */
  slots: Slot[];
}

interface AggPlan {
  cols: AggColumn[];
  /** Bare fields beside a selector. */
  aux: { name: string; expr: Expr }[];
  allSlots: Slot[];
  /** The one function with several rows per window, if any. */
  multi: Slot | undefined;
  singleSelector: boolean;
  names: string[];
}

/** The columns of an aggregate query (wildcards expanded), or undefined when none. */
function planAggregate(stmt: SelectStatement, fields: string[], fieldTypes: Map<string, string>): AggPlan | undefined {
  const cols: AggColumn[] = [];
  const aux: { name: string; expr: Expr }[] = [];
  for (const f of stmt.fields) {
    if (!containsCall(f.expr)) {
      aux.push({ name: f.alias || columnName(f.expr), expr: f.expr });
      continue;
    }
    const e = f.expr;
    const arg0 = e.kind === 'call' ? e.args[0] : undefined;
    const inner = e.kind === 'call' && arg0?.kind === 'call' && arg0.name === 'distinct' ? arg0.args[0] : undefined;
    const wild = e.kind === 'call' && (arg0?.kind === 'wildcard' || arg0?.kind === 'regex' || inner?.kind === 'wildcard' || inner?.kind === 'regex');
    if (wild && e.kind === 'call') {
      const pattern = (inner ?? arg0)!;
      const numericOnly = NUMERIC_ONLY.has(e.name);
      const matching = fields.filter((k) => (pattern.kind === 'regex' ? regex(pattern.source).test(k) : true) && (!numericOnly || ['float', 'int', 'uint'].includes(fieldTypes.get(k)!)));
      for (const k of matching) {
        const call: Expr = inner !== undefined ? { kind: 'call', name: e.name, args: [{ kind: 'call', name: 'distinct', args: [{ kind: 'varref', name: k }] }] } : { ...e, args: [{ kind: 'varref', name: k }, ...e.args.slice(1)] };
        cols.push({ name: `${f.alias || e.name}_${k}`, expr: call, slots: slotsOf(call) });
      }
      continue;
    }
    cols.push({ name: f.alias || columnName(e), expr: e, slots: slotsOf(e) });
  }
  if (cols.length === 0) return undefined;
  const allSlots = cols.flatMap((c) => c.slots);
  const multi = allSlots.find((s) => MULTI_ROW.has(s.fn));
  if (multi !== undefined && (allSlots.length > 1 || cols[0].expr.kind !== 'call')) {
    throw new StatementError(multi.fn === 'distinct' ? 'aggregate function distinct() cannot be combined with other functions or fields' : `selector function ${multi.fn}() cannot be combined with other functions`);
  }
  const singleSelector = allSlots.length === 1 && SELECTORS.has(allSlots[0].fn);
  const names = uniqueNames([...cols.map((c) => c.name), ...aux.map((a) => a.name)]);
  return { cols, aux, allSlots, multi, singleSelector, names };
}

/** The windows of a GROUP BY time() with fill other than none, refused past MAX_WINDOWS. */
function windowCount(startWindow: bigint, endTime: bigint, timeDim: TimeDim): bigint {
  const count = endTime >= startWindow ? (endTime - startWindow) / timeDim.interval + 1n : 0n;
  if (count > BigInt(MAX_WINDOWS)) {
    // A bound InfluxDB lacks (it would build them all): windows are made one by one, per series.
    throw new StatementError(`GROUP BY time() would make ${count} windows per series, more than ${MAX_WINDOWS}: narrow the time range (an upper bound too, else it runs to now()) or use a larger interval or fill(none)`);
  }
  return count;
}

/** One output row of aggregates from the picks of its slots (in slot order). */
function aggregateRow(plan: AggPlan, picks: Picked[]): Value[] {
  let k = 0;
  const row: Value[] = [null];
  for (const c of plan.cols) {
    const local = picks.slice(k, k + c.slots.length);
    k += c.slots.length;
    row.push(evalAgg(c.expr, local, { i: 0 }));
  }
  return row;
}

interface FastInputs {
  fieldTypes: Map<string, string>;
  groupTags: string[];
  filter: Expr | undefined;
  isTag: IsTag;
  range: TimeRange;
  timeDim: TimeDim | undefined;
}

/**
 * GROUP BY time() of count/sum/mean/min/max/spread/first/last over float and integer fields,
 * aggregated from the streamed batches (stream-aggregate.ts); undefined when the query or the
 * data needs the row path.
 */
async function fastAggregate(stmt: SelectStatement, name: string, plan: AggPlan, q: ReadQuery, ctx: SelectContext, x: FastInputs): Promise<Series[] | undefined> {
  const { timeDim, range, filter, isTag, fieldTypes } = x;
  if (timeDim === undefined || timeDim.zone !== undefined || plan.multi !== undefined || plan.aux.length > 0) return undefined;
  if (!fastSlotsOk(plan.allSlots, fieldTypes, isTag)) return undefined;
  if (filter !== undefined && !tagsOnly(filter, isTag)) return undefined;
  const read = await streamAggregate(ctx.store, q, {
    slots: plan.allSlots,
    fieldTypes,
    groupTags: x.groupTags,
    filter,
    isTag,
    windowOf: (t) => floorTo(t, timeDim),
    interval: timeDim.interval,
    start: range.hasStart ? range.start : undefined,
    seriesKeys: [...ctx.store.series(q.bucketId, q.measurement)].sort(),
    maxWindows: MAX_WINDOWS,
  });
  if (read === undefined) return undefined;
  if (read.groups.length === 0) return [];
  const startWindow = read.base;
  const endTime = range.hasEnd ? range.end : ctx.now;
  const count = stmt.fill.kind !== 'none' ? Number(windowCount(startWindow, endTime, timeDim)) : 0;
  const types = plan.allSlots.map((s) => fieldTypes.get(s.field)!);
  const plain = plan.cols.every((c) => c.expr.kind === 'call' && c.slots.length === 1);
  const out: Series[] = [];
  for (const g of read.groups) {
    if (!g.anyField) continue;
    const values: Value[][] = [];
    const times: bigint[] = [];
    const emit = (w: number) => {
      if (plain) {
        // Each column is one function: its value as is (no expression to evaluate).
        const row: Value[] = [null];
        for (let k = 0; k < plan.allSlots.length; k++) row.push(fastPick(g, k, w, plan.allSlots[k], types[k]).value);
        values.push(row);
      } else values.push(aggregateRow(plan, plan.allSlots.map((s, k) => fastPick(g, k, w, s, types[k]))));
      times.push(startWindow + BigInt(w) * timeDim.interval);
    };
    if (stmt.fill.kind === 'none') {
      for (let w = 0; w < g.size; w++) if (g.rows[w] > 0) emit(w);
    } else for (let w = 0; w < count; w++) emit(w);
    if (stmt.descending) {
      values.reverse();
      times.reverse();
    }
    applyFill(stmt, values, plan.allSlots, plan.cols);
    if (values.length === 0) continue;
    out.push({ name, ...(x.groupTags.length > 0 ? { tags: g.tags } : {}), columns: ['time', ...plan.names], values, times });
  }
  return out;
}

function aggregateSeries(stmt: SelectStatement, name: string, plan: AggPlan, groups: Group[], groupTags: string[], isTag: IsTag, range: TimeRange, timeDim: TimeDim | undefined, now: bigint): Series[] {
  const { cols, aux, allSlots, multi, singleSelector } = plan;
  const names = plan.names;
  // Windows: the range's start (or the first point's window) to its end (or now).
  let firstTime: bigint | undefined;
  for (const g of groups) for (const r of g.rows) if (firstTime === undefined || r.time < firstTime) firstTime = r.time;
  if (firstTime === undefined) return [];
  const windowOf = (t: bigint) => (timeDim === undefined ? 0n : floorTo(t, timeDim));
  const startWindow = timeDim === undefined ? 0n : windowOf(range.hasStart ? range.start : firstTime);
  const endTime = range.hasEnd ? range.end : now;
  if (timeDim !== undefined && stmt.fill.kind !== 'none') windowCount(startWindow, endTime, timeDim);
  const out: Series[] = [];
  for (const g of groups) {
    // A series where none of the functions' fields has a value is not in the answer at all.
    if (!allSlots.some((sl) => g.rows.some((r) => r.fields.has(sl.field)))) continue;
    const byWindow = new Map<bigint, Row[]>();
    for (const r of g.rows) {
      const w = windowOf(r.time);
      let l = byWindow.get(w);
      if (l === undefined) byWindow.set(w, (l = []));
      l.push(r);
    }
    const windows: bigint[] = [];
    if (timeDim === undefined) windows.push(0n);
    else if (stmt.fill.kind === 'none') windows.push(...[...byWindow.keys()].sort((a, b) => (a < b ? -1 : 1)));
    else for (let w = startWindow; w <= endTime; w += timeDim.interval) windows.push(w);
    const values: Value[][] = [];
    const times: bigint[] = [];
    for (const w of windows) {
      const rows = (byWindow.get(w) ?? []).sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
      const windowTime = timeDim === undefined ? (range.hasStart ? range.start : 0n) : w;
      if (multi !== undefined) {
        const slot = allSlots[0];
        const picked = multiRow(slot.fn, pointsOf(rows, slot), slot.arg);
        for (const p of picked) {
          const row: Value[] = [null, p.value];
          for (const a of aux) row.push(evalExpr(a.expr, rows[p.index], isTag));
          values.push(row);
          times.push(slot.fn === 'distinct' ? windowTime : p.time);
        }
        continue;
      }
      if (rows.length === 0 && stmt.fill.kind === 'none') continue;
      const picks: Picked[] = allSlots.map((s) => computeSlot(s, rows));
      const row = aggregateRow(plan, picks);
      const chosen = singleSelector ? picks[0].point : undefined;
      for (const a of aux) row.push(chosen !== undefined ? evalExpr(a.expr, rows[chosen.index], isTag) : null);
      values.push(row);
      times.push(singleSelector && timeDim === undefined && chosen !== undefined ? chosen.time : windowTime);
    }
    if (stmt.descending) {
      // fill(previous) and fill(linear) follow the order of the answer.
      values.reverse();
      times.reverse();
    }
    if (timeDim !== undefined && multi === undefined) applyFill(stmt, values, allSlots, cols);
    if (values.length === 0) continue;
    out.push({ name, ...(groupTags.length > 0 ? { tags: g.tags } : {}), columns: ['time', ...names], values, times });
  }
  return out;
}

function floorTo(t: bigint, d: TimeDim): bigint {
  // With a zone, windows are aligned in its local time (at the offset in force at t).
  const zoneNs = d.zone ? BigInt(zoneOffsetMinutes(d.zone, t)) * 60_000_000_000n : 0n;
  const x = t + zoneNs - d.offset;
  let q = x / d.interval;
  if (x % d.interval !== 0n && x < 0n) q -= 1n;
  return q * d.interval + d.offset - zoneNs;
}

function slotsOf(e: Expr): Slot[] {
  if (e.kind === 'binary') return [...slotsOf(e.lhs), ...slotsOf(e.rhs)];
  if (e.kind === 'paren') return slotsOf(e.expr);
  if (e.kind !== 'call') return [];
  const a0 = e.args[0];
  if (e.name === 'count' && a0?.kind === 'call' && a0.name === 'distinct') {
    const f = a0.args[0];
    if (f?.kind !== 'varref') throw new StatementError('expected field argument in distinct()');
    return [{ fn: 'count', field: f.name, countDistinct: true }];
  }
  if (!AGGREGATES.has(e.name) && !MULTI_ROW.has(e.name)) throw notSupported(`the function ${e.name}()`);
  if (a0?.kind === 'call') throw notSupported(`${e.name}() of ${a0.name}()`);
  if (a0?.kind !== 'varref') throw new StatementError(`expected field argument in ${e.name}()`);
  const slot: Slot = { fn: e.name, field: a0.name, ...(a0.type ? { type: a0.type } : {}) };
  if (e.name === 'percentile') {
    const p = e.args[1];
    if (e.args.length !== 2) throw new StatementError(`invalid number of arguments for percentile, expected 2, got ${e.args.length}`);
    if (p.kind !== 'integer' && p.kind !== 'number') throw new StatementError(`expected float argument in percentile()`);
    slot.arg = Number(p.kind === 'integer' ? p.value : p.value);
  } else if (e.name === 'top' || e.name === 'bottom') {
    const n = e.args[e.args.length - 1];
    if (e.args.length > 2) throw notSupported(`${e.name}() with tag arguments`);
    if (e.args.length < 2 || n.kind !== 'integer') throw new StatementError(`expected integer as last argument in ${e.name}(), found ${n?.kind ?? 'nothing'}`);
    slot.arg = Number(n.value);
  } else if (e.args.length !== 1) throw new StatementError(`invalid number of arguments for ${e.name}, expected 1, got ${e.args.length}`);
  return [slot];
}

function pointsOf(rows: Row[], s: Slot): TV[] {
  const out: TV[] = [];
  rows.forEach((r, index) => {
    const v = r.fields.get(s.field);
    if (v === undefined) return;
    out.push({ time: r.time, value: v, index });
  });
  return out;
}

function computeSlot(s: Slot, rows: Row[]): Picked {
  const pts = pointsOf(rows, s);
  if (s.countDistinct) return { value: BigInt(multiRow('distinct', pts).length) };
  return aggregate(s.fn, pts, s.arg);
}

function evalAgg(e: Expr, picks: Picked[], cursor: { i: number }): Value {
  switch (e.kind) {
    case 'call':
      return picks[cursor.i++].value;
    case 'paren':
      return evalAgg(e.expr, picks, cursor);
    case 'binary': {
      const l = evalAgg(e.lhs, picks, cursor);
      const r = evalAgg(e.rhs, picks, cursor);
      return arithmeticOrCompare(e.op, l, r);
    }
    case 'integer':
    case 'unsigned':
      return e.value;
    case 'number':
      return e.value;
    default:
      throw notSupported(`a ${e.kind} combined with an aggregate`);
  }
}

function applyFill(stmt: SelectStatement, values: Value[][], slots: Slot[], cols: AggColumn[]): void {
  const fill = stmt.fill;
  for (let c = 1; c <= cols.length; c++) {
    const isCount = cols[c - 1].expr.kind === 'call' && cols[c - 1].slots.length === 1 && cols[c - 1].slots[0].fn === 'count';
    if (fill.kind === 'null') {
      if (isCount) for (const row of values) if (row[c] === null) row[c] = 0n;
    } else if (fill.kind === 'number') {
      for (const row of values) if (row[c] === null) row[c] = Number.isInteger(fill.value) && isCount ? BigInt(fill.value) : fill.value;
    } else if (fill.kind === 'previous') {
      let prev: Value = null;
      for (const row of values) {
        if (row[c] === null) row[c] = prev;
        else prev = row[c];
      }
    } else if (fill.kind === 'linear') {
      let last = -1;
      for (let i = 0; i < values.length; i++) {
        const v = values[i][c];
        if (v === null) continue;
        if (last >= 0 && i - last > 1) {
          const a = values[last][c];
          if (typeof a === 'number' || typeof a === 'bigint') {
            for (let j = last + 1; j < i; j++) {
              const x = typeof a === 'bigint' && typeof v === 'bigint' ? a + ((v - a) * BigInt(j - last)) / BigInt(i - last) : Number(a) + ((Number(v) - Number(a)) * (j - last)) / (i - last);
              values[j][c] = x;
            }
          }
        }
        last = i;
      }
    }
  }
  void slots;
}

/** ORDER BY time DESC, LIMIT/OFFSET per series, SLIMIT/SOFFSET over series. */
function finish(stmt: SelectStatement, series: Series[]): Series[] {
  for (const s of series) {
    if (stmt.descending) {
      // Rows keep their order within one time; the times run backwards.
      const idx = s.times.map((_, i) => i).sort((a, b) => (s.times[a] > s.times[b] ? -1 : s.times[a] < s.times[b] ? 1 : a - b));
      s.values = idx.map((i) => s.values[i]);
      s.times = idx.map((i) => s.times[i]);
    }
    if (stmt.offset > 0 || stmt.limit > 0) {
      const end = stmt.limit > 0 ? stmt.offset + stmt.limit : undefined;
      s.values = s.values.slice(stmt.offset, end);
      s.times = s.times.slice(stmt.offset, end);
    }
  }
  let out = series.filter((s) => s.values.length > 0);
  if (stmt.soffset > 0 || stmt.slimit > 0) out = out.slice(stmt.soffset, stmt.slimit > 0 ? stmt.soffset + stmt.slimit : undefined);
  // InfluxDB orders the series backwards too (after SLIMIT took the first ones).
  if (stmt.descending) out.reverse();
  return out;
}
