// The endpoint's stored data as the app's data browser sees it (app/host-deps.ts `LocalData`):
// buckets, measurements, points, export, and access management. One implementation, used in
// the endpoint's own process: by browser mode directly, by the desktop through the control
// protocol (cli/endpoint-control.ts).
import type { MetaStore } from '../server/meta.js';
import {
  isAppToken,
  createBucket,
  createDbrp,
  createToken,
  createV1Auth,
  deleteBucket,
  deleteDbrp,
  deleteToken,
  deleteV1Auth,
  MetaError,
  MetaNotFoundError,
  parseRetention,
} from '../server/meta.js';
import { LineFormatter } from '../server/store/lines.js';
import { mappings } from '../server/http/dbrp.js';
import type { EndpointCore } from '../server/endpoint.js';
import { AppError, type EndpointSettings } from '../app/contract.js';
import type { LocalData } from '../app/host-deps.js';
import { runLocalQuery } from './local-query.js';

export type LocalDataOptions = Pick<EndpointCore, 'meta' | 'store' | 'syncBuckets' | 'settings' | 'updateSettings'>;

/** Reads of stored points (streamed in slices, with the event loop free in between) and queries: asynchronous. */
type SlicedMethods = 'read' | 'exportText' | 'query';

/** Synchronous methods, what the endpoint process answers without waiting, but for the reads of points. */
export type SyncLocalData = {
  [M in keyof LocalData]: M extends SlicedMethods
    ? (...a: Parameters<LocalData[M]>) => Promise<Awaited<ReturnType<LocalData[M]>>>
    : (...a: Parameters<LocalData[M]>) => Awaited<ReturnType<LocalData[M]>>;
};

export function createLocalData({ meta, store, syncBuckets, settings, updateSettings }: LocalDataOptions): SyncLocalData {
  return {
    buckets: () => {
      const m = meta.get();
      const v3 = new Set(m.v3Databases ?? []);
      return m.buckets.map((b) => ({ id: b.id, name: b.name, retentionSeconds: b.retentionSeconds, ...(v3.has(b.id) ? { createdBy: 'influxdb3' as const } : {}) }));
    },
    measurements: (bucketId) =>
      store.measurements(bucketId).map((m) => ({
        measurement: m,
        series: store.series(bucketId, m).length,
        tagKeys: store.tagKeys(bucketId, m),
        fields: store.fieldKeys(bucketId, m),
      })),
    read: (q) => store.readAsync({ ...q, descending: true }),
    series: (bucketId, measurement, limit) => {
      const all = store.series(bucketId, measurement);
      return { series: all.slice(0, limit), total: all.length };
    },
    createBucket: (name, retention) => {
      let seconds: number;
      try {
        seconds = parseRetention(retention);
      } catch (e) {
        throw new AppError('invalid', (e as Error).message);
      }
      try {
        const b = createBucket(meta, meta.get().orgs[0].id, name, seconds);
        return { id: b.id, name: b.name, retentionSeconds: b.retentionSeconds };
      } catch (e) {
        if (e instanceof MetaError) throw new AppError('invalid', e.message);
        throw e;
      }
    },
    deleteBucket: (bucketId) => {
      deleteBucket(meta, bucketId);
      void syncBuckets();
    },
    exportText: async (q, maxChars) => {
      const lines: string[] = [];
      let chars = 0;
      let truncated = false;
      // No line is shorter than its measurement and ` k=v t` (plus its newline): more points than
      // this cannot fit, and the one beyond them tells that the text was cut.
      const limit = Math.floor(maxChars / (q.measurement.length + 6)) + 1;
      const fmt = new LineFormatter();
      // Streamed, and stopped (files closed) as soon as the text is full.
      read: for await (const batch of store.readStream({ ...q, limit })) {
        for (let i = 0; i < batch.length; i++) {
          const line = fmt.lineOf(batch, i);
          if (chars + line.length + 1 > maxChars) {
            truncated = true;
            break read;
          }
          lines.push(line);
          chars += line.length + 1;
        }
      }
      return { text: lines.length === 0 ? '' : lines.join('\n') + '\n', points: lines.length, truncated };
    },
    query: (q) => runLocalQuery(meta, store, q),
    ...accessData(meta, settings),
    updateSettings: (s) => {
      updateSettings(s);
      return settings();
    },
  };
}

/** Meta's refusals as the app API's errors: a missing record is not-found, anything else invalid. */
function asApp<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof MetaNotFoundError) throw new AppError('not-found', e.message);
    if (e instanceof MetaError) throw new AppError('invalid', e.message);
    throw e;
  }
}

type AccessData = Pick<SyncLocalData, 'dbrps' | 'createDbrp' | 'deleteDbrp' | 'tokens' | 'createToken' | 'deleteToken' | 'v1Users' | 'createV1User' | 'deleteV1User' | 'settings'>;

/** The data browser's access management: DBRP mappings, tokens and v1 users of the first org, on the same rules as the CLI. */
function accessData(meta: MetaStore, settings: () => EndpointSettings): AccessData {
  const orgId = () => meta.get().orgs[0].id;
  const bucketName = (id: string) => meta.get().buckets.find((b) => b.id === id)?.name;
  const refs = (ids: string[]) => ids.map((id) => ({ id, name: bucketName(id) }));
  const v1User = (a: { id: string; username: string; read: string[]; write: string[] }) => ({ id: a.id, username: a.username, read: refs(a.read), write: refs(a.write) });
  return {
    dbrps: () => {
      const s = meta.get();
      const physical = s.dbrps.filter((m) => m.orgId === orgId()).map((m) => ({ id: m.id, db: m.db, rp: m.rp, bucketId: m.bucketId, bucketName: bucketName(m.bucketId) ?? '', default: m.default }));
      // Virtual mappings carry their bucket's ID, as InfluxDB lists them.
      const virtual = mappings(s, orgId())
        .filter((m) => m.virtual)
        .map((m) => ({ id: m.bucketId, db: m.db, rp: m.rp, bucketId: m.bucketId, bucketName: bucketName(m.bucketId) ?? '', default: m.default, virtual: true }));
      return [...physical, ...virtual].sort((a, b) => a.db.localeCompare(b.db) || a.rp.localeCompare(b.rp));
    },
    createDbrp: (m) =>
      asApp(() => {
        const d = createDbrp(meta, { orgId: orgId(), ...m });
        return { id: d.id, db: d.db, rp: d.rp, bucketId: d.bucketId, bucketName: bucketName(d.bucketId) ?? '', default: d.default };
      }),
    deleteDbrp: (id) =>
      asApp(() => {
        const s = meta.get();
        const virtual = s.dbrps.some((m) => m.id === id) ? undefined : mappings(s, orgId()).find((m) => m.virtual && m.bucketId === id);
        if (virtual !== undefined) {
          throw new MetaError(`db "${virtual.db}" rp "${virtual.rp}" comes from the name of bucket "${bucketName(id)}" (a virtual mapping): it goes away with the bucket, or map that db and rp elsewhere to override it`);
        }
        deleteDbrp(meta, id);
      }),
    tokens: () => meta.get().tokens.map((t) => ({ id: t.id, description: t.description, read: t.read, write: t.write, app: isAppToken(t) })),
    createToken: (description, write) =>
      asApp(() => {
        const grant = write === 'all' ? '*' : [write];
        const { record, token } = createToken(meta, { orgId: orgId(), description, read: grant, write: grant });
        return { id: record.id, description: record.description, token };
      }),
    deleteToken: (id) => asApp(() => deleteToken(meta, id)),
    v1Users: () => meta.get().v1auths.map(v1User),
    createV1User: (username, password, writeBucketId) => asApp(() => v1User(createV1Auth(meta, { orgId: orgId(), username, password, read: [], write: [writeBucketId] }))),
    deleteV1User: (id) => asApp(() => deleteV1Auth(meta, id)),
    settings,
  };
}
