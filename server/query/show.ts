// The SHOW statements over the store's metadata: databases and retention policies (from the
// DBRP mappings the caller may read), measurements, tag keys and values, field keys, series.
import type { Expr, Source, ShowFieldKeysStatement, ShowMeasurementsStatement, ShowSeriesStatement, ShowTagKeysStatement, ShowTagValuesStatement } from '../../influxql/index.js';
import type { BucketStore } from '../store/api.js';
import { notSupported, StatementError } from './errors.js';
import { evalExpr, regex, type Row } from './expr.js';
import { TYPE_NAME, type Value } from './values.js';

export interface ShowSeries {
  name?: string;
  columns: string[];
  values: Value[][];
}

export interface MetaContext {
  store: BucketStore;
  /** The bucket of a database (empty: the request's) and retention policy; throws StatementError. */
  bucketOf(db: string, rp: string): string;
}

function byString(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The measurements a FROM list names (all when empty), sorted. */
function measurementsOf(ctx: MetaContext, database: string, sources: Source[]): { bucketId: string; name: string }[] {
  if (sources.length === 0) {
    const bucketId = ctx.bucketOf(database, '');
    return ctx.store.measurements(bucketId).sort(byString).map((name) => ({ bucketId, name }));
  }
  const out = new Map<string, { bucketId: string; name: string }>();
  for (const s of sources) {
    if (s.kind === 'subquery') throw notSupported('a subquery');
    const bucketId = ctx.bucketOf(s.database || database, s.retentionPolicy);
    const all = ctx.store.measurements(bucketId);
    const names = s.regex !== undefined ? all.filter((m) => regex(s.regex!).test(m)) : all.includes(s.name!) ? [s.name!] : [];
    for (const name of names) out.set(`${bucketId}\0${name}`, { bucketId, name });
  }
  return [...out.values()].sort((a, b) => byString(a.name, b.name));
}

/** Tags of a series key (`m,k=v,k2=v2`, line-protocol escaping). */
export function seriesTags(key: string): Record<string, string> {
  const tags: Record<string, string> = {};
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < key.length; i++) {
    const c = key[i];
    if (c === '\\' && i + 1 < key.length) {
      cur += c + key[++i];
      continue;
    }
    if (c === ',') {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  for (const p of parts.slice(1)) {
    let eq = -1;
    for (let i = 0; i < p.length; i++) {
      if (p[i] === '\\') i++;
      else if (p[i] === '=') {
        eq = i;
        break;
      }
    }
    if (eq < 0) continue;
    const unescape = (s: string) => s.replace(/\\([,= \\])/g, '$1');
    tags[unescape(p.slice(0, eq))] = unescape(p.slice(eq + 1));
  }
  return tags;
}

/** A WHERE clause of a SHOW statement: over tags only (InfluxDB ignores time there). */
function tagFilter(cond: Expr | undefined): (tags: Record<string, string>) => boolean {
  if (cond === undefined) return () => true;
  return (tags) => {
    const row: Row = { time: 0n, tags, fields: new Map() };
    return evalExpr(stripTime(cond), row, () => true) === true;
  };
}

function stripTime(e: Expr): Expr {
  if (e.kind === 'paren') return { kind: 'paren', expr: stripTime(e.expr) };
  if (e.kind === 'binary' && (e.op === 'AND' || e.op === 'OR')) {
    const l = refsTime(e.lhs);
    const r = refsTime(e.rhs);
    if (l && r) return { kind: 'boolean', value: true };
    if (l) return stripTime(e.rhs);
    if (r) return stripTime(e.lhs);
    return { ...e, lhs: stripTime(e.lhs), rhs: stripTime(e.rhs) };
  }
  return refsTime(e) ? { kind: 'boolean', value: true } : e;
}

function refsTime(e: Expr): boolean {
  if (e.kind === 'varref') return e.name === 'time';
  if (e.kind === 'binary') return refsTime(e.lhs) || refsTime(e.rhs);
  if (e.kind === 'paren') return refsTime(e.expr);
  return false;
}

function page<T>(list: T[], limit: number, offset: number): T[] {
  return list.slice(offset, limit > 0 ? offset + limit : undefined);
}

export function showMeasurements(s: ShowMeasurementsStatement, ctx: MetaContext): ShowSeries[] {
  if (s.database === '*') throw notSupported('SHOW MEASUREMENTS ON *');
  const bucketId = ctx.bucketOf(s.database, '');
  let names = ctx.store.measurements(bucketId).sort(byString);
  if (s.source !== undefined) names = s.source.regex !== undefined ? names.filter((m) => regex(s.source!.regex!).test(m)) : names.filter((m) => m === s.source!.name);
  if (s.condition !== undefined) {
    const keep = tagFilter(s.condition);
    names = names.filter((m) => ctx.store.series(bucketId, m).some((k) => keep(seriesTags(k))));
  }
  names = page(names, s.limit, s.offset);
  return names.length === 0 ? [] : [{ name: 'measurements', columns: ['name'], values: names.map((n) => [n]) }];
}

export function showTagKeys(s: ShowTagKeysStatement, ctx: MetaContext): ShowSeries[] {
  const out: ShowSeries[] = [];
  for (const m of measurementsOf(ctx, s.database, s.sources)) {
    let keys: string[];
    if (s.condition === undefined) keys = ctx.store.tagKeys(m.bucketId, m.name);
    else {
      const keep = tagFilter(s.condition);
      const set = new Set<string>();
      for (const k of ctx.store.series(m.bucketId, m.name)) {
        const tags = seriesTags(k);
        if (keep(tags)) Object.keys(tags).forEach((t) => set.add(t));
      }
      keys = [...set];
    }
    keys = page(keys.sort(byString), s.limit, s.offset);
    if (keys.length > 0) out.push({ name: m.name, columns: ['tagKey'], values: keys.map((k) => [k]) });
  }
  // InfluxDB 1.6 parses SLIMIT and SOFFSET here but does not apply them.
  return out;
}

export function showTagValues(s: ShowTagValuesStatement, ctx: MetaContext): ShowSeries[] {
  const out: ShowSeries[] = [];
  const keep = tagFilter(s.condition);
  for (const m of measurementsOf(ctx, s.database, s.sources)) {
    const keyOk = (k: string): boolean => {
      switch (s.key.op) {
        case 'IN':
          return s.key.keys.includes(k);
        case '=':
          return k === s.key.key;
        case '!=':
          return k !== s.key.key;
        case '=~':
          return regex(s.key.regex).test(k);
        case '!~':
          return !regex(s.key.regex).test(k);
      }
    };
    const pairs = new Set<string>();
    for (const k of ctx.store.series(m.bucketId, m.name)) {
      const tags = seriesTags(k);
      if (!keep(tags)) continue;
      for (const [tk, tv] of Object.entries(tags)) if (keyOk(tk)) pairs.add(`${tk}\0${tv}`);
    }
    const values = page(
      [...pairs].map((p) => p.split('\0') as [string, string]).sort((a, b) => byString(a[0], b[0]) || byString(a[1], b[1])),
      s.limit,
      s.offset,
    );
    if (values.length > 0) out.push({ name: m.name, columns: ['key', 'value'], values });
  }
  return out;
}

export function showFieldKeys(s: ShowFieldKeysStatement, ctx: MetaContext): ShowSeries[] {
  const out: ShowSeries[] = [];
  for (const m of measurementsOf(ctx, s.database, s.sources)) {
    const keys = page(
      ctx.store.fieldKeys(m.bucketId, m.name).sort((a, b) => byString(a.key, b.key)),
      s.limit,
      s.offset,
    );
    if (keys.length > 0) out.push({ name: m.name, columns: ['fieldKey', 'fieldType'], values: keys.map((k) => [k.key, TYPE_NAME[k.type]]) });
  }
  return out;
}

export function showSeries(s: ShowSeriesStatement, ctx: MetaContext): ShowSeries[] {
  const keep = tagFilter(s.condition);
  const keys: string[] = [];
  for (const m of measurementsOf(ctx, s.database, s.sources)) for (const k of ctx.store.series(m.bucketId, m.name)) if (keep(seriesTags(k))) keys.push(k);
  const values = page(keys.sort(byString), s.limit, s.offset);
  return values.length === 0 ? [] : [{ columns: ['key'], values: values.map((k) => [k]) }];
}

/** A retention period as Go prints a time.Duration (`0s`, `168h0m0s`, `1h30m0s`). */
export function goDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

/** InfluxDB's default shard group duration for a retention period. */
export function shardGroupSeconds(retentionSeconds: number): number {
  if (retentionSeconds === 0 || retentionSeconds >= 180 * 86400) return 7 * 86400;
  if (retentionSeconds < 2 * 86400) return 3600;
  return 86400;
}

export { StatementError };
