// The endpoint's databases as a 1.x client sees them: virtual mappings of bucket names
// ("db" → db/autogen, "db/rp" → db/rp) and explicit DBRP mappings.
import type { MetaState } from './meta.js';

export function localDatabases(meta: Readonly<MetaState>): { db: string; rps: string[] }[] {
  const dbs = new Map<string, Set<string>>();
  const add = (db: string, rp: string) => {
    if (!dbs.has(db)) dbs.set(db, new Set());
    dbs.get(db)!.add(rp);
  };
  for (const b of meta.buckets) {
    const slash = b.name.indexOf('/');
    if (slash < 0) add(b.name, 'autogen');
    else add(b.name.slice(0, slash), b.name.slice(slash + 1));
  }
  for (const m of meta.dbrps) add(m.db, m.rp);
  return [...dbs].sort(([a], [b]) => a.localeCompare(b)).map(([db, rps]) => ({ db, rps: [...rps].sort() }));
}
