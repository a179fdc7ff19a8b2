// The endpoint's message-based control interface, for hosting it in another process (the
// desktop app's utilityProcess, or a Node child process): start, stop, status, stats, the data
// browser's LocalData methods, the dropped files' jobs (FileJobsApi: summaries and uploads run
// here, off Electron's main thread) and the tray's write-only token. The endpoint it starts
// serves the InfluxDB API only: no UI and no app API (the desktop's window talks to its main
// process over IPC). Every incoming message is untrusted and validated; replies carry the
// request's id.
import path from 'node:path';
import { z } from 'zod';
import { startEndpoint, writability, type Endpoint } from '../server/endpoint.js';
import type { RequestLogEntry } from '../server/http/app.js';
import { MetaError, trayWriteToken } from '../server/meta.js';
import { createLocalData, type SyncLocalData } from './local-data.js';
import { AppError, appApi, FILE_TYPES, Precision, SendRequest, type AppErrorBody } from '../app/contract.js';
import { FILE_JOBS_METHODS, FileJobs, type FileJobsApi, type FileJobsMethod } from '../app/files/file-jobs.js';
import { LOCAL_DATA_METHODS, type LocalData, type LocalDataMethod } from '../app/host-deps.js';

const bucketId = appApi.deleteBucket.input.shape.bucketId;
const none = z.tuple([]);
/** Each LocalData method's arguments, as the app API validates them (exact arity: no extra arguments). */
export const DataArgs = {
  buckets: none,
  measurements: z.tuple([bucketId]),
  createBucket: z.tuple([appApi.createBucket.input.shape.name, appApi.createBucket.input.shape.retention.unwrap()]),
  deleteBucket: z.tuple([bucketId]),
  // The service reads one point more than a page to tell whether there is a next one.
  read: z.tuple([appApi.readPoints.input.extend({ limit: z.number().int().min(1).max(1001) })]),
  exportText: z.tuple([appApi.exportLineProtocol.input, z.number().int().min(1).max(64 * 1024 * 1024)]),
  dbrps: none,
  createDbrp: z.tuple([appApi.createDbrp.input.extend({ default: z.boolean() })]),
  deleteDbrp: z.tuple([appApi.deleteDbrp.input.shape.id]),
  tokens: none,
  createToken: z.tuple([appApi.createToken.input.shape.description, appApi.createToken.input.shape.write]),
  deleteToken: z.tuple([appApi.deleteToken.input.shape.id]),
  v1Users: none,
  createV1User: z.tuple([appApi.createV1User.input.shape.username, appApi.createV1User.input.shape.password, appApi.createV1User.input.shape.writeBucketId]),
  deleteV1User: z.tuple([appApi.deleteV1User.input.shape.id]),
  series: z.tuple([bucketId, appApi.listSeries.input.shape.measurement, z.number().int().min(1).max(10_000)]),
  settings: none,
  updateSettings: z.tuple([appApi.updateEndpointSettings.input]),
  query: z.tuple([appApi.runQuery.input]),
} satisfies { [M in LocalDataMethod]: z.ZodType<Parameters<LocalData[M]>> };

const fileId = appApi.fileStatus.input.shape.fileId;
const uploadId = appApi.uploadStatus.input.shape.uploadId;
const dialect = appApi.openFile.input.shape.dialect.unwrap().optional();
const target = appApi.openFile.input.shape.target;
/** A file the user dropped or picked, by its absolute path, of a type the app opens. */
const filePath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !p.includes('\0'), 'the path contains a NUL character')
  .refine((p) => path.isAbsolute(p), 'give the file by its absolute path')
  .refine((p) => FILE_TYPES.test(p), 'not a line-protocol file: open a .lp, .txt or .gz file');
const Secret = z.string().max(4096);
const Credentials = { username: z.string().max(255), password: Secret };
/** Where an upload goes, with its secret (it comes from the desktop's main process, never from the window). */
const UploadTargetArg = z
  .object({
    url: z
      .string()
      .max(2048)
      .refine((u) => /^https?:\/\//i.test(u) && URL.canParse(u), 'the URL must be http:// or https://'),
    api: z.enum(['v1', 'v2']),
    db: SendRequest.shape.db,
    rp: SendRequest.shape.rp,
    org: SendRequest.shape.org,
    bucket: SendRequest.shape.bucket,
    precision: Precision.optional(),
    auth: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('none') }).strict(),
      z.object({ kind: z.literal('token'), token: Secret }).strict(),
      z.object({ kind: z.literal('basic'), ...Credentials }).strict(),
      z.object({ kind: z.literal('query'), ...Credentials }).strict(),
    ]),
  })
  .strict();
/** Each FileJobsApi method's arguments (exact arity: no extra arguments, no extra keys). */
export const FilesArgs = {
  openPath: z.tuple([filePath, z.string().min(1).max(1024), z.object({ dialect, precision: Precision.optional(), target }).strict()]),
  status: z.tuple([fileId]),
  summarize: z.tuple([fileId, z.object({ precision: Precision, target: target.unwrap() }).strict()]),
  discard: z.tuple([fileId]),
  startUpload: z.tuple([
    fileId,
    UploadTargetArg,
    z.string().max(8192),
    z
      .object({
        batchLines: z.number().int().min(1).max(1_000_000),
        skipInvalid: z.boolean(),
        dialect,
        target: target.unwrap().optional(),
        gzip: z.boolean().optional(),
        backoffMs: z.number().int().min(0).max(60_000).optional(),
      })
      .strict(),
  ]),
  uploadStatus: z.tuple([uploadId]),
  cancelUpload: z.tuple([uploadId]),
} satisfies { [M in FileJobsMethod]: z.ZodType<Parameters<FileJobsApi[M]>> };

export const ControlRequest = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('start'),
    id: z.number().int(),
    options: z.object({
      dataDir: z.string().min(1),
      host: z.string().optional(),
      port: z.number().int().min(0).max(65535).optional(),
      maxBody: z.number().int().positive().optional(),
      autoCreateBuckets: z.boolean().optional(),
      token: z.string().min(16).optional(),
    }),
  }),
  z.object({ type: z.literal('stop'), id: z.number().int() }),
  z.object({ type: z.literal('status'), id: z.number().int() }),
  z.object({ type: z.literal('stats'), id: z.number().int() }),
  // The tray's write-only token for bucket "default": `known` (the one the app holds) comes back
  // while it is still valid, else a new one is minted (the secret exists only in this reply).
  z.object({ type: z.literal('trayToken'), id: z.number().int(), known: z.string().min(1).max(4096).optional() }),
  // Arguments are checked per method (DataArgs) once the method is known.
  z.object({ type: z.literal('data'), id: z.number().int(), method: z.enum(LOCAL_DATA_METHODS), args: z.array(z.unknown()).max(4) }),
  // Likewise, FilesArgs.
  z.object({ type: z.literal('files'), id: z.number().int(), method: z.enum(FILE_JOBS_METHODS), args: z.array(z.unknown()).max(4) }),
]);
export type ControlRequest = z.infer<typeof ControlRequest>;

export type EndpointState = 'stopped' | 'starting' | 'running' | 'stopping' | 'error';

export type ControlReply =
  | { type: 'reply'; id: number; ok: true; state: EndpointState; url?: string; token?: string; stats?: unknown; value?: unknown; writable?: boolean; readOnlyReason?: string }
  /** `code`: the AppError's code when the refusal is one (a data call's, or a malformed message's 'invalid'). */
  | { type: 'reply'; id: number | null; ok: false; state: EndpointState; error: string; code?: AppErrorBody['code'] }
  /** Every request the endpoint answered; `inspected` when the request inspector shows it. */
  | { type: 'request'; entry: RequestLogEntry; inspected: boolean }
  /** Sent whenever the endpoint stops or resumes taking writes (its disk full or failing, then healthy again). */
  | { type: 'health'; writable: boolean; readOnlyReason?: string };

export interface ControlPort {
  post(msg: ControlReply): void;
}

export class EndpointController {
  private endpoint: Endpoint | null = null;
  /** The data browser's view of the running endpoint's data. */
  private localData: SyncLocalData | null = null;
  private state: EndpointState = 'stopped';
  private lastError = '';
  /** The running endpoint's data directory: where the file jobs keep their directory. */
  private dataDir = '';
  /** Dropped files and their uploads (the desktop's), made on first use; closed on stop. */
  private files: FileJobs | null = null;
  private unsubscribeHealth: () => void = () => {};

  constructor(private readonly port: ControlPort) {}

  async handle(raw: unknown): Promise<void> {
    const parsed = ControlRequest.safeParse(raw);
    if (!parsed.success) {
      const id = typeof (raw as { id?: unknown })?.id === 'number' ? (raw as { id: number }).id : null;
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
      this.port.post({ type: 'reply', id, ok: false, state: this.state, code: 'invalid', error: `malformed control message: ${where}${issue?.message}` });
      return;
    }
    const msg = parsed.data;
    // A data call's failure is its own: it never changes the endpoint's state.
    if (msg.type === 'data') return this.data(msg.id, msg.method, msg.args);
    if (msg.type === 'files') return this.fileJobs(msg.id, msg.method, msg.args);
    if (msg.type === 'trayToken') return this.trayToken(msg.id, msg.known);
    try {
      switch (msg.type) {
        case 'start': {
          if (this.endpoint !== null) {
            this.port.post({ type: 'reply', id: msg.id, ok: false, state: this.state, error: `already running at ${this.endpoint.url}` });
            return;
          }
          this.state = 'starting';
          this.endpoint = await startEndpoint({
            ...msg.options,
            log: (m) => process.stderr.write(m + '\n'),
            onRequest: (entry, inspected) => this.port.post({ type: 'request', entry, inspected }),
          });
          this.localData = createLocalData(this.endpoint);
          this.state = 'running';
          this.dataDir = msg.options.dataDir;
          this.unsubscribeHealth = this.endpoint.store.onHealth((h) => this.port.post({ type: 'health', ...writability(h) }));
          this.port.post({ type: 'reply', id: msg.id, ok: true, state: this.state, url: this.endpoint.url, token: this.endpoint.onboarding?.token });
          return;
        }
        case 'stop': {
          // Files go first: their uploads are cancelled before the endpoint they may write to closes.
          this.files?.close();
          this.files = null;
          const e = this.endpoint;
          this.unsubscribeHealth();
          if (e !== null) {
            this.state = 'stopping';
            this.endpoint = null;
            this.localData = null;
            await e.close();
          }
          this.state = 'stopped';
          this.port.post({ type: 'reply', id: msg.id, ok: true, state: this.state });
          return;
        }
        case 'status':
          this.port.post(
            this.state === 'error'
              ? { type: 'reply', id: msg.id, ok: false, state: this.state, error: this.lastError }
              : { type: 'reply', id: msg.id, ok: true, state: this.state, url: this.endpoint?.url, ...(this.endpoint ? writability(this.endpoint.store.health()) : {}) },
          );
          return;
        case 'stats':
          this.port.post({ type: 'reply', id: msg.id, ok: true, state: this.state, url: this.endpoint?.url, stats: this.endpoint?.stats() });
          return;
      }
    } catch (e) {
      this.endpoint = null;
      this.state = 'error';
      this.lastError = (e as Error).message;
      this.port.post({ type: 'reply', id: msg.id, ok: false, state: this.state, error: this.lastError });
    }
  }

  private data(id: number, method: LocalDataMethod, raw: unknown[]): void {
    const d = this.localData;
    if (d === null || this.state !== 'running') return this.fail(id, 'unavailable', 'the endpoint is not running: start it, then try again');
    this.answer(id, 'data', method, DataArgs[method], raw, (args) => (d[method] as (...a: unknown[]) => unknown)(...args));
  }

  private trayToken(id: number, known: string | undefined): void {
    const e = this.endpoint;
    if (e === null || this.state !== 'running') return this.fail(id, 'unavailable', 'the endpoint is not running: start it, then copy the token again');
    this.answer(id, 'trayToken', 'trayToken', z.tuple([]), [], () => {
      try {
        return trayWriteToken(e.meta, known).token;
      } catch (err) {
        if (err instanceof MetaError) throw new AppError('not-found', err.message);
        throw err;
      }
    });
  }

  private fileJobs(id: number, method: FileJobsMethod, raw: unknown[]): void {
    if (this.endpoint === null || this.state !== 'running') return this.fail(id, 'unavailable', 'the endpoint is not running: start it, then open the file again');
    this.answer(id, 'files', method, FilesArgs[method], raw, (args) => {
      this.files ??= new FileJobs(path.join(this.dataDir, 'app-uploads'));
      return (this.files[method] as (...a: unknown[]) => unknown)(...args);
    });
  }

  private fail(id: number, code: AppErrorBody['code'], error: string): void {
    this.port.post({ type: 'reply', id, ok: false, state: this.state, code, error });
  }

  /** Validates a call's arguments, makes it, and replies with its value or its AppError (code and sentence). */
  private answer(id: number, kind: string, method: string, schema: z.ZodType<unknown[]>, raw: unknown[], call: (args: unknown[]) => unknown): void {
    const args = schema.safeParse(raw);
    if (!args.success) {
      // Only zod's sentence and the argument's position: never the value (an upload target's secret).
      const i = args.error.issues[0];
      const where = i?.path.length ? `${i.path.join('.')}: ` : '';
      return this.fail(id, 'invalid', `invalid arguments for ${method}: ${where}${i?.message}`);
    }
    const failed = (err: unknown) => {
      if (err instanceof AppError) return this.fail(id, err.code, err.message);
      // Unexpected: the details go to the log, not to the window.
      process.stderr.write(`${kind} ${method} failed: ${(err as Error)?.stack ?? String(err)}\n`);
      this.fail(id, 'internal', `the endpoint failed to answer ${method}; see its log`);
    };
    let value: unknown;
    try {
      value = call(args.data);
    } catch (err) {
      return failed(err);
    }
    // Reads of points answer later: they run in slices so as not to hold up the endpoint.
    if (value instanceof Promise) {
      value.then((v) => this.port.post({ type: 'reply', id, ok: true, state: this.state, value: v }), failed);
      return;
    }
    this.port.post({ type: 'reply', id, ok: true, state: this.state, value });
  }
}
