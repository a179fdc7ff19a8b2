// What a host (Electron's main process, or `lpstudio serve`'s browser mode) gives the app
// service (`app/service.ts`, `createAppService(deps): AppHandlers`). The service itself is plain
// Node: no electron import, so it runs and is tested under Node.
import type { FileJobs } from './files/file-jobs.js';
import type { DbrpOut, EndpointSettings, EndpointStatus, Profile, ProfileInput, RequestEntry, SecretProtection, StoredPointOut, TokenOut, V1UserOut } from './contract.js';

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
  /** Its stored data, where the host can read it (browser mode); absent in the desktop for now. */
  data?: LocalData;
  /** Its last requests (at most 500), oldest first; empty where the host does not keep them. */
  requests?(): readonly RequestEntry[];
}

export interface LocalData {
  buckets(): { id: string; name: string; retentionSeconds: number }[];
  measurements(bucketId: string): { measurement: string; series: number; tagKeys: string[]; fields: { key: string; type: 'float' | 'int' | 'uint' | 'string' | 'bool' }[] }[];
  /** Throws AppError('invalid') with the reason when the name or retention is refused. */
  createBucket(name: string, retention: string): { id: string; name: string; retentionSeconds: number };
  deleteBucket(bucketId: string): void;
  /** Line protocol of a measurement's points, oldest first, stopping before `maxChars`. */
  exportText(q: { bucketId: string; measurement: string; start?: string; stop?: string }, maxChars: number): { text: string; points: number; truncated: boolean };
  /** Newest first. */
  read(q: { bucketId: string; measurement: string; start?: string; stop?: string; limit: number; offset: number }): StoredPointOut[];
  // Access management. Each throws AppError('invalid') with the reason for a refused change and
  // AppError('not-found') for an ID that is gone.
  dbrps(): DbrpOut[];
  createDbrp(m: { db: string; rp: string; bucketId: string; default: boolean }): DbrpOut;
  deleteDbrp(id: string): void;
  /** Never a token's secret nor its hash. */
  tokens(): TokenOut[];
  /** `all`: an operator token (every bucket); else read and write on that bucket. The secret is in this answer only. */
  createToken(description: string, write: 'all' | string): { id: string; description: string; token: string };
  deleteToken(id: string): void;
  v1Users(): V1UserOut[];
  createV1User(username: string, password: string, writeBucketId: string): V1UserOut;
  deleteV1User(id: string): void;
  /** The `lpstudio serve` flags it runs with. */
  settings(): EndpointSettings;
}

export interface AppHostDeps {
  /** Dropped files and their uploads; created in <dataDir>/uploads when not given. */
  files?: FileJobs;
  mode: 'desktop' | 'browser';
  version: string;
  profiles: ProfileStore;
  endpoint: LocalEndpoint;
  /** Directory for the app's own files (history). */
  dataDir: string;
  /** Injected for tests; defaults to global fetch. */
  fetch?: typeof fetch;
  now?: () => Date;
  /** First retry delay of uploads, ms (tests shorten it). */
  uploadBackoffMs?: number;
}
