// db/rp → bucket, as InfluxDB 2.x resolves it (spec §2.5.2): explicit mappings first, then the
// virtual ones every bucket implies (bucket `db` is `db/autogen` and default; bucket `db/rp` is
// reachable only with that rp).
import type { MetaState } from '../meta.js';

export interface Mapping {
  db: string;
  rp: string;
  bucketId: string;
  default: boolean;
  virtual: boolean;
}

export function mappings(meta: Readonly<MetaState>, orgId: string): Mapping[] {
  const physical: Mapping[] = meta.dbrps
    .filter((m) => m.orgId === orgId)
    .map((m) => ({ db: m.db, rp: m.rp, bucketId: m.bucketId, default: m.default, virtual: false }));
  const out = [...physical];
  for (const b of meta.buckets) {
    if (b.orgId !== orgId) continue;
    const slash = b.name.indexOf('/');
    const db = slash < 0 ? b.name : b.name.slice(0, slash);
    const rp = slash < 0 ? 'autogen' : b.name.slice(slash + 1);
    if (physical.some((m) => m.db === db && m.rp === rp)) continue;
    const isDefault = slash < 0 && !physical.some((m) => m.db === db && m.default);
    out.push({ db, rp, bucketId: b.id, default: isDefault, virtual: true });
  }
  return out;
}

/** The mapping for db and rp (empty rp: the db's default), or undefined. */
export function findMapping(meta: Readonly<MetaState>, orgId: string, db: string, rp: string): Mapping | undefined {
  const all = mappings(meta, orgId).filter((m) => m.db === db);
  return rp === '' ? all.find((m) => m.default) : all.find((m) => m.rp === rp);
}
