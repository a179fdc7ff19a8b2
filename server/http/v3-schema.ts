// The schema InfluxDB 3's rules (lineprotocol/influxdb3-schema.ts) check a write against: this
// store's own tables, a table's tags and field types as stored.
import type { V3ColumnType, V3SchemaSource } from '../../lineprotocol/influxdb3-schema.js';
import type { MetaState } from '../meta.js';
import type { BucketStore } from '../store/api.js';

export function storeSchema(store: BucketStore, meta: Readonly<MetaState>, bucketId: string | undefined): V3SchemaSource {
  return {
    table(name) {
      if (bucketId === undefined || !store.measurements(bucketId).includes(name)) return undefined;
      const t = new Map<string, V3ColumnType>();
      for (const k of store.tagKeys(bucketId, name)) t.set(k, 'tag');
      for (const f of store.fieldKeys(bucketId, name)) if (!t.has(f.key)) t.set(f.key, f.type);
      t.set('time', 'time');
      return t;
    },
    tableCount() {
      let n = 0;
      for (const b of meta.buckets) n += store.measurements(b.id).length;
      return n;
    },
  };
}
