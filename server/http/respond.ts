// Responses in InfluxDB 2.x's shapes: `{"code","message"}` JSON with Go's escaping, no trailing
// newline, `X-Platform-Error-Code`, and the version headers clients look for on every response.
import type { ServerResponse } from 'node:http';

export const INFLUX_VERSION = 'v2.7.11';
export const BUILD = 'OSS';

/** Error codes of InfluxDB 2.x and their HTTP statuses. */
export const STATUS: Readonly<Record<string, number>> = {
  invalid: 400,
  'empty value': 400,
  unauthorized: 401,
  forbidden: 403,
  'not found': 404,
  'method not allowed': 405,
  'request timeout': 408,
  conflict: 422,
  'request too large': 413,
  'unprocessable entity': 422,
  'too many requests': 429,
  'internal error': 500,
  'not implemented': 501,
  unavailable: 503,
};

/** JSON as Go's encoding/json writes it (<, >, & and the line separators escaped). */
export function goJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

export function commonHeaders(res: ServerResponse): void {
  res.setHeader('X-Influxdb-Build', BUILD);
  res.setHeader('X-Influxdb-Version', INFLUX_VERSION);
}

export class HttpError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
  get status(): number {
    return STATUS[this.code] ?? 500;
  }
}

export function sendError(res: ServerResponse, e: HttpError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = goJson({ code: e.code, message: e.message, ...e.extra });
  res.statusCode = e.status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('X-Platform-Error-Code', e.code);
  for (const [k, v] of Object.entries(e.headers)) res.setHeader(k, v);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

export function sendNoContent(res: ServerResponse): void {
  res.statusCode = 204;
  res.end();
}
