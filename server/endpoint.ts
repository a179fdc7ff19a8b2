// Starts and stops the embedded endpoint: metadata, the bucket store and the HTTP server.
// Used by `lpstudio serve` and by the desktop app's utilityProcess host.
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createEndpointServer, type ExtraRoutes, type RequestLogEntry } from './http/app.js';
import { PasswordAttempts } from './http/password-attempts.js';
import { MetaStore, setup, type SetupResult } from './meta.js';
import type { BucketStore, StoreHealth, StoreStats } from './store/api.js';
import { openBucketStore } from './store/index.js';

/** The flags the endpoint runs with (its port is known once it listens). */
export interface RunSettings {
  host: string;
  port: number;
  maxBodyBytes: number;
  autoCreateBuckets: boolean;
  dataDir: string;
}

/** What an extension (the browser mode `lpstudio serve` wires in) gets of the endpoint it extends. */
export interface EndpointCore {
  meta: MetaStore;
  store: BucketStore;
  dataDir: string;
  /** The address it listens at; empty until it does. */
  url(): string;
  /** The request inspector's log: the last requests of the InfluxDB API, oldest first. */
  requests(): readonly RequestLogEntry[];
  /** Creates and removes buckets' data directories to match meta. */
  syncBuckets(): Promise<void>;
  settings(): RunSettings;
  /** Changes what may change while it runs (read by the request handlers on every request). */
  updateSettings(s: { maxBodyBytes?: number; autoCreateBuckets?: boolean }): void;
}

/** Routes served next to the InfluxDB API on paths it does not use, and what to close with the endpoint. */
export interface EndpointExtension {
  routes: ExtraRoutes;
  close?(): void;
}

export interface EndpointOptions {
  dataDir: string;
  host?: string;
  port?: number;
  maxBody?: number;
  autoCreateBuckets?: boolean;
  /** `influxdb3`: /write and /api/v2/write answer as InfluxDB 3's compatibility endpoints (default 2.x). */
  compat?: 'influxdb2' | 'influxdb3';
  /** Operator token for onboarding an empty data dir (else one is generated). */
  token?: string;
  maxConcurrent?: number;
  bodyIdleMs?: number;
  /** Connection bounds (ms): request headers (default 10 s), idle keep-alive (5 s), no traffic at all (2 min). */
  headersTimeoutMs?: number;
  keepAliveTimeoutMs?: number;
  socketIdleMs?: number;
  log?: (msg: string) => void;
  /** How many of the InfluxDB API's last requests `requests()` keeps for the request inspector (default none). */
  requestLogSize?: number;
  /** Every request; `inspected` when it is one of the request inspector's (the InfluxDB API's, not the UI's). */
  onRequest?: (entry: RequestLogEntry, inspected: boolean) => void;
  /**
   * More routes (the browser mode's UI and app API), made once the endpoint's metadata and store
   * are open. Without it the endpoint serves the InfluxDB API only.
   */
  extend?: (core: EndpointCore) => EndpointExtension;
}

export interface Endpoint extends Omit<EndpointCore, 'url'> {
  url: string;
  host: string;
  port: number;
  /** Set when this start onboarded an empty data dir. */
  onboarding?: SetupResult;
  stats(): StoreStats & { requests: number };
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
  // What may change while it runs: read by the request handlers on every request.
  const live = { maxBody: o.maxBody ?? DEFAULT_MAX_BODY, autoCreateBuckets: o.autoCreateBuckets ?? false };
  const core: EndpointCore = {
    meta,
    store,
    dataDir: o.dataDir,
    url: () => url,
    requests: () => inspected,
    syncBuckets,
    settings: () => ({ host, port: listeningPort, maxBodyBytes: live.maxBody, autoCreateBuckets: live.autoCreateBuckets, dataDir: path.resolve(o.dataDir) }),
    updateSettings: (s) => {
      if (s.maxBodyBytes !== undefined) live.maxBody = s.maxBodyBytes;
      if (s.autoCreateBuckets !== undefined) live.autoCreateBuckets = s.autoCreateBuckets;
    },
  };
  const extension = o.extend?.(core);
  const server = createEndpointServer({
    extraRoutes: extension?.routes,
    compat: o.compat,
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
    headersTimeoutMs: o.headersTimeoutMs,
    keepAliveTimeoutMs: o.keepAliveTimeoutMs,
    socketIdleMs: o.socketIdleMs,
    onRequest: (e, inspect) => {
      requests++;
      if (inspect) {
        inspected.push(e);
        const keep = o.requestLogSize ?? 0;
        if (inspected.length > keep) inspected.splice(0, inspected.length - keep);
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
    ...core,
    url,
    host,
    port,
    onboarding,
    stats: () => ({ ...store.stats(), requests }),
    close: async () => {
      clearInterval(syncTimer);
      extension?.close?.();
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

/** The store's health as the app's endpoint status shows it. */
export function writability(h: StoreHealth): { writable: boolean; readOnlyReason?: string } {
  return h.writable ? { writable: true } : { writable: false, readOnlyReason: h.reason };
}
