// What a host (Electron's main process, or `lpstudio serve`'s browser mode) gives the app
// service (`app/service.ts`, `createAppService(deps): AppHandlers`). The service itself is plain
// Node: no electron import, so it runs and is tested under Node.
import type { FileJobsApi } from './files/file-jobs.js';
import type { WorkspaceStore } from './workspace-store.js';
import type { DbrpOut, QueryRequest, QueryResult, EndpointSettings, EndpointStatus, Profile, ProfileInput, RequestEntry, SecretProtection, StoredPointOut, TokenOut, V1UserOut } from './contract.js';

/** Connection profiles with their secrets kept by the host (safeStorage vault, or a 0600 file). */
export interface ProfileStore {
  protection(): Promise<SecretProtection>;
  list(): Profile[] | Promise<Profile[]>;
  /** Refuses (AppError 'unprotected') to store a secret that would not be protected unless `allowUnprotected`. */
  save(input: ProfileInput): Promise<Profile>;
  remove(id: string): void | Promise<void>;
  /** The secret in clear, for making a request in the host; never sent to the renderer. */
  secret(id: string): Promise<string | undefined>;
}

/** This app's own endpoint, as the host runs it. */
export interface LocalEndpoint {
  status(): EndpointStatus;
  /** A token of the endpoint with write access to every bucket, held by the host in memory. */
  token(): string | undefined;
  /** Its databases: buckets and DBRP mappings, as db + retention policies. */
  databases(): Promise<{ db: string; rps: string[] }[]>;
  /** Its stored data: in process (browser mode) or in the endpoint's process (the desktop). */
  data?: LocalData;
  /** Its last requests (at most REQUEST_LOG_SIZE), oldest first; empty where the host does not keep them. */
  requests?(): readonly RequestEntry[] | Promise<readonly RequestEntry[]>;
}

/** Requests the inspector keeps. */
export const REQUEST_LOG_SIZE = 500;

/** Answered now, or later when the data lives in another process. */
type Maybe<T> = T | Promise<T>;

export interface LocalData {
  buckets(): Maybe<{ id: string; name: string; retentionSeconds: number }[]>;
  measurements(bucketId: string): Maybe<{ measurement: string; series: number; tagKeys: string[]; fields: { key: string; type: 'float' | 'int' | 'uint' | 'string' | 'bool' }[] }[]>;
  /** Throws AppError('invalid') with the reason when the name or retention is refused. */
  createBucket(name: string, retention: string): Maybe<{ id: string; name: string; retentionSeconds: number }>;
  deleteBucket(bucketId: string): Maybe<void>;
  /** Line protocol of a measurement's points, oldest first, stopping before `maxChars`. */
  exportText(q: { bucketId: string; measurement: string; series?: string; start?: string; stop?: string }, maxChars: number): Maybe<{ text: string; points: number; truncated: boolean }>;
  /** Newest first. */
  read(q: { bucketId: string; measurement: string; series?: string; start?: string; stop?: string; limit: number; offset: number }): Maybe<StoredPointOut[]>;
  /** A measurement's series keys, sorted: the first `limit`, and how many there are. */
  series(bucketId: string, measurement: string, limit: number): Maybe<{ series: string[]; total: number }>;
  // Access management. Each throws AppError('invalid') with the reason for a refused change and
  // AppError('not-found') for an ID that is gone.
  dbrps(): Maybe<DbrpOut[]>;
  createDbrp(m: { db: string; rp: string; bucketId: string; default: boolean }): Maybe<DbrpOut>;
  deleteDbrp(id: string): Maybe<void>;
  /** Never a token's secret nor its hash. */
  tokens(): Maybe<TokenOut[]>;
  /** `all`: an operator token (every bucket); else read and write on that bucket. The secret is in this answer only. */
  createToken(description: string, write: 'all' | string): Maybe<{ id: string; description: string; token: string }>;
  deleteToken(id: string): Maybe<void>;
  v1Users(): Maybe<V1UserOut[]>;
  createV1User(username: string, password: string, writeBucketId: string): Maybe<V1UserOut>;
  deleteV1User(id: string): Maybe<void>;
  /** The `lpstudio serve` flags it runs with. */
  settings(): Maybe<EndpointSettings>;
  /** Changes what can change while it runs (body limit, bucket auto-creation), until it restarts. */
  updateSettings(s: { maxBodyBytes?: number; autoCreateBuckets?: boolean }): Maybe<EndpointSettings>;
  /** InfluxQL over every bucket of the first org (the operator's view), as /query answers it. */
  query(q: QueryRequest): Maybe<QueryResult>;
}

/** Every LocalData method by name: what the endpoint process lets another process call. */
export const LOCAL_DATA_METHODS = [
  'buckets',
  'measurements',
  'createBucket',
  'deleteBucket',
  'exportText',
  'read',
  'series',
  'dbrps',
  'createDbrp',
  'deleteDbrp',
  'tokens',
  'createToken',
  'deleteToken',
  'v1Users',
  'createV1User',
  'deleteV1User',
  'settings',
  'updateSettings',
  'query',
] as const satisfies readonly (keyof LocalData)[];
export type LocalDataMethod = (typeof LOCAL_DATA_METHODS)[number];
// A method added to LocalData but not to the list fails to compile here, naming it.
type None<T extends never> = T;
export type UnlistedDataMethods = None<Exclude<keyof LocalData, LocalDataMethod>>;

export interface AppHostDeps {
  /**
   * Dropped files and their uploads; created in <dataDir>/uploads when not given. The desktop
   * gives the endpoint process's (so summaries and uploads stay off Electron's main thread).
   */
  files?: FileJobsApi;
  mode: 'desktop' | 'browser';
  version: string;
  profiles: ProfileStore;
  endpoint: LocalEndpoint;
  /** Directory for the app's own files (history, the composer's session). */
  dataDir: string;
  /** The desktop: Open and Save through the host's native dialogs (electron/document-files.ts). */
  documents?: {
    open(): Promise<{ name: string; text: string; eol: 'lf' | 'crlf'; fileRef: string } | null>;
    save(d: { fileRef?: string; name: string; text: string; eol: 'lf' | 'crlf'; saveAs: boolean }): Promise<{ fileRef: string; name: string } | null>;
  };
  /** The composer's session; `<dataDir>/workspace.json` when not given. */
  workspace?: WorkspaceStore;
  /**
   * The user's clipboard, where the host can write to it (the desktop: Electron's clipboard in
   * the main process). Absent in browser mode: its host runs apart from the user's browser.
   */
  clipboard?: { writeText(text: string): void };
  /** Injected for tests; defaults to global fetch. */
  fetch?: typeof fetch;
  now?: () => Date;
  /** First retry delay of uploads, ms (tests shorten it). */
  uploadBackoffMs?: number;
}
