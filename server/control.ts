// The endpoint's message-based control interface, for hosting it in another process (the
// desktop app's utilityProcess, or a Node child process): start, stop, status, stats, and the
// data browser's LocalData methods. Every incoming message is untrusted and validated; replies
// carry the request's id.
import { z } from 'zod';
import { startEndpoint, type Endpoint } from './endpoint.js';
import type { RequestLogEntry } from './http/app.js';
import { AppError, appApi, type AppErrorBody } from '../app/contract.js';
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
} satisfies { [M in LocalDataMethod]: z.ZodType<Parameters<LocalData[M]>> };

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
  // Arguments are checked per method (DataArgs) once the method is known.
  z.object({ type: z.literal('data'), id: z.number().int(), method: z.enum(LOCAL_DATA_METHODS), args: z.array(z.unknown()).max(4) }),
]);
export type ControlRequest = z.infer<typeof ControlRequest>;

export type EndpointState = 'stopped' | 'starting' | 'running' | 'stopping' | 'error';

export type ControlReply =
  | { type: 'reply'; id: number; ok: true; state: EndpointState; url?: string; token?: string; stats?: unknown; value?: unknown }
  /** `code`: the AppError's code when the refusal is one (a data call's, or a malformed message's 'invalid'). */
  | { type: 'reply'; id: number | null; ok: false; state: EndpointState; error: string; code?: AppErrorBody['code'] }
  /** Every request the endpoint answered; `inspected` when the request inspector shows it. */
  | { type: 'request'; entry: RequestLogEntry; inspected: boolean };

export interface ControlPort {
  post(msg: ControlReply): void;
}

export class EndpointController {
  private endpoint: Endpoint | null = null;
  private state: EndpointState = 'stopped';
  private lastError = '';

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
          this.state = 'running';
          this.port.post({ type: 'reply', id: msg.id, ok: true, state: this.state, url: this.endpoint.url, token: this.endpoint.onboarding?.token });
          return;
        }
        case 'stop': {
          const e = this.endpoint;
          if (e !== null) {
            this.state = 'stopping';
            this.endpoint = null;
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
              : { type: 'reply', id: msg.id, ok: true, state: this.state, url: this.endpoint?.url },
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
    const fail = (code: AppErrorBody['code'], error: string) => this.port.post({ type: 'reply', id, ok: false, state: this.state, code, error });
    const e = this.endpoint;
    if (e === null || this.state !== 'running') return fail('unavailable', 'the endpoint is not running: start it, then try again');
    const args = DataArgs[method].safeParse(raw);
    if (!args.success) {
      const i = args.error.issues[0];
      const where = i?.path.length ? `${i.path.join('.')}: ` : '';
      return fail('invalid', `invalid arguments for ${method}: ${where}${i?.message}`);
    }
    try {
      const value = (e.data[method] as (...a: unknown[]) => unknown)(...args.data);
      this.port.post({ type: 'reply', id, ok: true, state: this.state, value });
    } catch (err) {
      if (err instanceof AppError) return fail(err.code, err.message);
      // Unexpected: the details go to the log, not to the window.
      process.stderr.write(`data ${method} failed: ${(err as Error)?.stack ?? String(err)}\n`);
      fail('internal', `the endpoint failed to answer ${method}; see its log`);
    }
  }
}
