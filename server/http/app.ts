// The HTTP server of the embedded endpoint: routing, bounds on every request and connection
// (header, idle and body timeouts, header size, a cap on requests in flight, body size),
// InfluxDB's headers, and a log of recent requests for the request inspector.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { commonHeaders, goJson, HttpError, INFLUX_VERSION, sendError, sendNoContent } from './respond.js';
import { callerOf, handleV1Write, handleV2Write, type WriteContext, type WriteInfo } from './write.js';
import { handleV3CompatV1Write, handleV3CompatV2Write, handleV3Write } from './write-v3.js';
import { authenticate, v1Credentials } from './auth.js';
import { handleQuery } from './query.js';
import { handleV3Query } from './query-v3.js';
import { BODY_PREVIEW, captureResponse, drainWithPreview, maskedQuery, maskedRequestHeaders } from './request-log.js';

export interface RequestLogEntry {
  id: number;
  time: string;
  client: string;
  method: string;
  path: string;
  /** The API generation: `v1`, `v2`, `v3`, or `v1 (3.x compat)` / `v2 (3.x compat)` under --compat influxdb3. */
  api?: string;
  /** The query string, `?`-prefixed, secrets (p, token) masked; '' when none. */
  query?: string;
  /** As sent, Authorization and cookies masked. */
  requestHeaders?: [string, string][];
  auth?: string;
  db?: string;
  rp?: string;
  bucket?: string;
  precision?: string;
  status: number;
  durationMs: number;
  lines?: number;
  points?: number;
  error?: string;
  /** First 64 KiB of the (decompressed) body, also of a request refused before it was read. */
  body?: string;
  responseHeaders?: [string, string][];
  /** First 16 KiB of the answer. */
  responseBody?: string;
}

/**
 * More routes on paths the InfluxDB API does not use (the browser mode's UI and app API, wired in
 * by `lpstudio serve`). Their requests are not the request inspector's.
 */
export interface ExtraRoutes {
  /** Whether this path is one of these routes' (else the InfluxDB API's, or a 404). */
  owns(url: URL): boolean;
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void>;
}

export interface AppOptions extends WriteContext {
  maxConcurrent: number;
  /** Longest a client may take to send its request headers (ms). */
  headersTimeoutMs?: number;
  /** Longest a whole request may take to arrive (ms). */
  requestTimeoutMs?: number;
  /** How long an idle keep-alive connection is kept open (ms). */
  keepAliveTimeoutMs?: number;
  /** A connection with no traffic either way for this long is closed (ms). */
  socketIdleMs?: number;
  extraRoutes?: ExtraRoutes;
  /** Which InfluxDB /write and /api/v2/write answer as: 2.x (default) or 3.x's compatibility endpoints. */
  compat?: 'influxdb2' | 'influxdb3';
  /** Every answered request; `inspected` when it is the InfluxDB API's (not an extra route's). */
  onRequest?: (entry: RequestLogEntry, inspected: boolean) => void;
}

/** Request line and headers, in bytes (Node's default, said here: a larger header block gets 431). */
export const MAX_HEADER_BYTES = 16 * 1024;

export function createEndpointServer(o: AppOptions): Server {
  const slots = new InFlightSlots(o.maxConcurrent);
  let nextId = 1;
  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES, connectionsCheckingInterval: 1000 }, (req, res) => {
    const started = performance.now();
    const info: WriteInfo = {};
    commonHeaders(res);
    const url = new URL(req.url ?? '/', 'http://endpoint');
    const extra = o.extraRoutes?.owns(url) === true;
    const requestHeaders = maskedRequestHeaders(req);
    // The inspector's view of the answer (only the InfluxDB API's requests are inspected).
    const response: () => { headers?: [string, string][]; body?: string } = extra ? () => ({}) : captureResponse(res);
    // A body the handler never read (refused before: auth, db, method) is read here, bounded, for the log.
    let unread: Promise<Buffer> | undefined;
    res.on('finish', () => {
      const id = nextId++;
      const time = new Date().toISOString();
      const durationMs = Math.round((performance.now() - started) * 10) / 10;
      const { headers: responseHeaders, body: responseBody } = response();
      const entry = (body: Buffer | undefined): RequestLogEntry => ({
        id,
        time,
        client: req.socket.remoteAddress ?? '',
        method: req.method ?? '',
        path: url.pathname,
        api: info.api,
        query: maskedQuery(url.search),
        requestHeaders,
        auth: info.auth,
        db: info.db,
        rp: info.rp,
        bucket: info.bucket,
        precision: info.precision,
        status: res.statusCode,
        durationMs,
        lines: info.lines,
        points: info.points,
        error: info.error,
        body: body === undefined ? undefined : body.subarray(0, BODY_PREVIEW).toString('utf8'),
        responseHeaders,
        responseBody,
      });
      if (unread === undefined) o.onRequest?.(entry(info.body), !extra);
      else void unread.then((b) => o.onRequest?.(entry(b.length > 0 ? b : undefined), !extra));
    });
    // A slot is held for as long as the exchange lasts, however it ends: answered, or the client
    // hung up mid-body or mid-answer ('close' comes in every case, once).
    const release = slots.acquire();
    if (release === null) {
      req.resume();
      sendError(res, new HttpError('too many requests', `more than ${o.maxConcurrent} requests at once; retry shortly`, {}, { 'Retry-After': '1' }));
      return;
    }
    res.once('close', release);
    (extra ? o.extraRoutes!.handle(req, res, url) : route(req, res, url, o, info)).catch((e: unknown) => {
      const err = e instanceof HttpError ? e : internal(e);
      info.error = err.message;
      if (!req.complete) {
        if (info.body === undefined && !req.readableDidRead) unread = drainWithPreview(req, o.bodyIdleMs);
        else req.resume();
      }
      sendError(res, err);
    });
  });
  server.headersTimeout = o.headersTimeoutMs ?? 10_000;
  // Bodies are bounded by the body reader's idle timeout and minimum rate (a 408), so a large
  // upload that keeps coming finishes; an hour for the whole request is only the backstop for
  // bodies nobody reads (drained after the answer).
  server.requestTimeout = o.requestTimeoutMs ?? 3600_000;
  server.keepAliveTimeout = o.keepAliveTimeoutMs ?? 5_000;
  server.maxHeadersCount = 100;
  // A connection where nothing moves either way (a client that stopped reading its answer) goes.
  server.setTimeout(o.socketIdleMs ?? 120_000, (socket) => socket.destroy());
  return server;
}

/**
 * The cap on requests in flight: acquire() gives a release function (null when all slots are
 * taken). Releasing is idempotent, so a release from both 'finish' and 'close', or twice, can
 * never free another request's slot, and the count can never drift below what is really held.
 */
export class InFlightSlots {
  private held = 0;
  constructor(readonly max: number) {}

  get inFlight(): number {
    return this.held;
  }

  acquire(): (() => void) | null {
    if (this.held >= this.max) return null;
    this.held++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.held--;
    };
  }
}

function internal(e: unknown): HttpError {
  process.stderr.write(`lpstudio serve: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
  return new HttpError('internal error', 'An internal error has occurred - check server logs');
}

async function route(req: IncomingMessage, res: ServerResponse, url: URL, o: AppOptions, info: WriteInfo): Promise<void> {
  const method = req.method ?? 'GET';
  const v3 = o.compat === 'influxdb3';
  switch (url.pathname) {
    case '/write':
      info.api = v3 ? 'v1 (3.x compat)' : 'v1';
      if (method !== 'POST') {
        // 2.x runs the v1 authentication wrapper before the router's method check.
        req.resume();
        await authenticate(o.meta.get(), v1Credentials(req, url.searchParams), 'v1', callerOf(req, o));
        throw methodNotAllowed('OPTIONS, POST');
      }
      return (v3 ? handleV3CompatV1Write : handleV1Write)(req, res, url.searchParams, o, info);
    case '/api/v2/write':
      info.api = v3 ? 'v2 (3.x compat)' : 'v2';
      if (method !== 'POST') throw methodNotAllowed('OPTIONS, POST');
      return (v3 ? handleV3CompatV2Write : handleV2Write)(req, res, url.searchParams, o, info);
    case '/api/v3/write_lp':
      info.api = 'v3';
      if (method !== 'POST') throw methodNotAllowed('POST');
      return handleV3Write(req, res, url.searchParams, o, info);
    case '/query':
      if (method !== 'GET' && method !== 'POST') {
        req.resume();
        throw methodNotAllowed('GET, OPTIONS, POST');
      }
      return handleQuery(req, res, url, o, info);
    case '/api/v3/query_influxql':
      if (method !== 'GET' && method !== 'POST') {
        req.resume();
        throw methodNotAllowed('GET, POST');
      }
      return handleV3Query(req, res, url, o, info);
    case '/api/v2/query':
      // Flux is not served: InfluxQL is, at /query.
      req.resume();
      throw new HttpError('not implemented', 'Flux queries are not supported by Line Protocol Studio; send InfluxQL to /query (GET or POST with q, db, rp) instead');
    case '/ping':
      if (method !== 'GET' && method !== 'HEAD') throw methodNotAllowed('GET, HEAD, OPTIONS');
      req.resume();
      sendNoContent(res);
      return;
    case '/health': {
      req.resume();
      // Exactly 2.x's body (v2.0 - v2.9.1), spaces and trailing newline included; any method.
      // While the store is read-only (its disk full or failing): 2.x's unhealthy answer, 503 "fail".
      const h = o.store.health();
      const body = h.writable
        ? `{"name":"influxdb", "message":"ready for queries and writes", "status":"pass", "checks":[], "version": "${INFLUX_VERSION}", "commit": "lpstudio"}\n`
        : `${goJson({ name: 'influxdb', message: `read-only: ${h.reason}; reads work, writes are refused with 503 until the disk works again (checked every second)`, status: 'fail', checks: [], version: INFLUX_VERSION, commit: 'lpstudio' })}\n`;
      res.statusCode = h.writable ? 200 : 503;
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      res.end(body);
      return;
    }
    case '/ready': {
      req.resume();
      res.statusCode = 200;
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      res.end(JSON.stringify({ status: 'ready', started: STARTED, up: `${Math.round(process.uptime())}s` }, null, 2));
      return;
    }
    default:
      req.resume();
      throw new HttpError('not found', 'path not found');
  }
}

const STARTED = new Date().toISOString();

function methodNotAllowed(allow: string): HttpError {
  return new HttpError('method not allowed', `allow: ${allow}`, {}, { Allow: allow });
}
