// The app API: the one contract between the renderer and whatever hosts it. Two transports
// carry it unchanged: Electron IPC (preload -> main) and HTTP (browser mode, `lpstudio serve`).
// Every method has a zod schema for its input and its output; hosts validate every input
// (untrusted: it comes from a renderer) and the renderer may validate outputs.
// No Node, DOM or electron imports: the renderer, the main process and the server all use this.
import { z } from 'zod';

export const Precision = z.enum(['ns', 'us', 'ms', 's', 'm', 'h']);
export type Precision = z.infer<typeof Precision>;

/** Where a send goes: this app's own endpoint, or a remote InfluxDB. */
export const ProfileKind = z.enum(['endpoint', 'influxdb1', 'influxdb2', 'cloud', 'influxdb3']);
export type ProfileKind = z.infer<typeof ProfileKind>;

/** How a request authenticates: `Authorization: Token`, Basic user:password, or `u`/`p` in the query. */
export const AuthMethod = z.enum(['none', 'token', 'basic', 'query']);
export type AuthMethod = z.infer<typeof AuthMethod>;

const Name = z.string().max(255);

/** A connection profile as the renderer sees it: never the secret, only whether one is set. */
export const Profile = z.object({
  id: z.string().regex(/^[a-z0-9-]{1,64}$/),
  name: z.string().min(1).max(100),
  url: z
    .string()
    .max(2048)
    .url()
    .refine((u) => /^https?:\/\//.test(u), 'the URL must start with http:// or https://'),
  kind: ProfileKind,
  db: Name.optional(),
  rp: Name.optional(),
  org: Name.optional(),
  bucket: Name.optional(),
  precision: Precision.default('ns'),
  auth: AuthMethod,
  username: Name.optional(),
  hasSecret: z.boolean(),
  /** The built-in profile of this app's endpoint: not editable, not deletable. */
  builtin: z.boolean().optional(),
});
export type Profile = z.infer<typeof Profile>;

/** A profile as the renderer saves it; the secret only when it changes. */
export const ProfileInput = Profile.omit({ hasSecret: true, builtin: true }).extend({
  /** New secret; absent = keep the stored one; empty string = remove it. */
  secret: z.string().max(4096).optional(),
  /** Required to store a secret when it would not be protected (no OS keyring; browser mode's file). */
  allowUnprotected: z.boolean().optional(),
});
export type ProfileInput = z.infer<typeof ProfileInput>;

/** How secrets are kept on this host, for the UI to say so. */
export const SecretProtection = z.object({
  protected: z.boolean(),
  /** e.g. `gnome_libsecret`, `basic_text`, `data-dir-file`. */
  backend: z.string(),
  /** Why not protected, in a sentence for the user. */
  reason: z.string().optional(),
});
export type SecretProtection = z.infer<typeof SecretProtection>;

export const EndpointStatus = z.object({
  state: z.enum(['starting', 'running', 'stopped', 'error']),
  url: z.string().optional(),
  error: z.string().optional(),
  /** False while the endpoint refuses writes because its disk is full or failing (reads work); it recovers by itself. */
  writable: z.boolean().optional(),
  /** Why it is read-only, in a sentence. */
  readOnlyReason: z.string().optional(),
});
export type EndpointStatus = z.infer<typeof EndpointStatus>;

export const AppInfo = z.object({
  mode: z.enum(['desktop', 'browser']),
  version: z.string(),
  secrets: SecretProtection,
  endpoint: EndpointStatus,
});
export type AppInfo = z.infer<typeof AppInfo>;

/** What to send, and where. `db`/`rp` for /write targets, `org`/`bucket` for /api/v2/write ones. */
export const SendRequest = z.object({
  profileId: z.string().regex(/^[a-z0-9-]{1,64}$/),
  db: Name.optional(),
  rp: Name.optional(),
  org: Name.optional(),
  bucket: Name.optional(),
  precision: Precision,
  /** Overrides the profile's auth method for this request. */
  auth: AuthMethod.optional(),
  /**
   * Basic or u/p credentials typed in the composer for this request (never stored); without them
   * a Basic or u/p override uses the connection's own username and password.
   */
  username: Name.optional(),
  password: z.string().max(4096).optional(),
  /** InfluxDB 3 targets (/api/v3/write_lp): precision `auto` (then `precision` is not sent), partial writes, no fsync wait. */
  autoPrecision: z.boolean().optional(),
  acceptPartial: z.boolean().optional(),
  noSync: z.boolean().optional(),
  /** The line protocol. Capped: bigger inputs go through file upload. */
  body: z.string().max(64 * 1024 * 1024),
});
export type SendRequest = z.infer<typeof SendRequest>;

export const SendResult = z.object({
  /** 0 when no HTTP answer came (connection refused, timeout): see `error`. */
  status: z.number().int(),
  statusText: z.string(),
  durationMs: z.number(),
  /** The request as made, secrets masked: method and URL. */
  method: z.string(),
  url: z.string(),
  headers: z.array(z.tuple([z.string(), z.string()])),
  body: z.string(),
  /** Network-level failure, in words. */
  error: z.string().optional(),
  /** Lines (1-based, of the body sent) the server named as bad: InfluxDB's `line` field and `unable to parse` texts. */
  errorLines: z.array(z.number().int().positive()),
  /** The same lines, each with its own reason: refused by the parser, or dropped by storage (a partial write). */
  lineErrors: z.array(z.object({ line: z.number().int().positive(), reason: z.string(), outcome: z.enum(['rejected', 'dropped']) })).optional(),
  /** What the server stored, in one sentence (e.g. `4 of 6 points written; lines 2 and 5 dropped`), and the counts when known. */
  stored: z.object({ sentence: z.string(), written: z.number().int().optional(), points: z.number().int().optional() }).optional(),
});
export type SendResult = z.infer<typeof SendResult>;

export const HistoryEntry = z.object({
  id: z.string(),
  time: z.string(),
  profileId: z.string(),
  profileName: z.string(),
  url: z.string(),
  db: z.string().optional(),
  rp: z.string().optional(),
  org: z.string().optional(),
  bucket: z.string().optional(),
  precision: Precision,
  status: z.number().int(),
  durationMs: z.number(),
  lines: z.number().int(),
  /** The first 4 KiB of the body sent (replay uses `body` when it was kept whole). */
  excerpt: z.string(),
  /** The whole body, when it was at most 1 MiB. */
  body: z.string().optional(),
  responseExcerpt: z.string(),
});
export type HistoryEntry = z.infer<typeof HistoryEntry>;

export const DatabaseSuggestion = z.object({
  db: z.string(),
  rps: z.array(z.string()),
});

/** One request the local endpoint answered, for the request inspector (never a secret: only the auth method). */
export const RequestEntry = z.object({
  id: z.number().int(),
  time: z.string(),
  client: z.string(),
  method: z.string(),
  path: z.string(),
  /** The API generation: `v1`, `v2`, `v3`, or `v1 (3.x compat)` / `v2 (3.x compat)` (serve --compat influxdb3). */
  api: z.string().optional(),
  /** The query string (`?db=…`), secrets (p, token) masked. */
  query: z.string().optional(),
  /** The request's headers, Authorization masked to its scheme and a fingerprint. */
  requestHeaders: z.array(z.tuple([z.string(), z.string()])).optional(),
  auth: z.string().optional(),
  db: z.string().optional(),
  rp: z.string().optional(),
  bucket: z.string().optional(),
  precision: z.string().optional(),
  status: z.number().int(),
  durationMs: z.number(),
  lines: z.number().int().optional(),
  points: z.number().int().optional(),
  error: z.string().optional(),
  /** The first 64 KiB of the (decompressed) body, as received (also when the request was refused). */
  body: z.string().optional(),
  responseHeaders: z.array(z.tuple([z.string(), z.string()])).optional(),
  /** The first 16 KiB of the answer. */
  responseBody: z.string().optional(),
});
export type RequestEntry = z.infer<typeof RequestEntry>;

export const BucketSummary = z.object({
  id: z.string(),
  name: z.string(),
  retentionSeconds: z.number(),
  /** Set when an InfluxDB 3 write (/api/v3/write_lp, or --compat influxdb3) created it. */
  createdBy: z.literal('influxdb3').optional(),
});
export const MeasurementSummary = z.object({
  measurement: z.string(),
  series: z.number().int(),
  tagKeys: z.array(z.string()),
  fields: z.array(z.object({ key: z.string(), type: z.enum(['float', 'int', 'uint', 'string', 'bool']) })),
});
export const StoredPointOut = z.object({
  time: z.string(),
  series: z.string(),
  tags: z.array(z.object({ key: z.string(), value: z.string() })),
  fields: z.array(z.object({ key: z.string(), type: z.string(), value: z.union([z.string(), z.number(), z.boolean()]) })),
});
export type StoredPointOut = z.infer<typeof StoredPointOut>;

/** A finding of the file's validation pass (the engine's Diagnostic). */
export const FileDiagnostic = z.object({
  line: z.number().int(),
  column: z.number().int(),
  endLine: z.number().int().optional(),
  endColumn: z.number().int(),
  severity: z.enum(['error', 'warning']),
  code: z.string(),
  message: z.string(),
  hint: z.string().optional(),
  precision: Precision.optional(),
});

/** Every problem of one kind in the file, counted; `precision` when a "fix all" precision is exact. */
export const ProblemGroup = z.object({
  severity: z.enum(['error', 'warning']),
  code: z.string(),
  count: z.number().int(),
  message: z.string(),
  hint: z.string().optional(),
  firstLine: z.number().int(),
  precision: Precision.optional(),
});
export type ProblemGroup = z.infer<typeof ProblemGroup>;

export const FileSummary = z.object({
  lines: z.number().int(),
  records: z.number().int(),
  points: z.number().int(),
  errors: z.number().int(),
  warnings: z.number().int(),
  measurements: z.array(z.string()),
  measurementCount: z.number().int(),
  measurementsCapped: z.boolean(),
  minTime: z.string().optional(),
  maxTime: z.string().optional(),
  untimed: z.number().int(),
  /** The first 100 errors and the first 100 warnings, in line order. */
  diagnostics: z.array(FileDiagnostic),
  groups: z.array(ProblemGroup),
  /** The first lines of the file (at most 200 lines, 64 KiB), for the read-only editor. */
  head: z.string(),
  headLines: z.number().int(),
});
export type FileSummary = z.infer<typeof FileSummary>;

/** A file the host holds open: its summary pass as it runs, then the summary. */
export const FileState = z.object({
  fileId: z.string(),
  name: z.string(),
  size: z.number(),
  stage: z.enum(['summarizing', 'ready', 'failed']),
  bytesRead: z.number(),
  summary: FileSummary.optional(),
  error: z.string().optional(),
});
export type FileState = z.infer<typeof FileState>;

export const UploadReport = z.object({
  pointsWritten: z.number().int(),
  batchesSent: z.number().int(),
  batchesRetried: z.number().int(),
  batchesFailed: z.number().int(),
  linesRejected: z.array(z.object({ line: z.number().int(), reason: z.string() })),
  linesRejectedCount: z.number().int(),
  skipped: z.array(z.object({ line: z.number().int(), column: z.number().int(), message: z.string() })),
  skippedCount: z.number().int(),
  cancelled: z.boolean(),
  acknowledged: z.array(z.object({ fromBatch: z.number().int(), toBatch: z.number().int(), fromLine: z.number().int(), toLine: z.number().int() })),
  durationMs: z.number(),
  failures: z.array(z.string()),
  stopped: z.string().optional(),
});
export type UploadReport = z.infer<typeof UploadReport>;

export const UploadState = z.object({
  uploadId: z.string(),
  fileId: z.string(),
  target: z.string(),
  state: z.enum(['running', 'cancelling', 'done', 'cancelled', 'failed']),
  progress: z.object({
    bytesRead: z.number(),
    totalBytes: z.number(),
    lines: z.number().int(),
    pointsWritten: z.number().int(),
    pointsPerSec: z.number(),
    etaSeconds: z.number().optional(),
    batchesSent: z.number().int(),
    retries: z.number().int(),
    elapsedMs: z.number(),
  }),
  report: UploadReport.optional(),
  error: z.string().optional(),
});
export type UploadState = z.infer<typeof UploadState>;

/** IDs of the endpoint's buckets, tokens, mappings and v1 users: 16 hex digits. */
const MetaId = z.string().regex(/^[0-9a-f]{16}$/, 'an ID is 16 hexadecimal digits');
/** A db, rp, username or description: InfluxDB's limits, and no control characters. */
const metaText = (what: string) =>
  z
    .string()
    .min(1, `give ${what}`)
    .max(255, `${what} is longer than 255 characters: shorten it`)
    .regex(/^[^\x00-\x1f\x7f]*$/, `${what} contains a control character: remove it`);

/** A DBRP mapping; virtual ones are implied by a bucket's name (their ID is the bucket's) and cannot be deleted. */
export const DbrpOut = z.object({
  id: z.string(),
  db: z.string(),
  rp: z.string(),
  bucketId: z.string(),
  bucketName: z.string(),
  default: z.boolean(),
  virtual: z.boolean().optional(),
});
export type DbrpOut = z.infer<typeof DbrpOut>;
/** An API token as stored, never its secret nor its hash: bucket IDs it reads and writes, or `*` for all. */
export const TokenOut = z.object({
  id: z.string(),
  description: z.string(),
  read: z.union([z.literal('*'), z.array(z.string())]),
  write: z.union([z.literal('*'), z.array(z.string())]),
  /** The app's own token (browser mode writes with it): not deletable. */
  app: z.boolean(),
});
export type TokenOut = z.infer<typeof TokenOut>;
/** A bucket an authorization names; no name when the bucket was deleted since. */
const BucketRef = z.object({ id: z.string(), name: z.string().optional() });
/** A v1 user (v1 authorization), never its password hash. */
export const V1UserOut = z.object({ id: z.string(), username: z.string(), read: z.array(BucketRef), write: z.array(BucketRef) });
export type V1UserOut = z.infer<typeof V1UserOut>;
/** How `lpstudio serve` runs: its flags, read-only (changed by restarting with other flags). */
export const EndpointSettings = z.object({
  host: z.string(),
  port: z.number().int(),
  maxBodyBytes: z.number().int(),
  autoCreateBuckets: z.boolean(),
  dataDir: z.string(),
});
export type EndpointSettings = z.infer<typeof EndpointSettings>;

/** A series key as the store lists it: `measurement,tag=value,…` (InfluxDB caps a key at 64 KiB). */
const SeriesKey = z.string().min(1).max(65536);
/** IDs of open files and uploads (random UUIDs; a file's host copy is named by its ID). */
export const JOB_ID = /^[0-9a-f-]{36}$/;
const FileId = z.string().regex(JOB_ID);
const UploadId = z.string().regex(JOB_ID);
/** The dialects a dropped file is checked and uploaded in. */
export const Dialect = z.enum(['influxdb2', 'influxdb1']);

/** A composer document's ID (made by the renderer; never part of a path). */
export const DocumentId = z.string().regex(/^[a-z0-9-]{1,64}$/);
/** The line endings a document's file had: kept when it is saved again. */
export const LineEnding = z.enum(['lf', 'crlf']);
export type LineEnding = z.infer<typeof LineEnding>;
/** The composer's authentication choice: the profile's own, or an override. */
export const AuthChoice = z.union([z.literal('profile'), AuthMethod]);
export type AuthChoice = z.infer<typeof AuthChoice>;
/** The most text one document holds (a send's cap); bigger files go through the upload. */
export const MAX_DOCUMENT_CHARS = 64 * 1024 * 1024;

/** One document (tab) of the composer as the session keeps it: its text and its choices. */
export const WorkspaceDocument = z.object({
  id: DocumentId,
  name: z.string().min(1).max(255),
  text: z.string().max(MAX_DOCUMENT_CHARS),
  /** Changed since it was last opened or saved. */
  dirty: z.boolean(),
  eol: LineEnding.default('lf'),
  /** The desktop: the host's handle of the file it was opened from or saved to (the path stays in the host). */
  fileRef: z.string().regex(/^[0-9a-f-]{36}$/).optional(),
  profileId: z.string().regex(/^[a-z0-9-]{1,64}$/),
  db: Name.default(''),
  rp: Name.default(''),
  org: Name.default(''),
  bucket: Name.default(''),
  precision: Precision,
  /** InfluxDB 3 targets: precision auto, accept_partial, no_sync (3.x's defaults for a session saved before they existed). */
  autoPrecision: z.boolean().default(true),
  acceptPartial: z.boolean().default(true),
  noSync: z.boolean().default(false),
  auth: AuthChoice.default('profile'),
});
export type WorkspaceDocument = z.infer<typeof WorkspaceDocument>;

/** A placeholder variable's name: `${name}` in a document. */
export const VariableName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'a variable name is a letter or _ then letters, digits or _ (at most 64)');
/** Per target (profile ID): its variables, like a request tool's "Environment". */
export const Environments = z.record(z.string().regex(/^[a-z0-9-]{1,64}$/), z.record(VariableName, z.string().max(4096)));
export type Environments = z.infer<typeof Environments>;

/** The composer's session: open documents, the active one, and the environments. Survives a restart. */
export const Workspace = z.object({
  version: z.literal(1),
  activeId: DocumentId.optional(),
  documents: z.array(WorkspaceDocument).max(100),
  environments: Environments.default({}),
});
export type Workspace = z.infer<typeof Workspace>;
/** The session of a host that has none yet (or whose file was unreadable). */
export const EMPTY_WORKSPACE: Workspace = { version: 1, documents: [], environments: {} };

/** An InfluxQL query against this app's endpoint, as `/query` takes it (the host reads with operator rights). */
export const QueryRequest = z
  .object({
    db: z.string().max(255),
    rp: z.string().max(255).optional(),
    /** One or more `;`-separated statements. */
    q: z.string().max(1024 * 1024, 'the query is longer than 1 MiB: shorten it'),
    /** Times as integers in this unit; RFC 3339 strings when absent (as /query). */
    epoch: z.enum(['ns', 'u', 'µ', 'ms', 's', 'm', 'h']).optional(),
  })
  .strict();
export type QueryRequest = z.infer<typeof QueryRequest>;
/** A value of a result row: integers beyond 2^53 (e.g. `epoch=ns` times) come as their exact decimal string. */
export const QueryValue = z.union([z.number(), z.string(), z.boolean(), z.null()]);
export const QuerySeries = z.object({
  name: z.string().optional(),
  tags: z.record(z.string(), z.string()).optional(),
  columns: z.array(z.string()),
  values: z.array(z.array(QueryValue)),
  /** Set when the host cut the series at QUERY_ROWS_PER_SERIES rows. */
  partial: z.boolean().optional(),
});
export type QuerySeries = z.infer<typeof QuerySeries>;
/** /query's JSON: per statement its series or its error text; a query that does not parse has only `error`. */
export const QueryResult = z.object({
  results: z.array(z.object({ statement_id: z.number().int(), series: z.array(QuerySeries).optional(), error: z.string().optional() })).optional(),
  error: z.string().optional(),
});
export type QueryResult = z.infer<typeof QueryResult>;
/** Most rows per series the app carries (a query's answer crosses IPC or HTTP to the window). */
export const QUERY_ROWS_PER_SERIES = 10_000;

/** Every method: input schema, output schema. */
export const appApi = {
  info: { input: z.object({}).strict(), output: AppInfo },
  listProfiles: { input: z.object({}).strict(), output: z.array(Profile) },
  saveProfile: { input: ProfileInput, output: Profile },
  deleteProfile: { input: z.object({ id: z.string().max(64) }).strict(), output: z.object({}) },
  /** Databases and retention policies (or buckets) the target knows, best effort. */
  suggestDatabases: {
    input: z.object({ profileId: z.string().max(64) }).strict(),
    output: z.object({ databases: z.array(DatabaseSuggestion), error: z.string().optional() }),
  },
  send: { input: SendRequest, output: SendResult },
  /**
   * The request in the forms of InfluxDB's /write docs, never with the secret: the docs'
   * placeholders, or (`secretAs: 'variable'`) a shell variable the command reads when it runs,
   * named in `variable` (`INFLUX_TOKEN`, `INFLUX_PASSWORD`).
   */
  copyAsCurl: {
    input: SendRequest.extend({ secretAs: z.enum(['placeholder', 'variable']).default('placeholder') }),
    output: z.object({ command: z.string(), variable: z.string().optional() }),
  },
  /**
   * The desktop: the host puts the command with the secret on the clipboard itself; the secret
   * never comes back. `withSecret` is false when there is none to put in (no auth, none stored).
   * Browser mode answers `unavailable`: its host cannot reach the user's clipboard.
   */
  copyAsCurlWithSecret: { input: SendRequest, output: z.object({ copied: z.literal(true), withSecret: z.boolean() }) },
  listHistory: {
    input: z.object({ query: z.string().max(500).optional(), limit: z.number().int().min(1).max(1000).optional() }).strict(),
    output: z.array(HistoryEntry),
  },
  clearHistory: { input: z.object({}).strict(), output: z.object({}) },
  /** The data browser: the local endpoint's buckets, their measurements, and points newest first. */
  listBuckets: { input: z.object({}).strict(), output: z.array(BucketSummary) },
  describeMeasurements: { input: z.object({ bucketId: z.string().regex(/^[0-9a-f]{16}$/) }).strict(), output: z.array(MeasurementSummary) },
  readPoints: {
    input: z
      .object({
        bucketId: z.string().regex(/^[0-9a-f]{16}$/),
        measurement: z.string().min(1).max(65535),
        series: SeriesKey.optional(),
        start: z.string().regex(/^-?\d{1,19}$/).optional(),
        stop: z.string().regex(/^-?\d{1,19}$/).optional(),
        limit: z.number().int().min(1).max(1000).default(100),
        offset: z.number().int().min(0).max(10_000_000).default(0),
      })
      .strict(),
    output: z.object({ points: z.array(StoredPointOut), more: z.boolean() }),
  },
  /** A measurement's series keys (the first 1000, sorted) and how many there are. */
  listSeries: {
    input: z.object({ bucketId: z.string().regex(/^[0-9a-f]{16}$/), measurement: z.string().min(1).max(65535) }).strict(),
    output: z.object({ series: z.array(z.string()), total: z.number().int() }),
  },
  createBucket: {
    input: z.object({ name: z.string().min(1).max(255), retention: z.string().max(32).optional() }).strict(),
    output: BucketSummary,
  },
  deleteBucket: { input: z.object({ bucketId: z.string().regex(/^[0-9a-f]{16}$/) }).strict(), output: z.object({}) },
  /** DBRP mappings (db + rp → bucket for /write and /query), the virtual ones included. */
  listDbrps: { input: z.object({}).strict(), output: z.array(DbrpOut) },
  createDbrp: {
    input: z.object({ db: metaText('a database name'), rp: metaText('a retention policy'), bucketId: MetaId, default: z.boolean().optional() }).strict(),
    output: DbrpOut,
  },
  deleteDbrp: { input: z.object({ id: MetaId }).strict(), output: z.object({}) },
  /** API tokens; a new token's secret is in createToken's answer only. */
  listTokens: { input: z.object({}).strict(), output: z.array(TokenOut) },
  createToken: {
    input: z.object({ description: metaText('a description'), write: z.union([z.literal('all'), MetaId]) }).strict(),
    output: z.object({ id: z.string(), description: z.string(), token: z.string() }),
  },
  deleteToken: { input: z.object({ id: MetaId }).strict(), output: z.object({}) },
  /** v1 users: username and password for 1.x clients (u/p, Basic). */
  listV1Users: { input: z.object({}).strict(), output: z.array(V1UserOut) },
  createV1User: {
    input: z
      .object({
        username: metaText('a username').regex(/^[^:]*$/, 'the username contains ":": choose a name without one'),
        password: z.string().min(1, 'give a password').max(1024, 'the password is longer than 1024 characters: shorten it'),
        writeBucketId: MetaId,
      })
      .strict(),
    output: V1UserOut,
  },
  deleteV1User: { input: z.object({ id: MetaId }).strict(), output: z.object({}) },
  endpointSettings: { input: z.object({}).strict(), output: EndpointSettings },
  /** Changes the body limit or bucket auto-creation at once, until the endpoint restarts (its flags then apply again). */
  updateEndpointSettings: {
    input: z
      .object({
        maxBodyBytes: z.number().int().min(1024, 'the body limit must be at least 1024 bytes').max(2 ** 31 - 1, 'the body limit must be under 2 GiB').optional(),
        autoCreateBuckets: z.boolean().optional(),
      })
      .strict(),
    output: EndpointSettings,
  },
  /** A measurement's points (optionally a time range) as line protocol, oldest first, up to 32 MiB. */
  exportLineProtocol: {
    input: z
      .object({
        bucketId: z.string().regex(/^[0-9a-f]{16}$/),
        measurement: z.string().min(1).max(65535),
        series: SeriesKey.optional(),
        start: z.string().regex(/^-?\d{1,19}$/).optional(),
        stop: z.string().regex(/^-?\d{1,19}$/).optional(),
      })
      .strict(),
    output: z.object({ text: z.string(), points: z.number().int(), truncated: z.boolean() }),
  },
  /** Runs InfluxQL on the local endpoint's data: InfluxDB's /query answer, errors as InfluxDB words them. */
  runQuery: { input: QueryRequest, output: QueryResult },
  /** The local endpoint's last requests, newest first (the request inspector). */
  listRequests: {
    input: z.object({ status: z.enum(['all', '2xx', '4xx', '5xx']).optional(), afterId: z.number().int().optional() }).strict(),
    output: z.array(RequestEntry),
  },
  /**
   * Opens a file on the host's disk by path (the desktop: a file the user dropped or picked; its
   * path comes from the preload). Browser mode sends the file's bytes to POST /app-api/files instead.
   */
  openFile: {
    input: z.object({ path: z.string().min(1).max(4096), precision: Precision.default('ns'), dialect: Dialect.default('influxdb2'), target: ProfileKind.optional() }).strict(),
    output: FileState,
  },
  fileStatus: { input: z.object({ fileId: FileId }).strict(), output: FileState },
  /** Checks the open file again for another upload target or precision (poll fileStatus for the new summary). */
  summarizeFile: { input: z.object({ fileId: FileId, precision: Precision, target: ProfileKind }).strict(), output: FileState },
  /** Forgets the file (cancels its uploads; deletes the host's copy in browser mode). */
  discardFile: { input: z.object({ fileId: FileId }).strict(), output: z.object({}) },
  /** Uploads the file in batches to a target, as a send would go (its auth and precision). */
  startUpload: {
    input: SendRequest.omit({ body: true })
      .extend({
        fileId: FileId,
        batchLines: z.number().int().min(1).max(1_000_000).default(5000),
        skipInvalid: z.boolean().default(false),
        dialect: Dialect.default('influxdb2'),
      })
      .strict(),
    output: UploadState,
  },
  uploadStatus: { input: z.object({ uploadId: UploadId }).strict(), output: UploadState },
  /** Stops after the batch in flight: the report then says exactly what was stored. */
  cancelUpload: { input: z.object({ uploadId: UploadId }).strict(), output: UploadState },
  /** The composer's session as last saved (browser mode: the signed-in user's); `notice` when a broken file was set aside. */
  loadWorkspace: { input: z.object({}).strict(), output: z.object({ workspace: Workspace, notice: z.string().optional() }) },
  /** Keeps the composer's session (written atomically, after a short pause without a newer one). */
  saveWorkspace: { input: Workspace, output: z.object({}) },
  /**
   * The desktop: the host's Open dialog, then the file as a document (null when cancelled). Browser
   * mode answers `unavailable`: the page reads a picked or dropped file itself.
   */
  openDocument: {
    input: z.object({}).strict(),
    output: z.object({ document: z.object({ name: z.string(), text: z.string(), eol: LineEnding, fileRef: z.string() }).nullable() }),
  },
  /**
   * The desktop: writes a document to its file (`fileRef`), or where the host's Save dialog says
   * (Save as, or no file yet); null when cancelled. The page never names a path. Browser mode: `unavailable` (it downloads).
   */
  saveDocument: {
    input: z
      .object({ fileRef: z.string().regex(/^[0-9a-f-]{36}$/).optional(), name: z.string().min(1).max(255), text: z.string().max(MAX_DOCUMENT_CHARS), eol: LineEnding, saveAs: z.boolean() })
      .strict(),
    output: z.object({ saved: z.object({ fileRef: z.string(), name: z.string() }).nullable() }),
  },
} as const;

export type AppApiSpec = typeof appApi;
export type AppMethod = keyof AppApiSpec;
export type AppInput<M extends AppMethod> = z.input<AppApiSpec[M]['input']>;
export type AppOutput<M extends AppMethod> = z.infer<AppApiSpec[M]['output']>;

/** The API as the renderer calls it, whatever the transport. */
export type AppApi = { [M in AppMethod]: (input: AppInput<M>) => Promise<AppOutput<M>> };

/** The API as a host implements it: inputs already validated (defaults applied) by parseCall. */
export type AppHandlers = { [M in AppMethod]: (input: z.infer<AppApiSpec[M]['input']>) => Promise<AppOutput<M>> };

/** Runs one call at a host: validates the input, dispatches, returns the output. */
export async function dispatchCall(handlers: AppHandlers, method: unknown, input: unknown): Promise<unknown> {
  const c = parseCall(method, input);
  return (handlers[c.method] as (i: unknown) => Promise<unknown>)(c.input);
}

/** An error a host reports to the renderer: a code the UI can act on and a sentence for the user. */
export const AppErrorBody = z.object({
  code: z.enum(['invalid', 'not-found', 'unprotected', 'unavailable', 'unauthorized', 'internal']),
  message: z.string(),
});
export type AppErrorBody = z.infer<typeof AppErrorBody>;

export class AppError extends Error {
  constructor(
    readonly code: AppErrorBody['code'],
    message: string,
  ) {
    super(message);
  }
}

export function isAppMethod(name: unknown): name is AppMethod {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(appApi, name);
}

/**
 * Validates a call's input at a host (IPC handler or HTTP route): unknown method or bad input
 * become an `invalid` AppError naming the first problem.
 */
export function parseCall<M extends AppMethod>(method: unknown, input: unknown): { method: M; input: z.infer<AppApiSpec[M]['input']> } {
  if (!isAppMethod(method)) throw new AppError('invalid', `unknown method ${JSON.stringify(String(method)).slice(0, 80)}`);
  const r = appApi[method].input.safeParse(input ?? {});
  if (!r.success) {
    const i = r.error.issues[0];
    throw new AppError('invalid', `invalid input for ${method}: ${i?.path.join('.') || '(root)'}: ${i?.message}`);
  }
  return { method: method as M, input: r.data as z.infer<AppApiSpec[M]['input']> };
}

/** The IPC channel the preload uses; the HTTP prefix browser mode uses (`POST /app-api/<method>`). */
export const IPC_CHANNEL = 'lpstudio:app';
export const HTTP_PREFIX = '/app-api/';
/** Browser mode: a dropped file's bytes, streamed to the host (answers a FileState). */
export const HTTP_FILES_PATH = '/app-api/files';
/** File types the app opens (a file's content is checked anyway). */
export const FILE_TYPES = /\.(lp|txt|gz)$/i;
