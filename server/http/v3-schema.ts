// InfluxDB 3's schema rules for a write (influxdb3_catalog's column_or_create and limits, as
// validate_and_qualify_v1_line applies them line by line), against what this store holds: a
// column keeps its first type (a tag and a field are different types, so they may not share a
// name), a field may not repeat within a line, and a table holds at most 500 tag and field
// columns (time not counted); an instance at most 5 databases and 2,000 tables (InfluxDB 3 Core
// until 2026-06; its newer releases allow 100 and 4,000).
// The "catalog" is the store's own: a table's tags and field types as stored, plus what earlier
// lines of the same request added (3.x keeps those, also from lines refused later).
import { displayV3Line, type V3Line, type V3Value } from '../../lineprotocol/influxdb3.js';
import type { MetaState } from '../meta.js';
import type { BucketStore } from '../store/api.js';

export const V3_LIMITS = { columnsPerTable: 500, databases: 5, tables: 2000 } as const;

type ColumnType = 'tag' | 'time' | V3Value['type'];

/** InfluxColumnType's Display. */
const TYPE_NAMES: Record<ColumnType, string> = {
  tag: 'iox::column_type::tag',
  time: 'iox::column_type::timestamp',
  float: 'iox::column_type::field::float',
  int: 'iox::column_type::field::integer',
  uint: 'iox::column_type::field::uinteger',
  string: 'iox::column_type::field::string',
  bool: 'iox::column_type::field::boolean',
};

export class V3Catalog {
  private readonly tables = new Map<string, Map<string, ColumnType>>();
  private tableCount: number | undefined;

  constructor(
    private readonly store: BucketStore,
    private readonly meta: Readonly<MetaState>,
    /** The database's bucket, when it exists already. */
    private readonly bucketId: string | undefined,
  ) {}

  display(l: V3Line): string {
    return displayV3Line(l);
  }

  /** Tables of the instance (every bucket's measurements), counted once per request. */
  private countTables(): number {
    if (this.tableCount === undefined) {
      let n = 0;
      for (const b of this.meta.buckets) n += this.store.measurements(b.id).length;
      this.tableCount = n;
    }
    return this.tableCount;
  }

  private table(name: string): Map<string, ColumnType> | string {
    let t = this.tables.get(name);
    if (t !== undefined) return t;
    t = new Map();
    if (this.bucketId !== undefined && this.store.measurements(this.bucketId).includes(name)) {
      for (const k of this.store.tagKeys(this.bucketId, name)) t.set(k, 'tag');
      for (const f of this.store.fieldKeys(this.bucketId, name)) if (!t.has(f.key)) t.set(f.key, f.type);
      t.set('time', 'time');
    } else {
      const current = this.countTables();
      if (current >= V3_LIMITS.tables) {
        return `Update to schema would exceed number of tables limit: attempted to create table but already have ${current} table(s) (limit: ${V3_LIMITS.tables})`;
      }
      this.tableCount = current + 1;
    }
    this.tables.set(name, t);
    return t;
  }

  private column(t: Map<string, ColumnType>, name: string, type: ColumnType): string | undefined {
    const existing = t.get(name);
    if (existing !== undefined) {
      if (existing !== type) return `invalid column type for column '${name}', expected ${TYPE_NAMES[existing]}, got ${TYPE_NAMES[type]}`;
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

  /** Checks a parsed line and records its new columns; the error text 3.x gives, else undefined. */
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
