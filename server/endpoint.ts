// Starts and stops the embedded endpoint: metadata, the bucket store and the HTTP server.
// Used by `lpstudio serve` and by the desktop app's utilityProcess host.
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createEndpointServer, type RequestLogEntry } from './http/app.js';
import { PasswordAttempts } from './http/password-attempts.js';
import { APP_TOKEN_DESCRIPTION, MetaStore, replaceAppToken, setup, type SetupResult } from './meta.js';
import type { BucketStore, StoreStats } from './store/api.js';
import { openBucketStore } from './store/index.js';
import { createAppService } from '../app/service.js';
import { FileProfileStore } from '../app/file-profiles.js';
import { createBrowserMode, type BrowserMode } from './browser/routes.js';
import { localDatabases } from './browser/databases.js';
import { createLocalData, type SyncLocalData } from './local-data.js';
import { REQUEST_LOG_SIZE } from '../app/host-deps.js';
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
  /** Every request; `inspected` when it is one of the request inspector's (the InfluxDB API's, not the UI's). */
  onRequest?: (entry: RequestLogEntry, inspected: boolean) => void;
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
  /** The data browser's view of the stored data (browser mode's, and the desktop's through the control protocol). */
  data: SyncLocalData;
  /** The request inspector's log: the last requests of the InfluxDB API (not the UI's own), oldest first. */
  requests(): readonly RequestLogEntry[];
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
  const host = o.host ?? '127.0.0.1';
  let listeningPort = o.port ?? 8086;
  let browser: BrowserMode | undefined;
  let files: FileJobs | undefined;
  // What may change while it runs: read by the request handlers on every request.
  const live = { maxBody: o.maxBody ?? DEFAULT_MAX_BODY, autoCreateBuckets: o.autoCreateBuckets ?? false };
  const data = createLocalData({
    meta,
    store,
    syncBuckets,
    settings: () => ({
      host,
      port: listeningPort,
      maxBodyBytes: live.maxBody,
      autoCreateBuckets: live.autoCreateBuckets,
      dataDir: path.resolve(o.dataDir),
    }),
    updateSettings: (s) => {
      if (s.maxBodyBytes !== undefined) live.maxBody = s.maxBodyBytes;
      if (s.autoCreateBuckets !== undefined) live.autoCreateBuckets = s.autoCreateBuckets;
    },
  });
  if (o.ui !== false) {
    // A fresh token for the app to write to its own endpoint, held only in memory (stored hashed).
    const appToken = replaceAppToken(meta, APP_TOKEN_DESCRIPTION);
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
        data,
      },
    });
    browser = createBrowserMode(meta, service, files);
  }
  const server = createEndpointServer({
    browser,
    meta,
    store,
    get maxBody() {
      return live.maxBody;
    },
    bodyIdleMs: o.bodyIdleMs ?? 30_000,
    get autoCreateBuckets() {
      return live.autoCreateBuckets;
    },
    ensureBucketData: async (id) => {
      if (known.has(id)) return;
      const b = meta.get().buckets.find((x) => x.id === id);
      if (b === undefined) return;
      await store.createBucketData(b);
      known.add(id);
    },
    passwordAttempts: new PasswordAttempts(),
    maxConcurrent: o.maxConcurrent ?? 256,
    onRequest: (e) => {
      requests++;
      const inspect = !e.path.startsWith('/app-api/') && !e.path.startsWith('/assets/') && e.path !== '/' && e.path !== '/index.html';
      if (inspect) {
        inspected.push(e);
        if (inspected.length > REQUEST_LOG_SIZE) inspected.splice(0, inspected.length - REQUEST_LOG_SIZE);
      }
      o.onRequest?.(e, inspect);
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
    data,
    requests: () => inspected,
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
