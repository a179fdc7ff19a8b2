// The HTTP server of the embedded endpoint: routing, bounds on every request (header and body
// timeouts, a cap on concurrent requests, body size), InfluxDB's headers, and a log of recent
// requests for the request inspector.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { commonHeaders, HttpError, INFLUX_VERSION, sendError, sendNoContent } from './respond.js';
import { callerOf, handleV1Write, handleV2Write, type WriteContext, type WriteInfo } from './write.js';
import { authenticate, v1Credentials } from './auth.js';
import type { BrowserMode } from '../browser/routes.js';

export interface RequestLogEntry {
  id: number;
  time: string;
  client: string;
  method: string;
  path: string;
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
  /** First 64 KiB of the (decompressed) body. */
  body?: string;
}

export interface AppOptions extends WriteContext {
  maxConcurrent: number;
  /** The UI and the app API (browser mode), on paths InfluxDB does not use. */
  browser?: BrowserMode;
  onRequest?: (entry: RequestLogEntry) => void;
}

const BODY_PREVIEW = 64 * 1024;

export function createEndpointServer(o: AppOptions): Server {
  let inFlight = 0;
  let nextId = 1;
  const server = createServer((req, res) => {
    const started = performance.now();
    const info: WriteInfo = {};
    commonHeaders(res);
    const url = new URL(req.url ?? '/', 'http://endpoint');
    res.on('finish', () => {
      inFlight--;
      o.onRequest?.({
        id: nextId++,
        time: new Date().toISOString(),
        client: req.socket.remoteAddress ?? '',
        method: req.method ?? '',
        path: url.pathname,
        auth: info.auth,
        db: info.db,
        rp: info.rp,
        bucket: info.bucket,
        precision: info.precision,
        status: res.statusCode,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
        lines: info.lines,
        points: info.points,
        error: info.error,
        body: info.body === undefined ? undefined : info.body.subarray(0, BODY_PREVIEW).toString('utf8'),
      });
    });
    inFlight++;
    if (inFlight > o.maxConcurrent) {
      req.resume();
      sendError(res, new HttpError('too many requests', `more than ${o.maxConcurrent} requests at once; retry shortly`, {}, { 'Retry-After': '1' }));
      return;
    }
    route(req, res, url, o, info).catch((e: unknown) => {
      const err = e instanceof HttpError ? e : internal(e);
      info.error = err.message;
      if (!req.complete) req.resume();
      sendError(res, err);
    });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 0; // bodies are bounded by the idle timeout instead, so large uploads finish
  server.keepAliveTimeout = 5_000;
  server.maxHeadersCount = 100;
  return server;
}

function internal(e: unknown): HttpError {
  process.stderr.write(`lpstudio serve: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
  return new HttpError('internal error', 'An internal error has occurred - check server logs');
}

async function route(req: IncomingMessage, res: ServerResponse, url: URL, o: AppOptions, info: WriteInfo): Promise<void> {
  const method = req.method ?? 'GET';
  switch (url.pathname) {
    case '/write':
      if (method !== 'POST') {
        // 2.x runs the v1 authentication wrapper before the router's method check.
        req.resume();
        await authenticate(o.meta.get(), v1Credentials(req, url.searchParams), 'v1', callerOf(req, o));
        throw methodNotAllowed('OPTIONS, POST');
      }
      return handleV1Write(req, res, url.searchParams, o, info);
    case '/api/v2/write':
      if (method !== 'POST') throw methodNotAllowed('OPTIONS, POST');
      return handleV2Write(req, res, url.searchParams, o, info);
    case '/ping':
      if (method !== 'GET' && method !== 'HEAD') throw methodNotAllowed('GET, HEAD, OPTIONS');
      req.resume();
      sendNoContent(res);
      return;
    case '/health': {
      req.resume();
      // Exactly 2.x's body (v2.0 - v2.9.1), spaces and trailing newline included; any method.
      const body = `{"name":"influxdb", "message":"ready for queries and writes", "status":"pass", "checks":[], "version": "${INFLUX_VERSION}", "commit": "lpstudio"}\n`;
      res.statusCode = 200;
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
      if (o.browser !== undefined && (await o.browser.handle(req, res, url))) return;
      req.resume();
      throw new HttpError('not found', 'path not found');
  }
}

const STARTED = new Date().toISOString();

function methodNotAllowed(allow: string): HttpError {
  return new HttpError('method not allowed', `allow: ${allow}`, {}, { Allow: allow });
}
