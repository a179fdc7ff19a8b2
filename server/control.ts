// The endpoint's message-based control interface, for hosting it in another process (the
// desktop app's utilityProcess, or a Node child process): start, stop, status, stats. Every
// incoming message is untrusted and validated; replies carry the request's id.
import { z } from 'zod';
import { startEndpoint, type Endpoint } from './endpoint.js';
import type { RequestLogEntry } from './http/app.js';

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
]);
export type ControlRequest = z.infer<typeof ControlRequest>;

export type EndpointState = 'stopped' | 'starting' | 'running' | 'stopping' | 'error';

export type ControlReply =
  | { type: 'reply'; id: number; ok: true; state: EndpointState; url?: string; token?: string; stats?: unknown }
  | { type: 'reply'; id: number | null; ok: false; state: EndpointState; error: string }
  | { type: 'request'; entry: RequestLogEntry };

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
      this.port.post({ type: 'reply', id, ok: false, state: this.state, error: `malformed control message: ${parsed.error.issues[0]?.message}` });
      return;
    }
    const msg = parsed.data;
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
            onRequest: (entry) => this.port.post({ type: 'request', entry }),
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
}
