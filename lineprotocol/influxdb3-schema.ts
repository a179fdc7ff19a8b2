// InfluxDB 3's schema rules for a write (influxdb3_catalog's column_or_create and limits, as
// influxdb3_write's validate_and_qualify_v1_line applies them line by line): a column keeps its
// first type (a tag and a field are different types, so they may not share a name), a field may
// not repeat within a line, a table holds at most 500 tag and field columns (time not counted),
// an instance at most 5 databases and 2,000 tables (InfluxDB 3 Core's limits until 2026-06; its
// newer releases allow 100 and 4,000). Also 3.x's timestamp rules: precision `auto` guesses the
// unit of each timestamp from its magnitude. Pure TS.
import { displayV3Line, type V3Line, type V3Value } from './influxdb3.js';

export const V3_LIMITS = { columnsPerTable: 500, databases: 5, tables: 2000 } as const;

export type V3ColumnType = 'tag' | 'time' | V3Value['type'];

/** A fixed unit, or `auto` (3.x's default on /api/v3/write_lp). */
export type V3Precision = 'auto' | 's' | 'ms' | 'us' | 'ns';

/** Every spelling 3.x's serde takes (a variant's name and aliases, sorted as serde lists them). */
export const V3_PRECISION_SPELLINGS: Readonly<Record<string, V3Precision>> = {
  auto: 'auto', s: 's', second: 's', millisecond: 'ms', ms: 'ms', microsecond: 'us', u: 'us', us: 'us', n: 'ns', nanosecond: 'ns', ns: 'ns',
};

export function parseV3Precision(raw: string): V3Precision | undefined {
  return Object.hasOwn(V3_PRECISION_SPELLINGS, raw) ? V3_PRECISION_SPELLINGS[raw] : undefined;
}

/** What already exists where the write goes (the store's tables; nothing for a new database or a document). */
export interface V3SchemaSource {
  /** The table's columns and their types, or undefined when it does not exist. */
  table(name: string): Map<string, V3ColumnType> | undefined;
  /** Tables of the whole instance (the limit is per instance). */
  tableCount(): number;
}

export const EMPTY_SCHEMA: V3SchemaSource = { table: () => undefined, tableCount: () => 0 };

/** InfluxColumnType's Display. */
export const V3_TYPE_NAMES: Record<V3ColumnType, string> = {
  tag: 'iox::column_type::tag',
  time: 'iox::column_type::timestamp',
  float: 'iox::column_type::field::float',
  int: 'iox::column_type::field::integer',
  uint: 'iox::column_type::field::uinteger',
  string: 'iox::column_type::field::string',
  bool: 'iox::column_type::field::boolean',
};

/** The catalog of one write: what exists plus what earlier lines added (3.x keeps those, also from lines refused later). */
export class V3Catalog {
  private readonly tables = new Map<string, Map<string, V3ColumnType>>();
  private tableCount: number | undefined;

  constructor(private readonly source: V3SchemaSource = EMPTY_SCHEMA) {}

  display(l: V3Line): string {
    return displayV3Line(l);
  }

  /** The columns of a table as this write sees them (undefined: unknown yet). */
  columns(name: string): ReadonlyMap<string, V3ColumnType> | undefined {
    return this.tables.get(name) ?? this.source.table(name);
  }

  private table(name: string): Map<string, V3ColumnType> | string {
    let t = this.tables.get(name);
    if (t !== undefined) return t;
    const existing = this.source.table(name);
    if (existing !== undefined) {
      t = new Map(existing);
      t.set('time', 'time');
    } else {
      const current = this.tableCount ?? this.source.tableCount();
      if (current >= V3_LIMITS.tables) {
        return `Update to schema would exceed number of tables limit: attempted to create table but already have ${current} table(s) (limit: ${V3_LIMITS.tables})`;
      }
      this.tableCount = current + 1;
      t = new Map();
    }
    this.tables.set(name, t);
    return t;
  }

  private column(t: Map<string, V3ColumnType>, name: string, type: V3ColumnType): string | undefined {
    const existing = t.get(name);
    if (existing !== undefined) {
      if (existing !== type) return `invalid column type for column '${name}', expected ${V3_TYPE_NAMES[existing]}, got ${V3_TYPE_NAMES[type]}`;
      return undefined;
    }
    if (type !== 'time') {
      let columns = 0;
      for (const c of t.values()) if (c !== 'time') columns++;
      if (columns >= V3_LIMITS.columnsPerTable) return `Update to schema would exceed number of columns per table limit of ${V3_LIMITS.columnsPerTable} columns`;
    }
    t.set(name, type);
    return undefined;
  }

  /** Checks a parsed line and records its new columns: the error text 3.x gives, else undefined. */
  qualify(l: V3Line): string | undefined {
    const t = this.table(l.measurement);
    if (typeof t === 'string') return t;
    for (const tag of l.tags) {
      const e = this.column(t, tag.key, 'tag');
      if (e !== undefined) return e;
    }
    const seen = new Set<string>();
    for (const f of l.fields) {
      const e = this.column(t, f.key, f.value.type);
      if (e !== undefined) return e;
      if (seen.has(f.key)) return `invalid line protocol - multiple instances of '${f.key}' field found`;
      seen.add(f.key);
    }
    return this.column(t, 'time', 'time');
  }
}

const MULTIPLIER: Record<Exclude<V3Precision, 'auto'>, bigint> = { s: 1_000_000_000n, ms: 1_000_000n, us: 1_000n, ns: 1n };
const PRECISION_DEBUG: Record<V3Precision, string> = { auto: 'Auto', s: 'Second', ms: 'Millisecond', us: 'Microsecond', ns: 'Nanosecond' };

/** Precision::guess_precision: |t| / 1e9 (integer division) < 5 → s, < 5,000 → ms, < 5,000,000 → us, else ns. */
export function guessPrecision(ts: bigint): Exclude<V3Precision, 'auto'> {
  const val = (ts < 0n ? -ts : ts) / 1_000_000_000n;
  if (val < 5n) return 's';
  if (val < 5_000n) return 'ms';
  if (val < 5_000_000n) return 'us';
  return 'ns';
}

/** Precision::to_nanos for a timestamp: nanoseconds, or 3.x's error text when it overflows i64. */
export function v3TimestampNs(ts: bigint, precision: V3Precision): bigint | string {
  const unit = precision === 'auto' ? guessPrecision(ts) : precision;
  const ns = ts * MULTIPLIER[unit];
  if (ns < -(2n ** 63n) || ns > 2n ** 63n - 1n) return `timestamp, ${ts}, out of range for precision: ${PRECISION_DEBUG[precision]}`;
  return ns;
}

/** Server time for a line without a timestamp: truncated to a fixed precision; auto keeps it whole. */
export function v3DefaultTime(nowNs: bigint, precision: V3Precision): bigint {
  return precision === 'auto' ? nowNs : (nowNs / MULTIPLIER[precision]) * MULTIPLIER[precision];
}
