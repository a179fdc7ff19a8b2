// Starts and stops the embedded endpoint: metadata, the bucket store and the HTTP server.
// Used by `lpstudio serve` and by the desktop app's utilityProcess host.
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createEndpointServer, type RequestLogEntry } from './http/app.js';
import { MetaStore, setup, type SetupResult } from './meta.js';
import type { BucketStore, StoreStats } from './store/api.js';
import { openBucketStore } from './store/index.js';
import { createAppService } from '../app/service.js';
import { FileProfileStore } from '../app/file-profiles.js';
import { createBrowserMode, type BrowserMode } from './browser/routes.js';
import { localDatabases } from './browser/databases.js';
import { serializePoint } from '../lineprotocol/serialize.js';
import {
  APP_TOKEN_DESCRIPTION,
  createBucket,
  createDbrp,
  createToken,
  createV1Auth,
  deleteBucket,
  deleteDbrp,
  deleteToken,
  deleteV1Auth,
  hashToken,
  MetaError,
  MetaNotFoundError,
  newId,
  newToken,
  parseRetention,
} from './meta.js';
import { AppError, type EndpointSettings } from '../app/contract.js';
import type { LocalData } from '../app/host-deps.js';
import { mappings } from './http/dbrp.js';
import { FileJobs } from '../app/files/file-jobs.js';

export interface EndpointOptions {
  dataDir: string;
  host?: string;
  port?: number;
  maxBody?: number;
  autoCreateBuckets?: boolean;
  /** Operator token for onboarding an empty data dir (else one is generated). */
  token?: string;
  maxConcurrent?: number;
  bodyIdleMs?: number;
  log?: (msg: string) => void;
  onRequest?: (entry: RequestLogEntry) => void;
  /** Serve the UI and the app API (browser mode). Default true. */
  ui?: boolean;
  version?: string;
}

export interface Endpoint {
  url: string;
  host: string;
  port: number;
  /** Set when this start onboarded an empty data dir. */
  onboarding?: SetupResult;
  meta: MetaStore;
  store: BucketStore;
  stats(): StoreStats & { requests: number };
  /** The browser mode, when the UI is served. */
  browser?: BrowserMode;
  close(): Promise<void>;
}

export const DEFAULT_MAX_BODY = 50 * 1024 * 1024;
export const DEFAULT_ORG = 'lpstudio';
export const DEFAULT_BUCKET = 'default';

export async function startEndpoint(o: EndpointOptions): Promise<Endpoint> {
  const log = o.log ?? ((m: string) => process.stderr.write(m + '\n'));
  const meta = MetaStore.open(o.dataDir);
  let onboarding: SetupResult | undefined;
  if (!meta.onboarded) {
    onboarding = setup(meta, { username: 'admin', org: DEFAULT_ORG, bucket: DEFAULT_BUCKET, token: o.token });
  }
  const store = await openBucketStore(path.join(o.dataDir), [...meta.get().buckets], { log });
  let known = new Set(meta.get().buckets.map((b) => b.id));
  // Buckets created or deleted by the CLI (or by auto-create) get their data directories here.
  const syncBuckets = async () => {
    const now = meta.get().buckets;
    for (const b of now) if (!known.has(b.id)) await store.createBucketData(b);
    const ids = new Set(now.map((b) => b.id));
    for (const id of known) if (!ids.has(id)) await store.deleteBucketData(id);
    known = ids;
  };
  await syncBuckets();
  let requests = 0;
  let url = '';
  // The request inspector's log: the InfluxDB API's requests only (not the UI's own calls).
  const inspected: RequestLogEntry[] = [];
  const INSPECTOR_SIZE = 500;
  const host = o.host ?? '127.0.0.1';
  let listeningPort = o.port ?? 8086;
  let browser: BrowserMode | undefined;
  let files: FileJobs | undefined;
  if (o.ui !== false) {
    // A fresh token for the app to write to its own endpoint, held only in memory (stored hashed).
    const appToken = newToken();
    meta.update((s) => {
      s.tokens = s.tokens.filter((t) => t.description !== APP_TOKEN_DESCRIPTION);
      s.tokens.push({ id: newId(), description: APP_TOKEN_DESCRIPTION, orgId: s.orgs[0].id, hash: hashToken(appToken), read: '*', write: '*' });
    });
    files = new FileJobs(path.join(o.dataDir, 'app', 'uploads'));
    const service = createAppService({
      files,
      mode: 'browser',
      version: o.version ?? '0.0.0',
      dataDir: path.join(o.dataDir, 'app'),
      profiles: new FileProfileStore(path.join(o.dataDir, 'app')),
      endpoint: {
        status: () => ({ state: url === '' ? 'starting' : 'running', url: url === '' ? undefined : url }),
        token: () => appToken,
        databases: async () => localDatabases(meta.get()),
        requests: () => inspected,
        data: {
          buckets: () => meta.get().buckets.map((b) => ({ id: b.id, name: b.name, retentionSeconds: b.retentionSeconds })),
          measurements: (bucketId) =>
            store.measurements(bucketId).map((m) => ({
              measurement: m,
              series: store.series(bucketId, m).length,
              tagKeys: store.tagKeys(bucketId, m),
              fields: store.fieldKeys(bucketId, m),
            })),
          read: (q) => store.read({ ...q, descending: true }),
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
          exportText: (q, maxChars) => {
            const lines: string[] = [];
            let chars = 0;
            let truncated = false;
            for (const p of store.read({ ...q })) {
              const line = serializePoint({ measurement: p.measurement, tags: p.tags, fields: p.fields, time: p.time });
              if (chars + line.length + 1 > maxChars) {
                truncated = true;
                break;
              }
              lines.push(line);
              chars += line.length + 1;
            }
            return { text: lines.length === 0 ? '' : lines.join('\n') + '\n', points: lines.length, truncated };
          },
          ...accessData(meta, () => ({
            host,
            port: listeningPort,
            maxBodyBytes: o.maxBody ?? DEFAULT_MAX_BODY,
            autoCreateBuckets: o.autoCreateBuckets ?? false,
            dataDir: path.resolve(o.dataDir),
          })),
        },
      },
    });
    browser = createBrowserMode(meta, service, files);
  }
  const server = createEndpointServer({
    browser,
    meta,
    store,
    maxBody: o.maxBody ?? DEFAULT_MAX_BODY,
    bodyIdleMs: o.bodyIdleMs ?? 30_000,
    autoCreateBuckets: o.autoCreateBuckets ?? false,
    ensureBucketData: async (id) => {
      if (known.has(id)) return;
      const b = meta.get().buckets.find((x) => x.id === id);
      if (b === undefined) return;
      await store.createBucketData(b);
      known.add(id);
    },
    maxConcurrent: o.maxConcurrent ?? 256,
    onRequest: (e) => {
      requests++;
      if (!e.path.startsWith('/app-api/') && !e.path.startsWith('/assets/') && e.path !== '/' && e.path !== '/index.html') {
        inspected.push(e);
        if (inspected.length > INSPECTOR_SIZE) inspected.splice(0, inspected.length - INSPECTOR_SIZE);
      }
      o.onRequest?.(e);
    },
  });
  const syncTimer = setInterval(() => {
    meta.reloadIfChanged();
    syncBuckets().catch((e) => log(`bucket sync failed: ${(e as Error).message}`));
  }, 1000);
  syncTimer.unref();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 8086, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  listeningPort = port;
  url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url,
    browser,
    host,
    port,
    onboarding,
    meta,
    store,
    stats: () => ({ ...store.stats(), requests }),
    close: async () => {
      clearInterval(syncTimer);
      files?.close();
      // Stop accepting, drop idle keep-alive connections (a browser keeps some open), give
      // requests in flight a moment to finish, then cut what is left.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const cut = setTimeout(() => server.closeAllConnections(), 2000);
      await closed;
      clearTimeout(cut);
      await store.close();
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

type AccessData = Pick<LocalData, 'dbrps' | 'createDbrp' | 'deleteDbrp' | 'tokens' | 'createToken' | 'deleteToken' | 'v1Users' | 'createV1User' | 'deleteV1User' | 'settings'>;

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
    tokens: () => meta.get().tokens.map((t) => ({ id: t.id, description: t.description, read: t.read, write: t.write, app: t.description === APP_TOKEN_DESCRIPTION })),
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
